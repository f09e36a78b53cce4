"""Scheme G's 3:5:2 quota on 日常管理评定: a sheet that breaks it is refused with the counts."""

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
from kaoping.web.actions.base import ActionError
from kaoping.web.models import BallotSheet, BallotToken


@pytest.fixture
def setup(ballot_assessment):
    k = ballot_assessment
    units = k.branches(10)
    a = k.make("g-xiangxi-secretaries", units=units)
    d = ballot_defaults(a, "日常管理评定")
    assert d["choices"] == [["好", 100], ["较好", 90], ["一般", 80]]
    assert (d["write"], d["choice_field"]) == ("plurality", "等次")
    d.pop("categories")
    now = timezone.now()
    ballot = do_create_ballot(k.world.bob, a, title="日常管理评定", kind="日常管理评定",
                              period=a.periods.get(), categories=[CategorySpec("牵头单位", 100, 3)],
                              opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=1),
                              **d)
    return k, ballot, units


def test_quota_refused_then_a_stricter_sheet_accepted(setup):
    k, ballot, units = setup
    # 10 units: 好 at most ⌊0.3 × 10 + ½⌋ = 3; 好 + 较好 at most ⌊0.8 × 10 + ½⌋ = 8
    greedy = ["好"] * 5 + ["较好"] * 4 + ["一般"]
    with pytest.raises(ActionError) as e:
        k.vote(ballot, "牵头单位", dict(zip(units, greedy, strict=True)))
    assert "好 已选 5 个，最多 3 个" in e.value.message
    assert "好+较好 已选 9 个，最多 8 个" in e.value.message
    assert not BallotToken.objects.filter(used=True).exists()
    assert not BallotSheet.objects.exists()
    strict = ["好"] * 3 + ["较好"] * 5 + ["一般"] * 2
    k.vote(ballot, "牵头单位", dict(zip(units, strict, strict=True)))
    k.vote(ballot, "牵头单位", dict(zip(units, ["好"] * 2 + ["较好"] * 5 + ["一般"] * 3, strict=True)))
    records = do_close_ballot(k.world.bob, ballot)
    # most votes per unit (a tie goes to the lower grade): 支部3 has 好 and 较好 → 较好
    got = {r.unit.name: r.data["等次"] for r in records}
    assert got["支部1"] == "好" and got["支部3"] == "较好" and got["支部9"] == "一般"
    assert sum(v == "好" for v in got.values()) == 2


def test_the_page_refuses_a_sheet_over_the_quota(setup, client):
    k, ballot, units = setup
    code = BallotToken.objects.filter(used=False).first().code
    page = client.get(f"/vote/{code}/")
    assert "好 最多 3 个" in page.text and 'id="limits"' in page.text
    greedy = ["好"] * 5 + ["较好"] * 3 + ["一般"] * 2
    data = {f"u{u.pk}": str(["好", "较好", "一般"].index(c)) for u, c in zip(units, greedy, strict=True)}
    r = client.post(f"/vote/{code}/", data)
    assert r.status_code == 400 and "好 已选 5 个，最多 3 个" in r.text
    assert not BallotSheet.objects.exists()
