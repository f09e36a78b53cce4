"""The input template: sheets, headers, drop-down lists, limits, and the rubric sheet."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from helpers import SCHEMES, bundled
from kaoping.engine import load_scheme
from kaoping.io.common import record_sheets
from kaoping.io.template import write_template
from kaoping_files import LONG

A = "a-linyi-branches"
ALL = sorted(p.stem for p in SCHEMES.glob("*.yaml"))


def validations(ws) -> dict[str, tuple[str, str | None, str | None]]:
    """Column letter → (type, formula1, formula2) of the validation on that column."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[rng.coord.split(":")[0].rstrip("0123456789")] = (dv.type, dv.formula1, dv.formula2)
    return out


def option_values(wb, ref: str) -> list[str]:
    sheet, cells = ref.split("!")
    assert sheet.strip("'") == "选项"
    first, last = cells.replace("$", "").split(":")
    return [c.value for row in wb["选项"][first:last] for c in row]


@pytest.fixture
def a_book(tmp_path):
    path = tmp_path / "a.xlsx"
    write_template(bundled(A), path, 2026)
    return load_workbook(path)


def test_sheets_and_headers(a_book):
    s = bundled(A)
    assert a_book.sheetnames == ["说明", "单位", *s.records, "考核项目", "选项"]
    assert a_book["选项"].sheet_state == "hidden"
    assert [c.value for c in a_book["单位"][1]] == ["单位", "上级组织"]
    for kind in s.records:
        ws = a_book[kind]
        assert [c.value for c in ws[1]] == s.columns_of(kind)
        assert ws.freeze_panes == "B2"
        assert ws.max_row == 1  # nothing to delete before filling in


def test_readme_has_year_scheme_and_help(a_book):
    ws = a_book["说明"]
    assert ws["A1"].value == bundled(A).name
    assert (ws["A2"].value, ws["B2"].value) == ("方案编号", "A")
    assert (ws["A3"].value, ws["B3"].value) == ("考核年度", 2026)
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    for spec in bundled(A).records.values():
        assert spec.description in text
    assert "未完成的留空（计 0 分）" in text  # a field's help
    assert "可选：中央/省/市/县" in text


def test_drop_downs(a_book):
    ws = a_book["时间任务"]  # 单位 月份 考核项目 业务名称 截止日期 完成日期 严重超期
    v = validations(ws)
    assert v["A"][1] == "'单位'!$A$2:$A$20000"
    assert option_values(a_book, v["B"][1]) == [str(m) for m in range(1, 13)]
    assert option_values(a_book, v["C"][1]) == [i.label for i in bundled(A).items]
    assert v["D"] == ("textLength", "100", None)
    assert v["E"][0] == "date" and v["F"][0] == "date"
    assert option_values(a_book, v["G"][1]) == ["是", "否"]
    assert ws.column_dimensions["E"].number_format == "yyyy-mm-dd"
    assert ws["F1"].comment is not None and "未完成的留空" in ws["F1"].comment.text


def test_choice_and_number_limits(a_book):
    v = validations(a_book["月度扣分"])  # 单位 月份 类型 扣分 事由
    assert option_values(a_book, v["C"][1]) == ["督办", "反复修改", "退稿", "上级检查扣分"]
    assert v["D"] == ("decimal", "0.01", "0.05")
    v = validations(a_book["数量任务"])  # … 应报数量 实报数量
    assert v["E"][:2] == ("whole", "1") and v["F"][:2] == ("whole", "0")
    v = validations(a_book["展评排名"])  # 单位 季度 名次
    assert option_values(a_book, v["B"][1]) == ["1", "2", "3", "4"]


def test_item_list_sheet(a_book):
    rows = list(a_book["考核项目"].iter_rows(values_only=True))
    assert rows[0][:2] == ("编号", "考核项目")
    assert [r[1] for r in rows[1:]] == [i.name for i in bundled(A).items]


@pytest.mark.parametrize("stem", ALL)
def test_every_bundled_scheme(stem, tmp_path):
    s = load_scheme(SCHEMES / f"{stem}.yaml")
    path = tmp_path / "t.xlsx"
    write_template(s, path, 2026)
    wb = load_workbook(path)
    for kind, sheet in record_sheets(s).items():
        assert [c.value for c in wb[sheet][1]] == s.columns_of(kind)
    if s.clauses:
        rows = list(wb["考核细则"].iter_rows(values_only=True))
        head = rows[0]
        codes = [r[head.index("条款编号")] for r in rows[1:] if r[head.index("条款编号")]]
        assert codes == [c.spec.code for c in s.clauses]
    if s.model.units.classes:
        v = validations(wb["单位"])
        assert option_values(wb, v["B"][1]) == s.model.units.classes




def test_long_and_reserved_kind_names(tmp_path):
    s = load_scheme("long.yaml", text=LONG)
    names = record_sheets(s)
    assert all(len(n) <= 31 for n in names.values())
    assert len(set(names.values())) == 3
    assert ":" not in "".join(names.values())
    assert names["说明"] != "说明"
    path = tmp_path / "t.xlsx"
    write_template(s, path, 2026)
    wb = load_workbook(path)
    for kind, sheet in names.items():
        assert [c.value for c in wb[sheet][1]] == s.columns_of(kind)
