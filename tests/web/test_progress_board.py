"""The progress board: every unit × item of a period, by state, on a fixed day."""

from __future__ import annotations

from datetime import date

import pytest

from kaoping.engine import load_scheme
from kaoping.web import progress
from kaoping.web.models import Record

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def states(board, unit):
    row = next(r for r in board.rows if r.unit == unit)
    return dict(zip([c.key for c in board.columns], row.cells, strict=True)), row.counts


def test_columns_are_the_items_when_units_pick_an_item(progress_world):
    cols = progress.columns(progress_world.a.scheme)
    # every item but 10 扣分因素 (index 9), which holds only the assessor's 月度扣分
    assert [c.key for c in cols] == [f"item:{i}" for i in range(15) if i != 9]
    assert cols[0].label == "1 书记履职尽责情况" and cols[0].short == "1"
    # the fixed item of 典型培养宣传 is reported by that kind as well as the item-picking kinds
    assert "典型培养宣传" in cols[7].kinds and "典型培养宣传" not in cols[0].kinds


@pytest.mark.parametrize("month, expected", [(1, False), (2, False), (3, True)])
def test_an_item_recorded_in_a_quarters_last_month_is_expected_then_only(progress_world, month,
                                                                          expected):
    """Issue 11 point 2: 书记履职尽责情况 (``recorded_in: [3, 6, 9, 12]``) is not expected, not
    overdue and not reminded of in months 1 and 2 of a quarter; in month 3 it is."""
    w = progress_world
    period = {1: w.jan, 2: w.feb, 3: w.mar}[month]
    keys = [c.key for c in progress.period_columns(w.a, period)]
    assert ("item:0" in keys) is expected
    assert len(keys) == 13 + expected   # 14 columns less item 1 outside a quarter's last month
    board = progress.board(w.a, period, date(2026, 4, 1))   # every deadline has passed
    b1, _ = states(board, w.world.b1)
    assert b1.get("item:0") == ("overdue" if expected else None)
    todo = progress.outstanding(period, date(2026, 4, 1), [w.world.b1.pk])[w.world.b1.pk]
    assert ("item:0" in {c.key for c, _ in todo}) is expected


def test_columns_are_the_unit_kinds_without_items(progress_world):
    cols = progress.columns(progress_world.e.scheme)
    # E's 申诉 is its appeal register (``appeal``): appeals are filed on the published result,
    # not reported, so it is no column; an optional kind is (tests/web/test_progress_optional_kinds.py)
    assert [(c.key, c.label, c.optional) for c in cols] == [("kind:指标评分", "指标评分", False)]


@pytest.mark.parametrize("stem, expected", [
    ("b-luoyang-rubric", []),                       # only assessors enter records
    ("g-xiangxi-secretaries", ["kind:述职报告"]),     # items exist, but units never pick one
])
def test_columns_of_other_schemes(stem, expected):
    scheme = load_scheme(ROOT / "schemes" / f"{stem}.yaml")
    assert [c.key for c in progress.columns(scheme)] == expected


@pytest.mark.parametrize("today, pending", [
    (date(2026, 1, 20), "open"),      # 5 days left, due soon is 3 days
    (date(2026, 1, 22), "soon"),      # 3 days left
    (date(2026, 1, 25), "soon"),      # the deadline day itself
    (date(2026, 1, 26), "overdue"),   # one day late
])
def test_cell_states_on_a_fixed_day(progress_world, today, pending):
    w = progress_world
    board = progress.board(w.a, w.jan, today)
    b1, counts1 = states(board, w.world.b1)
    # 13 columns in 1月: the 15 items less 1 (a quarter's last month only) and 10 (deductions)
    assert "item:0" not in b1 and "item:9" not in b1
    assert b1["item:6"] == "done"        # 时间任务 on 党建制度建设, submitted
    assert b1["item:7"] == "done"        # 典型培养宣传 (fixed item 8), accepted
    assert b1["item:1"] == pending       # 数量任务 on item "2": only a draft
    assert b1["item:2"] == pending       # 质量成果 on item 3: returned to the unit
    assert counts1 == {"done": 2, "soon": 0, "overdue": 0, "open": 0, pending: 11}  # 13 − 2
    b2, counts2 = states(board, w.world.b2)
    assert set(b2.values()) == {pending}  # 二支部's 2月 record does not count for 1月
    # 2 units × 13 columns = 26 cells, 2 done
    assert board.totals == {"done": 2, "soon": 0, "overdue": 0, "open": 0, pending: 24}
    done = dict(zip([c.key for c in board.columns], board.column_done, strict=True))
    assert done["item:6"] == 1 and done["item:1"] == 0
    assert board.days_left == (date(2026, 1, 25) - today).days


