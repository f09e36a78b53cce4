"""Scheme A (临沂, seed 000): monthly normalised scoring of branches, worked by hand."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from helpers import EXAMPLES, bundled, dataset
from kaoping.engine import PastYear, evaluate, explain
from kaoping.io import read_input

A = "a-linyi-branches"
ITEM3 = "记录规范及档案整理情况"


def time_task(unit, done, *, deadline="2026-03-15", severe=None, month=3, item=ITEM3, name="归档"):
    return {"单位": unit, "月份": month, "考核项目": item, "业务名称": name,
            "截止日期": deadline, "完成日期": done, "严重超期": severe}


def quantity_task(unit, required, reported, on, *, month=3, item="学习平台使用情况"):
    return {"单位": unit, "月份": month, "考核项目": item, "业务名称": "参学人数",
            "应报数量": required, "实报数量": reported, "上报日期": on}


def raw_march(records):
    """Each branch's raw points for the item in March (before ÷ best)."""
    s = bundled(A)
    units = sorted({r["单位"] for rows in records.values() for r in rows})
    r = evaluate(s, dataset(s, units, records))
    raw = r.measure("item_raw")
    return {u: round(float(raw[r.index_of(u)].sum()), 9) for u in units}


# 时间规则：按时完成计 1 分，每拖延一天扣 0.1 分，最低 0；严重超期最高 0.5 分。
@pytest.mark.parametrize(
    ("done", "severe", "expected"),
    [
        ("2026-03-15", None, 1.0),   # on the deadline
        ("2026-03-10", None, 1.0),   # early is on time
        ("2026-03-18", None, 0.7),   # 3 days late: 1 − 0.1×3 = 0.7 (exactly)
        ("2026-03-24", None, 0.1),   # 9 days: 1 − 0.9 = 0.1
        ("2026-03-27", None, 0.0),   # 12 days: 1 − 1.2 < 0 → floor 0
        ("2026-03-16", "是", 0.5),   # 1 day late = 0.9, severely overdue → capped at 0.5
        ("2026-03-23", "是", 0.2),   # 8 days = 0.2, below the cap: stays 0.2
        (None, None, 0.0),           # never done
    ],
)
def test_time_rule(done, severe, expected):
    raw = raw_march({"时间任务": [time_task("一支部", done, severe=severe)]})
    assert raw["一支部"] == expected


# 数量规则：25 日前达到数量计 1 分；不足按比例；逾期上报最高 0.5 分。
@pytest.mark.parametrize(
    ("required", "reported", "on", "expected"),
    [
        (4, 4, "2026-03-25", 1.0),    # on the 25th itself is in time
        (4, 6, "2026-03-20", 1.0),    # more than required still 1
        (4, 3, "2026-03-20", 0.75),   # 3 ÷ 4
        (3, 1, "2026-03-20", 0.333333333),  # 1 ÷ 3
        (4, 4, "2026-03-26", 0.5),    # complete but late → at most 0.5
        (4, 1, "2026-03-28", 0.25),   # 1 ÷ 4 = 0.25, already under the cap
        (2, 0, "2026-03-20", 0.0),    # nothing reported
    ],
)
def test_quantity_rule(required, reported, on, expected):
    raw = raw_march({"数量任务": [quantity_task("一支部", required, reported, on)]})
    assert raw["一支部"] == expected


# 质量规则：按中央、省、市、县层级分别计 4、3、2、1 分，宣传稿件不因晚报扣分。
@pytest.mark.parametrize(("level", "points"), [("中央", 4), ("省", 3), ("市", 2), ("县", 1)])
def test_publicity_tiers(level, points):
    rec = {"单位": "一支部", "月份": 3, "媒体层级": level, "媒体名称": "某报", "文章题目": "某文",
           "发表日期": "2026-03-28"}  # published after the 25th: no time penalty for quality
    assert raw_march({"典型培养宣传": [rec]})["一支部"] == points


