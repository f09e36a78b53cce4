"""Bad input: every problem named by its place, exit code 2, and no output file.

The same mistakes in the three input formats; each place is the format's own kind of place
(sheet!cell, file:line:column, JSON path).
"""

from __future__ import annotations

import copy

import pytest
from openpyxl import load_workbook

from helpers import bundled
from kaoping.cli import main
from kaoping_files import a_document, to_csv_folder, to_json, to_workbook

A = "a-linyi-branches"
ITEM = "“三会一课”“主题党日”运行"


def task(**changes):
    row = {"单位": "一支部", "月份": 4, "考核项目": ITEM, "业务名称": "学习", "截止日期": "2026-04-20",
           "完成日期": "2026-04-20"}
    row.update(changes)
    return row


def publicity(n, level="省"):
    return {"单位": "一支部", "月份": 5, "媒体层级": level, "媒体名称": "大众日报",
            "文章题目": f"文章{n}", "发表日期": "2026-05-10"}


QUANTITY = {"单位": "二支部", "月份": 3, "考核项目": "学习平台使用情况", "业务名称": "参学",
            "应报数量": 10, "实报数量": -1, "上报日期": "2026-03-20"}
DEDUCTION = {"单位": "二支部", "月份": 3, "类型": "督办", "扣分": "很多", "事由": "超期"}

# (case, kind, rows appended, index of the bad row, column, message)
CASES = [
    ("text in a number column", "月度扣分", [DEDUCTION], 0, "扣分", '扣分 "很多" 不是数字'),
    ("impossible date", "时间任务", [task(完成日期="2026-02-30")], 2, "完成日期",
     '完成日期 "2026-02-30" 不是有效日期（格式如 2026-03-25）'),
    ("unknown unit", "时间任务", [task(单位="九支部")], 2, "单位",
     '未知单位 "九支部"（须是「单位」表中的单位）'),
    ("unknown item", "时间任务", [task(考核项目="不存在的项目")], 2, "考核项目",
     '未知考核项目 "不存在的项目"'),
    ("level outside the list", "典型培养宣传", [publicity(n) for n in range(5)] + [publicity(9, "国家级")],
     5, "媒体层级", '媒体层级 "国家级" 不在可选值 中央/省/市/县 中'),
    ("negative count", "数量任务", [QUANTITY], 0, "实报数量", '实报数量 "-1" 小于下限 0'),
    # issue 12: 书记履职尽责情况 belongs in a quarter's last month; row 10 holds deductions only
    ("secretary item in April", "时间任务", [task(考核项目="书记履职尽责情况")], 2, "月份",
     "考核项目「书记履职尽责情况」在 3月、6月、9月、12月 登记，不在 4月"),
    ("scored task on the deduction row", "时间任务", [task(考核项目="扣分因素")], 2, "考核项目",
     "考核项目「扣分因素」只登记「月度扣分」的记录，不能登记「时间任务」"),
]
COLUMN_LETTER = {("月度扣分", "扣分"): "D", ("时间任务", "完成日期"): "F", ("时间任务", "单位"): "A",
                 ("时间任务", "考核项目"): "C", ("时间任务", "月份"): "B", ("典型培养宣传", "媒体层级"): "C",
                 ("数量任务", "实报数量"): "F"}


def place(fmt, src, kind, index, column):
    if fmt == "xlsx":
        return f"{kind}!{COLUMN_LETTER[kind, column]}{index + 2}"
    if fmt == "csv":
        return f"{kind}.csv:{index + 2}:{column}"
    return f"{src}: records.{kind}[{index}].{column}"


def write(fmt, tmp_path, doc):
    s = bundled(A)
    if fmt == "xlsx":
        return to_workbook(s, tmp_path / "input.xlsx", doc)
    if fmt == "csv":
        return to_csv_folder(s, tmp_path / "input", doc)
    return to_json(tmp_path / "input.json", doc)


