"""A period's template workbook: made for one entrant, and read back when it is uploaded filled.

The workbook is :func:`kaoping.io.template.write_template`'s, for the scheme as the entrant
sees it: a 填报员 gets only the kinds its unit enters, without the columns the assessing
organisation fills in; ``auto`` columns (e.g. 上报日期) are optional and take the upload date
when left blank. The 单位 sheet is filled with the entrant's units.

An upload is read sheet by sheet as :mod:`kaoping.io.workbook` reads a workbook
(``sheet_table``: header in row 1, places as ``sheet!cell``), and checked by the engine
together with the records already stored (:func:`kaoping.web.recordcheck.check`). The units
come from the assessment, not from the file. Besides the engine's problems an upload is
refused for rows of a unit the uploader does not report for, rows outside the period, and
values in columns the assessing organisation fills in.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..engine import InputError, Problem, RawTable, Scheme, build_dataset
from ..engine.dataset import parse_period
from ..engine.model import CLASS_COLUMN, GROUP_COLUMN, UNIT_COLUMN
from ..io.common import (
    README_SHEET,
    SCHEME_LABEL,
    UNITS_SHEET,
    YEAR_LABEL,
    parse_year,
    record_sheets,
)
from ..io.template import write_template
from ..io.workbook import sheet_table
from .access import can_assess, reporter_units
from .models import AssessedUnit, Assessment, Period
from .recordcheck import (
    Candidate,
    assessed_units,
    auto_fields,
    check,
    group_name,
    kind_periods,
    only_kinds,
    others_fields,
    period_column,
    record_kinds,
    units_table,
)


def entrant_kinds(user, assessment: Assessment) -> list[str]:
    """The record kinds ``user`` enters: all for assessment staff, the unit's for a reporter."""
    return record_kinds(assessment.scheme, assessor=can_assess(user, assessment))


def entrant_units(user, assessment: Assessment) -> list[AssessedUnit]:
    units = assessed_units(assessment)
    if can_assess(user, assessment):
        return units
    mine = set(reporter_units(user))
    return [au for au in units if au.organisation_id in mine]


def entrant_scheme(user, assessment: Assessment) -> Scheme:
    """The scheme as ``user`` fills it in: its kinds, without the others' fields, with the
    ``auto`` fields optional."""
    scheme = assessment.scheme
    assessor = can_assess(user, assessment)
    kinds = entrant_kinds(user, assessment)
    return only_kinds(scheme, kinds,
                      drop={k: others_fields(scheme, k, assessor=assessor) for k in kinds},
                      optional={k: {f.name for f in auto_fields(scheme, k)} for k in kinds})


#: the template's how-to lines that differ on the web (by their number)
WEB_HOW_TO = {
    "2. ": f"2. 「{UNITS_SHEET}」表已列出可填报的单位，无须改动；上传时以系统中的被考核单位为准。",
    "7. ": "7. 填好后在系统的「上传填报模板」页面上传。有错误时会一次列出每处错误的工作表和单元格"
           "（如 典型培养宣传!D7），全部改正后重新上传才会导入；导入的记录即为已提交。",
}


def template_bytes(user, assessment: Assessment, period: Period) -> bytes:
    """The template workbook of ``period`` for ``user``, with its units filled in."""
    view = entrant_scheme(user, assessment)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.xlsx"
        write_template(view, path, assessment.year)
        wb = load_workbook(path)
    readme = wb[README_SHEET]
    readme.cell(1, 1, f"{assessment.name} · {period.label} 填报模板")
    for row in readme.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        if isinstance(cell.value, str) and cell.value[:3] in WEB_HOW_TO:
            cell.value = WEB_HOW_TO[cell.value[:3]]
    ws = wb[UNITS_SHEET]
    header = [c.value for c in ws[1]]
    for r, au in enumerate(entrant_units(user, assessment), start=2):
        values = {UNIT_COLUMN: au.organisation.name, CLASS_COLUMN: au.unit_class or None,
                  GROUP_COLUMN: group_name(au.organisation) or None}
        for c, h in enumerate(header, start=1):
            ws.cell(r, c, values.get(h))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ upload


@dataclass
class ImportedRow:
    kind: str
    unit_id: int
    scheme_period: int | None
    values: dict[str, Any]


def read_upload(user, assessment: Assessment, period: Period, upload, *,
                today: dt.date) -> list[ImportedRow]:
    """The records of an uploaded workbook, checked; or ``InputError`` with every problem."""
    name = getattr(upload, "name", None) or "工作簿"
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise InputError([Problem(name, "无法打开工作簿（须是 .xlsx 文件，请使用本期的填报模板）")]) from None
    try:
        return _Upload(user, assessment, period, wb, name, today).read()
    finally:
        wb.close()