def test_normalisation_by_the_best_branch():
    s = bundled(A)
    records = {"典型培养宣传": [
        {"单位": "一支部", "月份": 3, "媒体层级": "省", "媒体名称": "大众日报", "文章题目": "甲",
         "发表日期": "2026-03-01"},
        {"单位": "一支部", "月份": 3, "媒体层级": "县", "媒体名称": "县台", "文章题目": "乙",
         "发表日期": "2026-03-02"},
        {"单位": "二支部", "月份": 3, "媒体层级": "市", "媒体名称": "临沂日报", "文章题目": "丙",
         "发表日期": "2026-03-03"},
    ]}
    r = evaluate(s, dataset(s, ["一支部", "二支部", "三支部"], records))
    perf = r.measure("monthly")[:, 2]  # March
    # raw: 一 3 + 1 = 4 (the best), 二 2, 三 0 → 4/4 = 1, 2/4 = 0.5, 0/4 = 0
    assert [round(float(x), 9) for x in perf] == [1.0, 0.5, 0.0]


def test_all_branches_zero_score_zero():
    s = bundled(A)
    r = evaluate(s, dataset(s, ["一支部", "二支部"], {}))
    assert [x.score for x in r.ranking()] == [Decimal("0.00"), Decimal("0.00")]
    assert [x.rank for x in r.ranking()] == [1, 1]  # a tie shares the better rank


@pytest.mark.parametrize(
    ("n", "points"),
    [
        # ⌈n/3⌉, ⌈(n − ⌈n/3⌉)/2⌉, rest
        (8, [1, 1, 1, 0.9, 0.9, 0.9, 0.8, 0.8]),   # 3, 3, 2
        (7, [1, 1, 1, 0.9, 0.9, 0.8, 0.8]),        # 3, 2, 2
        (5, [1, 1, 0.9, 0.9, 0.8]),                # 2, 2, 1
        (3, [1, 0.9, 0.8]),                        # 1, 1, 1
        (2, [1, 0.9]),                             # 1, 1, 0
    ],
)
def test_showcase_tiers(n, points):
    s = bundled(A)
    names = [f"{i}支部" for i in range(1, n + 1)]
    ranks = [{"单位": u, "季度": 2, "名次": k} for k, u in enumerate(names, 1)]
    r = evaluate(s, dataset(s, names, {"展评排名": ranks}))
    got = [round(float(r.measure("showcase_points")[r.index_of(u), 1]), 9) for u in names]
    assert got == points


def score_example(history=True):
    s = bundled(A)
    data = read_input(s, EXAMPLES / f"{A}.json")
    hist = {}
    if history:
        doc = json.loads((EXAMPLES / f"{A}.history-2025.json").read_text(encoding="utf-8"))
        hist = {2025: PastYear.from_dict(doc)}
    return evaluate(s, data, hist)


def test_example_monthly_scores():
    r = score_example()
    monthly = r.measure("monthly")
    got = {u: [round(float(x), 6) for x in monthly[r.index_of(u), :3]] for u in r.units}
    # Baseline: 8 time items + 3 quantity items = 11 a month (row 10 扣分因素 holds only
    # 月度扣分 deductions, issue 12 point 3), plus 书记履职 in March = 12.
    assert got == {
        # Jan: + 宣传 省 3 ÷ best 中央 4 = 0.75.  Feb: 11.  Mar: + 书记 1 ÷ best 2 + 质量 省 1
        "一支部": [11.75, 11.0, 12.5],
        # Jan: 11 − 0.3 (3 days late) + 宣传 2/4 − 督办 0.03 = 11.17
        # Feb: item 9 2 days late 0.8 ÷ best 0.9 = 8/9; item 2 1 ÷ best 1.5 = 2/3 → 11 − 1/9 − 1/3
        "二支部": [11.17, 10.555556, 11.5],
        # Jan: severe → 0.5 (−0.5), 宣传 1/4.  Feb: 11 − 1/3 − 1/3 − 0.05 − 0.01.  Mar: 书记 0.9/2
        "三支部": [10.75, 10.273333, 11.45],
        # Jan: 3 of 4 → 0.75 (−0.25), 宣传 中央 4/4 = 1.  Mar: two 书记 tasks = 2 = best → 1
        "四支部": [11.75, 10.333333, 12.0],
        # Jan: reported on the 27th → 0.5 (−0.5).  Feb: + 宣传 (3 + 2) ÷ 5 = 1
        "五支部": [10.5, 11.333333, 11.5],
        # Jan: + 质量 市 2 ÷ 2 = 1 − 退稿 0.02.  Feb: + 宣传 4 ÷ 5 = 0.8
        "六支部": [11.98, 11.133333, 11.5],
        # Jan: + 质量 1.  Feb: 11 − 2/3 (as before) − 督办 0.05 (底线任务超期 12 天, now a deduction)
        "七支部": [12.0, 10.283333, 11.5],
        # Jan: item 7 not done (−1).  Mar: 0 of 3 (−1), 书记 1/2, − 反复修改 0.04
        "八支部": [10.0, 10.333333, 10.46],
    }


