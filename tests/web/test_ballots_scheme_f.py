"""Scheme F's four evaluator groups 50/40/5/5: the weighted score shown, three fields written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kaoping.web import ballot_results
from kaoping.web.actions.ballots import (
    CategorySpec,
    ballot_defaults,
    do_close_ballot,
    do_create_ballot,
)


def test_four_groups(ballot_assessment):
    k = ballot_assessment
    w = k.world
    a = k.make("f-linxi-three-level")
    d = ballot_defaults(a, "年末评议")
    assert d["write"] == "fields"
    assert d["categories"] == [("党建监督员", 40.0), ("党员干部", 5.0), ("服务对象", 5.0)]
    now = timezone.now()
    ballot = do_create_ballot(
        w.bob, a, title="年末评议", kind="年末评议", period=a.periods.get(), form="score",
        categories=[CategorySpec("考核组", 50, raters=[w.bob, w.frank]),
                    CategorySpec("党建监督员", 40, tokens=2), CategorySpec("党员干部", 5, tokens=2),
                    CategorySpec("服务对象", 5, tokens=2)],
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
        write="fields", field_map=d["field_map"], units=[w.b1])
    from kaoping.web.actions.ballots import do_cast_ballot
    from kaoping.web.models import BallotToken

    for user, s in ((w.bob, 90), (w.frank, 80)):       # 考核组 (90 + 80) / 2 = 85
        do_cast_ballot(BallotToken.objects.get(user=user), {w.b1.pk: s})
    for s in (70, 90):                                  # 党建监督员 80
        k.vote(ballot, "党建监督员", {w.b1: s})
    for s in (60, 80):                                  # 党员干部 70
        k.vote(ballot, "党员干部", {w.b1: s})
    k.vote(ballot, "服务对象", {w.b1: 100})             # 服务对象 100 (1 of 2 tokens used)
    r = ballot_results.load(ballot)
    u = r.unit(w.b1.pk)
    # 0.5 × 85 + 0.4 × 80 + 0.05 × 70 + 0.05 × 100 = 42.5 + 32 + 3.5 + 5 = 83
    assert u.weighted == pytest.approx(83)
    assert r.turnout == {"考核组": (2, 2), "党建监督员": (2, 2), "党员干部": (2, 2),
                         "服务对象": (1, 2)}
    [record] = do_close_ballot(w.bob, ballot)
    assert record.data == {"党建监督员评分": 80, "党员干部评分": 70, "服务对象评分": 100}


def test_weights_renormalised_without_a_category():
    # 服务对象 has no votes: (50 × 85 + 40 × 80 + 5 × 70) / 95 = (4250 + 3200 + 350) / 95 = 82.105…
    w = ballot_results.weighted({"考核组": 85, "党建监督员": 80, "党员干部": 70, "服务对象": None},
                                {"考核组": 50, "党建监督员": 40, "党员干部": 5, "服务对象": 5})
    assert w == pytest.approx(7800 / 95)