def run_bad(capsys, tmp_path, src, out_name="results.xlsx") -> list[str]:
    out = tmp_path / out_name
    code = main(["score", str(bundled(A).filename), str(src), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert not out.exists()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    return captured.err.splitlines()


FORMATS = ["xlsx", "csv", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("case", "kind", "rows", "index", "column", "message"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_cell(fmt, case, kind, rows, index, column, message, tmp_path, capsys):
    doc = a_document()
    doc["records"][kind] = doc["records"][kind] + copy.deepcopy(rows)
    src = write(fmt, tmp_path, doc)
    assert run_bad(capsys, tmp_path, src) == [f"{place(fmt, src, kind, index, column)}: {message}"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_duplicate_record(fmt, tmp_path, capsys):
    doc = a_document()
    doc["records"]["述职评议"] = [{"单位": "一支部", "得分": 0.9}, {"单位": "一支部", "得分": 0.8}]
    src = write(fmt, tmp_path, doc)
    first, second = {
        "xlsx": ("述职评议!第2行", "述职评议!第3行"),
        "csv": ("述职评议.csv:2", "述职评议.csv:3"),
        "json": (f"{src}: records.述职评议[0]", f"{src}: records.述职评议[1]"),
    }[fmt]
    assert run_bad(capsys, tmp_path, src) == [f"{second}: 与 {first} 重复（单位 相同）"]


def test_missing_sheet(tmp_path, capsys):
    src = write("xlsx", tmp_path, a_document())
    wb = load_workbook(src)
    del wb["民主测评"]
    wb.save(src)
    assert run_bad(capsys, tmp_path, src) == [
        "民主测评: 缺少工作表「民主测评」（民主测评的记录；没有记录时也须保留表头：单位、季度、得分）"]


def test_missing_csv_file(tmp_path, capsys):
    src = write("csv", tmp_path, a_document())
    (src / "民主测评.csv").unlink()
    assert run_bad(capsys, tmp_path, src) == [
        "民主测评.csv: 缺少文件「民主测评.csv」（没有记录时也须有表头一行：单位,季度,得分）"]


def test_missing_json_key(tmp_path, capsys):
    doc = a_document()
    del doc["records"]["民主测评"]
    src = write("json", tmp_path, doc)
    assert run_bad(capsys, tmp_path, src) == ["民主测评: 缺少「民主测评」的记录表（没有记录时也须保留表头）"]


def test_missing_column_xlsx(tmp_path, capsys):
    src = write("xlsx", tmp_path, a_document())
    wb = load_workbook(src)
    wb["时间任务"].delete_cols(5)  # 截止日期
    wb.save(src)
    assert run_bad(capsys, tmp_path, src) == ["时间任务: 缺少列「截止日期」"]


def test_missing_column_csv(tmp_path, capsys):
    src = write("csv", tmp_path, a_document())
    path = src / "时间任务.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(",".join(x.split(",")[:4] + x.split(",")[5:]) for x in lines) + "\n",
                    encoding="utf-8")
    assert run_bad(capsys, tmp_path, src) == ["时间任务.csv: 缺少列「截止日期」"]


def test_missing_column_json(tmp_path, capsys):
    """In JSON an absent key is a blank cell, so a required field is reported per record."""
    doc = a_document()
    for row in doc["records"]["时间任务"]:
        del row["截止日期"]
    src = write("json", tmp_path, doc)
    assert run_bad(capsys, tmp_path, src) == [
        f"{src}: records.时间任务[{i}].截止日期: 截止日期 为必填项" for i in (0, 1)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_problem_at_once(fmt, tmp_path, capsys):
    doc = a_document()
    doc["records"]["时间任务"].append(task(单位="九支部", 完成日期="2026-02-30"))
    doc["records"]["月度扣分"] = [DEDUCTION]
    src = write(fmt, tmp_path, doc)
    lines = run_bad(capsys, tmp_path, src, "out.json")
    assert len(lines) == 3
    assert any(line.endswith('未知单位 "九支部"（须是「单位」表中的单位）') for line in lines)
    assert any(line.endswith('完成日期 "2026-02-30" 不是有效日期（格式如 2026-03-25）') for line in lines)
    assert any(line.endswith('扣分 "很多" 不是数字') for line in lines)


def test_unit_sheet_missing(tmp_path, capsys):
    src = write("xlsx", tmp_path, a_document())
    wb = load_workbook(src)
    del wb["单位"]
    wb.save(src)
    assert run_bad(capsys, tmp_path, src) == ["单位: 缺少工作表「单位」（列：单位、上级组织）"]


def test_not_a_workbook(tmp_path, capsys):
    src = tmp_path / "input.xlsx"
    src.write_text("not a zip", encoding="utf-8")
    lines = run_bad(capsys, tmp_path, src)
    assert len(lines) == 1 and lines[0].startswith(f"{src}: 无法打开工作簿（须是 .xlsx 文件）")


def test_missing_input(tmp_path, capsys):
    assert run_bad(capsys, tmp_path, tmp_path / "nope.xlsx") == [f"{tmp_path / 'nope.xlsx'}: 文件或文件夹不存在"]


def test_bad_output_suffix_writes_nothing(tmp_path, capsys):
    src = write("json", tmp_path, a_document())
    code = main(["score", str(bundled(A).filename), str(src), "-o", str(tmp_path / "r.txt")])
    assert code == 2
    assert capsys.readouterr().err == f"{tmp_path / 'r.txt'}: 结果文件须以 .xlsx 或 .json 结尾\n"
    assert not (tmp_path / "r.txt").exists()


def test_bad_scheme(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kaoping: 1\nid: X\n", encoding="utf-8")
    src = write("json", tmp_path, a_document())
    code = main(["score", str(bad), str(src), "-o", str(tmp_path / "r.json")])
    err = capsys.readouterr().err
    assert code == 2 and "缺少必填项" in err and "Traceback" not in err
    assert all(line.startswith(str(bad)) for line in err.splitlines())
    assert not (tmp_path / "r.json").exists()
