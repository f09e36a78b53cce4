"""The JSON input format (documented in docs/input-formats.md)::

    {
      "scheme": "A",                 # optional: the scheme id, checked when present
      "year": 2026,
      "units":   [{"单位": "一支部", "类别": "…", "上级组织": "…"}, …],
      "records": {"时间任务": [{"单位": "一支部", "月份": 3, …}, …], …}
    }

Every record kind of the scheme has a key (an empty list when there are none). Dates are
"YYYY-MM-DD" strings; places in messages are JSON paths such as ``records.时间任务[3].完成日期``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..engine import Dataset, InputError, Problem, RawTable, Scheme, build_dataset


def read_json(scheme: Scheme, path: Path, year: int | None = None) -> Dataset:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f"{path}:{exc.lineno}" if isinstance(exc, json.JSONDecodeError) else str(path)
        raise InputError([Problem(where, f"不是有效的 JSON：{exc}")]) from None
    return dataset_from_document(scheme, doc, year, str(path))


def dataset_from_document(scheme: Scheme, doc: Any, year: int | None, name: str) -> Dataset:
    """Build a dataset from an already parsed JSON document."""
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        raise InputError([Problem(name, "顶层须是对象（含 year、units、records）")])
    if doc.get("scheme") not in (None, scheme.id):
        problems.append(Problem(f"{name}: scheme", f"数据属于方案 {doc['scheme']!r}，不是 {scheme.id!r}"))
    year = year or doc.get("year")
    if not isinstance(year, int) or not 1900 < year < 3000:
        problems.append(Problem(f"{name}: year", f"考核年度须是四位整数，实际为 {year!r}"))
    units = doc.get("units")
    records = doc.get("records")
    if not isinstance(units, list) or not all(isinstance(u, dict) for u in units):
        problems.append(Problem(f"{name}: units", "units 须是对象列表"))
    if not isinstance(records, dict):
        problems.append(Problem(f"{name}: records", "records 须是对象：记录种类 → 记录列表"))
    else:
        for kind, rows in records.items():
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                problems.append(Problem(f"{name}: records.{kind}", "须是对象列表"))
    if problems:
        raise InputError(problems)
    raw_units = RawTable.from_dicts("单位", units, prefix=f"{name}: units")
    if not units:
        raw_units.columns = ["单位"]
    raw_records = {}
    for kind, rows in records.items():
        table = RawTable.from_dicts(kind, rows, prefix=f"{name}: records.{kind}")
        if kind in scheme.records:
            # A record need not spell out optional blank fields: absent keys are blank cells.
            cols = scheme.columns_of(kind)
            table.columns = cols + [c for c in table.columns if c not in cols]
            table.rows = [[r.get(c) for c in table.columns] for r in rows]
        raw_records[kind] = table
    return build_dataset(scheme, raw_units, raw_records, year)


__all__ = ["read_json", "dataset_from_document"]
