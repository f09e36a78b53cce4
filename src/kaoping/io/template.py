"""The input template: an .xlsx workbook, made from a scheme, that a user fills in.

Sheets: 说明 (the scheme, the year in B3 beside 考核年度, how to fill in, each sheet's purpose
and every column's meaning), 单位, one sheet per record kind (headers exactly as
:mod:`kaoping.io.workbook` reads them, help as header comments and input prompts, drop-down
lists for choices, 是/否, items, clauses and periods, limits for numbers, dates and text
length), 考核细则 or 考核项目 (the scheme's items, sections, points and clauses) and a hidden
选项 sheet holding the drop-down lists (inline lists are limited to 255 characters).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..engine import Scheme
from ..engine.model import (
    CLASS_COLUMN,
    GROUP_COLUMN,
    PERIOD_COLUMN,
    UNIT_COLUMN,
    RecordField,
)
from .common import (
    ITEMS_SHEET,
    OPTIONS_SHEET,
    README_SHEET,
    RUBRIC_SHEET,
    SCHEME_LABEL,
    UNITS_SHEET,
    YEAR_LABEL,
    atomic_path,
    record_sheets,
)

LAST_ROW = 1048576
UNIT_ROWS = 20000  # the 单位 range the unit drop-downs point at
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
OPTIONAL_FILL = PatternFill("solid", fgColor="D9D9D9")
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
PERIOD_CHOICES = {"month": [str(m) for m in range(1, 13)], "quarter": ["1", "2", "3", "4"],
                  "half": ["上半年", "下半年"]}
GRAIN_NAMES = {"month": "月份", "quarter": "季度", "half": "半年", "year": "年度"}


def write_template(scheme: Scheme, path: str | Path, year: int | None = None) -> None:
    """Write the input workbook for ``scheme`` (atomically: all or nothing)."""
    year = year or dt.date.today().year
    wb = Workbook()
    _Template(scheme, wb, year).build()
    with atomic_path(path) as tmp:
        wb.save(tmp)


class _Template:
    def __init__(self, scheme: Scheme, wb: Workbook, year: int):
        self.s = scheme
        self.wb = wb
        self.year = year
        self.sheets = record_sheets(scheme)
        self.options = None  # the hidden 选项 sheet, made on first use
        self.lists: dict[tuple, str] = {}

    def build(self) -> None:
        readme = self.wb.active
        readme.title = README_SHEET
        self.units_sheet()
        for kind in self.s.records:
            self.record_sheet(kind)
        if self.s.items:
            self.items_sheet()
        self.readme(readme)
        if self.options is not None:
            self.wb.move_sheet(self.options, len(self.wb.sheetnames))
            self.options.sheet_state = "hidden"

    # ------------------------------------------------------------------ lists
    def list_range(self, key: tuple, title: str, values: list[str]) -> str:
        """A reference to a column of the hidden 选项 sheet holding ``values``."""
        if key not in self.lists:
            if self.options is None:
                self.options = self.wb.create_sheet(OPTIONS_SHEET)
            col = len(self.lists) + 1
            letter = get_column_letter(col)
            self.options.cell(1, col, title).font = BOLD
            for r, v in enumerate(values, start=2):
                self.options.cell(r, col, v)
            self.options.column_dimensions[letter].width = min(60, max(10, *(_width(v) for v in values)))
            end = max(2, len(values) + 1)
            self.lists[key] = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${end}"
        return self.lists[key]

    def drop_down(self, ws, letter: str, source: str, prompt: str, name: str, strict=True) -> None:
        dv = DataValidation(type="list", formula1=source, allow_blank=True,
                            errorStyle="stop" if strict else "warning",
                            error=f"请从下拉列表中选择{name}", errorTitle="无效的值")
        self.finish(ws, dv, letter, name, prompt)

    def finish(self, ws, dv: DataValidation, letter: str, name: str, prompt: str) -> None:
        if prompt:
            dv.promptTitle = name[:32]
            dv.prompt = prompt[:250]
            dv.showInputMessage = True
        dv.showErrorMessage = True
        dv.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.add_data_validation(dv)

    # ------------------------------------------------------------------ sheets
    def header(self, ws, columns: list[tuple[str, bool, str, float]]) -> None:
        """Row 1: (name, required, help, width) per column; frozen, filtered."""
        for c, (name, required, help_, width) in enumerate(columns, start=1):
            cell = ws.cell(1, c, name)
            cell.font = BOLD
            cell.fill = REQUIRED_FILL if required else OPTIONAL_FILL
            cell.border = BOX
            cell.alignment = Alignment(horizontal="center", vertical="center")
            if help_:
                cell.comment = Comment(help_, "kaoping", width=300, height=120)
            ws.column_dimensions[get_column_letter(c)].width = width
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"

    def units_sheet(self) -> None:
        ws = self.wb.create_sheet(UNITS_SHEET)
        label = self.s.model.units.label
        classes = self.s.model.units.classes
        cols = [(UNIT_COLUMN, True, f"被考核的{label}名称，每行一个，不得重复", 28)]
        if classes:
            cols.append((CLASS_COLUMN, True, f"单位类别：{'/'.join(classes)}", 16))
        cols.append((GROUP_COLUMN, False, "考核该单位的上级党组织（同一上级组织内比较、排名；可留空）", 24))
        self.header(ws, cols)
        if classes:
            src = self.list_range(("class",), CLASS_COLUMN, classes)
            self.drop_down(ws, "B", src, f"可选：{'/'.join(classes)}", CLASS_COLUMN)

    def unit_source(self) -> str:
        return f"{quote_sheetname(UNITS_SHEET)}!$A$2:$A${UNIT_ROWS}"

    def record_sheet(self, kind: str) -> None:
        spec = self.s.records[kind]
        ws = self.wb.create_sheet(self.sheets[kind])
        cols = [(UNIT_COLUMN, True, "须是「单位」表中的单位", 20)]
        if spec.period != "year":
            pc = PERIOD_COLUMN[spec.period]
            cols.append((pc, True, period_help(spec.period), 9))
        for f in spec.fields:
            cols.append((f.name, f.required and f.default is None, field_help(self.s, f), self.width(f)))
        self.header(ws, cols)
        self.drop_down(ws, "A", self.unit_source(), "从「单位」表中选择", UNIT_COLUMN, strict=False)
        c = 2
        if spec.period != "year":
            src = self.list_range(("period", spec.period), PERIOD_COLUMN[spec.period],
                                  PERIOD_CHOICES[spec.period])
            self.drop_down(ws, "B", src, period_help(spec.period), PERIOD_COLUMN[spec.period])
            c = 3
        for k, f in enumerate(spec.fields):
            self.validate_field(ws, get_column_letter(c + k), f)

    def width(self, f: RecordField) -> float:
        if f.type == "item":
            return min(40, max(16, *(_width(i.label) for i in self.s.items)))
        if f.type == "clause":
            return 36
        if f.type == "text":
            return 40 if (f.max_length or 100) > 50 else 24
        if f.type == "choice":
            return max(10, _width(f.name) + 2, *(_width(o) + 2 for o in f.options or []))
        return max(12, _width(f.name) + 4)

    def validate_field(self, ws, letter: str, f: RecordField) -> None:
        help_ = f.help or ""
        t = f.type
        if t == "choice":
            src = self.list_range(("choice", tuple(f.options)), f.name, list(f.options))
            self.drop_down(ws, letter, src, help_ or f"可选：{'/'.join(f.options)}", f.name)
        elif t == "bool":
            src = self.list_range(("bool",), "是/否", ["是", "否"])
            self.drop_down(ws, letter, src, help_ or "填“是”或“否”，留空视为“否”", f.name)
        elif t == "item":
            src = self.list_range(("item",), "考核项目", [i.label for i in self.s.items])
            self.drop_down(ws, letter, src, help_ or "从下拉列表选择考核项目", f.name)
        elif t == "clause":
            labels = [f"{c.spec.code} {c.spec.text}" for c in self.s.clauses]
            src = self.list_range(("clause",), "扣分条款", labels)
            self.drop_down(ws, letter, src, help_ or "从下拉列表选择扣分条款（编号即可）", f.name)
        elif t in ("number", "integer"):
            dv = DataValidation(type="whole" if t == "integer" else "decimal", allow_blank=True,
                                errorStyle="stop", errorTitle="无效的值",
                                error=f"{f.name}须是{number_help(f)}")
            if f.min is not None and f.max is not None:
                dv.operator, dv.formula1, dv.formula2 = "between", _num(f.min), _num(f.max)
            elif f.min is not None:
                dv.operator, dv.formula1 = "greaterThanOrEqual", _num(f.min)
            elif f.max is not None:
                dv.operator, dv.formula1 = "lessThanOrEqual", _num(f.max)
            else:
                dv.operator, dv.formula1, dv.formula2 = "between", "-1E+15", "1E+15"
            self.finish(ws, dv, letter, f.name, help_ or number_help(f))
        elif t == "date":
            dv = DataValidation(type="date", operator="between", formula1="1", formula2="2958465",
                                allow_blank=True, errorStyle="stop", errorTitle="无效的日期",
                                error=f"{f.name}须是日期，如 {self.year}-03-25")
            self.finish(ws, dv, letter, f.name, help_ or f"日期，如 {self.year}-03-25")
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
        elif t == "text" and f.max_length:
            dv = DataValidation(type="textLength", operator="lessThanOrEqual",
                                formula1=str(f.max_length), allow_blank=True, errorStyle="stop",
                                errorTitle="文字过长", error=f"{f.name}最多 {f.max_length} 字")
            self.finish(ws, dv, letter, f.name, help_ or f"最多 {f.max_length} 字")

    def items_sheet(self) -> None:
        """考核细则 (sections, items, points, standards, clauses) or the plain item list."""
        items = [i.spec for i in self.s.items]
        rubric = bool(self.s.model.sections or self.s.clauses)
        ws = self.wb.create_sheet(RUBRIC_SHEET if rubric else ITEMS_SHEET)
        cols = [("分节", 16, bool(self.s.model.sections)), ("编号", 8, any(i.code for i in items)),
                ("考核项目", 30, True), ("分值", 8, any(i.points is not None for i in items)),
                ("权重", 8, any(i.weight is not None for i in items)),
                ("标签", 12, any(i.tags for i in items)),
                ("考核内容", 40, any(i.content for i in items)),
                ("考核标准", 50, any(i.standard for i in items)),
                ("条款编号", 10, bool(self.s.clauses)), ("扣分条款", 50, bool(self.s.clauses)),
                ("扣分方式", 18, bool(self.s.clauses)), ("说明", 40, any(i.note for i in items))]
        cols = [(n, w) for n, w, keep in cols if keep]
        names = [n for n, _ in cols]
        for c, (n, w) in enumerate(cols, start=1):
            cell = ws.cell(1, c, n)
            cell.font, cell.fill, cell.border = BOLD, HEAD_FILL, BOX
            ws.column_dimensions[get_column_letter(c)].width = w
        ws.freeze_panes = "A2"

        def put(values: dict, bold: bool = False) -> None:
            r = ws.max_row + 1
            for k, v in values.items():
                if k in names and v not in (None, ""):
                    cell = ws.cell(r, names.index(k) + 1, v)
                    cell.alignment = WRAP
                    if bold:
                        cell.font = BOLD

        section = object()
        for info in self.s.items:
            it = info.spec
            if self.s.model.sections and info.section != section:
                section = info.section
                sec = next(s for s in self.s.model.sections if s.name == section)
                put({"分节": sec.name, "分值": sec.points}, bold=True)
            put({"分节": info.section, "编号": it.code, "考核项目": it.name, "分值": it.points,
                 "权重": it.weight, "标签": "、".join(it.tags), "考核内容": it.content,
                 "考核标准": it.standard, "说明": it.note})
            for d in it.deductions:
                put({"编号": it.code, "考核项目": it.name, "条款编号": d.code, "扣分条款": d.text,
                     "扣分方式": deduction_text(d)})
        if self.s.model.total_points is not None:
            put({"考核项目": "合计", "分值": self.s.model.total_points}, bold=True)

    def readme(self, ws) -> None:
        m = self.s.model
        ws.column_dimensions["A"].width = 22
        for letter, w in zip("BCDEF", (30, 22, 8, 36, 50), strict=True):
            ws.column_dimensions[letter].width = w
        ws.cell(1, 1, m.name).font = TITLE
        rows = [(SCHEME_LABEL, m.id), (YEAR_LABEL, self.year), ("方案来源", m.source),
                ("方案说明", m.description), ("被考核单位", m.units.label)]
        for r, (k, v) in enumerate(rows, start=2):
            ws.cell(r, 1, k).font = BOLD
            ws.cell(r, 2, v).alignment = Alignment(wrap_text=False, vertical="top")
        ws.cell(3, 3, "← 考核年度，请按实际填写")
        r = len(rows) + 3
        r = self.block(ws, r, "填写方法", [[line] for line in how_to(self.s, self.year)], None)
        purposes = [[UNITS_SHEET, f"被考核的{m.units.label}，每行一个"]]
        purposes += [[self.sheets[k], (spec.description or k) + f"（按{GRAIN_NAMES[spec.period]}登记）"]
                     for k, spec in self.s.records.items()]
        if self.s.items:
            purposes.append([RUBRIC_SHEET if (m.sections or self.s.clauses) else ITEMS_SHEET,
                             "方案的考核项目（仅供查阅，无须填写）"])
        r = self.block(ws, r, "工作表一览", purposes, ["工作表", "用途"])
        cols = [[UNITS_SHEET, UNIT_COLUMN, "文字", "必填", "单位名称，不得重复"]]
        if m.units.classes:
            cols.append([UNITS_SHEET, CLASS_COLUMN, "选项", "必填", "/".join(m.units.classes)])
        cols.append([UNITS_SHEET, GROUP_COLUMN, "文字", "选填", "考核该单位的上级党组织"])
        for kind, spec in self.s.records.items():
            sheet = self.sheets[kind]
            cols.append([sheet, UNIT_COLUMN, "单位", "必填", "须是「单位」表中的单位"])
            if spec.period != "year":
                cols.append([sheet, PERIOD_COLUMN[spec.period], "期次", "必填", period_help(spec.period)])
            for f in spec.fields:
                cols.append([sheet, f.name, TYPE_NAMES[f.type],
                             "必填" if f.required and f.default is None else "选填",
                             field_help(self.s, f)])
        self.block(ws, r, "各表的列", cols, ["工作表", "列", "类型", "必填", "可填内容与说明"])

    def block(self, ws, r: int, title: str, rows: list[list], head: list[str] | None) -> int:
        ws.cell(r, 1, title).font = Font(bold=True, size=12)
        r += 1
        if head:
            for c, h in enumerate(head, start=1):
                cell = ws.cell(r, c, h)
                cell.font, cell.fill, cell.border = BOLD, HEAD_FILL, BOX
            r += 1
        for row in rows:
            for c, v in enumerate(row, start=1):
                cell = ws.cell(r, c, v)
                cell.alignment = Alignment(wrap_text=bool(head), vertical="top")
                if head:
                    cell.border = BOX
            r += 1
        return r + 1


TYPE_NAMES = {"item": "考核项目", "clause": "扣分条款", "choice": "选项", "number": "数字",
              "integer": "整数", "date": "日期", "bool": "是/否", "text": "文字"}


def period_help(grain: str) -> str:
    return {"month": "月份：1—12", "quarter": "季度：1—4", "half": "半年：上半年/下半年（或 1/2）"}[grain]


def number_help(f: RecordField) -> str:
    kind = "整数" if f.type == "integer" else "数字"
    if f.min is not None and f.max is not None:
        return f"{kind}，{_num(f.min)}—{_num(f.max)}"
    if f.min is not None:
        return f"{kind}，不小于 {_num(f.min)}"
    if f.max is not None:
        return f"{kind}，不大于 {_num(f.max)}"
    return kind


def field_help(scheme: Scheme, f: RecordField) -> str:
    t = f.type
    if t == "choice":
        text = f"可选：{'/'.join(f.options or [])}"
    elif t == "bool":
        text = "填“是”或“否”，留空视为“否”"
    elif t == "item":
        text = "考核项目：下拉选择，或填编号、名称"
    elif t == "clause":
        text = "扣分条款：下拉选择，或只填条款编号"
    elif t in ("number", "integer"):
        text = number_help(f)
    elif t == "date":
        text = "日期，如 2026-03-25"
    else:
        text = "文字" + (f"，最多 {f.max_length} 字" if f.max_length else "")
    if f.default is not None and t != "bool":
        text += f"；留空按 {f.default}"
    elif not f.required:
        text += "；可留空"
    return text + (f"。{f.help}" if f.help else "")


def deduction_text(d) -> str:
    if d.zero:
        return "该项不得分"
    if d.range is not None:
        return f"扣 {_num(d.range[0])}—{_num(d.range[1])} 分（填所扣分值）"
    return f"每次扣 {_num(d.per)} 分（填次数）"


def how_to(scheme: Scheme, year: int) -> list[str]:
    return [
        f"1. 核对上方的「{YEAR_LABEL}」（B3 单元格）。",
        f"2. 在「{UNITS_SHEET}」表逐行填写被考核的{scheme.model.units.label}，每行一个。",
        "3. 每种记录一张表：第 1 行是表头，请勿改动；从第 2 行起每行一条记录。没有记录的表保留表头即可，不要删除。",
        "4. 橙色表头为必填列，灰色为选填列；把鼠标移到表头上可看到说明。",
        f"5. 有下拉箭头的列请从列表中选择；日期按 {year}-03-25 的格式填写；是/否列留空视为“否”。",
        "6. 可以在记录表最后加一列「备注」写说明，不参与计分；其他多余的列会被报错。",
        "7. 填好后运行：kaoping score 方案文件.yaml 本工作簿.xlsx -o 结果.xlsx。"
        "有错误时会一次列出每处错误的工作表和单元格（如 时间任务!F7），改正后重新运行。",
    ]


def _num(x: float) -> str:
    return f"{x:g}"


def _width(text) -> float:
    s = str(text)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s) + 1


__all__ = ["write_template"]
