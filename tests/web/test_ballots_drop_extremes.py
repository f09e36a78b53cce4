"""去掉一个最高分和一个最低分."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kaoping.web import ballot_results
from kaoping.web.actions.ballots import CategorySpec, do_close_ballot, do_create_ballot


def test_trimmed_mean():
    # 100, 90, 80, 70, 0 → drop 100 and 0 → (90 + 80 + 70) / 3 = 80
    assert ballot_results.trimmed_mean([100, 90, 80, 70, 0], True) == (80, True)
    assert ballot_results.trimmed_mean([100, 90, 80, 70, 0], False) == (68, False)
    # fewer than 3: nothing dropped
    assert ballot_results.trimmed_mean([100, 0], True) == (50, False)


def test_scheme_g_report_scores_drop_extremes(ballot_assessment):
    k = ballot_assessment
    a = k.make("g-xiangxi-secretaries")
    now = timezone.now()
    ballot = do_create_ballot(
        k.world.bob, a, title="述职测评", kind="述职测评", period=a.periods.get(), form="score",
        categories=[CategorySpec("参会人员", 100, tokens=5)], drop_extremes=True,
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
        write="value", value_field="得分", units=[k.world.b1])
    for s in (100, 90, 80, 70, 0):
        k.vote(ballot, "参会人员", {k.world.b1: s})
    cell = ballot_results.load(ballot).unit(k.world.b1.pk).cells["参会人员"]
    assert (cell.count, cell.mean, cell.dropped) == (5, pytest.approx(80), True)
    [record] = do_close_ballot(k.world.bob, ballot)
    assert record.data["得分"] == 80