_CELL = re.compile(r"^(.*?)!(?:([A-Z]+)(\d+)|第(\d+)行)")


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


class _Upload:
    def __init__(self, user, assessment: Assessment, period: Period, wb, name: str,
                 today: dt.date):
        self.a = assessment
        self.scheme = assessment.scheme
        self.period = period
        self.wb = wb
        self.name = name
        self.today = today
        self.assessor = can_assess(user, assessment)
        self.kinds = entrant_kinds(user, assessment)
        self.units = assessed_units(assessment)
        self.unit_ids = {au.organisation.name: au.organisation_id for au in self.units}
        self.mine = [au.organisation.name for au in entrant_units(user, assessment)]
        self.sheets = record_sheets(entrant_scheme(user, assessment))
        self.names = {n.strip(): n for n in wb.sheetnames}
        self.problems: list[Problem] = []

    def read(self) -> list[ImportedRow]:
        self.readme()
        self.foreign_sheets()
        raws = {}
        for kind in self.kinds:
            sheet = self.sheets[kind]
            if sheet in self.names:
                raws[kind] = sheet_table(self.wb[self.names[sheet]], kind, self.problems)
        if not raws:
            self.problems.append(Problem(self.name, "工作簿中没有任何记录表（请下载并使用本期的填报模板）"))
        rows: list[ImportedRow] = []
        for kind, raw in raws.items():
            if self.header_ok(kind, raw):
                rows += self.records(kind, raw)
        if not rows and not self.problems:
            self.problems.append(Problem(self.name, "工作簿中没有记录（从各记录表的第 2 行起填写）"))
        if self.problems:
            raise InputError(sorted(self.problems, key=self.order))
        return rows

    def order(self, problem: Problem) -> tuple:
        """Problems in the order of the workbook: sheet by sheet, row by row, column by column."""
        m = _CELL.match(problem.where)
        if m is None:
            return (-1, 0, 0, "")
        sheet, letters, row, whole_row = m.groups()
        sheets = list(self.names.values())
        return (sheets.index(sheet) if sheet in sheets else len(sheets),
                int(row or whole_row or 0), len(letters or ""), letters or "")

    def readme(self) -> None:
        """The 方案编号 and 考核年度 of the 说明 sheet, when given, must be this assessment's."""
        if README_SHEET not in self.names:
            return
        ws = self.wb[self.names[README_SHEET]]
        seen = set()
        for r, row in enumerate(ws.iter_rows(values_only=True, max_row=60), start=1):
            for c, v in enumerate(row):
                key = v.strip().rstrip(":：") if isinstance(v, str) else None
                if key not in (YEAR_LABEL, SCHEME_LABEL) or key in seen or c + 1 >= len(row):
                    continue
                seen.add(key)
                value, place = row[c + 1], f"{README_SHEET}!{get_column_letter(c + 2)}{r}"
                if _blank(value):
                    continue
                if key == SCHEME_LABEL and str(value).strip() != self.scheme.id:
                    self.problems.append(Problem(place, f"工作簿属于方案 {str(value).strip()!r}，"
                                                        f"本考核的方案是 {self.scheme.id!r}"))
                if key == YEAR_LABEL:
                    year = parse_year(value)
                    if year is not None and year != self.a.year:
                        self.problems.append(Problem(place, f"考核年度 {year} 与本考核的年度 "
                                                            f"{self.a.year} 不符"))

    def foreign_sheets(self) -> None:
        """Sheets of kinds the uploader does not enter must hold no records."""
        for kind, sheet in record_sheets(self.scheme).items():
            if kind in self.kinds or sheet not in self.names:
                continue
            raw = sheet_table(self.wb[self.names[sheet]], kind, [])
            if any(not all(_blank(v) for v in row) for row in raw.rows):
                self.problems.append(Problem(sheet, f"「{kind}」由考核管理员填写，不能由填报员上传（请删除此表中的记录）"))

    def hidden(self, kind: str) -> set[str]:
        return others_fields(self.scheme, kind, assessor=self.assessor)

    def header_ok(self, kind: str, raw: RawTable) -> bool:
        """The engine's word on the sheet's columns (missing or unknown), checked on the
        header alone; the columns the uploader may leave out (others' and automatic ones)
        are added blank."""
        autos = [f.name for f in auto_fields(self.scheme, kind)]
        absent = [h for h in [*sorted(self.hidden(kind)), *autos] if h not in raw.columns]
        tables = {k: RawTable(k, self.scheme.columns_of(k), [], lambda i, c, k=k: k)
                  for k in self.scheme.records}
        tables[kind] = RawTable(kind, raw.columns + absent, [], raw.locate)
        try:
            build_dataset(self.scheme, units_table(self.a, self.units), tables, self.a.year)
        except InputError as exc:
            self.problems += exc.problems
            return False
        return True

    def records(self, kind: str, raw: RawTable) -> list[ImportedRow]:
        spec = self.scheme.records[kind]
        col = {c: k for k, c in enumerate(raw.columns)}
        hidden = self.hidden(kind)
        pc = period_column(self.scheme, kind)
        allowed = kind_periods(self.a, self.period, kind)
        allowed_numbers = [k for k, _ in allowed]
        autos = {f.name for f in auto_fields(self.scheme, kind)}
        kept = [i for i, row in enumerate(raw.rows) if not all(_blank(v) for v in row)]
        candidates = []
        for i in kept:
            row = raw.rows[i]

            def get(c: str, row=row) -> Any:
                return row[col[c]] if c in col else None

            for h in sorted(hidden):
                if not _blank(get(h)):
                    self.problems.append(Problem(raw.locate(i, h), f"{h} 由考核管理员填写，请留空"))
            unit = get(UNIT_COLUMN)
            unit_name = unit.strip() if isinstance(unit, str) else unit
            if (not self.assessor and isinstance(unit_name, str) and unit_name in self.unit_ids
                    and unit_name not in self.mine):
                self.problems.append(Problem(raw.locate(i, UNIT_COLUMN),
                                             f"只能上传本单位（{'、'.join(self.mine)}）的记录，"
                                             f"不能填报「{unit_name}」"))
            if pc is not None:
                p = parse_period(get(pc), spec.period)
                if p is not None and p not in allowed_numbers:
                    labels = "、".join(label for _, label in allowed)
                    self.problems.append(Problem(raw.locate(i, pc),
                                                 f"{pc} {p} 不在本期（{self.period.label}）之内，可填：{labels}"))
            values = {f.name: get(f.name) for f in spec.fields if f.name not in hidden}
            for name in autos:
                if _blank(values.get(name)):
                    values[name] = self.today.isoformat()
            candidates.append(Candidate(unit_name, self.unit_ids.get(unit_name)
                                        if isinstance(unit_name, str) else None,
                                        get(pc) if pc else None, values))
        if not candidates:
            return []

        def locate(j: int, c: str | None) -> str:
            return raw.locate(kept[j] if j >= 0 else -1, c)

        try:
            checked = check(self.a, kind, candidates, locate, optional=hidden)
        except InputError as exc:
            self.problems += exc.problems
            return []
        out = []
        for c, ch in zip(candidates, checked, strict=True):
            values = dict(ch.values)
            for h in hidden:
                values[h] = None
            out.append(ImportedRow(kind, c.unit_id, ch.scheme_period, values))
        return out


