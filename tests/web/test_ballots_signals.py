"""Signals for the assessor (shown, never applied): uniform sheets and raters far from the
consensus; the counts themselves are not changed by them."""

from __future__ import annotations

import pytest

from kaoping.web import ballot_results as br

SETUP = br.Setup(units=[(1, "甲"), (2, "乙"), (3, "丙")], categories=[("党员", 100)],
                 choices=[("好", 100), ("较好", 80), ("一般", 60), ("差", 40)])


def _sheet(name, choices):
    return [br.Vote(name, "党员", unit, c) for unit, c in zip((1, 2, 3), choices, strict=True)]


def test_uniform_and_outlying_sheets():
    votes = (_sheet("s1", [0, 1, 2]) + _sheet("s2", [0, 1, 2]) + _sheet("s3", [0, 1, 2])
             + _sheet("s4", [3, 3, 3]))
    r = br.count(SETUP, votes, {"党员": 5}, {"党员": 4})
    # 甲: (3×100 + 40) / 4 = 85; 乙: (3×80 + 40) / 4 = 70; 丙: (3×60 + 40) / 4 = 55
    assert [u.cells["党员"].mean for u in r.units] == [85, 70, 55]
    assert r.unit(1).distribution == [3, 0, 0, 1]
    # s4 differs by |40−85| + |40−70| + |40−55| = 45 + 30 + 15 → mean 30 > 20
    messages = [s.message for s in r.signals]
    assert messages == ["党员：1 张票对所有单位作出相同评价",
                        "党员：1 张票与多数意见相差较大（平均偏离超过 20 分，最大 30.0 分）"]
    assert r.turnout == {"党员": (4, 5)} and r.sheets == {"党员": 4}


def test_no_signals_for_an_ordinary_meeting():
    votes = _sheet("s1", [0, 1, 2]) + _sheet("s2", [1, 1, 2])
    r = br.count(SETUP, votes)
    assert r.signals == []
    assert r.unit(1).cells["党员"].mean == pytest.approx(90)
