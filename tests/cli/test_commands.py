"""Each command of ``kaoping``, in-process through ``main(argv)``, plus the installed entry point."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers import EXAMPLES, SCHEMES, bundled
from kaoping.cli import main
from kaoping_files import a_document, to_json, to_workbook

A = "a-linyi-branches"


@pytest.fixture
def a_path() -> str:
    return str(bundled(A).filename)


def test_validate_valid(a_path, capsys):
    assert main(["validate", a_path]) == 0
    assert capsys.readouterr().out == f"{a_path}: 有效\n"


def test_validate_reports_every_problem(a_path, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kaoping: 1\nid: X\nname: 坏方案\nrecords: {}\nmeasures: []\nresult: {score: nope}\n",
                   encoding="utf-8")
    assert main(["validate", a_path, str(bad)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{a_path}: 有效"
    assert len(out) >= 2 and all(line.startswith(f"{bad}:") for line in out[1:])


def test_validate_missing_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "none.yaml")]) == 2
    assert capsys.readouterr().out == f"{tmp_path / 'none.yaml'}: 文件不存在\n"


def test_template(a_path, tmp_path, capsys):
    out = tmp_path / "input.xlsx"
    assert main(["template", a_path, "-o", str(out), "--year", "2027"]) == 0
    assert capsys.readouterr().out == f"已写出填报模板：{out}\n"
    wb = load_workbook(out)
    assert wb["说明"]["A3"].value == "考核年度" and wb["说明"]["B3"].value == 2027
    assert [c.value for c in wb["时间任务"][1]] == bundled(A).columns_of("时间任务")


def test_template_needs_xlsx(a_path, tmp_path, capsys):
    assert main(["template", a_path, "-o", str(tmp_path / "x.csv")]) == 2
    assert capsys.readouterr().err == f"{tmp_path / 'x.csv'}: 模板须写为 .xlsx 文件\n"
    assert not (tmp_path / "x.csv").exists()


def test_template_bad_year(a_path, tmp_path, capsys):
    assert main(["template", a_path, "-o", str(tmp_path / "x.xlsx"), "--year", "26"]) == 2
    assert "年度 '26' 无效" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_score_prints_ranking_without_output(a_path, tmp_path, capsys):
    src = to_json(tmp_path / "in.json", a_document())
    assert main(["score", a_path, str(src)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("（2026 年度，2 个单位）")
    assert out[1].split() == ["名次", "单位", "上级组织", "得分", "四个季度绩效考评成绩之和",
                              "书记抓党建述职评议成绩", "提示"]
    assert out[3].split() == ["1", "二支部", "机关党委", "1.00", "1.00", "0.00"]
    assert out[4].split() == ["2", "一支部", "机关党委", "0.70", "0.70", "0.00", "不予上报先进基层党组织"]


def test_score_year_option_overrides(a_path, tmp_path, capsys):
    src = to_workbook(bundled(A), tmp_path / "in.xlsx", a_document())
    out = tmp_path / "r.json"
    # the dates are in 2026 but the year says 2027: the month's deadline logic still works
    assert main(["score", a_path, str(src), "--year", "2027", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["year"] == 2027


def test_score_writes_xlsx(a_path, tmp_path, capsys):
    src = to_json(tmp_path / "in.json", a_document())
    out = tmp_path / "results.xlsx"
    assert main(["score", a_path, str(src), "-o", str(out)]) == 0
    assert capsys.readouterr().err == f"已写出结果：{out}\n"
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["排名", "概况", "解释"]
    rows = list(wb["排名"].iter_rows(values_only=True))
    assert rows[1][:4] == (1, "二支部", "机关党委", 1.0)


def test_explain_text(a_path, tmp_path, capsys):
    src = to_workbook(bundled(A), tmp_path / "in.xlsx", a_document())
    assert main(["explain", a_path, str(src), "一支部"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("【一支部】\n得分 0.70")
    assert "时间任务!第2行：" in text
    assert "超期 3 天：1 − 0.1×3 = 0.7" in text
    assert "0.7 ÷ 同一上级组织内最高 1（二支部）" in text


def test_explain_json(a_path, tmp_path, capsys):
    src = to_json(tmp_path / "in.json", a_document())
    assert main(["explain", a_path, str(src), "二支部", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["unit"] == "二支部" and doc["score"]["value"] == 1.0


def test_explain_unknown_unit(a_path, tmp_path, capsys):
    src = to_json(tmp_path / "in.json", a_document())
    assert main(["explain", a_path, str(src), "一支"]) == 2
    assert capsys.readouterr().err == f"{src}: 没有单位「一支」（是否指：一支部、二支部）\n"


def test_explain_with_history(a_path, tmp_path, capsys):
    assert main(["score", a_path, str(to_json(tmp_path / "p.json", a_document(2025))),
                 "-o", str(tmp_path / "prev.json")]) == 0
    src = to_json(tmp_path / "in.json", a_document())
    assert main(["explain", a_path, str(src), "二支部", "--history", str(tmp_path / "prev.json")]) == 0
    assert "提示：书记、党务工作者优先作为后备干部培养" in capsys.readouterr().out


def test_demo_on_a_folder(tmp_path, capsys):
    folder = tmp_path / "schemes"
    (folder / "examples").mkdir(parents=True)
    shutil.copy(SCHEMES / f"{A}.yaml", folder)
    shutil.copy(SCHEMES / "a-linyi-branches.yaml", folder / "no-example.yaml")
    to_json(folder / "examples" / f"{A}.json", a_document())
    assert main(["demo", "--schemes", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"■ {A}.yaml（示例数据 examples/{A}.json）\n")
    assert "no-example" not in out
    assert "二支部" in out


def test_demo_reports_a_broken_example(tmp_path, capsys):
    folder = tmp_path / "schemes"
    (folder / "examples").mkdir(parents=True)
    shutil.copy(SCHEMES / f"{A}.yaml", folder)
    doc = a_document()
    doc["units"].append({"单位": "一支部"})
    to_json(folder / "examples" / f"{A}.json", doc)
    assert main(["demo", "--schemes", str(folder)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{A}.yaml: 未能计分"
    assert err[1].endswith('units[2].单位: 单位 "一支部" 重复')


def test_demo_bundled_schemes(capsys):
    """What `make run` does: every bundled scheme with an example scores."""
    assert main(["demo", "--schemes", str(SCHEMES)]) == 0
    out = capsys.readouterr().out
    for example in EXAMPLES.glob("*.json"):
        if ".history-" not in example.name and (SCHEMES / f"{example.stem}.yaml").exists():
            assert f"■ {example.stem}.yaml" in out


def test_demo_uses_example_history(capsys):
    """A's example comes with a 2025 results file: 一支部 first both years."""
    assert (EXAMPLES / f"{A}.history-2025.json").exists()
    assert main(["demo", "--schemes", str(SCHEMES)]) == 0
    assert "书记、党务工作者优先作为后备干部培养" in capsys.readouterr().out


