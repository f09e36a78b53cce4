"""Scheme G — 湘西州 party secretaries' report-and-evaluation assessment (seed 004, SCHEMES.md G).

Every expected number below is worked out by hand from the seed and SCHEMES.md decision 7,
with its arithmetic; none is copied from the engine's output.

综合考评分 = 日常管理 × 20% + 实地核查 × 50% + 民意调查 × 10% + 述职测评 (20-point) where
日常管理 = 好 100 / 较好 90 / 一般 80, 实地核查 = mean of the year's checks on the 23-row
rubric + 5 once for a named 示范点, 述职测评 = mean rater score × 20 ÷ 100.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from kaoping.engine import InputError, PastUnit, PastYear, evaluate, explain, load_scheme
from kaoping.io import read_input
from kaoping.io.jsonfile import dataset_from_document

ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "schemes" / "g-xiangxi-secretaries.yaml"
EXAMPLE = ROOT / "schemes" / "examples" / "g-xiangxi-secretaries.json"

KEY_SUPERVISION = "下一年度重点督促检查对象"
INTERVIEW = "由分管州领导约谈"
ADJUSTMENT = "建议组织调整"
EXCELLENT_NOT_GOOD = "年度考核优秀但综合评价等次不是“好”"


@pytest.fixture(scope="module")
def scheme():
    return load_scheme(SCHEME)


def D(x: str) -> Decimal:
    return Decimal(x)


def secretary(name, *, group="州直牵头单位", rating="一般", checks=None, survey=100,
              raters=(100,), demo=False, excellent=False, report=None):
    """One unit's inputs; by default 一般 (80), one perfect check in Q1 (100), survey 100 and
    one rater giving 100: 0.2 × 80 + 0.5 × 100 + 0.1 × 100 + 100 × 0.2 = 16 + 50 + 10 + 20 = 96."""
    return {"name": name, "group": group, "rating": rating,
            "checks": {1: []} if checks is None else checks, "survey": survey, "raters": raters,
            "demo": demo, "excellent": excellent, "report": report}


def document(scheme, secretaries):
    """The JSON input document for these units."""
    records = {kind: [] for kind in scheme.records}
    units = []
    for s in secretaries:
        n = s["name"]
        units.append({"单位": n, "上级组织": s["group"]})
        if s["rating"]:
            records["日常管理评定"].append({"单位": n, "等次": s["rating"]})
        for q, deductions in s["checks"].items():
            records["实地核查"].append({"单位": n, "季度": q})
            for clause, count, amount in deductions:
                c = scheme.clause_by_code(clause)
                row = {"单位": n, "季度": q, "考核项目": scheme.items[c.item].name,
                       "扣分条款": clause, "核查情况": c.spec.text}
                if count is not None:
                    row["次数"] = count
                if amount is not None:
                    row["扣分"] = amount
                records["核查扣分"].append(row)
        if s["survey"] is not None:
            records["民意调查"].append({"单位": n, "得分": s["survey"]})
        records["述职测评"] += [{"单位": n, "得分": r} for r in s["raters"]]
        if s["demo"]:
            records["示范点命名"].append({"单位": n, "示范点名称": f"{n}机关党支部"})
        if s["excellent"]:
            records["年度考核优秀"].append({"单位": n})
        if s["report"] is not None:
            records["述职报告"].append({"单位": n, "报告正文": s["report"]})
    return {"year": 2026, "units": units, "records": records}


def dataset(scheme, secretaries):
    return dataset_from_document(scheme, document(scheme, secretaries), None, "test")


def run(scheme, secretaries, history=None):
    return evaluate(scheme, dataset(scheme, secretaries), history=history)


# --------------------------------------------------------------------------- the scheme file


def test_the_rubric_is_the_seeds_annex(scheme):
    sections = scheme.model.sections
    assert [s.points for s in sections] == [18, 16, 15, 18, 15, 6, 9, 3]
    assert [len(s.items) for s in sections] == [4, 3, 3, 4, 3, 2, 3, 1]
    assert len(scheme.items) == 23
    assert scheme.model.total_points == 100  # 18 + 16 + 15 + 18 + 15 + 6 + 9 + 3


# --------------------------------------------------------------------------- one rubric row
# (row, 评分标准 as in the seed's annex, deductions [(clause, 次数, 扣分)], hand-worked row score)

ROWS = [
    ("1.1", "会议研究每少一次扣1分，无计划和总结汇报各扣1分，直至扣完基分。",
     [("1.1a", 1, None), ("1.1b", 1, None)], D("2")),      # 4 − 1 − 1 = 2
    ("1.1", "会议研究每少一次扣1分，无计划和总结汇报各扣1分，直至扣完基分。",
     [("1.1a", 3, None), ("1.1b", 2, None)], D("0")),      # 4 − 3 − 2 = −1 → 直至扣完基分: 0
    ("1.2", "无党支部“五化”建设方案的，扣2分；党建阵地、工作流程、资料台账不规范的，发现一项扣1分，"
            "直至扣完基分；党组（党委）和总支书记无党建联系点扣2分。党建示范点受到州直工委命名挂牌加5分。",
     [("1.2a", None, None), ("1.2b", 2, None)], D("2")),   # 6 − 2 − 2×1 = 2
    ("2.1", "落实“两个坚决维护”不到位的，每起扣3分，直至扣完基分。",
     [("2.1a", 1, None)], D("3")),                         # 6 − 3 = 3
    ("2.1", "落实“两个坚决维护”不到位的，每起扣3分，直至扣完基分。",
     [("2.1a", 3, None)], D("0")),                         # 6 − 9 = −3 → 0
    ("2.2", "党内组织生活走过场、不规范，每项扣1分；不落实扣2分；思想政治工作不到位，党员教育管理不严格，"
            "单位内部发生不团结问题对外产生不良影响的扣3分。单位意识形态责任制工作无方案扣1分；责任制落实不力，"
            "单位党员和干部职工在各种媒体平台发布负面信息，产生不良舆情影响的，视情节轻重扣分，直至扣完基分。",
     [("2.2a", 2, None), ("2.2e", None, 1.5)], D("1.5")),  # 5 − 2×1 − 1.5 = 1.5
    ("3.3", "中心组学习每季度不少于1次，每周集中学习每月不少于2次，深入基层调查研究全年不少于5次，"
            "每少1次扣1分，直至扣完基分；干部网络在线学习未达到规定学分，发现一人扣1分，直至扣完基分。",
     [("3.3a", 7, None)], D("0")),                         # 5 − 7 = −2 → 0
    ("4.4", "日常党建工作有一项不规范扣1分；州直工委召开的会议，党组织负责人每缺一次扣1分，安排人代替一次"
            "扣0.5分；每迟报、漏报、错报一次材料或报表扣1分。以上扣分直至扣完基分为止。",
     [("4.4b", 1, None), ("4.4c", 3, None), ("4.4d", 2, None)], D("0.5")),  # 5 − 1 − 1.5 − 2 = 0.5
    ("7.2", "未按要求维护运用党员管理系统，党员信息采集、党内统计不及时、不准确，发现一起扣1分；"
            "未按月在《红星云》平台上传相关信息，缺一次扣1分，直至扣完基分。",
     [("7.2a", None, None), ("7.2b", None, None)], D("1")),  # 3 − 1 − 1 = 1
    ("8.1", "有问题未制定整改清单和台账的扣1分，整改措施未落实到位的扣1分。", [], D("3")),  # full 3
]


@pytest.mark.parametrize("code, standard, deductions, expected", ROWS,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(ROWS)])
def test_one_rubric_row(scheme, code, standard, deductions, expected):
    item = scheme.item_by_key(code)
    assert item.spec.standard == standard
    result = run(scheme, [secretary("甲", checks={2: deductions})])
    assert result.rounded(result.measure("check_items")[0, item.index, 1]) == expected
    # the other 22 rows are full, so the Q2 check = 100 − (points − row score), and with the
    # one check it is the year's verification; 综合 = 16 + 0.5 × check + 10 + 20
    check = Decimal(100) - (Decimal(str(item.spec.points)) - expected)
    ur = result.unit_result("甲")
    assert ur.components["实地核查成绩"] == check
    assert ur.score == 46 + check / 2


# --------------------------------------------------------------------------- verification


def test_verification_is_the_mean_of_the_checks_held_plus_5_once_for_a_示范点(scheme):
    result = run(scheme, [
        # Q1: 2.1a once → 97; Q3 checked, nothing found → 100; Q2, Q4 not checked.
        # mean (97 + 100) ÷ 2 = 98.5; named 示范点 → 103.5;
        # 综合 16 + 0.5 × 103.5 + 10 + 20 = 16 + 51.75 + 30 = 97.75
        secretary("甲", checks={1: [("2.1a", 1, None)], 3: []}, demo=True),
        # Q1 97 (2.1a); Q2 98 (1.1a × 2); Q3 100; Q4 100 − 4.4a × 4 − 4.4c × 1 = 95.5;
        # mean (97 + 98 + 100 + 95.5) ÷ 4 = 390.5 ÷ 4 = 97.625; 综合 16 + 48.8125 + 30 = 94.8125
        secretary("乙", checks={1: [("2.1a", 1, None)], 2: [("1.1a", 2, None)], 3: [],
                                4: [("4.4a", 4, None), ("4.4c", 1, None)]}),
        # four perfect checks and a 示范点: 100 + 5 = 105 (the most there is);
        # 综合 16 + 52.5 + 30 = 98.5
        secretary("丙", checks={1: [], 2: [], 3: [], 4: []}, demo=True),
    ])
    got = {u: (result.unit_result(u).components["实地核查成绩"], result.unit_result(u).score)
           for u in result.units}
    assert got == {"甲": (D("103.50"), D("97.75")),
                   "乙": (D("97.63"), D("94.81")),   # 97.625 and 94.8125, shown half up
                   "丙": (D("105.00"), D("98.50"))}


def test_a_deduction_in_a_quarter_without_a_check_is_refused(scheme):
    doc = document(scheme, [secretary("甲", checks={1: [], 2: [("2.1a", 1, None)]})])
    doc["records"]["实地核查"] = [r for r in doc["records"]["实地核查"] if r["季度"] != 2]
    with pytest.raises(InputError) as exc:
        evaluate(scheme, dataset_from_document(scheme, doc, None, "test"))
    assert "该期没有「实地核查」记录，不能有扣分" in str(exc.value)


def test_a_range_amount_outside_its_range_is_refused(scheme):
    with pytest.raises(InputError) as exc:
        dataset(scheme, [secretary("甲", checks={1: [("2.2e", None, 6)]})])
    assert "扣分 6 不在条款 2.2e 的区间 0.5—5 内" in str(exc.value)


def test_述职测评_is_the_mean_rater_score_times_20_over_100(scheme):
    # raters 70, 85, 90: mean 245 ÷ 3 = 81.666…; × 20 ÷ 100 = 16.333… → shown 16.33;
    # 综合 16 + 50 + 10 + 16.333… = 92.333… → 92.33
    ur = run(scheme, [secretary("甲", raters=(70, 85, 90))]).unit_result("甲")
    assert ur.components["述职测评得分（20 分制）"] == D("16.33")
    assert ur.score == D("92.33")


# --------------------------------------------------------------------------- daily management quota


def group(prefix, ratings, name="牵头单位"):
    return [secretary(f"{prefix}{k}", group=name, rating=r) for k, r in enumerate(ratings, 1)]


@pytest.mark.parametrize("ratings, message", [
    # n = 10: 好 at most ⌊0.3 × 10 + ½⌋ = 3; 好 + 较好 at most ⌊0.8 × 10 + ½⌋ = 8
    (["好"] * 5 + ["较好"] * 3 + ["一般"] * 2, "好 已选 5 个，最多 3 个（牵头单位，共 10 个单位）"),
    (["好"] * 3 + ["较好"] * 6 + ["一般"], "好+较好 已选 9 个，最多 8 个（牵头单位，共 10 个单位）"),
    # n = 5: 好 at most ⌊1.5 + ½⌋ = 2; 好 + 较好 at most ⌊4 + ½⌋ = 4
    (["好"] * 3 + ["一般"] * 2, "好 已选 3 个，最多 2 个（牵头单位，共 5 个单位）"),
    (["好"] * 2 + ["较好"] * 3, "好+较好 已选 5 个，最多 4 个（牵头单位，共 5 个单位）"),
])
def test_a_rating_set_over_the_3_5_2_quota_is_refused_with_the_counts(scheme, ratings, message):
    with pytest.raises(InputError) as exc:
        dataset(scheme, group("单位", ratings))
    assert message in str(exc.value)


@pytest.mark.parametrize("ratings", [
    ["好"] * 3 + ["较好"] * 5 + ["一般"] * 2,     # exactly at both limits (3 ≤ 3, 8 ≤ 8)
    ["好"] * 2 + ["较好"] * 4 + ["一般"] * 4,     # stricter
    ["较好"] * 8 + ["一般"] * 2,                  # no 好 at all: 8 ≤ 8
    ["一般"] * 10,
])
def test_a_rating_set_within_the_quota_is_accepted(scheme, ratings):
    result = run(scheme, group("单位", ratings))
    points = {"好": D("100"), "较好": D("90"), "一般": D("80")}  # the setting's values
    assert [result.unit_result(f"单位{k}").components["日常管理得分"]
            for k in range(1, 11)] == [points[r] for r in ratings]


def test_the_quota_is_per_lead_unit(scheme):
    # 甲 (n = 10) may have 3 好; 乙 (n = 4) at most ⌊1.2 + ½⌋ = 1 好
    ok = group("甲", ["好"] * 3 + ["一般"] * 7, "甲牵头") + group("乙", ["好", "一般", "一般", "一般"], "乙牵头")
    run(scheme, ok)
    bad = group("甲", ["好"] * 3 + ["一般"] * 7, "甲牵头") + group("乙", ["好", "好", "一般", "一般"], "乙牵头")
    with pytest.raises(InputError) as exc:
        dataset(scheme, bad)
    assert str(exc.value).count("已选") == 1
    assert "好 已选 2 个，最多 1 个（乙牵头，共 4 个单位）" in str(exc.value)


# --------------------------------------------------------------------------- grades


@pytest.mark.parametrize("survey, raters, deductions, score, grade", [
    (40, (100,), [], "90.00", "好"),     # 16 + 50 + 4 + 20 = 90 (bound inclusive)
    (39, (100,), [], "89.90", "较好"),   # 16 + 50 + 3.9 + 20
    (40, (50,), [], "80.00", "较好"),    # 16 + 50 + 4 + 10
    (30, (50,), [], "79.00", "一般"),    # 16 + 50 + 3 + 10
    # check 100 − 2.1a×2 (6) − 3.3a×5 (5) − 1.1a×1 (1) = 88: 16 + 44 + 0 + 0 = 60
    (0, (0,), [("2.1a", 2, None), ("3.3a", 5, None), ("1.1a", 1, None)], "60.00", "一般"),
    # one more point off (1.1a × 2): check 87: 16 + 43.5 = 59.5
    (0, (0,), [("2.1a", 2, None), ("3.3a", 5, None), ("1.1a", 2, None)], "59.50", "差"),
])
def test_comprehensive_grade_bands(scheme, survey, raters, deductions, score, grade):
    ur = run(scheme, [secretary("甲", survey=survey, raters=raters,
                                checks={1: deductions})]).unit_result("甲")
    assert (ur.score, ur.grade) == (D(score), grade)


# --------------------------------------------------------------------------- rank penalties (decision 1)


def by_survey(surveys):
    """Units 1…n, alike except for the survey: 综合 = 16 + 50 + 0.1 × survey + 20 = 86 + survey ÷ 10."""
    return [secretary(f"单位{k:02d}", survey=s) for k, s in enumerate(surveys, 1)]


@pytest.mark.parametrize("surveys, penalties", [
    # no ties: bottom positions 1 … 11 → −3 × 3, −2 × 3, −1 × 3, 0 × 2
    ([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], [-3, -3, -3, -2, -2, -2, -1, -1, -1, 0, 0]),
    # the 3rd and 4th lowest tie: both have 4 units scoring ≤ them → position 4 → −2
    ([0, 10, 20, 20, 40, 50, 60, 70, 80, 90, 100], [-3, -3, -2, -2, -2, -2, -1, -1, -1, 0, 0]),
    # ties across 6/7 and 9/10: positions 7, 7 → −1; positions 10, 10 → 0
    ([0, 10, 20, 30, 40, 50, 50, 70, 80, 80, 100], [-3, -3, -3, -2, -2, -1, -1, -1, 0, 0, 0]),
    # four tied at the lowest: each has 4 units ≤ it → −2, none gets −3
    ([0, 0, 0, 0, 40, 50, 60, 70, 80, 90, 100], [-2, -2, -2, -2, -2, -2, -1, -1, -1, 0, 0]),
    # all tied: every position is 11 → no penalty at all
    ([50] * 11, [0] * 11),
])
def test_rank_penalties_with_ties(scheme, surveys, penalties):
    result = run(scheme, by_survey(surveys))
    got = [result.unit_result(f"单位{k:02d}").apart["年终绩效考核名次扣分"] for k in range(1, 12)]
    assert got == [Decimal(p) for p in penalties]
    # the same cut decides 后 3 名: only units whose bottom position is ≤ 3
    flagged = [KEY_SUPERVISION in result.unit_result(f"单位{k:02d}").flags for k in range(1, 12)]
    assert flagged == [p == -3 for p in penalties]


# --------------------------------------------------------------------------- flags


def test_bottom_3_running_years_with_history(scheme):
    # this year 综合 = 86 + survey ÷ 10: 甲 86, 乙 87, 丙 88, 丁 89 (positions 1, 2, 3, 4)
    units = by_survey([0, 10, 20, 30])
    names = ["单位01", "单位02", "单位03", "单位04"]
    past = {
        2025: PastYear(2025, {"单位01": PastUnit(80, 4, 1), "单位02": PastUnit(81, 3, 2),
                              "单位03": PastUnit(90, 1, 4), "单位04": PastUnit(82, 2, 3)}),
        2024: PastYear(2024, {"单位01": PastUnit(70, 3, 2), "单位02": PastUnit(95, 1, 4),
                              "单位03": PastUnit(71, 2, 3)}),
    }
    result = run(scheme, units, history=past)
    got = {n: result.unit_result(n).flags for n in names}
    assert got == {
        # bottom 3 in 2026, 2025 and 2024
        "单位01": [KEY_SUPERVISION, INTERVIEW, ADJUSTMENT],
        # bottom 3 in 2026 and 2025, not 2024 (position 4)
        "单位02": [KEY_SUPERVISION, INTERVIEW],
        # bottom 3 in 2026 only (2025 position 4)
        "单位03": [KEY_SUPERVISION],
        # position 4 this year: nothing, whatever the past
        "单位04": [],
    }
    # without 2024 no one can be three years running
    result = run(scheme, units, history={2025: past[2025]})
    assert result.unit_result("单位01").flags == [KEY_SUPERVISION, INTERVIEW]


def test_优秀_in_the_annual_assessment_needs_the_grade_好(scheme):
    result = run(scheme, [
        secretary("甲", excellent=True),               # 96 → 好: consistent
        secretary("乙", excellent=True, survey=0),     # 16 + 50 + 0 + 20 = 86 → 较好: flagged
        secretary("丙", survey=0),                     # 86 → 较好, not 优秀: nothing
    ])
    # (with three units every one is in the bottom 3, so only this flag is compared)
    assert {u: EXCELLENT_NOT_GOOD in result.unit_result(u).flags for u in result.units} == {
        "甲": False, "乙": True, "丙": False}


def test_the_report_is_at_most_2000_characters(scheme):
    run(scheme, [secretary("甲", report="党" * 2000)])
    with pytest.raises(InputError) as exc:
        dataset(scheme, [secretary("甲", report="党" * 2001)])
    assert "报告正文 共 2001 字，超过上限 2000 字" in str(exc.value)


# --------------------------------------------------------------------------- the bundled example


@pytest.fixture(scope="module")
def example(scheme):
    return evaluate(scheme, read_input(scheme, EXAMPLE))


# unit: (综合, grade, bottom position, rank penalty). Components (daily points, checks, survey,
# mean rater score) from the example's records; 综合 = 0.2 D + 0.5 V + 0.1 S + 0.2 R.
EXPECTED = {
    # 好 100; checks 98, 97, 99, 98 → 392 ÷ 4 = 98, 示范点 +5 → 103; survey 92; raters 475 ÷ 5 = 95
    # 20 + 51.5 + 9.2 + 19 = 99.7
    "州机关事务局党组书记": ("99.70", "好", 13, "0"),
    # 好 100; checks Q2 94 (2.1a×2), Q4 92 (3.3a×3, 4.4a×5) → 93; survey 90; raters 450 ÷ 5 = 90
    # 20 + 46.5 + 9 + 18 = 93.5
    "州政务服务中心党组书记": ("93.50", "好", 12, "0"),
    # 好 100; checks 92, 90, 94, 92 → 368 ÷ 4 = 92; survey 88; raters 90
    # 20 + 46 + 8.8 + 18 = 92.8
    "州统计局党组书记": ("92.80", "好", 11, "0"),
    # 较好 90; checks Q1 100 − 6 (2.1a 3×3 = 9 → row 0) − 5 (5.2a 6 → row 0) − 1 (4.4c 2×0.5) = 88,
    #   Q2 86, Q3 100 − 3.5 (2.2e) − 2 − 2 − 2.5 = 90, Q4 84 → 348 ÷ 4 = 87; survey 85;
    #   raters 430 ÷ 5 = 86 → 17.2;  18 + 43.5 + 8.5 + 17.2 = 87.2
    "州信访局党组书记": ("87.20", "较好", 10, "0"),
    # 较好 90; checks Q1 90, Q3 88 → 89; survey 87; raters 400 ÷ 5 = 80
    # 18 + 44.5 + 8.7 + 16 = 87.2 — ties 州信访局 by another route: both 10 units ≤ → no penalty
    "州教育考试院党委书记": ("87.20", "较好", 10, "0"),
    # 较好 90; checks Q2 84, Q3 82 → 83; survey 82; raters 420 ÷ 5 = 84 → 16.8
    # 18 + 41.5 + 8.2 + 16.8 = 84.5; position 8 → −1
    "州粮食局党组书记": ("84.50", "较好", 8, "-1"),
    # 较好 90; checks Q1 80, Q3 78 → 79; survey 80; raters 80;  18 + 39.5 + 8 + 16 = 81.5
    "州外事侨务办党组书记": ("81.50", "较好", 7, "-1"),
    # 较好 90; checks 82, 80, 84, 78 → 324 ÷ 4 = 81; survey 80; raters 375 ÷ 5 = 75
    # 18 + 40.5 + 8 + 15 = 81.5 — tied at positions 6/7: both 7 → −1, not −2
    "州物价局党组书记": ("81.50", "较好", 7, "-1"),
    # 较好 90; checks 86, 84, 88, 82 → 340 ÷ 4 = 85; survey 70; raters 300 ÷ 5 = 60
    # 18 + 42.5 + 7 + 12 = 79.5; position 5 → −2
    "州体育运动学校党委书记": ("79.50", "一般", 5, "-2"),
    # 一般 80; checks 90, 88, 92, 86 → 356 ÷ 4 = 89; survey 60; raters 250 ÷ 5 = 50
    # 16 + 44.5 + 6 + 10 = 76.5
    "州金融办党组书记": ("76.50", "一般", 4, "-2"),
    # 一般 80; checks Q2 85, Q4 83 (2.2e 5 + 5.2a 5 + 3.3a 5 + 7.3a 2) → 84; survey 65; raters 60
    # 16 + 42 + 6.5 + 12 = 76.5 — tied at positions 3/4: both 4 → −2, not −3
    "州电化教育馆党支部书记": ("76.50", "一般", 4, "-2"),
    # 一般 80; checks Q1 80, Q4 76 → 78; survey 60; raters 275 ÷ 5 = 55
    # 16 + 39 + 6 + 11 = 72
    "州能源局党组书记": ("72.00", "一般", 2, "-3"),
    # 一般 80; checks Q1 100 − 38 = 62, Q3 100 − 44 = 56 (2.1a 4×3 = 12 → row 0, −6) → 59;
    # survey 50; raters 225 ÷ 5 = 45;  16 + 29.5 + 5 + 9 = 59.5
    "州教育科学研究院党总支书记": ("59.50", "差", 1, "-3"),
}


def test_example_scores_grades_and_rank_penalties(example):
    got = {}
    for u in example.units:
        ur = example.unit_result(u)
        got[u] = (str(ur.score), ur.grade, ur.bottom, str(ur.apart["年终绩效考核名次扣分"].normalize()))
    assert got == EXPECTED


def test_example_components(example):
    ur = example.unit_result("州信访局党组书记")
    assert ur.components == {"日常管理得分": D("90"), "实地核查成绩": D("87"),
                             "民意调查得分": D("85"), "述职测评得分（20 分制）": D("17.2")}
    # checked in Q1 and Q3 only: the mean of two
    assert example.unit_result("州教育考试院党委书记").components["实地核查成绩"] == D("89")
    # ranks: competition ranks, 87.2 shared at 4th, the next is 6th
    assert [example.unit_result(u).rank for u in ("州信访局党组书记", "州教育考试院党委书记",
                                                  "州粮食局党组书记")] == [4, 4, 6]
    # within the lead unit 州人民政府办公室: 99.7, 93.5, 87.2, 81.5, 76.5
    assert [example.unit_result(u).rank_in_group for u in (
        "州机关事务局党组书记", "州政务服务中心党组书记", "州信访局党组书记",
        "州外事侨务办党组书记", "州金融办党组书记")] == [1, 2, 3, 4, 5]


def test_example_flags(example):
    flagged = {u: example.unit_result(u).flags for u in example.units if example.unit_result(u).flags}
    assert flagged == {
        # 优秀 in the annual assessment but 87.2 → 较好 (州政务服务中心 is 优秀 and 好: no flag)
        "州信访局党组书记": [EXCELLENT_NOT_GOOD],
        # the bottom 3 are only these two: the tie at 76.5 puts both others at position 4
        "州能源局党组书记": [KEY_SUPERVISION],
        "州教育科学研究院党总支书记": [KEY_SUPERVISION],
    }


def bundled_history() -> dict[int, PastYear]:
    years = {}
    for year in (2024, 2025):
        path = EXAMPLE.with_name(f"g-xiangxi-secretaries.history-{year}.json")
        years[year] = PastYear.from_dict(json.loads(path.read_text(encoding="utf-8")))
    return years


def test_example_flags_with_the_bundled_history(scheme):
    # bottom positions 2024 / 2025 / 2026 (from the history files and EXPECTED above):
    #   州教育科学研究院 2 / 1 / 1 → three years running
    #   州能源局         4 / 3 / 2 → two years running
    #   州金融办         3 / 2 / 4 and 州电化教育馆 1 / 4 / 4 → not this year (the 76.5 tie)
    result = evaluate(scheme, read_input(scheme, EXAMPLE), history=bundled_history())
    flagged = {u: result.unit_result(u).flags for u in result.units if result.unit_result(u).flags}
    assert flagged == {
        "州教育科学研究院党总支书记": [KEY_SUPERVISION, INTERVIEW, ADJUSTMENT],
        "州能源局党组书记": [KEY_SUPERVISION, INTERVIEW],
        "州信访局党组书记": [EXCELLENT_NOT_GOOD],
    }


def test_running_flags_need_every_year(scheme):
    # without 2024, 州教育科学研究院 is only known to be two years running
    result = evaluate(scheme, read_input(scheme, EXAMPLE), history={2025: bundled_history()[2025]})
    assert result.unit_result("州教育科学研究院党总支书记").flags == [KEY_SUPERVISION, INTERVIEW]


def test_example_explanation(example):
    text = explain(example, "州金融办党组书记").to_text()
    assert "综合考评得分 = 76.5  〔0.2 × 日常管理得分 80 + 0.5 × 实地核查成绩 89 + " \
           "0.1 × 民意调查得分 60 + 1 × 述职测评得分（20 分制） 10〕" in text
    assert "年终绩效考核名次扣分 = -2  〔倒数第 4 名（共 13 个），在倒数 6 名内，计 -2" in text
    assert "全年实地核查平均分 = 89  〔各期的平均（无值的期次不计）〕" in text
    assert "述职测评得分（20 分制） = 10  〔述职测评平均分 50 × 0.2〕" in text
    text = explain(example, "州信访局党组书记").to_text()
    assert "提示：年度考核优秀但综合评价等次不是“好”" in text
    assert "第1季度 2.1 落实两个坚决维护 实地核查项目得分 = 0  〔分值 6 − 扣分 9 = -3，扣完为止，计 0〕" in text
    assert "2.2e 责任制落实不力，发布负面信息产生不良舆情影响（视情节轻重）：1 次 × 3.5 = 3.5" in text
    text = explain(example, "州机关事务局党组书记").to_text()
    assert "实地核查成绩 = 103  〔全年实地核查平均分 98 + 党建示范点加分 5〕" in text
