"""Scheme C (淮南矿业集团, seed 002 part 1): negative-list assessment, worked by hand.

百分制得分 = 日常调研式考核（每半年一次，取平均）× 30% + 年终考核 × 70%；
好 ≥ 90，较好 ≥ 85，一般 > 75，差 ≤ 75（75 是差）；负面清单情形不得评为好（最高较好）；
附加分单列，不计入百分制得分。
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from helpers import EXAMPLES, bundled, dataset
from kaoping.engine import InputError, evaluate, explain
from kaoping.io import read_input

C = "c-huainan-negative-list"


def unit_rows(unit, h1, h2, year_end):
    rows = {"日常调研式考核": [], "年终考核": []}
    for half, score in (("上半年", h1), ("下半年", h2)):
        if score is not None:
            rows["日常调研式考核"].append({"单位": unit, "半年": half, "得分": score})
    if year_end is not None:
        rows["年终考核"].append({"单位": unit, "得分": year_end})
    return rows


def score_one(h1, h2, year_end, vetoes=(), extra=()):
    s = bundled(C)
    records = unit_rows("甲矿党委", h1, h2, year_end)
    records["否决情形"] = [{"单位": "甲矿党委", "情形": v} for v in vetoes]
    records["加扣分"] = [{"单位": "甲矿党委", "发文层级": level, "类型": kind, "文件": f"文件{k}"}
                      for k, (level, kind) in enumerate(extra)]
    r = evaluate(s, dataset(s, ["甲矿党委"], records))
    return r.unit_result("甲矿党委")


# 百分制得分与等次（分数线：90 是好，85 是较好，75 是差）。
@pytest.mark.parametrize(
    ("h1", "h2", "year_end", "score", "grade"),
    [
        (90, 90, 90, "90.00", "好"),        # 0.3 × 90 + 0.7 × 90 = 27 + 63 = 90 → 好（含 90）
        (100, 100, 100, "100.00", "好"),    # 30 + 70 = 100
        (88, 92, 91, "90.70", "好"),        # 0.3 × (88 + 92)/2 + 0.7 × 91 = 27 + 63.7 = 90.7
        (90, 89.98, 90, "90.00", "较好"),   # 0.3 × 89.99 + 63 = 26.997 + 63 = 89.997：显示 90.00，仍是较好
        (85, 85, 85, "85.00", "较好"),      # 25.5 + 59.5 = 85 → 较好（含 85）
        (84, 86, 84.9, "84.93", "一般"),    # 0.3 × 85 + 0.7 × 84.9 = 25.5 + 59.43 = 84.93 < 85
        (76, 74, 75.01, "75.01", "一般"),   # 0.3 × 75 + 0.7 × 75.01 = 22.5 + 52.507 = 75.007 > 75
        (75, 75, 75, "75.00", "差"),        # 22.5 + 52.5 = 75 → 差（75 分含 75 分以下为差）
        (60, 70, 50, "54.50", "差"),        # 0.3 × 65 + 0.7 × 50 = 19.5 + 35 = 54.5
    ],
)
def test_score_and_grade_bands(h1, h2, year_end, score, grade):
    ur = score_one(h1, h2, year_end)
    assert (ur.score, ur.grade) == (Decimal(score), grade)


def test_half_year_scores_are_averaged():
    ur = score_one(80, 90, 85)
    # 日常调研式考核 (80 + 90)/2 = 85；0.3 × 85 + 0.7 × 85 = 25.5 + 59.5 = 85
    assert ur.components == {"日常调研式考核（两次平均）": Decimal("85.00"),
                             "年终考核得分": Decimal("85.00")}
    assert ur.score == Decimal("85.00")


def test_a_half_not_assessed_is_left_out_of_the_mean():
    ur = score_one(88, None, 90)
    # only 上半年: mean 88；0.3 × 88 + 0.7 × 90 = 26.4 + 63 = 89.4 → 较好
    assert (ur.score, ur.grade) == (Decimal("89.40"), "较好")


def test_no_year_end_score_is_not_scored():
    ur = score_one(90, 90, None)
    assert (ur.score, ur.grade, ur.rank) == (None, None, None)
    assert ur.flags == ["数据不全，未计分"]


# 负面清单：不得评定为好等次（最高较好）；较低的等次不变。
@pytest.mark.parametrize(
    ("scores", "veto", "score", "grade"),
    [
        ((100, 100, 100), "党组织法定地位不落实", "100.00", "较好"),    # 100 → 好 → capped 较好
        ((94, 96, 93), "安全经营核心指标未完成", "93.60", "较好"),     # 0.3 × 95 + 0.7 × 93 = 28.5 + 65.1
        ((90, 90, 90), "因环境保护被问责", "90.00", "较好"),           # exactly 90 → 好 → 较好
        ((86, 86, 86), "党组织标准化建设不达标", "86.00", "较好"),     # already 较好: unchanged
        ((80, 80, 80), "因党风廉政建设被问责", "80.00", "一般"),       # 一般: a cap never raises
        ((70, 70, 70), "因社会治安综合治理被问责", "70.00", "差"),
        ((95, 95, 95), "因违反人口和计划生育政策被问责", "95.00", "较好"),
    ],
)
def test_negative_list_caps_the_grade(scores, veto, score, grade):
    ur = score_one(*scores, vetoes=[veto])
    assert (ur.score, ur.grade) == (Decimal(score), grade)


# 附加分：中央和国家机关、国家级行业协会、省委省政府 ±2；省直机关 ±1；集团公司 ±0.5（设置）。
@pytest.mark.parametrize(
    ("extra", "points"),
    [
        ([("中央和国家机关", "表彰")], "2.00"),
        ([("国家级行业协会", "授予荣誉称号")], "2.00"),
        ([("省委省政府", "通报批评")], "-2.00"),
        ([("省直机关", "表彰")], "1.00"),
        ([("省直机关", "通报批评")], "-1.00"),
        ([("集团公司", "授予荣誉称号")], "0.50"),
        ([("集团公司", "通报批评")], "-0.50"),
        ([("中央和国家机关", "表彰"), ("省直机关", "通报批评"), ("集团公司", "表彰")], "1.50"),  # 2 − 1 + 0.5
        ([], "0.00"),
    ],
)
def test_additional_points_are_kept_apart(extra, points):
    ur = score_one(89, 89, 89, extra=extra)
    assert ur.apart == {"附加分": Decimal(points)}
    # never added: 0.3 × 89 + 0.7 × 89 = 89 whatever the additional points → 较好
    assert (ur.score, ur.grade) == (Decimal("89.00"), "较好")


def test_input_checks():
    s = bundled(C)
    records = unit_rows("甲矿党委", 90, 90, 101)
    records["否决情形"] = [{"单位": "甲矿党委", "情形": "安全经营核心指标未完成"},
                       {"单位": "甲矿党委", "情形": "安全经营核心指标未完成"}]
    with pytest.raises(InputError) as exc:
        dataset(s, ["甲矿党委"], records)
    text = str(exc.value)
    assert "得分 \"101\" 大于上限 100" in text
    assert "单位+情形 相同" in text


# ---------------------------------------------------------------- the bundled example


def score_example():
    s = bundled(C)
    return evaluate(s, read_input(s, EXAMPLES / f"{C}.json"))


def test_example_scores_grades_and_ranks():
    r = score_example()
    table = {u.unit: (u.rank, u.score, u.grade, u.apart["附加分"]) for u in r.ranking()}
    assert table == {
        # 0.3 × (94 + 96)/2 + 0.7 × 93 = 28.5 + 65.1 = 93.6 → 好, 安全经营核心指标未完成 → 较好
        # 附加分 国家级行业协会 荣誉称号 +2
        "顾北矿党委": (1, Decimal("93.60"), "较好", Decimal("2.00")),
        # 0.3 × (88 + 92)/2 + 0.7 × 90 = 27 + 63 = 90 → 好；附加分 中央 +2 + 省直 +1 = 3
        "谢桥矿党委": (2, Decimal("90.00"), "好", Decimal("3.00")),
        # 0.3 × (90 + 89.98)/2 + 0.7 × 90 = 26.997 + 63 = 89.997：显示 90.00，等次较好
        "潘三矿党委": (3, Decimal("90.00"), "较好", Decimal("0.00")),
        # 0.3 × (84 + 86)/2 + 0.7 × 85 = 25.5 + 59.5 = 85 → 较好；省委省政府通报 −2 + 集团表彰 0.5
        "张集矿党委": (4, Decimal("85.00"), "较好", Decimal("-1.50")),
        # tie: 0.3 × (80 + 84)/2 + 0.7 × 80 = 24.6 + 56 = 80.6
        #      0.3 × (74 + 76)/2 + 0.7 × 83 = 22.5 + 58.1 = 80.6 → both 5th
        "朱集东矿党委": (5, Decimal("80.60"), "一般", Decimal("0.00")),
        "李一矿党委": (5, Decimal("80.60"), "一般", Decimal("0.00")),
        # 0.3 × (75 + 75.1)/2 + 0.7 × 75 = 22.515 + 52.5 = 75.015 → 75.02（四舍五入）, > 75 → 一般
        # 省直机关通报 −1；7th after the tie
        "潘二矿党委": (7, Decimal("75.02"), "一般", Decimal("-1.00")),
        # 0.3 × (74 + 76)/2 + 0.7 × 75 = 22.5 + 52.5 = 75 → 差；集团公司通报 −0.5
        "顾桥矿党委": (8, Decimal("75.00"), "差", Decimal("-0.50")),
        # 0.3 × (70 + 72)/2 + 0.7 × 72 = 21.3 + 50.4 = 71.7 → 差 (two vetoes; the cap does not lift)
        "新庄孜矿党委": (9, Decimal("71.70"), "差", Decimal("0.00")),
    }
    # the veto cap is shown as a flag wherever a veto record exists, even when it changes nothing
    capped = {"顾北矿党委", "新庄孜矿党委"}
    assert {u.unit: u.flags for u in r.ranking()} == {
        u.unit: (["等次最高为较好"] if u.unit in capped else []) for u in r.ranking()}


def test_example_components():
    r = score_example()
    ur = r.unit_result("潘二矿党委")
    # (75 + 75.1)/2 = 75.05
    assert ur.components == {"日常调研式考核（两次平均）": Decimal("75.05"),
                             "年终考核得分": Decimal("75.00")}


def test_example_explanation_names_the_veto_record():
    r = score_example()
    text = explain(r, "顾北矿党委").to_text()
    assert "等次 较好（得分 ≥ 90；因 " in text
    assert "records.否决情形[0] 最高为 较好" in text
    assert "0.3 × 日常调研式考核（两次平均） 95 + 0.7 × 年终考核得分 93" in text
    # the additional points are explained apart, record by record
    assert "附加分 = 2" in text
    assert "发文层级 国家级行业协会 → 2；类型 授予荣誉称号 → 1，相乘得 2" in text


def test_example_explanation_of_a_score_shown_as_90_but_graded_below():
    text = explain(score_example(), "潘三矿党委").to_text()
    assert "党建工作考核得分 = 89.997" in text
    assert "等次 较好（得分 ≥ 85）" in text
