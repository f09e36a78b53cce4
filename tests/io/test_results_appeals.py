"""The results workbook says which units appealed and how it ended (scheme E's 申诉)."""

from __future__ import annotations

from openpyxl import load_workbook

from helpers import EXAMPLES, bundled
from kaoping.engine import evaluate
from kaoping.io import read_input
from kaoping.io.results import write_results


def test_the_appeals_sheet_lists_each_appeal_with_its_answer(tmp_path):
    scheme = bundled("e-weighted-indicators")
    result = evaluate(scheme, read_input(scheme, EXAMPLES / "e-weighted-indicators.json"))
    write_results(result, tmp_path / "结果.xlsx")
    ws = load_workbook(tmp_path / "结果.xlsx")["申诉"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["单位", "申诉日期", "申诉事项", "答复", "答复日期", "处理情况", "来源"]
    (unit, filed, claim, answer, answered, state, place), = rows[1:]
    assert (unit, claim, state) == ("河东镇党委", "认为“软弱涣散村党组织整顿”社会评价等次偏低",
                                    "已答复，维持原结果")
    assert filed.date().isoformat() == "2027-01-20" and answered.date().isoformat() == "2027-01-28"
    assert answer == "经核实，群众代表评议程序合规，维持原评价" and "申诉" in place


def test_schemes_without_an_appeal_register_have_no_appeals_sheet(tmp_path):
    scheme = bundled("a-linyi-branches")
    result = evaluate(scheme, read_input(scheme, EXAMPLES / "a-linyi-branches.json"))
    write_results(result, tmp_path / "结果.xlsx")
    assert "申诉" not in load_workbook(tmp_path / "结果.xlsx").sheetnames
