"""Scheme A read against SCHEMES.md once more (issue 12, points 1–4): what it accepts, refuses
and how a never-reported task scores. Each case is worked by hand."""

from __future__ import annotations

import pytest

from helpers import bundled, dataset
from kaoping.engine import InputError, evaluate, explain

A = "a-linyi-branches"


def problems(records, units=("一支部",)):
    s = bundled(A)
    try:
        dataset(s, list(units), records)
    except InputError as exc:
        return [str(p) for p in exc.problems]
    return []


def raw_points(records, month):
    """一支部's raw points (before ÷ best) summed over items, in ``month``."""
    s = bundled(A)
    r = evaluate(s, dataset(s, ["一支部"], records))
    return round(float(r.measure("item_raw")[0, :, month - 1].sum()), 9)


# ---------------------------------------------------------------- 1. 典型培养宣传: a duplicate
# is the same title in the same medium on the same date; another date is another record.
def article(month, date, medium="大众日报", title="沂蒙新风", level="省"):
    return {"单位": "一支部", "月份": month, "媒体层级": level, "媒体名称": medium,
            "文章题目": title, "发表日期": date}


@pytest.mark.parametrize(
    ("rows", "march", "april", "refused"),
    [
        # a series: same title, same medium, March and April → 省 3 in each month
        ([article(3, "2026-03-05"), article(4, "2026-04-05")], 3, 3, False),
        # a reprint the same month on another day → 3 + 3 = 6 in March
        ([article(3, "2026-03-05"), article(3, "2026-03-20")], 6, 0, False),
        # same title and date in another medium → 3 + 市 2 = 5
        ([article(3, "2026-03-05"), article(3, "2026-03-05", medium="临沂日报", level="市")], 5, 0,
         False),
        # same title, medium and date: a true duplicate
        ([article(3, "2026-03-05"), article(3, "2026-03-05")], None, None, True),
    ],
    ids=["series", "reprint", "other-medium", "duplicate"],
)
def test_publicity_uniqueness(rows, march, april, refused):
    records = {"典型培养宣传": rows}
    if refused:
        assert problems(records) == ["test: records.典型培养宣传[1]: 与 test: records.典型培养宣传[0] 重复"
                                     "（单位+文章题目+媒体名称+发表日期 相同）"]
        return
    assert (raw_points(records, 3), raw_points(records, 4)) == (march, april)


# ---------------------------------------------------------------- 2. 书记履职尽责情况 in a
# quarter's last month only (decision 2)
def task(month, item="书记履职尽责情况", name="书记讲党课"):
    return {"单位": "一支部", "月份": month, "考核项目": item, "业务名称": name,
            "截止日期": f"2026-{month:02d}-15", "完成日期": f"2026-{month:02d}-15"}


@pytest.mark.parametrize("month", range(1, 13))
def test_secretary_item_only_in_a_quarters_last_month(month):
    got = problems({"时间任务": [task(month)]})
    if month % 3 == 0:
        assert got == []
        assert raw_points({"时间任务": [task(month)]}, month) == 1  # on time: 1
    else:
        assert got == [f"test: records.时间任务[0].月份: 考核项目「书记履职尽责情况」在 3月、6月、9月、12月 "
                       f"登记，不在 {month}月"]


def test_secretary_item_refused_in_every_kind_that_names_it():
    quality = {"单位": "一支部", "月份": 2, "考核项目": "书记履职尽责情况", "成果名称": "x", "层级": "县"}
    quantity = {"单位": "一支部", "月份": 4, "考核项目": "1", "业务名称": "调研", "应报数量": 2,
                "实报数量": 2, "上报日期": "2026-04-20"}
    assert problems({"质量成果": [quality], "数量任务": [quantity]}) == [
        "test: records.数量任务[0].月份: 考核项目「书记履职尽责情况」在 3月、6月、9月、12月 登记，不在 4月",
        "test: records.质量成果[0].月份: 考核项目「书记履职尽责情况」在 3月、6月、9月、12月 登记，不在 2月",
    ]


# ---------------------------------------------------------------- 3. 扣分因素 holds deductions
@pytest.mark.parametrize(
    ("kind", "row"),
    [
        ("时间任务", task(3, item="扣分因素", name="底线任务")),
        ("数量任务", {"单位": "一支部", "月份": 3, "考核项目": "10", "业务名称": "x", "应报数量": 1,
                  "实报数量": 1, "上报日期": "2026-03-20"}),
        ("质量成果", {"单位": "一支部", "月份": 3, "考核项目": "10 扣分因素", "成果名称": "x", "层级": "县"}),
    ],
)
def test_deduction_row_refuses_scored_records(kind, row):
    assert problems({kind: [row]}) == [
        f"test: records.{kind}[0].考核项目: 考核项目「扣分因素」只登记「月度扣分」的记录，不能登记「{kind}」"]


def test_deduction_row_takes_monthly_deductions():
    # 督办 0.03 + 退稿 0.02 = 0.05 off March's total; items 0 → monthly = 0 − 0.05 = −0.05
    rows = [{"单位": "一支部", "月份": 3, "类型": "督办", "扣分": 0.03, "事由": "超期"},
            {"单位": "一支部", "月份": 3, "类型": "退稿", "扣分": 0.02, "事由": "退稿"}]
    s = bundled(A)
    r = evaluate(s, dataset(s, ["一支部"], {"月度扣分": rows}))
    assert round(float(r.measure("monthly")[0, 2]), 9) == -0.05


# ---------------------------------------------------------------- 4. a quantity task never
# reported: blank 上报日期 is recordable, scores 0 and says it is overdue
@pytest.mark.parametrize(
    ("required", "reported", "on", "expected"),
    [
        (4, 4, "2026-03-20", 1.0),   # in time and complete
        (4, 4, "2026-03-26", 0.5),   # late → at most 0.5
        (4, 0, None, 0.0),           # never reported → unreported 0
        (4, 4, None, 0.0),           # a count without a report date is still not reported: 0
    ],
)
def test_never_reported_quantity_task(required, reported, on, expected):
    row = {"单位": "一支部", "月份": 3, "考核项目": "学习平台使用情况", "业务名称": "参学",
           "应报数量": required, "实报数量": reported, "上报日期": on}
    assert problems({"数量任务": [row]}) == []
    assert raw_points({"数量任务": [row]}, 3) == expected


def test_never_reported_task_explained_as_overdue():
    row = {"单位": "一支部", "月份": 3, "考核项目": "学习平台使用情况", "业务名称": "参学",
           "应报数量": 4, "实报数量": 0, "上报日期": None}
    s = bundled(A)
    r = evaluate(s, dataset(s, ["一支部", "二支部"], {"数量任务": [row]}))
    assert "应报 4，截止 2026-03-25，逾期未上报（上报日期为空），计 0" in explain(r, "一支部").to_text()
