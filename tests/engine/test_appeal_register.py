"""申诉 (seed 002 part 3, 第十八条): an appeal and its answer are registered, never scored,
and shown beside the unit's result and in its explanation."""

from __future__ import annotations

from datetime import date

import pytest

from helpers import EXAMPLES, bundled, dataset
from kaoping.engine import appeals_of, evaluate, explain, load_scheme
from kaoping.engine.errors import SchemeError
from kaoping.io import read_input

INDICATOR = {"指标名称": "村党组织书记队伍建设", "指标类型": "规定指标", "权重": "5",
             "责任单位": "镇党委组织办", "责任人": "孙立", "完成时限": "2026-12-31",
             "进展情况": "已完成", "单位自评": "良", "组织评估": "良", "社会评价": "中"}


def scored(appeals):
    scheme = bundled("e-weighted-indicators")
    units = [{"单位": "河东镇党委", "类别": "镇街党（工）委"},
             {"单位": "河西镇党委", "类别": "镇街党（工）委"}]
    records = {"指标评分": [{"单位": u["单位"], **INDICATOR} for u in units], "申诉": appeals}
    return evaluate(scheme, dataset(scheme, units, records))


def test_an_answered_appeal_is_listed_and_changes_no_score():
    plain = scored([])
    appealed = scored([{"单位": "河东镇党委", "申诉事项": "社会评价偏低", "申诉日期": "2027-01-20",
                        "调查答复": "程序合规，维持原评价", "答复日期": "2027-01-28",
                        "处理结果": "维持原结果"}])
    # 0.6×85 + 0.2×85 + 0.2×70 = 51 + 17 + 14 = 82 with or without the appeal
    assert [u.score for u in appealed.ranking()] == [u.score for u in plain.ranking()]
    assert float(appealed.unit_result("河东镇党委").score) == 82.0
    (a,) = appeals_of(appealed, "河东镇党委")
    assert (a.claim, a.filed, a.answer, a.answered, a.outcome) == (
        "社会评价偏低", date(2027, 1, 20), "程序合规，维持原评价", date(2027, 1, 28), "rejected")
    assert a.state == "已答复，维持原结果"
    assert appeals_of(appealed, "河西镇党委") == []
    e = explain(appealed, "河东镇党委")
    assert "申诉 1 件：已答复，维持原结果" in e.headline
    assert "申诉（2027-01-20）：社会评价偏低；答复：程序合规，维持原评价（2027-01-28）" in e.to_text()
    assert e.to_dict()["appeals"][0]["outcome"] == "rejected"
    doc = appealed.to_dict()
    by_unit = {u["unit"]: u["appeals"] for u in doc["units"]}
    assert by_unit["河西镇党委"] == [] and by_unit["河东镇党委"][0]["state"] == "已答复，维持原结果"


@pytest.mark.parametrize(("fields", "state", "outcome"), [
    ({}, "待答复", None),
    ({"调查答复": "已核实"}, "已答复", None),
    ({"调查答复": "指标评分有误，已更正", "处理结果": "予以更正"}, "已答复，予以更正", "upheld"),
])
def test_how_an_appeal_ended_in_words(fields, state, outcome):
    r = scored([{"单位": "河西镇党委", "申诉事项": "自选指标未计入", **fields}])
    (a,) = appeals_of(r, "河西镇党委")
    assert (a.state, a.outcome) == (state, outcome)


def test_the_bundled_example_shows_its_appeal():
    scheme = bundled("e-weighted-indicators")
    r = evaluate(scheme, read_input(scheme, EXAMPLES / "e-weighted-indicators.json"))
    (a,) = appeals_of(r, "河东镇党委")
    assert a.place.endswith("records.申诉[0]") and a.state == "已答复，维持原结果"


def test_an_appeal_mapping_must_name_fields_of_the_kind(tmp_path):
    from helpers import SCHEMES

    src = (SCHEMES / "e-weighted-indicators.yaml").read_text(encoding="utf-8")
    bad = src.replace("appeal: {claim: 申诉事项,", "appeal: {claim: 申诉内容,").replace(
        "upheld: 予以更正", "upheld: 更正")
    path = tmp_path / "e.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(SchemeError) as exc:
        load_scheme(path)
    text = "\n".join(str(p) for p in exc.value.problems)
    assert "没有字段 '申诉内容'" in text and "'更正' 不在 处理结果 的可选值" in text
    assert "e.yaml:" in text  # the place: file and line
