"""Reading the rectification ledger: who sees which problems, their 红黄绿 state, and the
整改台账 workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from ..access import can_assess, visible_organisations
from ..models import Assessment, Problem


@dataclass(frozen=True)
class Light:
    """红 overdue and not closed; 黄 being rectified (or reported, awaiting review); 绿 closed."""

    colour: str
    label: str

    @classmethod
    def of(cls, problem: Problem, today: date) -> Light:
        if problem.state == Problem.State.CLOSED:
            return cls("green", "已销号")
        days = (problem.deadline - today).days
        if days < 0:
            return cls("red", f"已逾期 {-days} 天")
        if problem.state == Problem.State.REPORTED:
            return cls("yellow", "已报整改情况，待审核")
        return cls("yellow", "今天到期" if days == 0 else f"整改中，还剩 {days} 天")


def visible_problems(user, assessment: Assessment):
    problems = (Problem.objects.filter(assessment=assessment)
                .select_related("unit", "period", "record"))
    if not can_assess(user, assessment):
        problems = problems.filter(unit__in=visible_organisations(user))
    return problems.order_by("state", "deadline", "unit__path", "pk")


def rows(problems, today: date) -> list[dict]:
    return [{"problem": p, "light": Light.of(p, today)} for p in problems]


LEDGER_HEAD = ("序号", "单位", "问题来源", "问题描述", "整改要求", "责任人", "整改时限",
               "整改情况", "审核意见", "状态", "销号日期")


def ledger_workbook(assessment: Assessment, problems, today: date) -> bytes:
    """The 整改台账 as an Excel workbook: one row per problem, its latest report and review."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from ...io.common import safe

    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws.append([f"{assessment} 整改台账（{today:%Y-%m-%d} 导出）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(LEDGER_HEAD))
    fills = {"red": "FFCDD2", "yellow": "FFF59D", "green": "C8E6C9"}
    for c in ws[2]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    for n, p in enumerate(problems, start=1):
        entries = list(p.entries.all())
        report = next((e for e in reversed(entries) if e.kind == "report"), None)
        review = next((e for e in reversed(entries) if e.kind != "report"), None)
        light = Light.of(p, today)
        source = p.get_source_display() + (f"：{p.source_note}" if p.source_note else "")
        ws.append([n, p.unit.name, safe(source), safe(p.description), safe(p.measure),
                   safe(p.responsible), p.deadline, safe(report.text if report else ""),
                   safe(review.text if review else ""), light.label,
                   p.closed_at.date() if p.closed_at else None])
        ws.cell(ws.max_row, 10).fill = PatternFill("solid", fgColor=fills[light.colour])
        ws.cell(ws.max_row, 7).number_format = "yyyy-mm-dd"
        ws.cell(ws.max_row, 11).number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHIJK", (6, 14, 18, 36, 36, 10, 12, 36, 24, 18, 12),
                             strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=3):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "C3"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
