"""The explanation in words for a reader (``Node.words``), beside the formula (``rule``):
table-driven over scheme A's example (二支部, January) and a tie at first.

Hand-worked: 二支部's 1月 item 3 business score is 0.7 (3 days late: 1 − 0.1×3) and the
best of the group is 1 → 0.7 ÷ 1 = 0.7; item 2 is 1 and the best is 1 → the full point."""

from __future__ import annotations

import json

import pytest

from helpers import EXAMPLES, bundled, dataset
from kaoping.engine import evaluate, explain
from kaoping.io import read_input

A = "a-linyi-branches"


def _nodes(expl):
    out = {}

    def walk(n):
        out[n.label] = n
        for c in n.children:
            walk(c)

    for top in [expl.root, *expl.apart]:
        walk(top)
    return out


@pytest.fixture(scope="module")
def erzhi():
    s = bundled(A)
    return _nodes(explain(evaluate(s, read_input(s, EXAMPLES / f"{A}.json")), "二支部"))


@pytest.mark.parametrize("label, words", [
    ("1月 3 记录规范及档案整理情况 绩效积分",
     "本单位「业务得分」0.7，同一上级组织内最高 1（一支部、三支部、四支部等），按所占比例得 0.7"),
    ("1月 2 “三会一课”“主题党日”运行 绩效积分",
     "本单位「业务得分」1，同一上级组织内最高 1（一支部、二支部、三支部等），与同一上级组织内最高的相同，得满分 1"),
    ("1月 8 典型培养宣传情况 绩效积分",
     "本单位「业务得分」2，同一上级组织内最高 4（四支部），按所占比例得 0.5"),
    ("1月 3 记录规范及档案整理情况 时间任务得分", "取下列记录的得分，得 0.7"),
    # 12.17 before the 扣分因素 row stopped taking scored tasks: its +1 time task is gone, 12.17 − 1
    ("1月 月考评积分", "「各项绩效积分合计」减去「督办及质量扣分」，得 11.17"),
])
def test_words(erzhi, label, words):
    assert erzhi[label].words == words
    assert "÷" not in erzhi[label].words


def test_words_are_kept_in_the_document(erzhi):
    n = erzhi["1月 8 典型培养宣传情况 绩效积分"]
    d = n.to_dict()
    assert d["words"] == n.words and d["rule"] == "2 ÷ 同一上级组织内最高 4（四支部）"


def test_a_tie_at_first_is_said_as_such():
    s = bundled(A)
    rows = [{"单位": u, "月份": 1, "考核项目": "记录规范及档案整理情况", "业务名称": "归档",
             "截止日期": "2026-01-15", "完成日期": "2026-01-15"} for u in ("甲", "乙", "丙")]
    r = evaluate(s, dataset(s, ["甲", "乙", "丙"], {"时间任务": rows}))
    headline = explain(r, "乙").headline
    assert "名次 并列第 1 名（3 个单位得分相同，共 3 个）" in headline
    assert not any("倒数" in line for line in headline)
    assert json.dumps(explain(r, "甲").to_dict(), ensure_ascii=False).count("并列第 1 名") == 1
