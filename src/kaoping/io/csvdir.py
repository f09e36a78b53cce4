"""The CSV input format: a folder of UTF-8 CSV files, one per table.

* ``单位.csv`` — columns 单位, 类别 (only when the scheme has unit classes), 上级组织.
* ``<记录种类>.csv`` for every record kind of the scheme (e.g. ``时间任务.csv``), header on
  line 1 with ``scheme.columns_of(kind)`` in any order; blank lines are skipped. A kind
  without records still needs its file with the header line.
* ``说明.csv`` — optional: lines of ``标签,值``; the line ``考核年度,2026`` gives the year and
  ``方案编号,A`` is checked when present. The --year option (``year``) overrides it; one
  of the two is required.

Files are UTF-8, with or without a BOM (Excel's "CSV UTF-8"); other files in the folder are
ignored. Places in messages are ``file:line:column`` (``时间任务.csv:7:完成日期``),
``file:line`` for a whole record and ``file`` for the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from ..engine import Dataset, InputError, Problem, RawTable, Scheme, build_dataset
from .common import README_SHEET, SCHEME_LABEL, UNITS_SHEET, YEAR_LABEL, year_and_scheme

SUFFIX = ".csv"


def read_csv_folder(scheme: Scheme, folder: str | Path, year: int | None = None) -> Dataset:
    """Read a folder of CSV files; ``year`` (e.g. from --year) overrides 说明.csv."""
    folder = Path(folder)
    problems: list[Problem] = []
    year = _read_readme(scheme, folder, year, problems)
    tables: dict[str, RawTable] = {}
    for kind in scheme.records:
        name = f"{kind}{SUFFIX}"
        table = read_csv(folder / name, kind, problems)
        if table is None:
            if not (folder / name).is_file():
                problems.append(Problem(name, f"缺少文件「{name}」（没有记录时也须有表头一行："
                                              f"{','.join(scheme.columns_of(kind))}）"))
            table = RawTable(kind, scheme.columns_of(kind), [], lambda i, c, n=name: n)
        tables[kind] = table
    name = f"{UNITS_SHEET}{SUFFIX}"
    units = read_csv(folder / name, UNITS_SHEET, problems)
    if units is None:
        if not (folder / name).is_file():
            problems.append(Problem(name, f"缺少文件「{name}」"))
        raise InputError(problems)  # without units every record would be reported as well
    try:
        data = build_dataset(scheme, units, tables, year or dt.date.today().year)
    except InputError as exc:
        raise InputError(problems + exc.problems) from None
    if problems:
        raise InputError(problems)
    return data


def read_csv(path: Path, name: str, problems: list[Problem]) -> RawTable | None:
    """One CSV file as a ``RawTable``; ``None`` when it is missing or cannot be read."""
    fname = path.name
    if not path.is_file():
        return None
    lines = _lines(path, problems)
    if lines is None:
        return None
    header = [h.strip() for h in lines[0][1]] if lines else []
    while header and not header[-1]:
        header.pop()
    positions: dict[str, int] = {}
    for c, h in enumerate(header):
        if h and h in positions:
            problems.append(Problem(f"{fname}:1:{h}", f"列「{h}」重复"))
        elif h:
            positions[h] = c
    columns = list(positions)
    rows: list[list[Any]] = []
    line_of: list[int] = []
    for line, values in lines[1:]:
        rows.append([values[positions[h]] if positions[h] < len(values) else None for h in columns])
        line_of.append(line)
        extra = [v for c, v in enumerate(values) if v.strip() and (c >= len(header) or not header[c])]
        if extra:
            problems.append(Problem(f"{fname}:{line}", f"有 {len(extra)} 个值不在任何有表头的列中"
                                                       f"（{extra[0]!r}…），请检查逗号或补上表头"))

    def locate(i: int, col: str | None) -> str:
        if i < 0:
            return f"{fname}:1:{col}" if col else fname
        return f"{fname}:{line_of[i]}" + (f":{col}" if col else "")

    return RawTable(name, columns, rows, locate)


def _lines(path: Path, problems: list[Problem]) -> list[tuple[int, list[str]]] | None:
    """(line number where the record starts, values) for each non-blank CSV record."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(path.name, f"不是 UTF-8 编码（第 {exc.start + 1} 字节）；"
                                           "在 Excel 中请另存为“CSV UTF-8（逗号分隔）”"))
        return None
    out: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for values in reader:
            if any(v.strip() for v in values):
                out.append((start, values))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(f"{path.name}:{reader.line_num}", f"CSV 格式错误：{exc}"))
        return None
    return out


def _read_readme(scheme: Scheme, folder: Path, year: int | None,
                 problems: list[Problem]) -> int | None:
    name = f"{README_SHEET}{SUFFIX}"
    path = folder / name
    found: dict[str, tuple[int, str]] = {}
    if path.is_file():
        for line, values in _lines(path, problems) or []:
            label = values[0].strip().rstrip(":：")
            if label in (YEAR_LABEL, SCHEME_LABEL) and label not in found:
                found[label] = (line, values[1].strip() if len(values) > 1 else "")
    places = {label: (f"{name}:{line}", value) for label, (line, value) in found.items()}
    missing = Problem(name, f"缺少考核年度：在 {name} 中写一行「{YEAR_LABEL},2026」，或用 --year 指定")
    return year_and_scheme(places, scheme, year, missing, problems)


__all__ = ["read_csv_folder", "read_csv"]
