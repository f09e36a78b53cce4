"""The Excel input format: a filled workbook (.xlsx), as ``kaoping template`` writes it.

Sheets (documented in docs/input-formats.md):

* ``说明`` — a cell labelled ``考核年度`` with the year in the cell to its right (the
  template puts them in A3/B3); optionally ``方案编号``, checked when present.
* ``单位`` — columns 单位, 类别 (only when the scheme has unit classes), 上级组织.
* one sheet per record kind, named as the kind (cut to 31 characters, see
  :func:`kaoping.io.common.record_sheets`), header in row 1 with ``scheme.columns_of(kind)``
  in any order, one record per row from row 2. Blank rows are skipped.

Any other sheet (选项, 考核细则 …) is ignored. Places in messages are ``sheet!cell``
(``典型培养宣传!C7``), ``sheet!第7行`` for a whole record, ``sheet`` for the sheet.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..engine import Dataset, InputError, Problem, RawTable, Scheme, build_dataset
from ..engine.model import CLASS_COLUMN, GROUP_COLUMN, UNIT_COLUMN
from .common import (
    README_SHEET,
    SCHEME_LABEL,
    UNITS_SHEET,
    YEAR_LABEL,
    plain_cell,
    record_sheets,
    year_and_scheme,
)


def read_workbook(scheme: Scheme, path: str | Path, year: int | None = None) -> Dataset:
    """Read a filled workbook; ``year`` (e.g. from --year) overrides the 说明 sheet's."""
    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError([Problem(str(path), f"无法打开工作簿（须是 .xlsx 文件）：{exc}")]) from None
    try:
        return _read(scheme, wb, year)
    finally:
        wb.close()


def _read(scheme: Scheme, wb, year: int | None) -> Dataset:
    problems: list[Problem] = []
    names = {n.strip(): n for n in wb.sheetnames}
    year = _read_readme(scheme, wb, names, year, problems)
    units_ws = names.get(UNITS_SHEET)
    if units_ws is None:
        problems.append(Problem(UNITS_SHEET, f"缺少工作表「{UNITS_SHEET}」（列：{_unit_columns(scheme)}）"))
    tables: dict[str, RawTable] = {}
    for kind, sheet in record_sheets(scheme).items():
        if sheet not in names:
            problems.append(Problem(sheet, f"缺少工作表「{sheet}」（{kind}的记录；没有记录时也须保留表头："
                                           f"{'、'.join(scheme.columns_of(kind))}）"))
            tables[kind] = RawTable(kind, scheme.columns_of(kind), [], lambda i, c, s=sheet: s)
        else:
            tables[kind] = sheet_table(wb[names[sheet]], kind, problems)
    if units_ws is None:
        raise InputError(problems)  # without units every record would be reported as well
    units = sheet_table(wb[units_ws], UNITS_SHEET, problems)
    try:
        data = build_dataset(scheme, units, tables, year or dt.date.today().year)
    except InputError as exc:
        raise InputError(problems + exc.problems) from None
    if problems:
        raise InputError(problems)
    return data


def _unit_columns(scheme: Scheme) -> str:
    cols = [UNIT_COLUMN, *([CLASS_COLUMN] if scheme.model.units.classes else []), GROUP_COLUMN]
    return "、".join(cols)


def _read_readme(scheme: Scheme, wb, names: dict[str, str], year: int | None,
                 problems: list[Problem]) -> int | None:
    """The year (unless given) and the scheme id from the 说明 sheet's labelled cells."""
    if README_SHEET not in names:
        if year is None:
            problems.append(Problem(README_SHEET, f"缺少工作表「{README_SHEET}」（其中「{YEAR_LABEL}」"
                                                  "右边一格填年度），或用 --year 指定考核年度"))
        return year
    found = _labelled(wb[names[README_SHEET]], (YEAR_LABEL, SCHEME_LABEL))
    places = {label: (f"{README_SHEET}!{cell}", value) for label, (cell, value) in found.items()}
    missing = Problem(README_SHEET, f"找不到「{YEAR_LABEL}」一格（右边一格填年度，如 2026），"
                                    "或用 --year 指定考核年度")
    return year_and_scheme(places, scheme, year, missing, problems)


def _labelled(ws, labels: tuple[str, ...], max_rows: int = 200) -> dict[str, tuple[str, Any]]:
    """For each label found in the sheet: (the address of the cell to its right, its value)."""
    found: dict[str, tuple[str, Any]] = {}
    _trust_no_dimensions(ws)
    for r, row in enumerate(ws.iter_rows(values_only=True, max_row=max_rows), start=1):
        for c, v in enumerate(row):
            key = str(v).strip().rstrip(":：") if isinstance(v, str) else None
            if key in labels and key not in found:
                value = row[c + 1] if c + 1 < len(row) else None
                found[key] = (f"{get_column_letter(c + 2)}{r}", value)
    return found


def sheet_table(ws, name: str, problems: list[Problem]) -> RawTable:
    """A sheet as a ``RawTable``: header from row 1, records from row 2, blank tail dropped."""
    title = ws.title
    _trust_no_dimensions(ws)
    rows = [tuple(plain_cell(v) for v in row) for row in ws.iter_rows(values_only=True)]
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    header = [("" if v is None else str(v).strip()) for v in (rows[0] if rows else ())]
    while header and not header[-1]:
        header.pop()
    positions: dict[str, int] = {}
    for c, h in enumerate(header):
        if not h:
            continue
        if h in positions:
            problems.append(Problem(f"{title}!{get_column_letter(c + 1)}1", f"列「{h}」重复"))
            continue
        positions[h] = c
    columns = list(positions)
    data: list[list[Any]] = []
    unlabelled: set[int] = set()
    for r, row in enumerate(rows[1:], start=2):
        data.append([row[positions[h]] if positions[h] < len(row) else None for h in columns])
        for c, v in enumerate(row):
            if not _blank(v) and (c >= len(header) or not header[c]) and c not in unlabelled:
                unlabelled.add(c)
                problems.append(Problem(f"{title}!{get_column_letter(c + 1)}{r}",
                                        "此列没有表头，其中的数据不会被读取（请补上表头或删除）"))
    letters = {h: get_column_letter(c + 1) for h, c in positions.items()}

    def locate(i: int, col: str | None) -> str:
        if i < 0:
            return f"{title}!{letters[col]}1" if col in letters else title
        if col in letters:
            return f"{title}!{letters[col]}{i + 2}"
        return f"{title}!第{i + 2}行"

    return RawTable(name, columns, data, locate)


def _trust_no_dimensions(ws) -> None:
    """Read every row: some programs write a wrong used range (e.g. A1:A1) into the file."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


__all__ = ["read_workbook", "sheet_table"]
