"""Scheme B — 洛阳市直机关 2016 党建目标绩效考核 (seed 001, SCHEMES.md B).

Every expected number below is worked out by hand from the seed's 细则 and written with its
arithmetic; none is copied from the engine's output.

An item starts at its points and loses what its clauses name; it never goes below 0 nor
above its points; a “无分” clause makes it 0. Final = 网上考核 × 50% + 年终分组考评 × 50%.
Grades: ≥ 90 先进党组织, ≥ 60 达标党组织, else 未达标党组织; vetoes are facts (decision 3).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from kaoping.engine import InputError, evaluate, explain, load_scheme
from kaoping.io import read_input
from kaoping.io.jsonfile import dataset_from_document

ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "schemes" / "b-luoyang-rubric.yaml"
EXAMPLE = ROOT / "schemes" / "examples" / "b-luoyang-rubric.json"

ON, YE = "网上考核", "年终分组考评"
SERIOUS = "严重违纪或重大责任事故且影响恶劣"
ELECTION = "未按时换届超过一年"
DUES = "党费未按时足额缴纳"


@pytest.fixture(scope="module")
def scheme():
    return load_scheme(SCHEME)


def D(x: str) -> Decimal:
    return Decimal(x)


def deduction(scheme, unit, source, clause, count=None, amount=None):
    """One 扣分记录 row; the item is the clause's own item (as the template fills it)."""
    row = {"单位": unit, "考核来源": source,
           "考核项目": scheme.items[scheme.clause_by_code(clause).item].name, "扣分条款": clause}
    if count is not None:
        row["次数"] = count
    if amount is not None:
        row["扣分"] = amount
    return row


def dataset(scheme, units, deductions=(), vetoes=()):
    doc = {"year": 2026,
           "units": [{"单位": u, "类别": "机关党委"} for u in units],
           "records": {"扣分记录": list(deductions),
                       "否决情形": [{"单位": u, "情形": v} for u, v in vetoes]}}
    return dataset_from_document(scheme, doc, None, "test")


def run(scheme, units, deductions=(), vetoes=()):
    return evaluate(scheme, dataset(scheme, units, deductions, vetoes))


# --------------------------------------------------------------------------- the scheme file


def test_the_rubric_is_the_seeds_细则(scheme):
    sections = scheme.model.sections
    assert [(s.name, s.points) for s in sections] == [
        ("思想建设", 20), ("组织建设", 25), ("作风建设", 20), ("反腐倡廉建设", 10), ("制度建设", 25)]
    assert [[i.points for i in s.items] for s in sections] == [
        [6, 5, 6, 3], [5, 3, 3, 3, 3, 3, 5], [4, 5, 3, 3, 5], [5, 5], [8, 5, 5, 5, 2]]
    assert len(scheme.items) == 23
    assert scheme.model.total_points == 100  # 20 + 25 + 20 + 10 + 25


# --------------------------------------------------------------------------- one rubric row
# (item, 评分标准 as in the seed, deductions [(clause, 次数, 扣分)], hand-worked item score)

