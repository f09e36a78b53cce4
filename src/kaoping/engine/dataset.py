"""Units and records as typed column tables, and their checked construction from raw rows.

Readers of workbooks, CSV folders and JSON (outside the engine) hand over ``RawTable``s:
cell values plus a way to name each cell's place. ``build_dataset`` converts every cell
to its column type, checks it against the scheme and reports *every* problem at once
(``InputError``); nothing is returned half-built. The evaluator only sees ``Dataset``:
NumPy columns, codes instead of strings, so a province evaluates as column operations.

Column encodings: numbers → float64 (NaN when blank); dates → int32 days since
1970-01-01 (``NO_DATE`` when blank); choices → int16 index into the options (-1 blank);
items and clauses → int32 index into the scheme (-1 blank); booleans → bool; text → object.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import InputError, Problem
from .model import (
    CLASS_COLUMN,
    GROUP_COLUMN,
    PERIOD_COLUMN,
    PERIODS_PER_YEAR,
    UNIT_COLUMN,
    RecordField,
)
from .scheme import Scheme

NO_DATE = np.iinfo(np.int32).min
_EPOCH = dt.date(1970, 1, 1).toordinal()
UNIT_COLUMNS = [UNIT_COLUMN, CLASS_COLUMN, GROUP_COLUMN]
#: Columns a user may add to any sheet for their own notes; they are kept out of scoring.
FREE_COLUMNS = ("备注",)


def date_to_days(d: dt.date) -> int:
    return d.toordinal() - _EPOCH


def days_to_date(n: int) -> dt.date:
    return dt.date.fromordinal(int(n) + _EPOCH)


@dataclass
class RawTable:
    """Rows as read from a file: header, cell values, and how to name a cell's place."""

    name: str
    columns: list[str]
    rows: list[list[Any]]
    locate: Callable[[int, str | None], str]

    @classmethod
    def from_dicts(cls, name: str, rows: list[dict[str, Any]], prefix: str | None = None):
        """A table from a list of dicts (JSON, tests); places are ``name[i].column``."""
        columns: list[str] = []
        for r in rows:
            for k in r:
                if k not in columns:
                    columns.append(k)
        base = prefix or name

        def locate(i: int, col: str | None) -> str:
            if i < 0:  # the table as a whole, or one of its columns
                return base + (f"（列「{col}」）" if col else "")
            return f"{base}[{i}]" + (f".{col}" if col else "")

        return cls(name, columns, [[r.get(c) for c in columns] for r in rows], locate)


@dataclass
class UnitTable:
    """The units assessed: name, class and group (the assessing organisation)."""

    names: list[str]
    classes: np.ndarray  # int16 index into class_names, -1 = none
    class_names: list[str]
    groups: np.ndarray  # int32 index into group_names
    group_names: list[str]

    def __len__(self) -> int:
        return len(self.names)

    @classmethod
    def from_arrays(cls, names, classes=None, class_names=(), groups=None, group_names=("",)):
        n = len(names)
        return cls(list(names),
                   np.asarray(classes if classes is not None else np.full(n, -1), dtype=np.int16),
                   list(class_names),
                   np.asarray(groups if groups is not None else np.zeros(n), dtype=np.int32),
                   list(group_names))

    def index(self) -> dict[str, int]:
        cache = self.__dict__.get("_index")
        if cache is None:
            cache = self.__dict__["_index"] = {n: i for i, n in enumerate(self.names)}
        return cache


@dataclass
class RecordTable:
    """All records of one kind: ``unit``, ``period`` (0-based) and the kind's columns."""

    kind: str
    unit: np.ndarray
    period: np.ndarray
    columns: dict[str, np.ndarray]
    locate: Callable[[int], str] | None = None

    def __len__(self) -> int:
        return len(self.unit)

    def place(self, i: int) -> str:
        return self.locate(i) if self.locate else f"{self.kind}[{i}]"


@dataclass
class Dataset:
    year: int
    units: UnitTable
    records: dict[str, RecordTable] = field(default_factory=dict)


# ---------------------------------------------------------------------- conversion


class _Cell:
    """Converts one cell; on failure records a problem and returns ``None``."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems

    def fail(self, where: str, msg: str) -> None:
        self.problems.append(Problem(where, msg))


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _show(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f'"{v}"'


def parse_number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        try:
            x = float(v.strip().replace(",", ""))
        except ValueError:
            return None
        return x if math.isfinite(x) else None
    return None


_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def parse_date(v: Any) -> dt.date | None:
    """A date from a date/datetime, or text like 2026-03-25, 2026/3/25, 2026年3月25日."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        m = _DATE_RE.match(v)
        if not m:
            return None
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


