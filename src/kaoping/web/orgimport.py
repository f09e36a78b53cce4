"""The organisation import workbook: its blank template, and reading a filled one into a plan.

Sheet 组织 (or else the first sheet): a header in row 1 with 组织名称, 上级组织, 类别, 书记,
党务工作者, 党员数 in any order, one organisation per row from row 2; blank rows are skipped.
上级组织 names an organisation that exists already (one of ``known``) or one on another row
of the sheet, in any order. Where a name is not unique it may be written with its ancestors,
``机关党委/一支部``.

Nothing here touches the database. :func:`read_plan` returns the rows ordered so that every
parent comes before its children, or raises :class:`SheetProblems` listing every problem,
each as ``组织!B7: 上级组织 "xx" 不存在`` (sheet-wide ones as ``组织: 缺少列 "党员数"``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .models import Organisation

SHEET = "组织"
#: header → Organisation field, in the template's column order
COLUMNS = {"组织名称": "name", "上级组织": "parent", "类别": "category", "书记": "secretary",
           "党务工作者": "affairs_worker", "党员数": "member_count"}
MAX_ROWS = 10_000
_TEXT_LIMITS = {f: Organisation._meta.get_field(f).max_length
                for f in ("name", "category", "secretary", "affairs_worker")}
_DIGITS = re.compile(r"\d+")

Key = tuple[str, int]  # ("org", id) for a known organisation, ("row", n) for sheet row n


class SheetProblems(Exception):
    """The sheet cannot be imported; ``problems`` lists every reason, in sheet order."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Known:
    """An organisation that exists already and may be named as a parent."""

    id: int
    name: str
    parent_id: int | None


@dataclass
class Row:
    """One organisation to create, from sheet row ``number``."""

    number: int
    name: str = ""
    parent: str = ""
    category: str = ""
    secretary: str = ""
    affairs_worker: str = ""
    member_count: int | None = None
    #: the parent, once resolved: ("org", id) or ("row", number)
    parent_key: Key | None = None


