"""Scheme D: 述职评议 as a distribution (档次 + 票数) and 民主测评 by rater category."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kaoping.web.actions.ballots import (
    CategorySpec,
    ballot_defaults,
    do_close_ballot,
    do_create_ballot,
)
from kaoping.web.services import scoring

CLASSES = {"一支部": "镇街", "二支部": "市直单位"}


def _ballot(k, a, kind, **kw):
    now = timezone.now()
    d = ballot_defaults(a, kind)
    cats = kw.pop("categories")
    d.pop("categories")
    d.update(kw)
    return do_create_ballot(k.world.bob, a, title=kind, kind=kind, period=a.periods.get(),
                            categories=cats, opens_at=now - timedelta(hours=1),
                            closes_at=now + timedelta(hours=1), **d)


def test_defaults_from_the_scheme(ballot_assessment):
    a = ballot_assessment.make("d-leadership-teams", classes=CLASSES)
    d = ballot_defaults(a, "述职评议")
    assert d["choices"] == [["好", 100], ["较好", 80], ["一般", 60], ["差", 40]]
    assert (d["write"], d["choice_field"], d["count_field"]) == ("distribution", "档次", "票数")
    d = ballot_defaults(a, "民主测评")
    # the weights of the scheme's weighted measure: 领导自评 0.4, 民主评议 0.6
    assert (d["write"], d["value_field"], d["category_field"], d["scale"]) == (
        "value", "得分", "评价主体", 1.0)
    assert d["categories"] == [("领导自评", 40.0), ("民主评议", 60.0)]


def test_report_evaluation_distribution_and_the_engines_mean(ballot_assessment):
    k = ballot_assessment
    a = k.make("d-leadership-teams", classes=CLASSES)
    ballot = _ballot(k, a, "述职评议", units=[k.world.b1],
                     categories=[CategorySpec("常委", 100, tokens=10)])
    for choice in ["好"] * 6 + ["较好"] * 3 + ["一般"]:
        k.vote(ballot, "常委", {k.world.b1: choice})
    records = do_close_ballot(k.world.bob, ballot)
    assert [(r.data["档次"], r.data["票数"]) for r in records] == [
        ("好", 6), ("较好", 3), ("一般", 1), ("差", 0)]
    outcome = scoring.score(a, a.periods.get())
    assert outcome.ok, outcome.problems
    # (6×100 + 3×80 + 1×60) / 10 = (600 + 240 + 60) / 10 = 90
    review = outcome.result.measure("review")
    assert float(review[outcome.result.index_of("一支部")].sum()) == pytest.approx(90)


def test_democratic_evaluation_one_record_per_category(ballot_assessment):
    k = ballot_assessment
    a = k.make("d-leadership-teams", classes=CLASSES)
    ballot = _ballot(k, a, "民主测评", units=[k.world.b2],
                     categories=[CategorySpec("领导自评", 40, tokens=2),
                                 CategorySpec("民主评议", 60, tokens=3)])
    for s in (90, 80):
        k.vote(ballot, "领导自评", {k.world.b2: s})
    for s in (70, 60, 80):
        k.vote(ballot, "民主评议", {k.world.b2: s})
    records = do_close_ballot(k.world.bob, ballot)
    # 领导自评 (90 + 80) / 2 = 85; 民主评议 (70 + 60 + 80) / 3 = 70
    assert sorted((r.data["评价主体"], r.data["得分"]) for r in records) == [
        ("民主评议", 70), ("领导自评", 85)]
    outcome = scoring.score(a, a.periods.get())
    # the engine weighs them: 0.4 × 85 + 0.6 × 70 = 34 + 42 = 76
    dem = outcome.result.measure("democratic")
    assert float(dem[outcome.result.index_of("二支部")].sum()) == pytest.approx(76)
