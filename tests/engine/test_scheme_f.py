"""Scheme F (林西县, seed 003): three-level quantified assessment, worked by hand.

Item score (efficacy coefficient) = 60 + 40 × (x − worst) ÷ (best − worst), coefficient in
[0, 1], all equal → 100; 考核组 = routine mean × 0.6 + differentiated mean × 0.4;
year-end = 考核组 0.5 + 监督员 0.4 + 党员干部 0.05 + 服务对象 0.05;
base = inspection mean × 0.2 + year-end × 0.8 (max 100);
final = base + clamp(Σ personal, ±5) − 3 × violations + clamp(Σ dynamic, ±5), ≥ 0.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from helpers import EXAMPLES, bundled, dataset
from kaoping.engine import PastUnit, PastYear, evaluate, explain
from kaoping.io import read_input

F = "f-linxi-three-level"
ADJUST = "调整机关党委副书记岗位"
REWARD = "奖补党费"
TALK, NO_HONOURS = "负责人诫勉谈话", "党务干部取消年度评先晋优资格"


def d(text):
    return Decimal(text)


def indicator(unit, name, x, best=None, worst=None):
    row = {"单位": unit, "指标名称": name, "完成值": x}
    if best is not None:
        row["最优值"] = best
    if worst is not None:
        row["最差值"] = worst
    return row


def complete(unit, *, raters=(100, 100, 100), inspections=(100,), personal=(), violations=0,
             dynamic=()):
    """Records for a unit whose 考核组 score is 100 (indicators nobody else reports → 100)."""
    sup, mem, rec = raters
    return {
        "常规化指标": [indicator(unit, f"{unit}常规", 1)],
        "差异化指标": [indicator(unit, f"{unit}差异", 1)],
        "年末评议": [{"单位": unit, "党建监督员评分": sup, "党员干部评分": mem, "服务对象评分": rec}],
        "季度督查": [{"单位": unit, "季度": q, "督查得分": s}
                 for q, s in enumerate(inspections, 1) if s is not None],
        "个性化加减分": [{"单位": unit, "依据": "其他", "事项": f"事项{k}", "分值": v}
                   for k, v in enumerate(personal)],
        "违规违纪": [{"单位": unit, "事项": f"违纪{k}", "处理决定": "警告"} for k in range(violations)],
        "动态化加减分": [{"单位": unit, "任务名称": f"任务{k}", "分值": v} for k, v in enumerate(dynamic)],
    }


def merge(*parts):
    out: dict = {}
    for p in parts:
        for kind, rows in p.items():
            out.setdefault(kind, []).extend(rows)
    return out


def run(units, records, history=None):
    s = bundled(F)
    return evaluate(s, dataset(s, units, records), history=history)


def value(r, measure, unit):
    return round(float(r.measure(measure)[r.index_of(unit), 0]), 9)


def score_example(history=True):
    s = bundled(F)
    data = read_input(s, EXAMPLES / f"{F}.json")
    past = {}
    if history:
        for year in (2024, 2025):
            doc = json.loads((EXAMPLES / f"{F}.history-{year}.json").read_text(encoding="utf-8"))
            past[year] = PastYear.from_dict(doc)
    return evaluate(s, data, history=past)


# ---------------------------------------------------------------------- the bundled example

A1, A2, A3 = "教体局机关第一支部", "教体局机关第二支部", "教体局教研室支部"
B1, B2, B3 = "财政局办公室支部", "财政局预算支部", "财政局国库支部"


def test_example_scores_ranks_grades_and_flags():
    r = score_example()
    table = {u.unit: (u.score, u.rank, u.rank_in_group, u.grade, u.flags) for u in r.ranking()}
    # Routine items, compared within each 机关党委 (group):
    #   主题党日 A: 12, 10, 12 → best 12, worst 10: A1 100, A2 60, A3 100 (A1 and A3 tie at best)
    #            B: 12, 12, 12 → all equal: 100 each
    #   学习积分 A: 8000, 9000, 8500 → A1 60, A2 100, A3 60 + 40×500/1000 = 80
    #            B: 7000, 8200, 9400 → B1 60, B2 60 + 40×1200/2400 = 80, B3 100
    #   党费收缴率 (best 100, worst 90 set): A 100, 95, 98 → 100, 80, 92;
    #            B 100, 85, 96 → 100, 60 (coefficient −0.5 → 0), 84
    #   routine mean: A1 260/3, A2 240/3 = 80, A3 272/3, B1 260/3, B2 80, B3 284/3
    # Differentiated: A1 示范点 3 in [0, 4] → 90; 示范岗 A1 6, A2 4 → A1 100, A2 60 → A1 95
    #   A2 帮扶 20 in [10, 20] → 100 → A2 (60 + 100)/2 = 80
    #   A3 教研 5 (the only reporter, no bounds set) → 100; 送教 8 in [4, 12] → 80 → A3 90
    #   B1 发放率 98 in [90, 100] → 92; B2 绩效项目 30 in [20, 40] → 80;
    #   B3 差错笔数 0 with best 0, worst 5 (lower is better) → (0 − 5)/(0 − 5) = 1 → 100
    # 考核组 = 0.6 × routine + 0.4 × differentiated (0.6 × n/3 = 0.2 n):
    #   A1 52 + 38 = 90; A2 48 + 32 = 80; A3 54.4 + 36 = 90.4;
    #   B1 52 + 36.8 = 88.8; B2 48 + 32 = 80; B3 56.8 + 40 = 96.8
    # Year-end = 0.5 考核组 + 0.4 监督员 + 0.05 党员 + 0.05 服务对象:
    #   A1 45 + 36.8 + 4.5 + 4.7 = 91;     A2 40 + 31.2 + 4 + 3.8 = 79
    #   A3 45.2 + 35.2 + 4.6 + 4.5 = 89.5; B1 44.4 + 36 + 4.3 + 4.4 = 89.1
    #   B2 40 + 28 + 3.75 + 3.6 = 75.35;   B3 48.4 + 39.2 + 4.8 + 5 = 97.4
    # Inspection (mean of the quarters held): A1 (90+92+88+94)/4 = 91; A2 (80+78+82)/3 = 80
    #   (no Q3 check); A3 90; B1 89; B2 73; B3 (96+98+97+99)/4 = 97.5
    # Base = 0.2 × inspection + 0.8 × year-end:
    #   A1 18.2 + 72.8 = 91; A2 16 + 63.2 = 79.2; A3 18 + 71.6 = 89.6;
    #   B1 17.8 + 71.28 = 89.08; B2 14.6 + 60.28 = 74.88; B3 19.5 + 77.92 = 97.42
    # Adjustments:
    #   A1 +2, dynamic +1 → 94
    #   A2 personal −4 −3 = −7 → −5, one violation −3, dynamic −2 → 79.2 − 10 = 69.2 (较差)
    #   A3 personal 3 + 2 + 2 = 7 → +5, dynamic +1 → 95.6
    #   B1 dynamic −3 → 86.08;  B2 +1, dynamic −4 −3 = −7 → −5 → 70.88
    #   B3 +2, dynamic 4 + 3 = 7 → +5 → 104.42 (above 100)
    # History: 2025 A2 lowest (66.8) → last two years running; A2 较差 in 2024, 2025 and now.
    # B2 was 较差 and lowest in 2024 only → nothing.
    assert table == {
        B3: (d("104.42"), 1, 1, "优秀", [REWARD]),
        A3: (d("95.60"), 2, 1, "优秀", [REWARD]),
        A1: (d("94.00"), 3, 2, "优秀", [REWARD]),
        B1: (d("86.08"), 4, 2, "良好", []),
        B2: (d("70.88"), 5, 3, "一般", [TALK, NO_HONOURS]),
        A2: (d("69.20"), 6, 3, "较差", [TALK, NO_HONOURS, ADJUST]),
    }


def test_example_components():
    r = score_example()
    assert r.unit_result(A2).components == {
        "考核组评分": d("80.00"), "年末考核分": d("79.00"), "半年督查分": d("80.00"),
        "年度考核分": d("79.20"), "个性化加减分": d("-5.00"), "违规违纪减分": d("-3.00"),
        "动态化加减分": d("-2.00"),
    }


def test_example_without_history_has_no_running_flag():
    r = score_example(history=False)
    assert r.unit_result(A2).flags == [TALK, NO_HONOURS]


def test_example_explanation_shows_the_coefficient_and_the_caps():
    r = score_example()
    text = explain(r, A2).to_text()
    assert "60 + 40 × (10 − 10) ÷ (12 − 10) = 60" in text          # 主题党日, the worst
    assert "60 + 40 × (95 − 90) ÷ (100 − 90) = 80" in text         # 党费, bounds set
    assert "个性化加减分合计 -7，限于 [-5, 5]" in text
    assert "每条计 -3" in text
    assert "另有 1 项无值，均无记录，从略" in text                    # the quarter without a check
    text = explain(r, B2).to_text()
    assert "(85 − 90) ÷ (100 − 90)（系数 -0.5 限为 0） = 60" in text
    text = explain(r, B3).to_text()
    assert "最优值与最差值均为 12，系数计 1：60 + 40 = 100" in text    # 主题党日, all equal


# ---------------------------------------------------------------------- efficacy coefficient


@pytest.mark.parametrize(
    ("values", "best", "worst", "expected"),
    [
        ([12, 10, 12], None, None, [100, 60, 100]),          # two tie at the best
        ([8000, 9000, 8500], None, None, [60, 100, 80]),     # 60 + 40 × 500/1000 = 80
        ([3, 1, 2, 2], None, None, [100, 60, 80, 80]),       # a tie in the middle: 60 + 40 × 1/2
        ([12, 12, 12], None, None, [100, 100, 100]),         # all equal → 100
        ([5], None, None, [100]),                            # a single reporter: all equal
        # bounds set per item: 60 + 40 × (x − 90)/10; 85 is below the worst → coefficient 0
        ([100, 95, 98, 85], 100, 90, [100, 80, 92, 60]),
        ([25, 15], 20, 10, [100, 80]),                       # above the best → coefficient 1
        # lower is better (best 0 < worst 5): 2 → 60 + 40 × (2 − 5)/(0 − 5) = 84; 7 → 60
        ([0, 2, 5, 7], 0, 5, [100, 84, 60, 60]),
        # 10 of [0, 30]: 60 + 40/3 = 73.333…
        ([10], 30, 0, [73.333333333]),
    ],
)
def test_efficacy_coefficient(values, best, worst, expected):
    units = [f"支部{k}" for k in range(len(values))]
    rows = [indicator(u, "指标", x, best, worst) for u, x in zip(units, values, strict=True)]
    r = run(units, {"常规化指标": rows})
    assert [value(r, "routine", u) for u in units] == expected


def test_efficacy_compares_within_each_organ_committee():
    units = [{"单位": "甲", "上级组织": "一党委"}, {"单位": "乙", "上级组织": "一党委"},
             {"单位": "丙", "上级组织": "二党委"}, {"单位": "丁", "上级组织": "二党委"}]
    rows = [indicator("甲", "指标", 10), indicator("乙", "指标", 20),
            indicator("丙", "指标", 30), indicator("丁", "指标", 40)]
    r = run(units, {"常规化指标": rows})
    # 一党委: 10 → 60, 20 → 100; 二党委: 30 → 60, 40 → 100 (not 60 + 40 × 10/30 over all four)
    assert [value(r, "routine", u) for u in "甲乙丙丁"] == [60, 100, 60, 100]


def test_assessment_team_weights_routine_and_differentiated():
    records = {
        # routine: R1 甲 10 → 60, 乙 20 → 100; R2 both 5 → 100 → means 甲 80, 乙 100
        "常规化指标": [indicator("甲", "R1", 10), indicator("乙", "R1", 20),
                  indicator("甲", "R2", 5), indicator("乙", "R2", 5)],
        # differentiated, each its own: 甲 3 in [0, 4] → 90; 乙 7 in [5, 10] → 60 + 40×2/5 = 76
        "差异化指标": [indicator("甲", "D1", 3, 4, 0), indicator("乙", "D2", 7, 10, 5)],
    }
    r = run(["甲", "乙"], records)
    # 甲 0.6 × 80 + 0.4 × 90 = 48 + 36 = 84; 乙 0.6 × 100 + 0.4 × 76 = 60 + 30.4 = 90.4
    assert [value(r, "team", u) for u in "甲乙"] == [84, 90.4]


def test_year_end_and_base():
    r = run(["甲"], complete("甲", raters=(90, 80, 70), inspections=(90, 80, 70, 60)))
    # year-end 0.5 × 100 + 0.4 × 90 + 0.05 × 80 + 0.05 × 70 = 50 + 36 + 4 + 3.5 = 93.5
    # inspection (90 + 80 + 70 + 60)/4 = 75; base 0.2 × 75 + 0.8 × 93.5 = 15 + 74.8 = 89.8
    assert value(r, "year_end", "甲") == 93.5
    assert value(r, "inspection", "甲") == 75
    assert r.unit_result("甲").score == d("89.80")


@pytest.mark.parametrize(
    ("quarters", "expected"),
    [
        ((80, None, 90, None), 85),    # branch: checks in Q1 and Q3 only → (80 + 90)/2
        ((None, 88), 88),              # organ committee: one half-year check (entered in Q2)
        ((70, 75, 80, 95), 80),        # (70 + 75 + 80 + 95)/4 = 320/4
    ],
)
def test_inspection_is_the_mean_of_the_checks_held(quarters, expected):
    r = run(["甲"], complete("甲", inspections=quarters))
    assert value(r, "inspection", "甲") == expected


# ---------------------------------------------------------------------- adjustments and caps


@pytest.mark.parametrize(
    ("personal", "violations", "dynamic", "expected"),
    [
        # base 100 (every input 100)
        ((), 0, (), "100.00"),
        ((3, 2, 2), 0, (), "105.00"),       # 7 → capped at +5; the final may pass 100
        ((-4, -3), 0, (), "95.00"),         # −7 → −5
        ((-4, -3), 1, (), "92.00"),         # −5, and the violation −3 outside the cap
        ((), 2, (), "94.00"),               # two violations: −6
        ((-5,), 1, (), "92.00"),            # −5 − 3: the cap does not absorb the violation
        ((2, 3), 0, (4, 3), "110.00"),      # +5 and dynamic 7 → +5
        ((), 0, (-6,), "95.00"),            # dynamic −6 → −5
        ((1, -2), 0, (2, -1), "100.00"),    # −1 + 1
    ],
)
def test_adjustments(personal, violations, dynamic, expected):
    r = run(["甲"], complete("甲", personal=personal, violations=violations, dynamic=dynamic))
    assert r.unit_result("甲").score == d(expected)


def test_final_never_goes_below_zero():
    records = complete("甲", raters=(0, 0, 0), inspections=(0,), personal=(-5,), violations=7,
                       dynamic=(-5,))
    # 考核组: both indicators at their worst (0 in [0, 100]) → 60; year-end 0.5 × 60 = 30;
    # base 0.2 × 0 + 0.8 × 30 = 24; 24 − 5 − 21 − 5 = −7 → 0
    records["常规化指标"] = [indicator("甲", "甲常规", 0, 100, 0)]
    records["差异化指标"] = [indicator("甲", "甲差异", 0, 100, 0)]
    r = run(["甲"], records)
    assert value(r, "final_raw", "甲") == -7
    u = r.unit_result("甲")
    assert (u.score, u.grade) == (d("0.00"), "较差")


@pytest.mark.parametrize(
    ("x", "inspection", "score", "grade"),
    [
        # 考核组 100; raters all x; year-end = 0.5 × 100 + (0.4 + 0.05 + 0.05) × x = 50 + 0.5 x;
        # base = 0.2 × I + 0.8 × (50 + 0.5 x) = 40 + 0.2 I + 0.4 x
        (100, 50, "90.00", "优秀"),       # 40 + 10 + 40
        (100, 49.95, "89.99", "良好"),    # 40 + 9.99 + 40
        (75, 75, "85.00", "良好"),        # 40 + 15 + 30
        (75, 74.95, "84.99", "一般"),     # 40 + 14.99 + 30
        (50, 50, "70.00", "一般"),        # 40 + 10 + 20
        (50, 49.95, "69.99", "较差"),     # 40 + 9.99 + 20
    ],
)
def test_grade_bands(x, inspection, score, grade):
    r = run(["甲"], complete("甲", raters=(x, x, x), inspections=(inspection,)))
    u = r.unit_result("甲")
    assert (u.score, u.grade) == (d(score), grade)


# ---------------------------------------------------------------------- flags over the years

# This year: 甲 all 100 → 100 (优秀); 乙 raters 50, inspection 40:
# 40 + 0.2 × 40 + 0.4 × 50 = 40 + 8 + 20 = 68 (较差, last).
THIS_YEAR = merge(complete("甲"), complete("乙", raters=(50, 50, 50), inspections=(40,)))


def past(year, **units):
    return PastYear(year, {name: PastUnit(score, None, None, grade)
                           for name, (score, grade) in units.items()})


@pytest.mark.parametrize(
    ("history", "adjusted"),
    [
        ({}, False),                                                           # no history
        ({2025: past(2025, 甲=(95, "优秀"), 乙=(60, "较差"))}, True),              # last twice
        ({2025: past(2025, 甲=(70, "一般"), 乙=(80, "良好"))}, False),             # not last in 2025
        # last place is shared by all tied at the lowest score (decision 1)
        ({2025: past(2025, 甲=(95, "优秀"), 乙=(60, "较差"), 丙=(60, "较差"))}, True),
        # 较差 three years running (2025 and 2024 not last: 丙 was lower)
        ({2025: past(2025, 甲=(95, "优秀"), 乙=(66, "较差"), 丙=(50, "较差")),
          2024: past(2024, 甲=(90, "优秀"), 乙=(68, "较差"), 丙=(40, "较差"))}, True),
        # 较差 in 2025 but 一般 in 2024, and never last before: not three years running
        ({2025: past(2025, 甲=(95, "优秀"), 乙=(66, "较差"), 丙=(50, "较差")),
          2024: past(2024, 甲=(90, "优秀"), 乙=(72, "一般"), 丙=(40, "较差"))}, False),
        # 较差 in 2025 with 2024 missing: three years cannot be shown
        ({2025: past(2025, 甲=(95, "优秀"), 乙=(66, "较差"), 丙=(50, "较差"))}, False),
    ],
)
def test_adjust_the_deputy_secretary(history, adjusted):
    r = run(["甲", "乙"], THIS_YEAR, history)
    assert r.unit_result("甲").flags == [REWARD]
    expected = [TALK, NO_HONOURS] + ([ADJUST] if adjusted else [])
    assert r.unit_result("乙").flags == expected


def test_units_tied_at_the_lowest_score_share_last_place():
    records = merge(THIS_YEAR, complete("丙", raters=(50, 50, 50), inspections=(40,)))
    history = {2025: past(2025, 甲=(95, "优秀"), 乙=(60, "较差"), 丙=(61, "较差"))}
    r = run(["甲", "乙", "丙"], records, history)
    # 乙 and 丙 both 68 this year: both last (each is "2nd from the bottom", so bottom: 1
    # would miss them); 乙 was last in 2025, 丙 was not
    assert (r.unit_result("乙").rank, r.unit_result("丙").rank) == (2, 2)
    assert ADJUST in r.unit_result("乙").flags
    assert ADJUST not in r.unit_result("丙").flags
