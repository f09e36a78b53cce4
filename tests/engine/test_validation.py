"""Scheme validation reports every problem at once, with file, line, path and what was found."""

from __future__ import annotations

import re

import pytest

from helpers import SCHEMES
from kaoping.engine import SchemeError, load_scheme, validate

STRUCTURE = """\
kaoping: 1
id: X
name: 结构有误的方案
sections:
  - name: 思想建设
    points: 10
    items:
      - name: 学习教育
        points: 6
        deductions:
          - {code: a, text: 每少1次, per: -1}
      - {name: 作风, pointz: 4}
records:
  得分:
    fields:
      - {name: 分数, type: numbr}
measures:
  - {name: total, label: 合计}
result:
  score: total
"""


def problems(text: str) -> list[str]:
    with pytest.raises(SchemeError) as exc:
        load_scheme("bad.yaml", text=text)
    return [str(p) for p in exc.value.problems]


def test_structure_problems_are_all_reported_with_lines_and_paths():
    got = problems(STRUCTURE)
    assert "bad.yaml:11: sections[0].items[0].deductions[0].per: 应 > 0，实际为 -1" in got
    assert "bad.yaml:12: sections[0].items[1].pointz: 未知的键（拼写错误？），实际为 4" in got
    assert ("bad.yaml:16: records.得分.fields[0].type: 应为 'item', 'clause', 'choice', 'number', "
            "'integer', 'date', 'bool', 'text' 之一，实际为 'numbr'") in got
    assert any(p.startswith("bad.yaml:18: measures[0]: 每个度量须且只须写一种运算") for p in got)
    assert len(got) == 4


MEANING = """\
kaoping: 1
id: Y
name: 含义有误的方案
sections:
  - name: 思想建设
    points: 10
    items:
      - {name: 学习教育, points: 6}
      - {name: 作风建设, points: 5}
records:
  宣传:
    period: month
    fields:
      - {name: 层级, type: choice, options: [中央, 省, 市, 县]}
      - {name: 题目, type: text}
measures:
  - name: tiers
    label: 宣传得分
    aggregate:
      records: 宣传
      value: {points_by: {层级: {中央: 4, 省: 3, 市: 2}}}
  - name: words
    label: 题目分
    aggregate: {records: 宣传, value: {field: 题目}}
  - {name: loop_a, label: 甲, sum: [loop_b]}
  - {name: loop_b, label: 乙, sum: [loop_a]}
  - {name: ghost, label: 幽灵, sum: [nothing]}
  - {name: unknown_kind, label: 未知, aggregate: {records: 不存在, value: {constant: 1}}}
result:
  score: tiers
"""


def test_meaning_problems_are_all_reported():
    got = problems(MEANING)
    expected = [
        "bad.yaml:6: sections[0].points: 分节「思想建设」分值 10 与其项目分值之和 11 不符",
        "bad.yaml:21: measures[0].aggregate.value.points_by.层级: 未给可选值 县 赋分",
        "bad.yaml:24: measures[1].aggregate.value.field: 字段 '题目' 的类型是 text，此处须是 number/integer",
        "bad.yaml:25: measures[2]: 度量循环引用：loop_a → loop_b → loop_a",
        "bad.yaml:27: measures[4].sum[0]: 没有名为 'nothing' 的度量",
        "bad.yaml:28: measures[5].aggregate.records: 没有名为 '不存在' 的记录（有：宣传）",
        "bad.yaml:30: result.score: 'tiers' 是月度度量，须先 roll_up 到年度",
    ]
    for line in expected:
        assert line in got, (line, got)
    assert len(got) == len(expected), got


def test_yaml_syntax_error_names_the_line():
    got = problems("kaoping: 1\nid: [unclosed\nname: x\n")
    assert len(got) == 1 and got[0].startswith("bad.yaml:3: 文件格式有误，第 3 行")


@pytest.mark.parametrize("text, line, words", [
    ("a: b: c\n", 1, "这一行多了一个冒号"),
    ("a:\n\tb: 1\n", 2, "制表符（Tab）"),
    ("a:\n  - x\n b: 2\n", 3, "缩进不对齐"),
    ("a: 'x\n", 2, "引号没有配对"),
])
def test_yaml_syntax_errors_in_chinese(text, line, words):
    [got] = problems(text)
    assert got.startswith(f"bad.yaml:{line}: 文件格式有误，第 {line} 行") and words in got, got
    assert not re.search(r"[A-Za-z]{4,}", got.removeprefix("bad.yaml")), got


def test_duplicate_keys_are_refused():
    got = problems("kaoping: 1\nid: A\nid: B\n")
    assert got == ["bad.yaml:3: 键 'id' 重复出现"]


def test_missing_file():
    assert [str(p) for p in validate("no/such/scheme.yaml")] == ["no/such/scheme.yaml: 文件不存在"]


@pytest.mark.parametrize("path", sorted(SCHEMES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_scheme_is_valid(path):
    assert validate(path) == []