def test_example_annual_ranking_and_flags():
    r = score_example()
    table = {u.unit: (u.rank, u.score, u.flags) for u in r.ranking()}
    below = "不予上报先进基层党组织"
    # Q1 daily + showcase tier (ranks 一六四 | 七二五 | 三八 → 1 | 0.9 | 0.8) + 民主测评, + 述职评议:
    # 一 35.25 + 1 + 0.95 + 0.9 = 38.1
    # 六 (11.98 + 11.1333… + 11.5) + 1 + 0.92 + 0.95 = 37.4833…
    # 四 (11.75 + 10.3333… + 12) + 1 + 0.9 + 0.9 = 36.8833…
    # 七 (12 + 10.2833… + 11.5) + 0.9 + 0.8 + 0.8 = 36.2833…
    # 五 (10.5 + 11.3333… + 11.5) + 0.9 + 0.88 + 0.85 = 35.9633…
    # 二 (11.17 + 10.5555… + 11.5) + 0.9 + 0.9 + 0.85 = 35.8755…
    # 三 (10.75 + 10.2733… + 11.45) + 0.8 + 0.85 + 0.8 = 34.9233…
    # 八 (10 + 10.3333… + 10.46) + 0.8 + 0.75 + 0.7 = 33.0433…
    # mean = 288.5555… ÷ 8 = 36.0694 → 七 (36.2833) is above it; 五, 二, 三, 八 below.
    # 2025: 一 first, 八 last → two years running.
    assert table == {
        "一支部": (1, Decimal("38.10"), ["书记、党务工作者优先作为后备干部培养"]),
        "六支部": (2, Decimal("37.48"), []),
        "四支部": (3, Decimal("36.88"), []),
        "七支部": (4, Decimal("36.28"), []),
        "五支部": (5, Decimal("35.96"), [below]),
        "二支部": (6, Decimal("35.88"), [below]),
        "三支部": (7, Decimal("34.92"), [below]),
        "八支部": (8, Decimal("33.04"), [below, "纳入党建整改范围"]),
    }


def test_running_flags_need_the_previous_year():
    r = score_example(history=False)
    flags = {u.unit: u.flags for u in r.ranking()}
    assert flags["一支部"] == [] and flags["八支部"] == ["不予上报先进基层党组织"]


def test_example_explanation_traces_a_late_task():
    r = score_example()
    text = explain(r, "二支部").to_text()
    assert "超期 3 天：1 − 0.1×3 = 0.7" in text
    assert "0.7 ÷ 同一上级组织内最高 1" in text
    assert "督办" in text and "0.03" in text
    assert "属第 2 档，计 0.9" in text


def test_results_document_keeps_the_schemes_column_order():
    doc = score_example().to_dict()
    # result.show lists quarters_total, then secretary; a store may reorder object keys
    assert doc["columns"] == {"components": ["四个季度绩效考评成绩之和", "书记抓党建述职评议成绩"],
                              "apart": []}