ROWS = [
    ("3.1", "未列席党员领导干部民主生活会扣1分；少列席有关会议1次扣0.5分。",
     [("3.1a", None, None), ("3.1b", 3, None)], D("1.5")),        # 4 − 1 − 3×0.5 = 1.5
    ("3.3", "调研报告或论文不报扣1分；工作信息少1篇扣0.5分。",
     [("3.3b", 3, None)], D("1.5")),                              # 3 − 3×0.5 = 1.5
    ("2.2", "班子不健全扣2分；超届1年以上每1年扣1分。",
     [("2.2b", 2, None)], D("1")),                                # 3 − 2×1 = 1
    ("2.2", "班子不健全扣2分；超届1年以上每1年扣1分。",
     [("2.2a", None, None), ("2.2b", 3, None)], D("0")),          # 3 − 2 − 3 = −2 → floor 0
    ("2.4", "发展党员质量有问题无分；不按规定程序发展党员扣1分。",
     [("2.4b", None, None)], D("2")),                             # 3 − 1 = 2
    ("2.4", "发展党员质量有问题无分；不按规定程序发展党员扣1分。",
     [("2.4a", None, None)], D("0")),                             # 无分 → 0
    ("2.5", "不按时、不足额交纳党费各扣2分；管理使用党费违犯规定扣1分；党委不单独设立党费专用帐户扣1分。",
     [("2.5a", None, None), ("2.5b", None, None)], D("0")),       # 3 − 2 − 2 = −1 → 0
    ("3.2", "无工作计划总结扣1—3分，群众满意度较低或经媒体曝光群众反映较差扣1-3分。",
     [("3.2a", None, 2.5), ("3.2b", None, 1)], D("1.5")),         # 5 − 2.5 − 1 = 1.5
    ("3.5", "活动开展不认真的扣1-3分，群众满意率或群众评议较差的扣3-5分。",
     [("3.5b", None, 3)], D("2")),                                # 5 − 3 = 2
    ("3.5", "活动开展不认真的扣1-3分，群众满意率或群众评议较差的扣3-5分。",
     [("3.5a", None, 1.5), ("3.5b", None, 5)], D("0")),           # 5 − 1.5 − 5 = −1.5 → 0
    ("4.1", "不开展廉政文化建设活动扣3分，开展不扎实扣1—2分；开展廉政文化进机关活动不扎实扣2分。",
     [("4.1b", None, 1.25), ("4.1c", None, None)], D("1.75")),    # 5 − 1.25 − 2 = 1.75
    ("5.1", "达不到要求的1项扣1—2分。",
     [("5.1a", 3, 1.5)], D("3.5")),                               # 8 − 3 × 1.5 = 3.5
    ("5.4", "党员领导干部不参加党小组民主生活会扣1分；参加所在党组织活动少1次扣0.5分；"
            "党员领导干部民主生活会情况不向市直纪工委报告扣1分；未通报工作情况扣1分。",
     [("5.4a", None, None), ("5.4b", 2, None), ("5.4d", None, None)], D("2")),  # 5 − 1 − 1 − 1 = 2
    ("1.1", "不按要求开展各项学习和教育活动分别扣1分。", [], D("6")),  # no deduction: full 6
]


@pytest.mark.parametrize("code, standard, records, expected", ROWS,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(ROWS)])
def test_one_rubric_row(scheme, code, standard, records, expected):
    item = scheme.item_by_key(code)
    assert item.spec.standard == standard
    rows = [deduction(scheme, "甲", ON, c, n, a) for c, n, a in records]
    result = run(scheme, ["甲"], rows)
    got = result.rounded(result.measure("online_items")[0, item.index, 0])
    assert got == expected
    # every other item is at full points, so 网上考核 = 100 − (points − item score);
    # 年终分组考评 has no deductions (100), and the final is their mean, shown to 2 places
    # rounded half up (4.1: (96.75 + 100) ÷ 2 = 98.375 → 98.38).
    online = Decimal(100) - (Decimal(str(item.spec.points)) - expected)
    ur = result.unit_result("甲")
    assert ur.components == {"网上考核得分": online, "年终分组考评得分": D("100.00")}
    assert ur.score == ((online + 100) / 2).quantize(D("0.01"), ROUND_HALF_UP)


def test_sources_are_scored_apart_and_weighted_half_each(scheme):
    rows = [deduction(scheme, "甲", ON, "2.7a", 5),        # 网上: 2.7 = 5 − 5 = 0 → 100 − 5 = 95
            deduction(scheme, "甲", YE, "5.1a", 4, 2),     # 年终: 5.1 = 8 − 4×2 = 0 → 100 − 8 = 92
            deduction(scheme, "甲", YE, "5.2a", 4)]        # 年终: 5.2 = 5 − 4×0.5 = 3 → 92 − 2 = 90
    ur = run(scheme, ["甲"], rows).unit_result("甲")
    assert ur.components == {"网上考核得分": D("95.00"), "年终分组考评得分": D("90.00")}
    assert ur.score == D("92.50")  # 0.5 × 95 + 0.5 × 90 = 47.5 + 45


# --------------------------------------------------------------------------- grades and vetoes

# Deductions that cost exactly N points, used in both sources.
LOSE_30 = [("5.1a", 4, 2), ("1.1a", 6, None), ("1.3a", None, None), ("1.3b", 4, None),
           ("2.1a", None, None), ("2.1b", None, None), ("2.1c", None, None), ("2.1d", None, None),
           ("2.7a", 5, None)]   # 8 + 6 + (2 + 4) + (2 + 1 + 1 + 1) + 5 = 30
LOSE_50 = LOSE_30 + [("5.2a", 10, None), ("5.3a", 10, None), ("5.4a", None, None),
                     ("5.4b", 4, None), ("5.4c", None, None), ("5.4d", None, None),
                     ("3.2a", None, 3), ("3.2b", None, 2)]  # 30 + 5 + 5 + (1+2+1+1) + (3+2) = 50
LOSE_5 = [("2.7a", 5, None)]  # 5


