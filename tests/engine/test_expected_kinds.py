"""``expected: when_applicable`` on a record kind: which bundled kinds are reported only when
something happened (read from the seeds), how a bad value is refused, and that scoring never
reads it."""

from __future__ import annotations

import re

import pytest

from helpers import EXAMPLES, SCHEMES, bundled
from kaoping.engine import SchemeError, evaluate, load_scheme
from kaoping.io import read_input

#: scheme → the kinds its seed describes as happening only sometimes (everything else is
#: expected every period)
WHEN_APPLICABLE = {
    "a-linyi-branches": ["典型培养宣传", "质量成果", "月度扣分"],
    "b-luoyang-rubric": ["扣分记录", "否决情形"],
    "c-huainan-negative-list": ["否决情形", "加扣分"],
    "d-leadership-teams": ["创新工作"],
    "e-weighted-indicators": ["实绩修正", "一票否决", "申诉"],
    "f-linxi-three-level": ["个性化加减分", "违规违纪", "动态化加减分", "问题整改台账"],
    "g-xiangxi-secretaries": ["核查扣分", "示范点命名", "年度考核优秀"],
}


@pytest.mark.parametrize("stem", sorted(WHEN_APPLICABLE))
def test_bundled_schemes_mark_the_kinds_reported_when_they_happen(stem):
    scheme = bundled(stem)
    marked = [k for k, spec in scheme.records.items() if spec.expected == "when_applicable"]
    assert marked == WHEN_APPLICABLE[stem]
    others = {spec.expected for k, spec in scheme.records.items() if k not in marked}
    assert others <= {"every_period"}  # B has only kinds of things that may happen


def test_the_default_is_every_period():
    scheme = load_scheme("x.yaml", text=(
        "kaoping: 1\nid: X\nname: 默认\nitems:\n  - {name: 甲}\n"
        "records:\n  成绩:\n    fields:\n      - {name: 得分, type: number}\n"
        "measures:\n  - {name: s, label: 得分, aggregate: {records: 成绩, value: {field: 得分}}}\n"
        "result:\n  score: s\n"))
    assert scheme.records["成绩"].expected == "every_period"


def test_a_bad_value_is_refused_with_its_line():
    text = (SCHEMES / "e-weighted-indicators.yaml").read_text(encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.startswith("  申诉:")) + 1
    bad = text.replace("    expected: when_applicable   # 种子 002 第十八条",
                       "    expected: sometimes   # 种子 002 第十八条", 1)
    with pytest.raises(SchemeError) as exc:
        load_scheme("e.yaml", text=bad)
    assert [str(p) for p in exc.value.problems] == [
        f"e.yaml:{line}: records.申诉.expected: 应为 'every_period', 'when_applicable' 之一，"
        "实际为 'sometimes'"]


@pytest.mark.parametrize("stem", sorted(WHEN_APPLICABLE))
def test_scoring_never_reads_it(stem):
    """The example scored with the scheme as bundled and with every ``expected`` line removed
    gives the same result document, explanations included."""
    text = (SCHEMES / f"{stem}.yaml").read_text(encoding="utf-8")
    plain = re.sub(r"(?m)^    expected: .*\n", "", text)
    assert plain != text
    results = []
    for source in (text, plain):
        scheme = load_scheme(f"{stem}.yaml", text=source)
        data = read_input(scheme, EXAMPLES / f"{stem}.json")
        results.append(evaluate(scheme, data).to_dict(explanations=True))
    assert results[0] == results[1]
