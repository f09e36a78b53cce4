"""Results files: JSON, the workbook's sheets, reading back as history, atomic writes."""

from __future__ import annotations

import json
import os

import pytest
from openpyxl import load_workbook

from helpers import EXAMPLES, bundled, dataset
from kaoping.engine import InputError, evaluate, explain
from kaoping.io import read_input
from kaoping.io.breakdown import SHEET_PER_UNIT_LIMIT
from kaoping.io.common import atomic_path
from kaoping.io.results import ranking_table, read_history, write_results
from kaoping_files import a_document

A = "a-linyi-branches"


@pytest.fixture
def result():
    s = bundled(A)
    doc = a_document()
    return evaluate(s, dataset(s, doc["units"], doc["records"]))


def test_json_is_to_dict_with_explanations(result, tmp_path):
    path = tmp_path / "r.json"
    write_results(result, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc == json.loads(json.dumps(result.to_dict(explanations=True), ensure_ascii=False))
    assert doc["explanations"]["一支部"]["score"]["value"] == 0.7


def test_workbook_sheets(result, tmp_path):
    path = tmp_path / "r.xlsx"
    write_results(result, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["排名", "概况", "解释", "二支部", "一支部", "数据"]
    assert wb["数据"].sheet_state == "hidden"
    rank = list(wb["排名"].iter_rows(values_only=True))
    assert rank[0] == ("名次", "单位", "上级组织", "得分", "四个季度绩效考评成绩之和",
                       "书记抓党建述职评议成绩", "提示")
    assert rank[2] == (2, "一支部", "机关党委", 0.7, 0.7, 0, "不予上报先进基层党组织")
    assert wb["排名"]["D2"].number_format == "0.00"
    summary = {r[0]: r[1] for r in wb["概况"].iter_rows(values_only=True)}
    assert summary["考核年度"] == 2026 and summary["方案编号"] == "A"


def test_explain_sheet_rows_indented(result, tmp_path):
    path = tmp_path / "r.xlsx"
    write_results(result, path)
    ws = load_workbook(path)["解释"]
    rows = list(ws.iter_rows(min_row=2))
    units = [r[0].value for r in rows]
    assert units[0] == "二支部" and "一支部" in units
    expected = explain(result, "一支部").rows()
    mine = [r for r in rows if r[0].value == "一支部"][1:]  # after the unit's title line
    assert [(r[1].value, r[2].value, r[4].value) for r in mine] == [
        (label, value, place or None) for _d, label, value, _rule, place in expected]
    assert [r[1].alignment.indent for r in mine] == [d for d, *_ in expected]


def test_breakdown_sheet(result, tmp_path):
    path = tmp_path / "r.xlsx"
    write_results(result, path)
    rows = list(load_workbook(path)["一支部"].iter_rows(values_only=True))
    assert rows[0][:3] == ("一支部", "得分 0.70", "第 2 名")
    heads = [r[0] for r in rows if r[0] and r[0].endswith("：度量")]
    assert heads == ["年度：度量", "季度：度量", "月度：度量"]
    month = rows.index(next(r for r in rows if r[0] == "月度：度量"))
    assert rows[month][2:] == tuple(f"{m}月" for m in range(1, 13))
    line = next(r for r in rows[month:] if r[0] == "月考评积分")
    assert line[2:] == (0, 0, 0.7, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    items = [r for r in rows[month:] if r[0] == "绩效积分"]
    assert [r[1] for r in items] == ["2 “三会一课”“主题党日”运行"]


def test_many_units_one_detail_sheet(result, tmp_path, monkeypatch):
    """Beyond the limit (200) the breakdown is one 明细 sheet with the unit in column A."""
    monkeypatch.setattr("kaoping.io.breakdown.SHEET_PER_UNIT_LIMIT", 1)
    path = tmp_path / "r.xlsx"
    write_results(result, path)
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["排名", "概况", "解释", "明细", "数据"]
    rows = list(wb["明细"].iter_rows(values_only=True))
    wb.close()
    assert rows[0][:3] == ("二支部", "二支部", "得分 1.00")
    assert {r[0] for r in rows if r and r[0]} == {"一支部", "二支部"}
    assert SHEET_PER_UNIT_LIMIT == 200


def test_grades_classes_and_apart(tmp_path):
    """B has classes, grades and components; C keeps additional points apart."""
    for stem in ("b-luoyang-rubric", "c-huainan-negative-list"):
        example = EXAMPLES / f"{stem}.json"
        s = bundled(stem)
        r = evaluate(s, read_input(s, example))
        head, rows = ranking_table(r)
        assert "等次" in head and len(rows) == len(r.units)
        spec = s.model.result
        for name in [*spec.show, *spec.apart]:
            assert s.measures[name].label in head
        path = tmp_path / f"{stem}.xlsx"
        write_results(r, path)
        back = read_history(path, s.id)
        assert {u: p.grade for u, p in back.units.items()} == dict(zip(r.units, r.grades, strict=True))


def test_read_history_round_trip(result, tmp_path):
    for suffix in (".json", ".xlsx"):
        write_results(result, tmp_path / f"r{suffix}")
    a, b = read_history(tmp_path / "r.json"), read_history(tmp_path / "r.xlsx")
    assert a.year == b.year == 2026 and a.units == b.units
    assert a.units["一支部"].rank == 2 and a.units["一支部"].bottom == 1


def test_read_history_errors(tmp_path):
    with pytest.raises(InputError) as exc:
        read_history(tmp_path / "none.json")
    assert str(exc.value) == f"{tmp_path / 'none.json'}: 历史结果文件不存在"
    (tmp_path / "x.txt").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="须是本系统写出的 .json 或 .xlsx"):
        read_history(tmp_path / "x.txt")


def test_unsupported_suffix(result, tmp_path):
    with pytest.raises(InputError, match="结果文件须以 .xlsx 或 .json 结尾"):
        write_results(result, tmp_path / "r.csv")


def test_failed_write_leaves_nothing(result, tmp_path, monkeypatch):
    """The file is saved whole to a temporary file; if moving it fails, nothing changes."""
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"old")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kaoping.io.common.os.replace", broken)
    for suffix in (".xlsx", ".json"):
        with pytest.raises(OSError):
            write_results(result, path.with_suffix(suffix))
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["r.xlsx"]


def test_failure_before_writing_leaves_nothing(result, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("kaoping.io.results.explain", broken)
    with pytest.raises(RuntimeError):
        write_results(result, tmp_path / "r.xlsx")
    assert os.listdir(tmp_path) == []


def test_atomic_path_moves_on_success(tmp_path):
    target = tmp_path / "t.json"
    with atomic_path(target) as tmp:
        tmp.write_text("{}", encoding="utf-8")
        assert not target.exists()
    assert target.read_text(encoding="utf-8") == "{}"
    assert os.listdir(tmp_path) == ["t.json"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)