@pytest.mark.parametrize("lose, vetoes, score, grade", [
    (LOSE_5, [], "95.00", "先进党组织"),                  # 100 − 5 = 95 in both sources
    (LOSE_5, [SERIOUS], "95.00", "未达标党组织"),         # forced whatever the score
    (LOSE_5, [ELECTION], "95.00", "达标党组织"),          # not 先进: capped
    (LOSE_5, [DUES], "95.00", "达标党组织"),              # not 先进: capped
    (LOSE_5, [DUES, SERIOUS], "95.00", "未达标党组织"),   # the force overrides the cap
    (LOSE_30, [], "70.00", "达标党组织"),                 # 100 − 30 = 70
    (LOSE_30, [ELECTION], "70.00", "达标党组织"),         # a cap never raises a grade
    (LOSE_50, [], "50.00", "未达标党组织"),               # 100 − 50 = 50
    (LOSE_50, [DUES], "50.00", "未达标党组织"),
])
def test_grades_and_vetoes(scheme, lose, vetoes, score, grade):
    rows = [deduction(scheme, "甲", src, c, n, a) for src in (ON, YE) for c, n, a in lose]
    ur = run(scheme, ["甲"], rows, [("甲", v) for v in vetoes]).unit_result("甲")
    assert ur.score == Decimal(score)
    assert ur.grade == grade


def test_grade_bounds_are_inclusive_and_use_the_exact_score(scheme):
    rows = [
        # 乙: 10 off in each source → 90, exactly on the 先进 line
        *[deduction(scheme, "乙", src, c, n, a) for src in (ON, YE)
          for c, n, a in (("5.1a", 4, 2), ("1.1a", 2, None))],           # 8 + 2
        # 丙: 40 off in each source → 60, exactly on the 达标 line
        *[deduction(scheme, "丙", src, c, n, a) for src in (ON, YE)
          for c, n, a in LOSE_30 + [("5.2a", 10, None), ("5.3a", 10, None)]],   # 30 + 5 + 5
        # 丁: 网上 100 − 8 − 2.01 = 89.99; 年终 100 − 8 − 2 = 90;
        #     final 0.5 × 89.99 + 0.5 × 90 = 89.995 → shown 90.00, but below 90: 达标
        deduction(scheme, "丁", ON, "5.1a", 4, 2), deduction(scheme, "丁", ON, "3.2a", None, 2.01),
        deduction(scheme, "丁", YE, "5.1a", 4, 2), deduction(scheme, "丁", YE, "1.1a", 2),
    ]
    result = run(scheme, ["乙", "丙", "丁"], rows)
    got = {u: (result.unit_result(u).score, result.unit_result(u).grade) for u in ("乙", "丙", "丁")}
    assert got == {"乙": (D("90.00"), "先进党组织"),
                   "丙": (D("60.00"), "达标党组织"),
                   "丁": (D("90.00"), "达标党组织")}


# --------------------------------------------------------------------------- refused input


@pytest.mark.parametrize("row, message", [
    (("3.5b", None, 6), "扣分 6 不在条款 3.5b 的区间 3—5 内"),      # 3.5b is 扣3-5分
    (("3.5b", None, 2.5), "扣分 2.5 不在条款 3.5b 的区间 3—5 内"),
    (("3.2a", None, None), "条款 3.2a 扣 1—3 分，须填所扣分值"),
    (("2.7a", None, 1), "条款 2.7a 按次扣分，不填扣分值（填次数）"),
    (("2.4a", None, 1), "条款 2.4a 该项不得分，不填扣分值（填次数）"),
])
def test_bad_deductions_are_refused(scheme, row, message):
    c, n, a = row
    with pytest.raises(InputError) as exc:
        dataset(scheme, ["甲"], [deduction(scheme, "甲", ON, c, n, a)])
    assert message in str(exc.value)


def test_a_clause_of_another_item_is_refused(scheme):
    row = deduction(scheme, "甲", ON, "3.1a")
    row["考核项目"] = "调研报告与信息"
    with pytest.raises(InputError) as exc:
        dataset(scheme, ["甲"], [row])
    assert "扣分条款 3.1a 不属于考核项目「调研报告与信息」" in str(exc.value)


# --------------------------------------------------------------------------- the bundled example


@pytest.fixture(scope="module")
def example(scheme):
    return evaluate(scheme, read_input(scheme, EXAMPLE))