def blank_template() -> bytes:
    """The empty import workbook: the header row, a whole-number check on 党员数, a 说明 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS))
    for c in range(1, len(COLUMNS) + 1):
        ws.cell(1, c).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(c)].width = 24 if c <= 2 else 14
    ws.freeze_panes = "A2"
    count = get_column_letter(list(COLUMNS).index("党员数") + 1)
    check = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                           allow_blank=True, error="党员数须是非负整数")
    check.add(f"{count}2:{count}{MAX_ROWS + 1}")
    ws.add_data_validation(check)
    notes = wb.create_sheet("说明")
    for line in ("每行一个组织；第 1 行是表头，请勿修改。",
                 "组织名称、上级组织必填；上级组织须是已有的组织（在您管理的范围内）或本表中的另一行，行的先后不限。",
                 "同名组织可连同上级写出以区分，如「机关党委/一支部」。",
                 "党员数填非负整数，可留空。",
                 "全部行都无误时才会导入；有任何问题时一个也不导入，并列出每一处问题。"):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_plan(fileobj, known: Iterable[Known], filename: str = "") -> list[Row]:
    """The rows to create, parents first; raises ``SheetProblems`` when anything is wrong."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # an uploaded file can fail in many ways; all mean "not a workbook"
        raise SheetProblems([f'文件 "{filename}" 不是 Excel 工作簿（.xlsx）']) from None
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        if hasattr(ws, "reset_dimensions"):  # some programs write a wrong used range
            ws.reset_dimensions()
        reader = _Reader(ws.title)
        rows = reader.read(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    if reader.columns.keys() >= {"name", "parent"}:
        _Resolver(rows, list(known), reader).resolve()
    if reader.problems:
        raise SheetProblems([text for _, _, text in sorted(reader.problems)])
    return _parents_first(rows)


class _Reader:
    """Header and cells: every cell checked on its own, problems kept with their place."""

    def __init__(self, title: str):
        self.title = title
        self.columns: dict[str, int] = {}  # field → 0-based column
        self.problems: list[tuple[int, int, str]] = []  # (row, column, message)

    def problem(self, row: int, field: str | None, message: str) -> None:
        if field is None:
            self.problems.append((row, -1, f"{self.title}: {message}"))
        else:
            col = self.columns[field]
            self.problems.append((row, col, f"{self.title}!{get_column_letter(col + 1)}{row}: {message}"))

    def read(self, lines) -> list[Row]:
        header = next(lines, ())
        for c, value in enumerate(header):
            field = COLUMNS.get(_text(value))
            if field in self.columns:
                self.problems.append((1, c, f'{self.title}!{get_column_letter(c + 1)}1: 列 "{_text(value)}" 重复'))
            elif field:
                self.columns[field] = c
        for label, field in COLUMNS.items():
            if field not in self.columns:
                self.problem(1, None, f'缺少列 "{label}"')
        rows: list[Row] = []
        for number, line in enumerate(lines, start=2):
            cells = {f: line[c] if c < len(line) else None for f, c in self.columns.items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            if len(rows) == MAX_ROWS:
                self.problem(number, None, f"超过 {MAX_ROWS} 个组织，请分批导入")
                break
            rows.append(self._row(number, cells))
        if not rows and self.columns:
            self.problem(2, None, "表中没有组织（从第 2 行起每行一个）")
        return rows

    def _row(self, number: int, cells: dict[str, Any]) -> Row:
        row = Row(number)
        for field, limit in _TEXT_LIMITS.items():
            if field in cells:
                text = _text(cells[field])
                if len(text) > limit:
                    self.problem(number, field, f"{_label(field)}超过 {limit} 个字")
                setattr(row, field, text)
        if "name" in cells and not row.name:
            self.problem(number, "name", "组织名称不能为空")
        if "parent" in cells:
            row.parent = _text(cells["parent"])
            if not row.parent:
                self.problem(number, "parent", "上级组织不能为空")
        if "member_count" in cells:
            try:
                row.member_count = _count(cells["member_count"])
            except ValueError:
                self.problem(number, "member_count",
                             f'党员数 "{_text(cells["member_count"])}" 不是非负整数')
        return row


class _Resolver:
    """Finds each row's parent among the known organisations and the other rows."""

    def __init__(self, rows: list[Row], known: list[Known], reader: _Reader):
        self.rows = {r.number: r for r in rows}
        self.known = {k.id: k for k in known}
        self.reader = reader
        self.by_name: dict[str, list[Key]] = {}
        for k in known:
            self.by_name.setdefault(k.name, []).append(("org", k.id))
        for r in rows:
            if r.name:
                self.by_name.setdefault(r.name, []).append(("row", r.number))
        self.errors: dict[int, str] = {}
        self.busy: set[int] = set()
        self.done: set[int] = set()

    def resolve(self) -> None:
        for row in self.rows.values():
            self._parent_of(("row", row.number))
            if row.number in self.errors:
                self.reader.problem(row.number, "parent", self.errors[row.number])
        self._check_cycles()
        self._check_siblings()

    def _name(self, key: Key) -> str:
        return self.known[key[1]].name if key[0] == "org" else self.rows[key[1]].name

    def _parent_of(self, key: Key) -> Key | None:
        if key[0] == "org":
            parent = self.known[key[1]].parent_id
            return ("org", parent) if parent in self.known else None
        row = self.rows[key[1]]
        if row.number in self.done or row.number in self.busy or not row.parent:
            return row.parent_key
        self.busy.add(row.number)
        row.parent_key, error = self._lookup(row.parent, exclude=key)
        self.busy.discard(row.number)
        self.done.add(row.number)
        if error:
            self.errors[row.number] = error
        return row.parent_key

    def _lookup(self, ref: str, exclude: Key) -> tuple[Key | None, str | None]:
        found = [k for k in self.by_name.get(ref, ()) if k != exclude]
        parts = [p.strip() for p in ref.split("/")]
        if not found and len(parts) > 1 and all(parts):
            found = [k for k in self.by_name.get(parts[-1], ())
                     if k != exclude and self._under(k, parts[-2::-1])]
        if len(found) == 1:
            return found[0], None
        if found:
            return None, (f'上级组织 "{ref}" 不唯一（有 {len(found)} 个同名组织），'
                          f'请连同其上级写出，如 "上级组织/{parts[-1]}"')
        return None, f'上级组织 "{ref}" 不存在'

    def _under(self, key: Key, ancestors: list[str]) -> bool:
        """Whether ``key``'s parent, grandparent … are named ``ancestors`` (nearest first)."""
        for name in ancestors:
            key = self._parent_of(key)
            if key is None or self._name(key) != name:
                return False
        return True

    def _check_cycles(self) -> None:
        """Rows that are their own ancestors (A under B, B under A) never reach a known one."""
        looped = []
        for row in self.rows.values():
            seen, key = set(), row.parent_key
            while key is not None and key[0] == "row" and key[1] not in seen:
                seen.add(key[1])
                key = self.rows[key[1]].parent_key
            if row.number in seen:
                looped.append(row)
        for row in looped:
            self.reader.problem(row.number, "parent",
                                f'上级组织 "{row.parent}" 与本表中的其他行互为上下级（循环）')
            row.parent_key = None

    def _check_siblings(self) -> None:
        existing = {(k.parent_id, k.name) for k in self.known.values()}
        first: dict[tuple[Key, str], int] = {}
        for row in self.rows.values():
            if not row.name or row.parent_key is None:
                continue
            kind, parent = row.parent_key
            if kind == "org" and (parent, row.name) in existing:
                self.reader.problem(row.number, "name",
                                    f'上级组织 "{self._name(row.parent_key)}" 下已有组织 "{row.name}"')
            elif (row.parent_key, row.name) in first:
                self.reader.problem(row.number, "name", f'组织名称 "{row.name}" 与第 '
                                    f"{first[row.parent_key, row.name]} 行重复（上级组织相同）")
            else:
                first[row.parent_key, row.name] = row.number


def _parents_first(rows: list[Row]) -> list[Row]:
    by_number = {r.number: r for r in rows}
    depth: dict[int, int] = {}

    def depth_of(row: Row) -> int:
        if row.number not in depth:
            kind, ref = row.parent_key
            depth[row.number] = 0 if kind == "org" else depth_of(by_number[ref]) + 1
        return depth[row.number]

    return sorted(rows, key=lambda r: (depth_of(r), r.number))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _count(value: Any) -> int | None:
    """A non-negative whole number (``None`` for a blank cell); ``ValueError`` otherwise."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
        if _DIGITS.fullmatch(value):
            value = int(value)
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError(value)


def _label(field: str) -> str:
    return next(label for label, f in COLUMNS.items() if f == field)
