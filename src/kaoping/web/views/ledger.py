"""Pages of the rectification ledger (整改台账): an assessment's problems with their 红黄绿
state, one problem with its history, the unit's report and the assessor's review, the Excel
export."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from ..access import access_assessment, can_assess, can_read_unit_result, reporter_units
from ..actions.base import ActionError
from ..actions.ledger import (
    do_close_follow_up,
    do_open_problem,
    do_report_rectification,
    do_review_rectification,
    missing_fields,
)
from ..models import FollowUp, Problem, ProblemEntry, Record
from ..services.ledger import Light, ledger_workbook, rows, visible_problems
from . import attachment


def _access_problem(user, problem_id: int) -> Problem:
    problem = (Problem.objects.select_related("assessment", "unit", "period", "record",
                                              "created_by")
               .filter(pk=problem_id).first())
    if problem is None or not can_read_unit_result(user, problem.assessment, problem.unit):
        raise Http404
    return problem


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@login_required
def ledger(request, assessment_id: int):
    a = access_assessment(request.user, assessment_id)
    today = timezone.localdate()
    problems = visible_problems(request.user, a)
    colour = request.GET.get("state", "")
    listed = [r for r in rows(problems, today) if not colour or r["light"].colour == colour]
    counts = {c: sum(1 for r in rows(problems, today) if r["light"].colour == c)
              for c in ("red", "yellow", "green")}
    return render(request, "kaoping/ledger/index.html", {
        "assessment": a, "rows": listed, "counts": counts, "colour": colour,
        "staff": can_assess(request.user, a)})


@login_required
def ledger_export(request, assessment_id: int):
    a = access_assessment(request.user, assessment_id)
    today = timezone.localdate()
    data = ledger_workbook(a, visible_problems(request.user, a).prefetch_related("entries"), today)
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument"
                                           ".spreadsheetml.sheet")
    resp["Content-Disposition"] = content_disposition_header(
        True, f"{a.name}-整改台账-{today:%Y%m%d}.xlsx")
    return resp


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request, assessment_id: int):
    a = access_assessment(request.user, assessment_id, assess=True)
    units = [au.organisation for au in a.units.select_related("organisation")
             .order_by("organisation__path")]
    record = None
    rid = request.GET.get("record") or request.POST.get("record")
    if rid and rid.isdigit():
        record = Record.objects.filter(pk=rid, assessment=a).select_related("unit").first()
    form = {"unit": str(record.unit_id) if record else "", "source": "deduction" if record else "",
            "source_note": "", "description": "", "measure": "", "responsible": "",
            "deadline": ""}
    form.update({k: request.POST[k] for k in form if k in request.POST})
    ctx = {"assessment": a, "units": units, "sources": Problem.Source.choices, "form": form,
           "record": record, "errors": {}}
    if request.method == "GET":
        return render(request, "kaoping/ledger/new.html", ctx)
    unit = next((u for u in units if str(u.pk) == form["unit"]), None)
    if unit is None:
        errors = {"unit": "请选择被考核单位", **missing_fields(
            source=form["source"], deadline=_date(form["deadline"]),
            **{k: form[k] for k in ("description", "measure", "responsible")})}
        ctx.update(error="请补全：" + "、".join(errors.values()), errors=errors)
        return render(request, "kaoping/ledger/new.html", ctx, status=400)
    try:
        problem = do_open_problem(
            request.user, a, unit, source=form["source"], description=form["description"],
            measure=form["measure"], responsible=form["responsible"],
            deadline=_date(form["deadline"]), source_note=form["source_note"],
            record=record if record and record.unit_id == unit.pk else None,
            period=record.period if record else None)
    except ActionError as exc:
        ctx.update(error=exc.message, errors=exc.fields)
        return render(request, "kaoping/ledger/new.html", ctx, status=400)
    messages.success(request, f"已登记「{unit.name}」的整改问题")
    return redirect("problem_detail", problem.pk)


@login_required
def problem_detail(request, problem_id: int, *, status: int = 200, error: str = "",
                   errors: dict | None = None):
    p = _access_problem(request.user, problem_id)
    return render(request, "kaoping/ledger/detail.html", {
        "problem": p, "assessment": p.assessment, "entries": p.entries.select_related("by"),
        "light": Light.of(p, timezone.localdate()),
        "staff": can_assess(request.user, p.assessment),
        "reporter": p.unit_id in reporter_units(request.user),
        "error": error, "errors": errors or {}, "text": request.POST.get("text", "")},
        status=status)


@login_required
@require_POST
def problem_report(request, problem_id: int):
    p = _access_problem(request.user, problem_id)
    try:
        do_report_rectification(request.user, p, request.POST.get("text", ""),
                                request.FILES.get("file"))
    except ActionError as exc:
        return problem_detail(request, problem_id, status=400, error=exc.message,
                              errors=exc.fields)
    messages.success(request, "整改情况已报送，等待审核")
    return redirect("problem_detail", p.pk)


@login_required
@require_POST
def problem_review(request, problem_id: int):
    p = _access_problem(request.user, problem_id)
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        return problem_detail(request, problem_id, status=400, error="请选择审核结果",
                              errors={"decision": "请选择通过或退回"})
    try:
        do_review_rectification(request.user, p, accepted=decision == "accept",
                                text=request.POST.get("text", ""))
    except ActionError as exc:
        return problem_detail(request, problem_id, status=400, error=exc.message,
                              errors=exc.fields)
    messages.success(request, "已销号" if decision == "accept" else "已退回整改")
    return redirect("problem_detail", p.pk)


@login_required
def problem_file(request, entry_id: int):
    entry = ProblemEntry.objects.filter(pk=entry_id).exclude(file="").first()
    if entry is None:
        raise Http404
    _access_problem(request.user, entry.problem_id)
    return attachment(entry.file, entry.original_name)


@login_required
@require_http_methods(["GET", "POST"])
def follow_ups(request, assessment_id: int):
    """结果运用: the flags of published results to act on, open ones first."""
    a = access_assessment(request.user, assessment_id, assess=True)
    items = (FollowUp.objects.filter(assessment=a)
             .select_related("unit", "publication__period", "problem", "done_by")
             .order_by("done", "unit__path", "pk"))
    error, errors, status = "", {}, 200
    if request.method == "POST":
        fu = items.filter(pk=request.POST.get("follow_up") or 0).first()
        if fu is None:
            raise Http404
        try:
            do_close_follow_up(request.user, fu, request.POST.get("note", ""))
        except ActionError as exc:
            error, errors, status = exc.message, {**exc.fields, "id": fu.pk}, 400
        else:
            messages.success(request, f"已办结：{fu.unit.name} · {fu.flag}")
            return redirect("follow_ups", a.pk)
    return render(request, "kaoping/ledger/follow_ups.html", {
        "assessment": a, "items": items, "error": error, "errors": errors}, status=status)


urlpatterns = [
    path("assessments/<int:assessment_id>/follow-ups/", follow_ups, name="follow_ups"),
    path("assessments/<int:assessment_id>/ledger/", ledger, name="ledger"),
    path("assessments/<int:assessment_id>/ledger/export/", ledger_export, name="ledger_export"),
    path("assessments/<int:assessment_id>/ledger/new/", problem_new, name="problem_new"),
    path("problems/<int:problem_id>/", problem_detail, name="problem_detail"),
    path("problems/<int:problem_id>/report/", problem_report, name="problem_report"),
    path("problems/<int:problem_id>/review/", problem_review, name="problem_review"),
    path("problems/files/<int:entry_id>/", problem_file, name="problem_file"),
]
