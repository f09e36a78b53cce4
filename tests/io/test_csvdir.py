"""Reading a folder of CSV files: encoding, the year, line numbers, stray values."""

from __future__ import annotations

import pytest

from helpers import bundled
from kaoping.engine import InputError, evaluate
from kaoping.io import read_input
from kaoping.io.csvdir import read_csv_folder
from kaoping_files import a_document, to_csv_folder

A = "a-linyi-branches"


@pytest.fixture
def folder(tmp_path):
    return to_csv_folder(bundled(A), tmp_path / "in", a_document())


def problems(folder, year=None) -> list[str]:
    with pytest.raises(InputError) as exc:
        read_csv_folder(bundled(A), folder, year)
    return [str(p) for p in exc.value.problems]


def test_reads_folder(folder):
    data = read_input(bundled(A), folder)
    assert data.year == 2026
    assert data.units.names == ["一支部", "二支部"]  # 单位.csv has a BOM
    assert data.records["时间任务"].place(0) == "时间任务.csv:2"
    r = evaluate(bundled(A), data)
    assert [str(u.score) for u in r.ranking()] == ["1.00", "0.70"]


def test_year_from_option_without_readme(folder):
    (folder / "说明.csv").unlink()
    assert problems(folder) == ["说明.csv: 缺少考核年度：在 说明.csv 中写一行「考核年度,2026」，或用 --year 指定"]
    assert read_csv_folder(bundled(A), folder, 2026).year == 2026


def test_option_overrides_readme(folder):
    assert read_csv_folder(bundled(A), folder, 2031).year == 2031


def test_bad_year_and_scheme(folder):
    (folder / "说明.csv").write_text("方案编号,C\n考核年度,去年\n", encoding="utf-8")
    assert problems(folder) == ["说明.csv:1: 数据属于方案 'C'，不是 'A'",
                                '说明.csv:2: 考核年度 "去年" 无效，须是四位年份（如 2026）']


def test_not_utf8(folder):
    (folder / "时间任务.csv").write_bytes("单位,月份\n一支部,3\n".encode("gbk"))
    [p] = problems(folder)
    assert p.startswith("时间任务.csv: 不是 UTF-8 编码") and "CSV UTF-8" in p


def test_line_numbers_count_blank_and_multiline_records(folder):
    path = folder / "时间任务.csv"
    head = ",".join(bundled(A).columns_of("时间任务"))
    path.write_text(
        head + "\n"
        "\n"                                                   # line 2: blank
        '一支部,3,2,"支委会\n（补开）",2026-03-20,2026-03-23,\n'  # lines 3–4: one record
        "九支部,3,2,学习,2026-03-20,2026-03-20,\n",            # line 5
        encoding="utf-8")
    assert problems(folder) == ['时间任务.csv:5:单位: 未知单位 "九支部"（须是「单位」表中的单位）']


def test_stray_values(folder):
    path = folder / "述职评议.csv"
    path.write_text("单位,得分\n一支部,0.9,多余\n", encoding="utf-8")
    assert problems(folder) == ["述职评议.csv:2: 有 1 个值不在任何有表头的列中（'多余'…），请检查逗号或补上表头"]


def test_unknown_files_ignored(folder):
    (folder / "草稿.csv").write_text("随便\n", encoding="utf-8")
    assert read_csv_folder(bundled(A), folder).year == 2026


def test_missing_units_file(folder):
    (folder / "单位.csv").unlink()
    assert problems(folder) == ["单位.csv: 缺少文件「单位.csv」"]


def test_extra_column_named_at_header(folder):
    path = folder / "述职评议.csv"
    path.write_text("单位,得分,评分人\n一支部,0.9,张三\n", encoding="utf-8")
    [p] = problems(folder)
    assert p.startswith("述职评议.csv:1:评分人: 多余的列「评分人」")
