"""The breakdown part of the results workbook: every measure of a unit, period by period.

A block per unit: a title line (score, rank, grade, flags), then one table per period grain
(年度, 半年, 季度, 月度) with a row per measure (in the scheme's order) and, for measures kept
per item, a row per item that has a value. Up to ``SHEET_PER_UNIT_LIMIT`` units each block
is a sheet named after the unit; beyond that all blocks go on one 明细 sheet with the unit in
the first column, so a province stays one filterable table.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import Result
from ..engine.explain import period_label
from ..engine.model import PERIODS_PER_YEAR
from .common import clean_sheet_name, safe

SHEET_PER_UNIT_LIMIT = 200
DETAIL_SHEET = "明细"
MAX_ROWS = 1_048_576
GRAINS = [("year", "年度"), ("half", "半年"), ("quarter", "季度"), ("month", "月度")]


def unit_block(result: Result, u: int) -> list[tuple[str, list[Any]]]:
    """(style, cells) rows of unit ``u``'s breakdown; style is title, head or row."""
    s = result.scheme
    ur = result.unit_result(u)
    title = [ur.unit, f"得分 {ur.score if ur.score is not None else '无'}",
             f"第 {ur.rank} 名" if ur.rank else "无名次"]
    title += [f"等次 {ur.grade}"] if ur.grade else []
    title += ["；".join(ur.flags)] if ur.flags else []
    out: list[tuple[str, list[Any]]] = [("title", title)]
    for grain, gname in GRAINS:
        names = [n for n in s.order if s.shapes[n].grain == grain]
        if not names:
            continue
        n_periods = PERIODS_PER_YEAR[grain]
        labels = ["全年"] if grain == "year" else [period_label(grain, p) for p in range(n_periods)]
        rows: list[tuple[str, list[Any]]] = []
        for name in names:
            arr = result.measure(name)
            label = s.measures[name].label
            if s.shapes[name].by_item:
                for it in s.items:
                    vals = arr[u, it.index]
                    if np.any(np.nan_to_num(vals) != 0):
                        rows.append(("row", [label, it.label, *_cells(result, vals)]))
            else:
                rows.append(("row", [label, "", *_cells(result, arr[u])]))
        if rows:
            out.append(("head", [f"{gname}：度量", "考核项目", *labels]))
            out += rows
    return out


def _cells(result: Result, values: np.ndarray) -> list[float | None]:
    out = []
    for v in values:
        d = result.rounded(v)
        out.append(None if d is None else float(d))
    return out


def write_breakdown(wb, result: Result, taken: set[str]) -> None:
    """Add the breakdown sheet(s) to a write-only workbook."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    places = result.scheme.model.rounding.places
    fmt = "0." + "0" * places if places else "0"
    order = [result.index_of(ur.unit) for ur in result.ranking()]
    per_unit = len(order) <= SHEET_PER_UNIT_LIMIT

    def cells(ws, style: str, values: list[Any]) -> list[Any]:
        out = []
        for v in values:
            c = WriteOnlyCell(ws, value=safe(v))
            if style != "row":
                c.font = bold
                if style == "head":
                    c.fill = fill
            elif isinstance(v, float):
                c.number_format = fmt
            out.append(c)
        return out

    if per_unit:
        names = set(taken)
        for u in order:
            ws = wb.create_sheet(clean_sheet_name(result.units[u], names))
            names.add(ws.title)
            ws.column_dimensions["A"].width = 30
            ws.column_dimensions["B"].width = 30
            ws.freeze_panes = "C1"
            for style, values in unit_block(result, u):
                ws.append(cells(ws, style, values))
        return
    ws = wb.create_sheet(clean_sheet_name(DETAIL_SHEET, taken))
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 30
    ws.freeze_panes = "B1"
    written = 0
    for u in order:
        block = unit_block(result, u)
        if written + len(block) + 1 > MAX_ROWS:
            ws.append(["", "（行数超过 Excel 上限，其余单位的明细从略；完整结果见 JSON）"])
            break
        for style, values in block:
            ws.append(cells(ws, style, [result.units[u], *values]))
        ws.append([])
        written += len(block) + 1


__all__ = ["write_breakdown", "unit_block", "SHEET_PER_UNIT_LIMIT"]
