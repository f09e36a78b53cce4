"""Table-driven tests of the operations and result rules, on small inline schemes.

Each case: a few records in, the hand-worked number (or grade) out.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from helpers import dataset
from kaoping.engine import evaluate, explain, load_scheme

BASE = """
kaoping: 1
id: T
name: 规则测试
units: {classes: [镇街, 市直单位]}
records:
  分数:
    fields:
      - {name: 分数, type: number}
      - {name: 类型, type: choice, options: [甲, 乙], required: false}
  季度分:
    period: quarter
    fields:
      - {name: 分数, type: number}
  否决:
    fields:
      - {name: 事项, type: choice, options: [严重违纪, 换届超期]}
measures:
  - {name: total, label: 得分, aggregate: {records: 分数, value: {field: 分数}}}
  - {name: q, label: 季度得分, aggregate: {records: 季度分, value: {field: 分数}, empty: skip}}
  - {name: q_mean, label: 季度平均, roll_up: {of: q, to: year, how: mean}}
  - {name: q_sum, label: 季度合计, roll_up: {of: q, to: year, how: sum}}
MEASURES
result:
  score: SCORE
RESULT
"""


def scheme(measures: str = "", score: str = "total", result: str = ""):
    text = BASE.replace("MEASURES", measures).replace("SCORE", score).replace("RESULT", result)
    return load_scheme("rules.yaml", text=text)


def units(*names, cls="镇街"):
    return [{"单位": n, "类别": cls, "上级组织": "工委"} for n in names]


def scores(**by_unit):
    return {"分数": [{"单位": u, "分数": s} for u, s in by_unit.items()]}


BANDS = """
  grade:
    bands:
      - {grade: 好, min: 90}
      - {grade: 较好, min: 85}
      - {grade: 一般, above: 75}
      - {grade: 差}
    caps:
      - {when: {exists: {records: 否决, where: {事项: 换届超期}}}, at: 较好}
    force:
      - {when: {exists: {records: 否决, where: {事项: 严重违纪}}}, grade: 差}
"""


@pytest.mark.parametrize(
    ("score", "grade", "shown"),
    [
        (90, "好", "90.00"),
        (89.996, "较好", "90.00"),   # shown as 90.00 but below 90: grades use the exact value
        (85, "较好", "85.00"),
        (84.99, "一般", "84.99"),
        (75.01, "一般", "75.01"),
        (75, "差", "75.00"),         # above: 75 is exclusive, so 75 itself is 差
        (0, "差", "0.00"),
    ],
)
def test_grade_bands_use_exact_values(score, grade, shown):
    s = scheme(result=BANDS)
    r = evaluate(s, dataset(s, units("甲镇"), scores(甲镇=score)))
    u = r.unit_result("甲镇")
    assert (u.grade, u.score) == (grade, Decimal(shown))


@pytest.mark.parametrize(
    ("facts", "grade"),
    [
        ([], "好"),
        (["换届超期"], "较好"),            # capped at 较好
        (["严重违纪"], "差"),              # forced
        (["换届超期", "严重违纪"], "差"),   # the force overrides the cap
    ],
)
def test_caps_and_force(facts, grade):
    s = scheme(result=BANDS)
    records = {**scores(甲镇=95), "否决": [{"单位": "甲镇", "事项": f} for f in facts]}
    r = evaluate(s, dataset(s, units("甲镇"), records))
    assert r.unit_result("甲镇").grade == grade


def test_capped_grade_explains_which_record():
    s = scheme(result=BANDS)
    records = {**scores(甲镇=95), "否决": [{"单位": "甲镇", "事项": "换届超期"}]}
    text = explain(evaluate(s, dataset(s, units("甲镇"), records)), "甲镇").to_text()
    assert "等次 较好（得分 ≥ 90；因 test: records.否决[0] 最高为 较好）" in text


def test_roll_up_mean_skips_quarters_without_a_value():
    s = scheme(score="q_mean")
    recs = {"季度分": [{"单位": "甲镇", "季度": 1, "分数": 90}, {"单位": "甲镇", "季度": 3, "分数": 96},
                       {"单位": "乙镇", "季度": 2, "分数": 80}]}
    r = evaluate(s, dataset(s, units("甲镇", "乙镇", "丙镇"), recs))
    # 甲: (90 + 96) / 2 = 93 (quarters 2 and 4 not checked);  乙: 80;  丙: no value at all
    assert [u.score for u in r.ranking()] == [Decimal("93.00"), Decimal("80.00"), None]
    assert r.unit_result("丙镇").flags == ["数据不全，未计分"]
    assert r.unit_result("丙镇").rank is None


def test_fill_and_clamp():
    m = """
  - {name: filled, label: 补值, fill: {of: q_mean, value: 0}}
  - {name: capped, label: 封顶, clamp: {of: filled, min: 10, max: 85}}
"""
    s = scheme(m, score="capped")
    recs = {"季度分": [{"单位": "甲镇", "季度": 1, "分数": 90}, {"单位": "乙镇", "季度": 1, "分数": 50}]}
    r = evaluate(s, dataset(s, units("甲镇", "乙镇", "丙镇"), recs))
    # 甲 90 → capped 85;  乙 50 stays;  丙 no value → 0 → raised to the floor 10
    assert {u.unit: u.score for u in r.ranking()} == {
        "甲镇": Decimal("85.00"), "乙镇": Decimal("50.00"), "丙镇": Decimal("10.00")}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # bottom bands: ≤3 from the bottom −3, ≤6 −2, ≤9 −1; ties are placed in the units' favour
        ([10, 20, 30, 40], [-3, -3, -3, -2]),
        ([10, 20, 30, 30], [-3, -3, -2, -2]),        # 30 and 30: both 4th from the bottom
        ([10, 10, 10, 10], [-2, -2, -2, -2]),        # all tied: each has 4 units ≤ it
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [-3, -3, -3, -2, -2, -2, -1, -1, -1, 0]),
    ],
)
def test_bottom_bands_with_ties(values, expected):
    m = """
  - name: penalty
    label: 排名扣分
    by_position:
      of: total
      side: bottom
      bands: [{upto: 3, points: -3}, {upto: 6, points: -2}, {upto: 9, points: -1}]
