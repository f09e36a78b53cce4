"""Properties that must hold for any data (hypothesis), on small inline schemes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import dataset
from kaoping.engine import evaluate, load_scheme

RUBRIC = """
kaoping: 1
id: P
name: 性质测试
items:
  - name: 甲
    points: 5
    deductions:
      - {code: a, text: 每次扣1分, per: 1}
      - {code: b, text: 扣0.5—2分, range: [0.5, 2]}
      - {code: c, text: 不得分, zero: true}
records:
  扣分:
    fields:
      - {name: 考核项目, type: item}
      - {name: 条款, type: clause}
      - {name: 次数, type: integer, min: 0, required: false, default: 1}
      - {name: 扣分, type: number, required: false}
  得分:
    fields:
      - {name: 分数, type: number, min: 0, max: 100}
      - {name: 权重, type: number, min: 0.5, max: 5}
measures:
  - {name: rubric, label: 细则得分, rubric: {records: 扣分, clause: 条款, count: 次数, amount: 扣分}}
  - {name: item_total, label: 细则合计, total: {of: rubric}}
  - name: raw
    label: 原始分
    aggregate: {records: 得分, value: {field: 分数}}
  - {name: best, label: 折算分, normalise: {of: raw, within: all}}
  - name: wmean
    label: 加权平均
    aggregate: {records: 得分, value: {field: 分数}, how: weighted_mean, weight: 权重}
  - {name: final, label: 总分, weighted: {item_total: 0.5, wmean: 0.5}}
result:
  score: final
"""

scheme = load_scheme("property.yaml", text=RUBRIC)
UNITS = [f"单位{i}" for i in range(6)]
deduction = st.one_of(
    st.tuples(st.just("a"), st.integers(0, 8), st.none()),
    st.tuples(st.just("b"), st.integers(1, 3), st.sampled_from([0.5, 1, 1.5, 2])),
    st.tuples(st.just("c"), st.just(1), st.none()),
)


def run(deductions=(), scores=()):
    records = {
        "扣分": [{"单位": u, "考核项目": "甲", "条款": c, "次数": n, "扣分": amt}
                 for u, (c, n, amt) in deductions],
        "得分": [{"单位": u, "分数": s, "权重": w} for u, s, w in scores],
    }
    return evaluate(scheme, dataset(scheme, UNITS, records))


unit = st.sampled_from(UNITS)
score_row = st.tuples(unit, st.integers(0, 10000).map(lambda x: x / 100),
                      st.sampled_from([0.5, 1, 3, 5]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(unit, deduction), max_size=12))
def test_floored_item_stays_within_zero_and_its_points(deds):
    item = run(deds).measure("rubric")[:, 0, 0]
    assert np.all(item >= 0) and np.all(item <= 5)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(unit, deduction), max_size=8), st.tuples(unit, deduction))
def test_adding_a_deduction_never_raises_a_score(deds, extra):
    before = run(deds).measure("rubric")[:, 0, 0]
    after = run([*deds, extra]).measure("rubric")[:, 0, 0]
    assert np.all(after <= before + 1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(score_row, min_size=1, max_size=15))
def test_best_unit_normalises_to_exactly_one(rows):
    r = run(scores=rows)
    raw, best = r.measure("raw")[:, 0], r.measure("best")[:, 0]
    if raw.max() > 0:
        top = raw == raw.max()
        assert np.all(np.round(best[top], 9) == 1.0)
        assert np.all(best <= 1 + 1e-12)
    else:
        assert np.all(best == 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(score_row, min_size=1, max_size=15))
def test_weighted_mean_lies_between_min_and_max(rows):
    r = run(scores=rows)
    wmean = r.measure("wmean")[:, 0]
    for i, u in enumerate(UNITS):
        mine = [s for v, s, _ in rows if v == u]
        if mine:
            assert min(mine) - 1e-9 <= wmean[i] <= max(mine) + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(unit, deduction), max_size=10), st.lists(score_row, max_size=10))
def test_rank_order_equals_score_order(deds, rows):
    r = run(deds, rows)
    s, rank = r.score, r.rank
    for i in range(len(s)):
        for j in range(len(s)):
            if s[i] > s[j]:
                assert rank[i] < rank[j]
            if s[i] == s[j]:
                assert rank[i] == rank[j]
    # competition ranking: rank = 1 + number of units strictly better
    assert all(rank[i] == 1 + int(np.sum(s > s[i])) for i in range(len(s)))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(unit, deduction), max_size=10), st.lists(score_row, max_size=10),
       st.randoms(use_true_random=False))
def test_shuffling_unit_and_record_order_changes_nothing(deds, rows, rnd):
    r1 = run(deds, rows)
    units = list(UNITS)
    rnd.shuffle(units)
    deds2, rows2 = list(deds), list(rows)
    rnd.shuffle(deds2)
    rnd.shuffle(rows2)
    records = {
        "扣分": [{"单位": u, "考核项目": "甲", "条款": c, "次数": n, "扣分": amt}
                 for u, (c, n, amt) in deds2],
        "得分": [{"单位": u, "分数": s, "权重": w} for u, s, w in rows2],
    }
    r2 = evaluate(scheme, dataset(scheme, units, records))
    one = {u.unit: (u.score, u.rank) for u in r1.ranking()}
    two = {u.unit: (u.score, u.rank) for u in r2.ranking()}
    assert one == two


def test_equal_true_scores_tie_whatever_the_order_of_operations():
    # 单位0 reaches 1 as 1/3 + 1/3 + 1/3 (three divisions); 单位1 as 7 ÷ 7 (one division).
    text = RUBRIC.replace("  score: final", "  score: thirds")
    text = text.replace("measures:\n", """measures:
  - name: n1
    label: 甲
    aggregate: {records: 得分, value: {field: 分数}, where: {权重: 1}}
  - {name: n1b, label: 甲折算, normalise: {of: n1, within: all}}
  - name: n3
    label: 乙
    aggregate: {records: 得分, value: {field: 分数}, where: {权重: 3}}
  - {name: n3b, label: 乙折算, normalise: {of: n3, within: all}}
  - {name: thirds, label: 合计, sum: [n1b, n1b, n1b, n3b]}
""")
    s = load_scheme("ties.yaml", text=text)
    records = {"得分": [
        {"单位": "单位0", "分数": 1, "权重": 1}, {"单位": "单位2", "分数": 3, "权重": 1},
        {"单位": "单位1", "分数": 7, "权重": 3}, {"单位": "单位2", "分数": 7, "权重": 3},
    ]}
    r = evaluate(s, dataset(s, ["单位0", "单位1", "单位2"], records))
    # 单位0: 3 × (1/3) + 0 = 1;  单位1: 0 + 7/7 = 1;  单位2: 3 × 1 + 1 = 4
    assert list(r.score) == [1.0, 1.0, 4.0]
    assert list(r.rank) == [2, 2, 1]
