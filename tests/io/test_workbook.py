"""Reading a filled workbook: the year, blank rows, extra columns, sheet names, places."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from helpers import bundled
from kaoping.engine import InputError, evaluate, load_scheme
from kaoping.io import read_input
from kaoping.io.workbook import read_workbook
from kaoping_files import LONG, a_document, to_workbook

A = "a-linyi-branches"


@pytest.fixture
def book(tmp_path):
    return to_workbook(bundled(A), tmp_path / "in.xlsx", a_document())


def problems(path, year=None) -> list[str]:
    with pytest.raises(InputError) as exc:
        read_workbook(bundled(A), path, year)
    return [str(p) for p in exc.value.problems]


def edit(path, fn):
    wb = load_workbook(path)
    fn(wb)
    wb.save(path)


def test_reads_units_records_and_year(book):
    data = read_input(bundled(A), book)
    assert data.year == 2026
    assert data.units.names == ["一支部", "二支部"]
    assert data.units.group_names == ["机关党委"]
    assert len(data.records["时间任务"]) == 2
    assert data.records["时间任务"].place(1) == "时间任务!第3行"


def test_year_option_overrides_the_readme(book):
    assert read_workbook(bundled(A), book, 2030).year == 2030


def test_year_as_text(book):
    edit(book, lambda wb: wb["说明"].__setitem__("B3", "2027年"))
    assert read_workbook(bundled(A), book).year == 2027


def test_year_label_found_anywhere(book):
    def move(wb):
        ws = wb["说明"]
        ws["A3"], ws["B3"] = None, None
        ws["D10"], ws["E10"] = "考核年度：", 2028
    edit(book, move)
    assert read_workbook(bundled(A), book).year == 2028


def test_bad_year(book):
    edit(book, lambda wb: wb["说明"].__setitem__("B3", "明年"))
    assert problems(book) == ['说明!B3: 考核年度 "明年" 无效，须是四位年份（如 2026）']


def test_no_readme_needs_year(book):
    edit(book, lambda wb: wb.remove(wb["说明"]))
    assert problems(book) == ["说明: 缺少工作表「说明」（其中「考核年度」右边一格填年度），或用 --year 指定考核年度"]
    assert read_workbook(bundled(A), book, 2026).year == 2026


def test_scheme_id_is_checked(book):
    edit(book, lambda wb: wb["说明"].__setitem__("B2", "B"))
    assert problems(book) == ["说明!B2: 数据属于方案 'B'，不是 'A'"]


def test_blank_rows_skipped_and_places_kept(book):
    def spread(wb):
        ws = wb["时间任务"]
        ws.insert_rows(3, 3)  # rows 3–5 blank; the second task is now on row 6
        ws["A6"] = "九支部"
        ws["A20"] = "   "  # trailing whitespace-only cell
    edit(book, spread)
    assert problems(book) == ['时间任务!A6: 未知单位 "九支部"（须是「单位」表中的单位）']


def test_dates_as_datetime_or_text(book):
    def retype(wb):
        ws = wb["时间任务"]
        ws["E2"] = dt.datetime(2026, 3, 20)
        ws["F2"] = "2026/3/23"
        ws["E3"] = "2026年3月20日"
    edit(book, retype)
    data = read_workbook(bundled(A), book)
    r = evaluate(bundled(A), data)
    assert [(u.unit, str(u.score)) for u in r.ranking()] == [("二支部", "1.00"), ("一支部", "0.70")]


def test_notes_column_allowed_other_columns_refused(book):
    def extra(wb):
        ws = wb["时间任务"]
        ws["H1"], ws["H2"] = "备注", "自己的说明"
        ws["I1"], ws["I2"] = "评分人", "张三"
    edit(book, extra)
    [p] = problems(book)
    assert p.startswith("时间任务!I1: 多余的列「评分人」（可用列：单位、月份、考核项目")


def test_data_without_header(book):
    edit(book, lambda wb: wb["时间任务"].__setitem__("K5", "孤立的值"))
    assert problems(book) == ["时间任务!K5: 此列没有表头，其中的数据不会被读取（请补上表头或删除）"]


def test_duplicate_header(book):
    edit(book, lambda wb: wb["时间任务"].__setitem__("H1", "业务名称"))
    assert problems(book) == ["时间任务!H1: 列「业务名称」重复"]


def test_columns_in_any_order(book):
    def swap(wb):
        ws = wb["时间任务"]
        for row in ws.iter_rows(min_row=1, max_row=3):
            row[4].value, row[5].value = row[5].value, row[4].value  # 截止日期 ↔ 完成日期
    edit(book, swap)
    r = evaluate(bundled(A), read_workbook(bundled(A), book))
    assert str(r.unit_result("一支部").score) == "0.70"


def test_long_kind_names_round_trip(tmp_path):
    s = load_scheme("long.yaml", text=LONG)
    kinds = list(s.records)
    doc = {"year": 2026, "units": [{"单位": "甲"}, {"单位": "乙"}],
           "records": {kinds[0]: [{"单位": "甲", "分数": 80}], kinds[1]: [{"单位": "乙", "分数": 90}],
                       kinds[2]: [{"单位": "甲", "情况": "无"}]}}
    path = to_workbook(s, tmp_path / "long.xlsx", doc)
    r = evaluate(s, read_workbook(s, path))
    assert [(u.unit, str(u.score)) for u in r.ranking()] == [("乙", "90.00"), ("甲", "80.00")]
    edit(path, lambda wb: wb[wb.sheetnames[3]].__setitem__("B2", "很多"))
    with pytest.raises(InputError) as exc:
        read_workbook(s, path)
    [p] = exc.value.problems
    assert p.where.endswith("!B2") and len(p.where.split("!")[0]) <= 31


def test_wrong_used_range_in_the_file(book, tmp_path):
    """Some programs write <dimension ref="A1:A1"/> whatever the sheet holds."""
    import re
    import zipfile

    fixed = tmp_path / "fixed.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(fixed, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"<dimension ref=\"[^\"]*\" ?/>", b"<dimension ref=\"A1:A1\"/>", data)
            dst.writestr(info, data)
    data = read_workbook(bundled(A), fixed)
    assert data.units.group_names == ["机关党委"]
    assert len(data.records["时间任务"]) == 2