"""
    s = scheme(m)
    names = [f"单位{i}" for i in range(len(values))]
    r = evaluate(s, dataset(s, units(*names), {"分数": [{"单位": n, "分数": v} for n, v in zip(names, values, strict=True)]}))
    assert [float(r.measure("penalty")[r.index_of(n), 0]) for n in names] == expected


def test_top_tiers_split_within_each_group():
    m = """
  - {name: tier, label: 档次分, by_position: {of: total, within: group, split: 2, points: [2, 1]}}
"""
    s = scheme(m, score="tier")
    us = [{"单位": f"{g}{i}", "类别": "镇街", "上级组织": g} for g in "甲乙" for i in range(3)]
    vals = {"甲0": 5, "甲1": 9, "甲2": 7, "乙0": 1, "乙1": 1, "乙2": 0}
    r = evaluate(s, dataset(s, us, {"分数": [{"单位": u, "分数": v} for u, v in vals.items()]}))
    # each group of 3 splits 2 + 1: 甲: 9, 7 → 2; 5 → 1.  乙: 1, 1 → 2 (tied); 0 → 1
    assert {u: float(r.measure("tier")[r.index_of(u), 0]) for u in vals} == {
        "甲0": 1, "甲1": 2, "甲2": 2, "乙0": 2, "乙1": 2, "乙2": 1}


def test_normalise_within_group():
    m = "  - {name: norm, label: 折算, normalise: {of: total, within: group}}\n"
    s = scheme(m, score="norm")
    us = [{"单位": "甲1", "类别": "镇街", "上级组织": "甲"}, {"单位": "甲2", "类别": "镇街", "上级组织": "甲"},
          {"单位": "乙1", "类别": "镇街", "上级组织": "乙"}]
    r = evaluate(s, dataset(s, us, scores(甲1=8, 甲2=6, 乙1=3)))
    # 甲: 8/8 = 1, 6/8 = 0.75;  乙: 3/3 = 1 (its own best)
    assert {u.unit: u.score for u in r.ranking()} == {
        "甲1": Decimal("1.00"), "乙1": Decimal("1.00"), "甲2": Decimal("0.75")}


def test_weighted_and_select_by_class():
    m = """
  - {name: a, label: 甲类分, aggregate: {records: 分数, value: {field: 分数}, where: {类型: 甲}}}
  - {name: b, label: 乙类分, aggregate: {records: 分数, value: {field: 分数}, where: {类型: 乙}}}
  - name: w
    label: 综合
    weighted_by_class:
      镇街: {a: 0.2, b: 0.8}
      市直单位: {a: 0.6, b: 0.4}
  - {name: pick, label: 取值, select_by_class: {镇街: a, 市直单位: 100}}
  - {name: both, label: 合计, sum: [w, pick]}
"""
    s = scheme(m, score="both")
    recs = {"分数": [{"单位": "镇", "分数": 50, "类型": "甲"}, {"单位": "镇", "分数": 100, "类型": "乙"},
                     {"单位": "局", "分数": 50, "类型": "甲"}, {"单位": "局", "分数": 100, "类型": "乙"}]}
    r = evaluate(s, dataset(s, units("镇") + units("局", cls="市直单位"), recs))
    # 镇: 0.2×50 + 0.8×100 = 90, + a 50 = 140;  局: 0.6×50 + 0.4×100 = 70, + 100 = 170
    assert {u.unit: u.score for u in r.ranking()} == {"局": Decimal("170.00"), "镇": Decimal("140.00")}


@pytest.mark.parametrize(
    ("how", "expected"),
    [("sum", 14), ("mean", 14 / 3), ("count", 3), ("max", 8), ("min", 2)],
)
def test_aggregate_how(how, expected):
    value = "" if how == "count" else ", value: {field: 分数}"
    m = f"  - {{name: agg, label: 汇总, aggregate: {{records: 分数, how: {how}{value}}}}}\n"
    s = scheme(m, score="agg")
    recs = {"分数": [{"单位": "甲镇", "分数": v} for v in (8, 4, 2)]}
    r = evaluate(s, dataset(s, units("甲镇"), recs))
    assert r.score[0] == round(expected, 9)


def test_zero_if_veto():
    m = """
  - {name: final, label: 最终得分, zero_if: {of: total, when: {exists: {records: 否决}}}}
"""
    s = scheme(m, score="final")
    recs = {**scores(甲镇=95, 乙镇=80), "否决": [{"单位": "甲镇", "事项": "严重违纪"}]}
    r = evaluate(s, dataset(s, units("甲镇", "乙镇"), recs))
    assert {u.unit: u.score for u in r.ranking()} == {"乙镇": Decimal("80.00"), "甲镇": Decimal("0.00")}
    assert "一票否决，计 0" in explain(r, "甲镇").to_text()


def test_half_up_display_rounding():
    s = scheme()
    r = evaluate(s, dataset(s, units("甲镇", "乙镇"), scores(甲镇=2.675, 乙镇=-1.005)))
    # half-up on the exact decimal value (not on the binary float): 2.675 → 2.68, −1.005 → −1.01
    assert {u.unit: u.score for u in r.ranking()} == {"甲镇": Decimal("2.68"), "乙镇": Decimal("-1.01")}