_TRUE = {"是", "true", "True", "TRUE", "1", "√", "✓", "Y", "y", "yes"}
_FALSE = {"否", "false", "False", "FALSE", "0", "×", "N", "n", "no"}
_PERIOD_RE = re.compile(r"^\s*第?\s*(\d{1,2})\s*(月|季度|季|)\s*$")
_HALVES = {"上半年": 1, "下半年": 2}


def parse_period(v: Any, grain: str) -> int | None:
    """1-based period number from 3, "3", "3月", "第2季度", "上半年"."""
    if isinstance(v, bool):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, str):
        if grain == "half" and v.strip() in _HALVES:
            return _HALVES[v.strip()]
        m = _PERIOD_RE.match(v)
        if not m:
            return None
        v = int(m[1])
    if isinstance(v, int) and 1 <= v <= PERIODS_PER_YEAR[grain]:
        return v
    return None


def choice_key(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def build_units(scheme: Scheme, raw: RawTable, problems: list[Problem]) -> UnitTable:
    classes = scheme.model.units.classes
    missing = [c for c in (UNIT_COLUMN, CLASS_COLUMN, GROUP_COLUMN) if c not in raw.columns]
    if CLASS_COLUMN in missing and not classes:
        missing.remove(CLASS_COLUMN)
    if GROUP_COLUMN in missing:
        missing.remove(GROUP_COLUMN)  # one assessor for all when the column is absent
    for c in missing:
        problems.append(Problem(raw.locate(-1, None), f"缺少列「{c}」"))
    if missing:
        return UnitTable.from_arrays([])
    col = {c: raw.columns.index(c) for c in UNIT_COLUMNS if c in raw.columns}
    names: list[str] = []
    cls: list[int] = []
    grp: list[int] = []
    group_names: dict[str, int] = {}
    seen: dict[str, int] = {}
    for i, row in enumerate(raw.rows):
        name = row[col[UNIT_COLUMN]]
        if _blank(name):
            problems.append(Problem(raw.locate(i, UNIT_COLUMN), "单位名称为空"))
            continue
        name = str(name).strip()
        if name in seen:
            problems.append(Problem(raw.locate(i, UNIT_COLUMN), f"单位 {_show(name)} 重复"))
            continue
        seen[name] = i
        ci = -1
        if CLASS_COLUMN in col:
            c = row[col[CLASS_COLUMN]]
            if classes:
                if _blank(c) or str(c).strip() not in classes:
                    problems.append(Problem(raw.locate(i, CLASS_COLUMN),
                                            f"类别 {_show(c if not _blank(c) else '')} 不在可选值 {'/'.join(classes)} 中"))
                else:
                    ci = classes.index(str(c).strip())
        g = "" if GROUP_COLUMN not in col or _blank(row[col[GROUP_COLUMN]]) else str(row[col[GROUP_COLUMN]]).strip()
        names.append(name)
        cls.append(ci)
        grp.append(group_names.setdefault(g, len(group_names)))
    if not names and not problems:
        problems.append(Problem(raw.locate(-1, None), "没有单位"))
    return UnitTable.from_arrays(names, cls, classes, grp, list(group_names) or [""])


def build_dataset(scheme: Scheme, units: RawTable, records: dict[str, RawTable], year: int) -> Dataset:
    """Check and convert raw rows; raise ``InputError`` listing every problem."""
    problems: list[Problem] = []
    unit_table = build_units(scheme, units, problems)
    tables: dict[str, RecordTable] = {}
    for kind in scheme.records:
        raw = records.get(kind)
        if raw is None:
            problems.append(Problem(kind, f"缺少「{kind}」的记录表（没有记录时也须保留表头）"))
            continue
        tables[kind] = _build_records(scheme, kind, raw, unit_table, year, problems)
    for name in records:
        if name not in scheme.records:
            problems.append(Problem(name, f"方案中没有「{name}」这种记录（可选：{'、'.join(scheme.records)}）"))
    if not problems:
        _check_sessions(scheme, tables, len(unit_table), problems)
    if problems:
        raise InputError(problems)
    return Dataset(year=year, units=unit_table, records=tables)


def _check_sessions(scheme: Scheme, tables: dict[str, RecordTable], n_units: int,
                    problems: list[Problem]) -> None:
    """A deduction in a period without an assessment session (e.g. no on-site check that
    quarter) is an input error: it could not have been found."""
    for me in scheme.model.measures:
        r = me.rubric
        if r is None or r.sessions is None:
            continue
        held_in = tables[r.sessions]
        periods = PERIODS_PER_YEAR[scheme.records[r.sessions].period]
        held = np.zeros(n_units * periods, bool)
        held[held_in.unit.astype(np.int64) * periods + held_in.period] = True
        t = tables[r.records]
        stray = ~held[t.unit.astype(np.int64) * periods + t.period]
        for j in np.flatnonzero(stray):
            problems.append(Problem(t.place(int(j)), f"该期没有「{r.sessions}」记录，不能有扣分"))


def _rubric_fields(scheme: Scheme, kind: str) -> tuple[str | None, str | None]:
    for me in scheme.model.measures:
        if me.rubric is not None and me.rubric.records == kind:
            return me.rubric.count, me.rubric.amount
    return None, None


def _build_records(scheme: Scheme, kind: str, raw: RawTable, units: UnitTable, year: int,
                   problems: list[Problem]) -> RecordTable:
    spec = scheme.records[kind]
    expected = scheme.columns_of(kind)
    start = len(problems)
    for c in expected:
        if c not in raw.columns:
            problems.append(Problem(raw.locate(-1, None), f"缺少列「{c}」"))
    for c in raw.columns:
        if c not in expected and not any(str(c).startswith(f) for f in FREE_COLUMNS) and not _blank(c):
            problems.append(Problem(raw.locate(-1, c), f"多余的列「{c}」（可用列：{'、'.join(expected)}）"))
    if len(problems) > start:
        return RecordTable(kind, np.zeros(0, np.int32), np.zeros(0, np.int8), {})
    col = {c: raw.columns.index(c) for c in expected}
    unit_index = units.index()
    n = len(raw.rows)
    unit = np.full(n, -1, np.int32)
    period = np.zeros(n, np.int8)
    period_ok = np.ones(n, bool)
    grain = spec.period
    fields = spec.fields
    values: dict[str, list[Any]] = {f.name: [None] * n for f in fields}
    item_of_row = [spec.item and scheme.item_by_key(spec.item).index] * n
    count_field, amount_field = _rubric_fields(scheme, kind)
    for i, row in enumerate(raw.rows):
        if all(_blank(v) for v in row):
            continue  # blank lines in a sheet are not records
        u = row[col[UNIT_COLUMN]]
        if _blank(u):
            problems.append(Problem(raw.locate(i, UNIT_COLUMN), "单位为空"))
        elif str(u).strip() not in unit_index:
            problems.append(Problem(raw.locate(i, UNIT_COLUMN), f"未知单位 {_show(u)}（须是「单位」表中的单位）"))
        else:
            unit[i] = unit_index[str(u).strip()]
        if grain != "year":
            pc = PERIOD_COLUMN[grain]
            p = parse_period(row[col[pc]], grain)
            if p is None:
                period_ok[i] = False
                problems.append(Problem(raw.locate(i, pc),
                                        f"{pc} {_show(row[col[pc]] if not _blank(row[col[pc]]) else '')} 无效，"
                                        f"须是 1—{PERIODS_PER_YEAR[grain]} 的整数"))
            else:
                period[i] = p - 1
        for f in fields:
            v = convert_cell(scheme, f, row[col[f.name]], raw.locate(i, f.name), year, problems)
            values[f.name][i] = v
            if f.type == "item" and v is not None:
                item_of_row[i] = v
        for f in fields:
            if f.type == "clause" and values[f.name][i] is not None:
                _check_clause(scheme, values[f.name][i], item_of_row[i], i, f, raw, values,
                              amount_field, problems)
        _check_belongs(scheme, kind, i, item_of_row[i], period[i] + 1 if period_ok[i] else None,
                       raw, problems)
    blank_rows = [i for i, row in enumerate(raw.rows) if all(_blank(v) for v in row)]
    keep = np.ones(n, bool)
    keep[blank_rows] = False
    _check_unique(spec.unique, kind, raw, col, units, unit, period, values, keep, scheme, problems)
    _check_at_most(scheme, kind, raw, units, unit, keep, problems)
    if spec.quota is not None and len(problems) == start:
        _check_quota(spec, kind, raw, units, unit, values, keep, problems)
    columns = {f.name: _encode(f, values[f.name]) for f in fields}
    rows = np.flatnonzero(keep)
    table = RecordTable(kind, unit[rows], period[rows], {k: v[rows] for k, v in columns.items()},
                        locate=lambda j, rows=rows: raw.locate(int(rows[j]), None))
    return table


def convert_cell(scheme: Scheme, f: RecordField, v: Any, where: str, year: int,
                 problems: list[Problem]) -> Any:
    """One cell as its field's type (date, option index, item index …), or ``None`` with a
    problem at ``where``. The web application uses it to check a single corrected value
    with the same rules and words as a whole input."""
    if _blank(v):
        if f.type == "bool":
            return bool(f.default) if f.default is not None else False
        if f.default is not None:
            return f.default
        if f.required:
            problems.append(Problem(where, f"{f.name} 为必填项"))
        return None
    t = f.type
    if t in ("number", "integer"):
        x = parse_number(v)
        if x is None:
            problems.append(Problem(where, f"{f.name} {_show(v)} 不是数字"))
            return None
        if t == "integer" and not float(x).is_integer():
            problems.append(Problem(where, f"{f.name} {_show(v)} 不是整数"))
            return None
        if f.min is not None and x < f.min:
            problems.append(Problem(where, f"{f.name} {_show(v)} 小于下限 {f.min:g}"))
            return None
        if f.max is not None and x > f.max:
            problems.append(Problem(where, f"{f.name} {_show(v)} 大于上限 {f.max:g}"))
            return None
        return x
    if t == "date":
        d = parse_date(v)
        if d is None:
            problems.append(Problem(where, f"{f.name} {_show(v)} 不是有效日期（格式如 {year}-03-25）"))
        return d
    if t == "bool":
        s = choice_key(v)
        if s in _TRUE or v is True:
            return True
        if s in _FALSE or v is False:
            return False
        problems.append(Problem(where, f"{f.name} {_show(v)} 须填“是”或“否”"))
        return None
    if t == "choice":
        s = choice_key(v)
        if s not in (f.options or []):
            problems.append(Problem(where, f"{f.name} {_show(s)} 不在可选值 {'/'.join(f.options or [])} 中"))
            return None
        return f.options.index(s)
    if t in ("item", "clause"):
        lookup, what = ((scheme.item_by_key, "考核项目") if t == "item"
                        else (scheme.clause_by_code, "扣分条款"))
        found = lookup(choice_key(v))
        if found is None:
            problems.append(Problem(where, f"未知{what} {_show(v)}"))
            return None
        return found.index
    s = str(v).strip()
    if f.max_length is not None and len(s) > f.max_length:
        problems.append(Problem(where, f"{f.name} 共 {len(s)} 字，超过上限 {f.max_length} 字"))
        return None
    return s


def _check_clause(scheme, clause_index, item_index, i, f, raw, values, amount_field, problems):
    clause = scheme.clauses[clause_index]
    if item_index is not None and clause.item != item_index:
        problems.append(Problem(raw.locate(i, f.name),
                                f"扣分条款 {clause.spec.code} 不属于考核项目「{scheme.items[item_index].name}」"))
    if amount_field is None:
        return
    amount = values[amount_field][i]
    rng = clause.spec.range
    if rng is not None:
        if amount is None:
            problems.append(Problem(raw.locate(i, amount_field),
                                    f"条款 {clause.spec.code} 扣 {rng[0]:g}—{rng[1]:g} 分，须填所扣分值"))
        elif not rng[0] <= amount <= rng[1]:
            problems.append(Problem(raw.locate(i, amount_field),
                                    f"扣分 {amount:g} 不在条款 {clause.spec.code} 的区间 {rng[0]:g}—{rng[1]:g} 内"))
    elif amount is not None:
        what = "按次扣分" if clause.spec.per is not None else "该项不得分"
        problems.append(Problem(raw.locate(i, amount_field),
                                f"条款 {clause.spec.code} {what}，不填扣分值（填次数）"))


def period_label(grain: str, p: int) -> str:
    """A 1-based period's name: 3月, 第2季度, 上半年."""
    if grain == "month":
        return f"{p}月"
    if grain == "quarter":
        return f"第{p}季度"
    if grain == "half":
        return ("上半年", "下半年")[p - 1]
    return ""


def _check_belongs(scheme: Scheme, kind: str, i: int, item: int | None, p: int | None,
                   raw: RawTable, problems: list[Problem]) -> None:
    """An item held only by some kinds (``record_kinds``), and a record outside the periods
    it belongs in (``recorded_in`` of the item or the kind, settings applied)."""
    spec = scheme.records[kind]
    item_field = scheme.item_field(kind)
    if item is not None and not scheme.item_allows(item, kind):
        it = scheme.items[item]
        problems.append(Problem(raw.locate(i, item_field.name if item_field else None),
                                f"考核项目「{it.name}」只登记「{'、'.join(it.spec.record_kinds)}」"
                                f"的记录，不能登记「{kind}」"))
        return
    if p is None or spec.period == "year":
        return
    allowed = scheme.periods_for(kind, item)
    if allowed is None or p in allowed:
        return
    when = "、".join(period_label(spec.period, q) for q in sorted(allowed))
    pc = PERIOD_COLUMN[spec.period]
    item_periods = item is not None and scheme.items[item].spec.recorded_in is not None
    if item_periods:
        what = f"考核项目「{scheme.items[item].name}」"
        why = ""
    else:
        what = f"「{kind}」"
        because = scheme.kind_limits(kind).because
        why = f"（{because}）" if because else ""
    problems.append(Problem(raw.locate(i, pc),
                            f"{what}在 {when} 登记{why}，不在 {period_label(spec.period, p)}"))


def _check_at_most(scheme: Scheme, kind: str, raw: RawTable, units: UnitTable, unit: np.ndarray,
                   keep: np.ndarray, problems: list[Problem]) -> None:
    rule = scheme.kind_limits(kind)
    if rule.at_most is None:
        return
    seen: dict[int, list[int]] = {}
    for i in np.flatnonzero(keep):
        if unit[i] < 0:
            continue
        rows = seen.setdefault(int(unit[i]), [])
        rows.append(int(i))
        if len(rows) > rule.at_most:
            why = f"（{rule.because}）" if rule.because else ""
            first = "、".join(raw.locate(j, None) for j in rows[:rule.at_most])
            problems.append(Problem(raw.locate(int(i), None),
                                    f"{units.names[unit[i]]} 的「{kind}」每年最多 {rule.at_most} 条"
                                    f"{why}，已有 {first}"))


def _key_value(col_name, i, units, unit, period, values):
    if col_name == UNIT_COLUMN:
        return unit[i]
    if col_name == GROUP_COLUMN:
        return units.groups[unit[i]] if unit[i] >= 0 else None
    if col_name in PERIOD_COLUMN.values():
        return period[i]
    return values[col_name][i]


def _check_unique(keys, kind, raw, col, units, unit, period, values, keep, scheme, problems):
    for key in keys:
        first: dict[tuple, int] = {}
        for i in np.flatnonzero(keep):
            if unit[i] < 0:
                continue
            k = tuple(_key_value(c, i, units, unit, period, values) for c in key)
            if any(x is None for x in k):
                continue
            if k in first:
                problems.append(Problem(raw.locate(int(i), None),
                                        f"与 {raw.locate(first[k], None)} 重复（{'+'.join(key)} 相同）"))
            else:
                first[k] = int(i)


def _check_quota(spec, kind, raw, units, unit, values, keep, problems):
    q = spec.quota
    options = next(f for f in spec.fields if f.name == q.field).options
    groups = units.groups if q.per == "group" else np.zeros(len(units), np.int32)
    size = np.bincount(groups, minlength=len(units.group_names))
    rows = [i for i in np.flatnonzero(keep) if unit[i] >= 0 and values[q.field][i] is not None]
    for g in sorted({int(groups[unit[i]]) for i in rows}):
        n = int(size[g])
        chosen = [options[values[q.field][i]] for i in rows if groups[unit[i]] == g]
        for lim in q.limits:
            allowed = math.floor(lim.share * n + 0.5)
            got = sum(c in lim.choices for c in chosen)
            if got > allowed:
                label = "+".join(lim.choices)
                scope = f"（{units.group_names[g]}，共 {n} 个单位）" if q.per == "group" else f"（共 {n} 个单位）"
                problems.append(Problem(raw.locate(-1, None),
                                        f"{label} 已选 {got} 个，最多 {allowed} 个{scope}"))


def _encode(f: RecordField, vals: list[Any]) -> np.ndarray:
    t = f.type
    if t in ("number", "integer"):
        return np.array([np.nan if v is None else v for v in vals], dtype=np.float64)
    if t == "date":
        return np.array([NO_DATE if v is None else date_to_days(v) for v in vals], dtype=np.int32)
    if t == "bool":
        return np.array([bool(v) for v in vals], dtype=bool)
    if t == "choice":
        return np.array([-1 if v is None else v for v in vals], dtype=np.int16)
    if t in ("item", "clause"):
        return np.array([-1 if v is None else v for v in vals], dtype=np.int32)
    return np.array(vals, dtype=object)


__all__ = ["Dataset", "UnitTable", "RecordTable", "RawTable", "build_dataset", "convert_cell",
           "NO_DATE", "date_to_days", "days_to_date", "UNIT_COLUMNS"]