def test_other_period_and_units_without_records(progress_world):
    w = progress_world
    board = progress.board(w.a, w.feb, date(2026, 1, 26))   # 30 days before 2月's deadline
    b2, counts = states(board, w.world.b2)
    # 13 columns in 2月 (as in 1月): 1 done, 12 open; 2 × 13 − 1 = 25 open cells
    assert b2["item:3"] == "done" and counts["done"] == 1 and counts["open"] == 12
    assert board.totals["done"] == 1 and board.totals["open"] == 25


def test_submitting_turns_a_cell_done(progress_world):
    w = progress_world
    draft = Record.objects.get(kind="数量任务")
    draft.status = Record.Status.SUBMITTED
    draft.save()
    b1, counts = states(progress.board(w.a, w.jan, date(2026, 1, 26)), w.world.b1)
    assert b1["item:1"] == "done" and counts == {"done": 3, "soon": 0, "overdue": 10, "open": 0}


def test_records_of_a_scheme_without_items(progress_world):
    w = progress_world
    w.record(w.e, w.e_year, w.world.b1, "指标评分", {"指标名称": "x"})
    board = progress.board(w.e, w.e_year, date(2026, 12, 18))
    b1, counts = states(board, w.world.b1)
    assert b1 == {"kind:指标评分": "done"}   # 申诉 is filed as an appeal, not reported
    assert counts == {"done": 1, "soon": 0, "overdue": 0, "open": 0}
    # one required column × two units: 一支部 done, 二支部 due soon
    assert board.totals == {"done": 1, "soon": 1, "overdue": 0, "open": 0}
    assert board.cells == 2 and board.unit_counts == {"all": 2, "done": 1, "soon": 1,
                                                      "overdue": 0, "open": 0}


def test_default_period_is_the_earliest_open_one(progress_world):
    w = progress_world
    assert progress.default_period(w.a) == w.jan
    w.jan.state = "published"
    w.jan.save()
    assert progress.default_period(w.a) == w.feb


def test_the_database_finds_the_same_columns_as_python(progress_world):
    """The board counts in SQL (``column_expression``) what ``column_of`` says in Python: an
    item named, coded, "code name" or stored as a number; a fixed item; a kind column."""
    w = progress_world
    w.record(w.a, w.jan, w.world.b2, "质量成果", {"考核项目": 5})        # a code as a number
    w.record(w.a, w.jan, w.world.b2, "时间任务", {"考核项目": "没有这个项目"})
    w.record(w.a, w.jan, w.world.b2, "月度扣分", {"类型": "督办"})      # assessors' kind
    w.record(w.e, w.e_year, w.world.b2, "申诉", {"申诉事项": "x"})
    for assessment, period in ((w.a, w.jan), (w.a, w.feb), (w.e, w.e_year)):
        sql = set(progress.done_records(period, assessment.scheme).values_list("unit_id", "col"))
        assert sql == progress.done_cells(period, assessment.scheme)
    jan = set(progress.done_records(w.jan, w.a.scheme).values_list("unit_id", "col"))
    assert jan == {(w.world.b1.pk, "item:6"), (w.world.b1.pk, "item:7"),
                   (w.world.b2.pk, "item:4")}
