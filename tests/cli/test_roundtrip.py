"""Template → fill → score, worked by hand, the same in all three input formats.

Scheme A, two branches, one March time task each: 一支部 finishes 3 days late
(1 − 0.1×3 = 0.7), 二支部 on time (1). ÷ best per item: 0.7 and 1; no other records, so the
annual scores are 0.7 and 1, and 一支部 is below the mean (0.85): 不予上报先进基层党组织.
"""

from __future__ import annotations

import json

import pytest

from helpers import bundled
from kaoping.cli import main
from kaoping_files import a_document, to_csv_folder, to_json, to_workbook

A = "a-linyi-branches"


@pytest.fixture
def scheme_path():
    return str(bundled(A).filename)


def make_input(fmt: str, tmp_path, doc):
    s = bundled(A)
    if fmt == "xlsx":
        return to_workbook(s, tmp_path / "input.xlsx", doc)
    if fmt == "csv":
        return to_csv_folder(s, tmp_path / "input", doc)
    return to_json(tmp_path / "input.json", doc)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_hand_worked_scores(fmt, tmp_path, scheme_path, capsys):
    src = make_input(fmt, tmp_path, a_document())
    out = tmp_path / "results.json"
    assert main(["score", scheme_path, str(src), "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["year"] == 2026
    assert [(u["unit"], u["score"], u["rank"], u["flags"]) for u in doc["units"]] == [
        ("二支部", 1.0, 1, []),
        ("一支部", 0.7, 2, ["不予上报先进基层党组织"]),
    ]
    assert doc["units"][1]["score_exact"] == 0.7
    printed = capsys.readouterr().out
    assert "二支部" in printed and "0.70" in printed and "1.00" in printed


def test_real_dates_and_text_dates_score_the_same(tmp_path, scheme_path):
    s = bundled(A)
    a = to_workbook(s, tmp_path / "dates.xlsx", a_document())
    b = to_workbook(s, tmp_path / "text.xlsx", a_document(), real_dates=False)
    for src, out in ((a, "a.json"), (b, "b.json")):
        assert main(["score", scheme_path, str(src), "-o", str(tmp_path / out)]) == 0
    docs = [json.loads((tmp_path / n).read_text(encoding="utf-8")) for n in ("a.json", "b.json")]
    assert docs[0]["units"] == docs[1]["units"]


def test_a_richer_month(tmp_path, scheme_path):
    """Publicity 省 (3) vs 市 (2) → 1 and 2/3; a 0.05 supervision notice on 二支部.

    一支部: 0.7 + 3/3 = 1.7; 二支部: 1 + 2/3 − 0.05 = 1.61666… → shown 1.62.
    """
    doc = a_document()
    doc["records"]["典型培养宣传"] = [
        {"单位": "一支部", "月份": 3, "媒体层级": "省", "媒体名称": "大众日报", "文章题目": "甲",
         "发表日期": "2026-03-10"},
        {"单位": "二支部", "月份": 3, "媒体层级": "市", "媒体名称": "临沂日报", "文章题目": "乙",
         "发表日期": "2026-03-12"},
    ]
    doc["records"]["月度扣分"] = [{"单位": "二支部", "月份": 3, "类型": "督办", "扣分": 0.05, "事由": "超期"}]
    src = to_workbook(bundled(A), tmp_path / "in.xlsx", doc)
    out = tmp_path / "r.json"
    assert main(["score", scheme_path, str(src), "-o", str(out)]) == 0
    units = {u["unit"]: u for u in json.loads(out.read_text(encoding="utf-8"))["units"]}
    assert units["一支部"]["score"] == 1.7 and units["一支部"]["rank"] == 1
    assert units["二支部"]["score"] == 1.62
    assert units["二支部"]["score_exact"] == pytest.approx(1 + 2 / 3 - 0.05, abs=1e-9)