# unit: (网上考核, 年终分组考评, final, rank, grade), each worked from the example's records:
EXPECTED = {
    # 网上 100 − 3.1b 2×0.5 − 5.2a 0.5 = 98.5; 年终 100 − 3.2a 1 − 2.7a 1 = 98;
    # 0.5 × 98.5 + 0.5 × 98 = 98.25
    "市财政局机关党委": ("98.50", "98.00", "98.25", 2, "先进党组织"),
    # 网上 100 − 2.5a 2 = 98; 年终 100 − 5.1a 2×1.5 − 3.3b 3×0.5 = 100 − 3 − 1.5 = 95.5;
    # 49 + 47.75 = 96.75; 党费 veto caps it at 达标
    "市教育局机关党委": ("98.00", "95.50", "96.75", 3, "达标党组织"),
    # 网上 100 − 4.2c 2×1 − 2.2b 2×1 = 96; 年终 96 − 4.2a 1 = 95; 48 + 47.5 = 95.5;
    # 换届 caps at 达标, 严重违纪 forces 未达标 (the force wins)
    "市公安局机关党委": ("96.00", "95.00", "95.50", 4, "未达标党组织"),
    # 网上: 2.4 无分 (−3; its 2.4b is moot), 1.2 = 5 − 2×2 − 2×1 = −1 → 0 (−5): 92;
    # 年终: 2.4 无分 (−3), 3.5 = 5 − 4 − 2 → 0 (−5), 4.1 = 5 − 3 − 2 = 0 (−5): 87;
    # 46 + 43.5 = 89.5 (< 90: 达标)
    "市档案局党总支": ("92.00", "87.00", "89.50", 5, "达标党组织"),
    # 网上: 5.1 8−4×2=0 (−8), 2.1 5−2−1−1−1=0 (−5), 2.7 5−7→0 (−5), 5.3 5−10×0.5=0 (−5),
    #       1.1 6−6=0 (−6), 1.3 6−2−4=0 (−6), 3.2 5−3−3→0 (−5), 5.4 −4×0.5 (−2): 100 − 42 = 58;
    # 年终: 5.1 −8, 1.1 −6, 2.7 −5, 5.3 −5, 3.5 −5, 4.1 −3−2 (−5), 2.6 −2, 5.2b −1, 3.4b −1:
    #       100 − 38 = 62; 29 + 31 = 60 (达标 inclusive; the 换届 cap changes nothing)
    "市地震局党支部": ("58.00", "62.00", "60.00", 6, "达标党组织"),
    # 网上: −8 −6 −6 −5 (2.1) −5 (2.7) −5 (5.3) −5 (3.2: 3+2) −5 (4.1: 3+2) = −45 → 55;
    # 年终: −8 −6 −6 −5 −5 −5 −5 (5.2: 10×0.5) = −40 → 60; 27.5 + 30 = 57.5
    "市文物局党总支": ("55.00", "60.00", "57.50", 7, "未达标党组织"),
    # no deductions: 100 and 100
    "市统计局党支部": ("100.00", "100.00", "100.00", 1, "先进党组织"),
}


def test_example_scores_ranks_and_grades(example):
    got = {}
    for u in example.units:
        ur = example.unit_result(u)
        got[u] = (str(ur.components["网上考核得分"]), str(ur.components["年终分组考评得分"]),
                  str(ur.score), ur.rank, ur.grade)
    assert got == EXPECTED


def test_example_ranks_within_class(example):
    # 机关党委: 财政 98.25, 教育 96.75, 公安 95.5; 党总支: 档案 89.5, 文物 57.5;
    # 党支部: 统计 100, 地震 60
    got = {u: example.unit_result(u).rank_in_class for u in example.units}
    assert got == {"市财政局机关党委": 1, "市教育局机关党委": 2, "市公安局机关党委": 3,
                   "市档案局党总支": 1, "市文物局党总支": 2,
                   "市统计局党支部": 1, "市地震局党支部": 2}


def test_example_explanation(example):
    text = explain(example, "市档案局党总支").to_text()
    assert "得分 89.50" in text
    assert "绩效考核得分 = 89.5  〔0.5 × 网上考核得分 92 + 0.5 × 年终分组考评得分 87〕" in text
    assert "1.2 经常性思想政治工作 网上考核项目得分 = 0  〔分值 5 − 扣分 6 = -1，扣完为止，计 0〕" in text
    assert "2.4 发展党员 网上考核项目得分 = 0  〔有“不得分”情形，计 0〕" in text
    assert "3.5b 群众满意率或群众评议较差：1 次 × 4 = 4" in text
    headline = explain(example, "市公安局机关党委").headline
    assert any("最高为 达标党组织" in h and "定为 未达标党组织" in h for h in headline)