def test_demo_no_folder(tmp_path, capsys):
    assert main(["demo", "--schemes", str(tmp_path / "none")]) == 2
    assert "找不到方案文件夹" in capsys.readouterr().err


def test_usage_error_is_exit_2(capsys):
    assert main(["score"]) == 2
    assert main([]) == 2


def test_help_is_exit_0(capsys):
    assert main(["--help"]) == 0
    assert "kaoping" in capsys.readouterr().out


def test_unexpected_error_is_exit_1(a_path, tmp_path, capsys, monkeypatch):
    import kaoping.cli

    def boom(*a, **k):
        raise RuntimeError("bug")

    monkeypatch.setattr(kaoping.cli, "evaluate", boom)
    src = to_json(tmp_path / "in.json", a_document())
    assert main(["score", a_path, str(src), "-o", str(tmp_path / "r.json")]) == 1
    assert "内部错误（请报告此问题）：RuntimeError: bug" in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


def test_installed_entry_point(a_path, tmp_path):
    exe = Path(sys.executable).with_name("kaoping")
    if not exe.exists():
        exe = Path(shutil.which("kaoping") or "kaoping")
    src = to_workbook(bundled(A), tmp_path / "in.xlsx", a_document())
    out = tmp_path / "r.xlsx"
    ok = subprocess.run([str(exe), "score", a_path, str(src), "-o", str(out)],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "二支部" in ok.stdout and out.exists()
    bad = to_workbook(bundled(A), tmp_path / "bad.xlsx",
                      {**a_document(), "units": [{"单位": "一支部"}]})
    fail = subprocess.run([str(exe), "score", a_path, str(bad), "-o", str(tmp_path / "no.xlsx")],
                          capture_output=True, text=True, timeout=120)
    assert fail.returncode == 2
    assert fail.stderr == '时间任务!A3: 未知单位 "二支部"（须是「单位」表中的单位）\n'
    assert not (tmp_path / "no.xlsx").exists()


def test_unwritable_output(a_path, tmp_path, capsys, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("kaoping.io.common.os.replace", refuse)
    src = to_json(tmp_path / "in.json", a_document())
    out = tmp_path / "r.json"
    assert main(["score", a_path, str(src), "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"{out}: 无法写入：Permission denied\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]


def test_output_folder_missing(a_path, tmp_path, capsys):
    src = to_json(tmp_path / "in.json", a_document())
    out = tmp_path / "none" / "r.xlsx"
    assert main(["score", a_path, str(src), "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"{out}: 文件夹 {tmp_path / 'none'} 不存在\n"