# ------------------------------------------------------------------ one kind's sheet


def figure_kinds(assessment: Assessment) -> list[str]:
    """Kinds whose figures come from elsewhere as one number per unit (G 民意调查 from the
    statistics bureau): entered by the assessing organisation, one typed field, a number."""
    out = []
    for kind, spec in assessment.scheme.records.items():
        typed = [f for f in spec.fields if f.auto is None]
        if (spec.entered_by == "assessor" and len(typed) == 1
                and typed[0].type in ("number", "integer")):
            out.append(kind)
    return out


def read_kind_upload(user, assessment: Assessment, period: Period, kind: str, upload, *,
                     today: dt.date) -> list[ImportedRow]:
    """The records of ``kind`` in an uploaded one-sheet workbook (e.g. 单位 | 得分), checked
    cell by cell as a template upload is; or ``InputError`` with every problem.

    The sheet named after the kind is read when there is one, else the workbook's first sheet
    (a file as the statistics bureau sends it); places are named by the sheet's own title.
    """
    name = getattr(upload, "name", None) or "工作簿"
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise InputError([Problem(name, "无法打开工作簿（须是 .xlsx 文件）")]) from None
    try:
        reader = _Upload(user, assessment, period, wb, name, today)
        if kind not in reader.kinds:
            raise InputError([Problem(name, f"不能导入「{kind}」的记录")])
        reader.kinds = [kind]
        sheet = record_sheets(assessment.scheme)[kind]
        ws = wb[reader.names[sheet]] if sheet in reader.names else wb.worksheets[0]
        raw = sheet_table(ws, kind, reader.problems)
        rows = reader.records(kind, raw) if reader.header_ok(kind, raw) else []
        if not rows and not reader.problems:
            reader.problems.append(Problem(ws.title, "表中没有记录（第 1 行是表头，从第 2 行起每行一个单位）"))
        if reader.problems:
            raise InputError(sorted(reader.problems, key=reader.order))
        return rows
    finally:
        wb.close()


__all__ = ["ImportedRow", "entrant_kinds", "entrant_scheme", "entrant_units", "figure_kinds",
           "read_kind_upload", "read_upload", "template_bytes"]
