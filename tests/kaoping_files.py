"""Test helpers: the same input document written as a filled workbook, CSV folder or JSON.

A document is the JSON input format (``{"year", "units", "records"}``); ``to_workbook``
fills the template that ``kaoping template`` writes, as a user would, so the tests go
template → fill → score.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

from openpyxl import load_workbook

from kaoping.engine import Scheme
from kaoping.io.common import record_sheets
from kaoping.io.template import write_template

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _cell(value, real_dates: bool):
    if real_dates and isinstance(value, str) and _ISO.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value  # an impossible date stays text, as a user would type it
    return value


def to_workbook(scheme: Scheme, path: Path, doc: dict, *, real_dates: bool = True) -> Path:
    """Write the template, then fill 单位 and every record sheet from ``doc``."""
    write_template(scheme, path, doc["year"])
    wb = load_workbook(path)
    sheets = record_sheets(scheme)
    _fill(wb["单位"], doc["units"], real_dates)
    for kind, rows in doc["records"].items():
        _fill(wb[sheets.get(kind, kind)], rows, real_dates)
    wb.save(path)
    return path


def _fill(ws, rows: list[dict], real_dates: bool) -> None:
    header = [c.value for c in ws[1]]
    for r, row in enumerate(rows, start=2):
        for key, value in row.items():
            if value is None:
                continue
            if key not in header:
                header.append(key)
                ws.cell(1, len(header), key)
            ws.cell(r, header.index(key) + 1, _cell(value, real_dates))


def to_csv_folder(scheme: Scheme, folder: Path, doc: dict, *, readme: bool = True) -> Path:
    """One UTF-8 CSV per table (单位.csv written with a BOM, as Excel does)."""
    folder.mkdir(parents=True, exist_ok=True)
    cols = ["单位", "类别", "上级组织"] if scheme.model.units.classes else ["单位", "上级组织"]
    _csv(folder / "单位.csv", cols, doc["units"], "utf-8-sig")
    for kind, rows in doc["records"].items():
        columns = scheme.columns_of(kind) if kind in scheme.records else list(rows[0]) if rows else []
        _csv(folder / f"{kind}.csv", columns, rows, "utf-8")
    if readme:
        (folder / "说明.csv").write_text(f"考核年度,{doc['year']}\n方案编号,{scheme.id}\n", encoding="utf-8")
    return folder


def _csv(path: Path, columns: list[str], rows: list[dict], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        for row in rows:
            w.writerow(["" if row.get(c) is None else row.get(c) for c in columns])


def to_json(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def a_document(year: int = 2026, *, first_late: int = 3) -> dict:
    """Scheme A, two branches, one March time task each; 一支部 ``first_late`` days late."""
    def task(unit, done):
        return {"单位": unit, "月份": 3, "考核项目": "“三会一课”“主题党日”运行", "业务名称": "支委会",
                "截止日期": f"{year}-03-20", "完成日期": done}

    late = (dt.date(year, 3, 20) + dt.timedelta(days=first_late)).isoformat()
    return {
        "year": year,
        "units": [{"单位": "一支部", "上级组织": "机关党委"}, {"单位": "二支部", "上级组织": "机关党委"}],
        "records": {
            "时间任务": [task("一支部", late), task("二支部", f"{year}-03-20")],
            "数量任务": [], "典型培养宣传": [], "质量成果": [], "月度扣分": [],
            "展评排名": [], "民主测评": [], "述职评议": [],
        },
    }


#: A scheme whose record kinds have names too long for a sheet, or taken (说明).
LONG = """\
kaoping: 1
id: T
name: 长名称测试
items: [{code: "1", name: 甲}, {code: "2", name: 乙}]
records:
  "这是一个名字特别特别长的记录种类：用来检查工作表名称截断是否一致的情形一":
    fields: [{name: 分数, type: number, min: 0, max: 100}]
  "这是一个名字特别特别长的记录种类：用来检查工作表名称截断是否一致的情形二":
    fields: [{name: 分数, type: number, min: 0, max: 100}]
  "说明":
    fields: [{name: 情况, type: choice, options: [有, 无]}]
measures:
  - {name: a, label: 甲分, aggregate: {records: "这是一个名字特别特别长的记录种类：用来检查工作表名称截断是否一致的情形一", value: {field: 分数}}}
  - {name: b, label: 乙分, aggregate: {records: "这是一个名字特别特别长的记录种类：用来检查工作表名称截断是否一致的情形二", value: {field: 分数}}}
  - {name: total, label: 总分, sum: [a, b]}
result: {score: total}
"""
