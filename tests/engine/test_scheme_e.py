"""Scheme E (XX市, seed 002 part 3): weighted indicators × three sources, worked by hand.

Fixed points: 优 100, 良 85, 中 70, 差 40. Per source Σ(weight × points) ÷ Σweight;
final = self × 0.6 + organisational × 0.2 + social × 0.2, + the leading group's correction,
then a confirmed veto → 0. Bands (a setting): 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 < 60.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from helpers import EXAMPLES, bundled, dataset
from kaoping.engine import InputError, evaluate, explain
from kaoping.io import read_input

E = "e-weighted-indicators"
TOWN, DEPT, FIRM = "镇街党（工）委", "市直部门党组织", "企事业单位党组织"


def indicator(unit, name, weight, self_, org, social, *, kind="规定指标"):
    return {"单位": unit, "指标名称": name, "指标类型": kind, "权重": weight,
            "责任单位": "办公室", "责任人": "张三", "完成时限": "2026-12-31",
            "进展情况": "已完成", "单位自评": self_, "组织评估": org, "社会评价": social}


def correction(unit, amount, reason="实绩分析"):
    return {"单位": unit, "修正分值": amount, "修正理由": reason}


def veto(unit, confirmed="是"):
    return {"单位": unit, "否决情形": "党建工作存在突出问题受上级党委通报批评",
            "情况说明": "受市委通报批评", "集体讨论确认": confirmed}


def units_of(names):
    return [{"单位": u, "类别": TOWN} for u in names]


def run(records, units=("甲",)):
    s = bundled(E)
    return evaluate(s, dataset(s, units_of(units), records))


def score_example():
    s = bundled(E)
    return evaluate(s, read_input(s, EXAMPLES / f"{E}.json"))


def d(text):
    return Decimal(text)


# ---------------------------------------------------------------------- the bundled example


def test_example_scores_ranks_and_grades():
    r = score_example()
    table = {u.unit: (u.score, u.rank, u.rank_in_class, u.grade) for u in r.ranking()}
    # 城关: self (5×100 + 3×100 + 1×85)/9 = 885/9; org (5×85 + 3×100 + 1×70)/9 = 795/9;
    #   social (5×85 + 3×85 + 1×70)/9 = 750/9;
    #   0.6×885/9 + 0.2×795/9 + 0.2×750/9 = (531 + 159 + 150)/9 = 840/9 = 93.333… → 93.33
    # 教育局 (weights 5, 3, 3): self (500 + 300 + 255)/11 = 1055/11; org (500 + 255 + 255)/11
    #   = 1010/11; social (425 + 255 + 210)/11 = 890/11;
    #   (0.6×1055 + 0.2×1010 + 0.2×890)/11 = (633 + 202 + 178)/11 = 1013/11 = 92.0909… → 92.09
    # 城投: self (425 + 300 + 85)/9 = 810/9 = 90; org (425 + 255 + 85)/9 = 85;
    #   social (425 + 300 + 70)/9 = 795/9; (486 + 153 + 159)/9 = 798/9 = 88.666…
    #   + correction 1.5 = 90.1666… → 90.17 (优秀: the correction lifts it over 90)
    # 河东 (weights 5, 3, 3): self (425 + 210 + 300)/11 = 935/11 = 85; org (425 + 210 + 255)/11
    #   = 890/11; social (350 + 210 + 255)/11 = 815/11; (561 + 178 + 163)/11 = 902/11 = 82
    # 医院 (weights 3, 1, 1, the same grades from all three): (3×85 + 1×85 + 1×70)/5 = 410/5 = 82
    #   → tied with 河东 at 82: both 4th, the next is 6th
    # 卫健委: self (425 + 255 + 70)/9 = 750/9; org (350 + 255 + 70)/9 = 675/9 = 75;
    #   social (425 + 210 + 70)/9 = 705/9; (450 + 135 + 141)/9 = 726/9 = 80.666…
    #   − 2 = 78.666… → 78.67 (合格: the correction takes it under 80); its veto is unconfirmed
    # 西山: self (5×85 + 1×70)/6 = 82.5; org = social = (5×70 + 1×40)/6 = 65;
    #   49.5 + 13 + 13 = 75.5, confirmed veto → 0
    assert table == {
        "城关街道党工委": (d("93.33"), 1, 1, "优秀"),
        "市教育局党组": (d("92.09"), 2, 1, "优秀"),
        "市城投集团党委": (d("90.17"), 3, 1, "优秀"),
        "河东镇党委": (d("82.00"), 4, 2, "良好"),
        "市第一人民医院党委": (d("82.00"), 4, 2, "良好"),
        "市卫健委党组": (d("78.67"), 6, 2, "合格"),
        "西山镇党委": (d("0.00"), 7, 3, "不合格"),
    }


def test_example_components():
    r = score_example()
    assert r.unit_result("城关街道党工委").components == {
        "单位自评得分": d("98.33"),   # 885/9 = 98.333…
        "组织评估得分": d("88.33"),   # 795/9 = 88.333…
        "社会评价得分": d("83.33"),   # 750/9 = 83.333…
        "考评得分": d("93.33"),       # 840/9
        "实绩修正分": d("0.00"),
    }
    # 卫健委: 726/9 = 80.666… shown before the −2 correction
    parts = r.unit_result("市卫健委党组").components
    assert (parts["考评得分"], parts["实绩修正分"]) == (d("80.67"), d("-2.00"))


def test_example_explanation_names_the_veto_and_the_correction():
    r = score_example()
    text = explain(r, "西山镇党委").to_text()
    assert "最终得分 = 0  〔一票否决，计 0〕" in text
    assert "records.一票否决[0]" in text
    assert "0.6 × 单位自评得分 82.5 + 0.2 × 组织评估得分 65 + 0.2 × 社会评价得分 65" in text
    text = explain(r, "市城投集团党委").to_text()
    assert "考评得分 88.6667 + 实绩修正分 1.5" in text
    assert "重点项目建设中党员突击队" in text          # the reason is shown with the amount
    assert "按「权重」加权平均：Σ(权重×得分) ÷ Σ权重" in text


# ---------------------------------------------------------------------- table-driven rules


@pytest.mark.parametrize(("grade", "points"), [("优", 100), ("良", 85), ("中", 70), ("差", 40)])
def test_fixed_points(grade, points):
    r = run({"指标评分": [indicator("甲", "一", "3", grade, grade, grade)]})
    assert r.unit_result("甲").score == Decimal(points).quantize(d("0.01"))


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # one source at a time differs: (5×100 + 3×85 + 1×70)/(5+3+1) = 825/9 = 91.666… → 91.67
        ([("5", "优"), ("3", "良"), ("1", "中")], "91.67"),
        # (1×100 + 5×40)/6 = 300/6 = 50
        ([("1", "优"), ("5", "差")], "50.00"),
        # (3×85 + 3×70)/6 = 465/6 = 77.5 (equal weights: the plain mean)
        ([("3", "良"), ("3", "中")], "77.50"),
        # (5×70 + 5×70 + 1×100)/11 = 800/11 = 72.7272… → 72.73
        ([("5", "中"), ("5", "中"), ("1", "优")], "72.73"),
    ],
)
def test_weighted_mean_per_source(rows, expected):
    recs = [indicator("甲", f"指标{k}", w, g, g, g) for k, (w, g) in enumerate(rows)]
    r = run({"指标评分": recs})
    assert r.unit_result("甲").components["单位自评得分"] == d(expected)
    assert r.unit_result("甲").score == d(expected)  # the same grades from all three sources


def test_source_weights_sixty_twenty_twenty():
    # self 优 100, org 中 70, social 差 40: 60 + 14 + 8 = 82
    r = run({"指标评分": [indicator("甲", "一", "5", "优", "中", "差")]})
    assert r.unit_result("甲").score == d("82.00")


@pytest.mark.parametrize(
    ("amount", "score", "grade"),
    [
        # one indicator graded 中 by all three sources = 70; the correction is added to it
        (20, "90.00", "优秀"),       # 70 + 20 = 90, ≥ 90 inclusive
        (19.99, "89.99", "良好"),
        (10, "80.00", "良好"),
        (9.995, "80.00", "合格"),    # 79.995 is shown as 80.00 but graded on the exact value
        (-10, "60.00", "合格"),
        (-10.01, "59.99", "不合格"),
    ],
)
def test_correction_and_grade_bands(amount, score, grade):
    r = run({"指标评分": [indicator("甲", "一", "1", "中", "中", "中")],
             "实绩修正": [correction("甲", amount)]})
    u = r.unit_result("甲")
    assert (u.score, u.grade) == (d(score), grade)


def test_confirmed_veto_zeroes_even_a_corrected_score():
    # 100 + 5 = 105 before the veto; the veto applies to the corrected score → 0
    r = run({"指标评分": [indicator("甲", "一", "5", "优", "优", "优")],
             "实绩修正": [correction("甲", 5)],
             "一票否决": [veto("甲")]})
    u = r.unit_result("甲")
    assert (u.score, u.grade) == (d("0.00"), "不合格")


def test_unconfirmed_veto_is_only_recorded():
    # 3×85/3 = 85, the veto is not confirmed by the collective discussion: stays 85
    r = run({"指标评分": [indicator("甲", "一", "3", "良", "良", "良")],
             "一票否决": [veto("甲", confirmed="否")]})
    assert r.unit_result("甲").score == d("85.00")


def test_appeals_are_kept_but_do_not_score():
    rows = [indicator("甲", "一", "3", "良", "中", "良")]  # 51 + 14 + 17 = 82
    appeal = {"单位": "甲", "申诉事项": "组织评估偏低", "调查答复": "维持原评定"}
    plain = run({"指标评分": rows})
    appealed = run({"指标评分": rows, "申诉": [appeal]})
    assert plain.unit_result("甲").score == appealed.unit_result("甲").score == d("82.00")


def test_ranking_overall_and_by_class_ties_share_the_better_rank():
    units = [{"单位": "甲", "类别": TOWN}, {"单位": "乙", "类别": TOWN},
             {"单位": "丙", "类别": DEPT}, {"单位": "丁", "类别": FIRM}]
    s = bundled(E)
    recs = [indicator("甲", "一", "5", "良", "良", "良"),   # 85
            indicator("乙", "一", "5", "中", "中", "中"),   # 70
            indicator("丙", "一", "1", "良", "良", "良"),   # 85, tied with 甲
            indicator("丁", "一", "3", "优", "优", "优")]   # 100
    r = evaluate(s, dataset(s, units, {"指标评分": recs}))
    table = {u.unit: (u.rank, u.rank_in_class) for u in r.ranking()}
    assert table == {"丁": (1, 1), "甲": (2, 1), "丙": (2, 1), "乙": (4, 2)}


def test_a_unit_without_indicators_is_not_scored():
    r = run({"指标评分": [indicator("甲", "一", "5", "良", "良", "良")]}, units=("甲", "乙"))
    u = r.unit_result("乙")
    assert (u.score, u.rank, u.flags) == (None, None, ["数据不全，未计分"])


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ({"指标评分": [indicator("甲", "一", "2", "良", "良", "良")]}, "权重 \"2\" 不在可选值 5/3/1 中"),
        ({"指标评分": [indicator("甲", "一", "5", "甲等", "良", "良")]}, "单位自评 \"甲等\" 不在可选值"),
        ({"实绩修正": [{"单位": "甲", "修正分值": 2}]}, "修正理由 为必填项"),
        ({"指标评分": [indicator("甲", "一", "5", "良", "良", "良"),
                   indicator("甲", "一", "3", "中", "中", "中")]}, "指标名称 相同"),
    ],
)
def test_bad_input_is_refused(records, message):
    s = bundled(E)
    with pytest.raises(InputError) as exc:
        dataset(s, units_of(["甲"]), records)
    assert any(message in p.message for p in exc.value.problems), exc.value.problems
