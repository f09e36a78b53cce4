"""--history: a previous year's results file (.json or .xlsx) feeds "N years running" flags.

A: first place two years running → 书记、党务工作者优先作为后备干部培养; last place two
years running → 纳入党建整改范围.
"""

from __future__ import annotations

import json

import pytest

from helpers import bundled
from kaoping.cli import main
from kaoping.io.results import read_history
from kaoping_files import a_document, to_json

A = "a-linyi-branches"
RESERVE = "书记、党务工作者优先作为后备干部培养"
RECTIFY = "纳入党建整改范围"


def score(tmp_path, doc, out, *extra) -> int:
    src = to_json(tmp_path / f"in-{doc['year']}.json", doc)
    return main(["score", str(bundled(A).filename), str(src), "-o", str(tmp_path / out), *extra])


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_first_place_two_years_running(suffix, tmp_path, capsys):
    assert score(tmp_path, a_document(2025), f"prev{suffix}") == 0
    assert score(tmp_path, a_document(2026), "now.json", "--history", str(tmp_path / f"prev{suffix}")) == 0
    units = {u["unit"]: u for u in json.loads((tmp_path / "now.json").read_text(encoding="utf-8"))["units"]}
    assert RESERVE in units["二支部"]["flags"]
    assert RECTIFY in units["一支部"]["flags"]
    assert RESERVE in capsys.readouterr().out


def test_without_history_no_running_flags(tmp_path):
    assert score(tmp_path, a_document(2026), "now.json") == 0
    units = json.loads((tmp_path / "now.json").read_text(encoding="utf-8"))["units"]
    assert not any(RESERVE in u["flags"] or RECTIFY in u["flags"] for u in units)


def test_first_place_lost_no_flag(tmp_path):
    """2025: 一支部 on time, 二支部 late → 一支部 first; 2026 the other way round."""
    prev = a_document(2025)
    prev["records"]["时间任务"][0]["完成日期"] = "2025-03-20"
    prev["records"]["时间任务"][1]["完成日期"] = "2025-03-22"
    assert score(tmp_path, prev, "prev.xlsx") == 0
    assert score(tmp_path, a_document(2026), "now.json", "--history", str(tmp_path / "prev.xlsx")) == 0
    units = {u["unit"]: u for u in json.loads((tmp_path / "now.json").read_text(encoding="utf-8"))["units"]}
    assert RESERVE not in units["二支部"]["flags"] and RECTIFY not in units["一支部"]["flags"]


def test_xlsx_history_keeps_exact_scores_and_year(tmp_path):
    doc = a_document(2025)
    doc["records"]["月度扣分"] = [{"单位": "二支部", "月份": 3, "类型": "督办", "扣分": 0.013, "事由": "x"}]
    assert score(tmp_path, doc, "prev.xlsx") == 0
    assert score(tmp_path, doc, "prev.json") == 0
    a, b = read_history(tmp_path / "prev.xlsx"), read_history(tmp_path / "prev.json")
    assert a.year == b.year == 2025
    assert a.units == b.units
    assert a.units["二支部"].score == pytest.approx(0.987, abs=1e-12)


def test_history_must_be_earlier(tmp_path, capsys):
    assert score(tmp_path, a_document(2026), "prev.json") == 0
    capsys.readouterr()
    code = score(tmp_path, a_document(2026), "now.json", "--history", str(tmp_path / "prev.json"))
    assert code == 2
    assert capsys.readouterr().err == f"{tmp_path / 'prev.json'}: 历史结果的年度 2026 须早于考核年度 2026\n"
    assert not (tmp_path / "now.json").exists()


def test_history_of_another_scheme(tmp_path, capsys):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"scheme": "B", "year": 2025, "units": []}), encoding="utf-8")
    code = score(tmp_path, a_document(2026), "now.json", "--history", str(other))
    assert code == 2
    assert capsys.readouterr().err == f"{other}: 历史结果属于方案 'B'，不是 'A'\n"


def test_history_not_a_results_file(tmp_path, capsys):
    src = to_json(tmp_path / "input.json", a_document(2025))
    code = score(tmp_path, a_document(2026), "now.json", "--history", str(src))
    assert code == 2
    assert capsys.readouterr().err == f"{src}: 不是本系统的结果文件（须有 year 和 units）\n"


def test_history_workbook_not_ours(tmp_path, capsys):
    from openpyxl import Workbook

    book = tmp_path / "other.xlsx"
    Workbook().save(book)
    code = score(tmp_path, a_document(2026), "now.json", "--history", str(book))
    assert code == 2
    assert capsys.readouterr().err == f"{book}: 不是本系统写出的结果工作簿（缺少隐藏工作表「数据」）\n"
