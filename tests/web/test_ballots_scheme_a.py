"""Scheme A's quarterly 民主测评 by ballot: 10 raters, mean ÷ 100 → 得分 (0–1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kaoping.engine import explain
from kaoping.web.actions.ballots import (
    CategorySpec,
    ballot_defaults,
    do_close_ballot,
    do_create_ballot,
)
from kaoping.web.models import AuditEntry, Record
from kaoping.web.services import scoring


@pytest.fixture
def setup(ballot_assessment):
    k = ballot_assessment
    a = k.make("a-linyi-branches")
    now = timezone.now()
    ballot = do_create_ballot(
        k.world.bob, a, title="第一季度民主测评", kind="民主测评", period=a.periods.get(),
        scheme_period=1, form="choices", choices=[["好", 100], ["较好", 80], ["一般", 60], ["差", 40]],
        categories=[CategorySpec("党员", 100, tokens=10)],
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
        write="value", value_field="得分", scale=0.01)
    return k, a, ballot


def test_defaults_from_the_scheme(ballot_assessment):
    a = ballot_assessment.make("a-linyi-branches")
    d = ballot_defaults(a, "民主测评")
    # 得分 runs 0–1: the written value is the mean ÷ 100
    assert (d["form"], d["write"], d["value_field"], d["scale"]) == ("score", "value", "得分", 0.01)


def test_ten_raters_give_the_quarter_its_score(setup):
    k, a, ballot = setup
    w = k.world
    # 一支部: 7 好 + 3 较好 → (700 + 240) / 10 = 94 → 0.94
    # 二支部: 5 好 + 4 较好 + 1 一般 → (500 + 320 + 60) / 10 = 88 → 0.88
    b1 = ["好"] * 7 + ["较好"] * 3
    b2 = ["好"] * 5 + ["较好"] * 4 + ["一般"]
    for x, y in zip(b1, b2, strict=True):
        k.vote(ballot, "党员", {w.b1: x, w.b2: y})
    records = do_close_ballot(w.bob, ballot)
    assert {(r.unit.name, r.scheme_period, r.data["得分"], r.status) for r in records} == {
        ("一支部", 1, 0.94, Record.Status.ACCEPTED), ("二支部", 1, 0.88, Record.Status.ACCEPTED)}
    assert all(r.created_by == w.bob for r in records)
    assert AuditEntry.objects.filter(action="ballot.close", object_id=str(ballot.pk)).exists()
    ballot.refresh_from_db()
    assert ballot.closed
    # the engine reads them as the quarter's 民主测评成绩
    outcome = scoring.score(a, a.periods.get())
    assert outcome.ok, outcome.problems
    democratic = outcome.result.measure("democratic")
    i1, i2 = outcome.result.index_of("一支部"), outcome.result.index_of("二支部")
    assert float(democratic[i1].sum()) == pytest.approx(0.94)
    assert float(democratic[i2].sum()) == pytest.approx(0.88)
    # … and the unit's explanation shows the ballot's record behind the quarter's score
    text = explain(outcome.result, "一支部").to_text()
    assert "第1季度 民主测评成绩 = 0.94" in text
    assert "民主测评：得分 0.94 → 0.94" in text


def test_closing_twice_is_refused(setup):
    from kaoping.web.actions.base import ActionError

    k, a, ballot = setup
    k.vote(ballot, "党员", {k.world.b1: "好", k.world.b2: "好"})
    do_close_ballot(k.world.bob, ballot)
    with pytest.raises(ActionError):
        do_close_ballot(k.world.bob, ballot)
    assert Record.objects.filter(kind="民主测评").count() == 2
