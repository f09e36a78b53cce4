"""Pages of appeals (申诉): file one on a published result, the list, one appeal and its answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from ..access import access_period, can_assess, can_read_unit_result, managed_organisations
from ..actions.appeals import do_answer_appeal, do_file_appeal
from ..actions.base import ActionError
from ..models import Appeal, AppealEvidence, Assessment, Record, Role
from ..services.appeals import appeal_window, staff_queue
from . import attachment


def _access_appeal(user, appeal_id: int) -> Appeal:
    appeal = (Appeal.objects.select_related("assessment", "period", "unit", "publication",
                                            "record", "revision", "filed_by", "answered_by")
              .filter(pk=appeal_id).first())
    if appeal is None or not can_read_unit_result(user, appeal.assessment, appeal.unit):
        raise Http404
    return appeal


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request, period_id: int):
    period = access_period(request.user, period_id)
    pub = period.publications.order_by("-revision").first()
    window = appeal_window(request.user, period, pub) if pub else None
    if window is None:
        raise Http404
    units = {str(u.pk): u for u in window.units}
    chosen = units.get(request.POST.get("unit") or request.GET.get("unit") or "",
                       window.units[0])
    records = (Record.objects.filter(assessment=period.assessment, unit=chosen,
                                     period__number__lte=period.number,
                                     status__in=(Record.Status.SUBMITTED, Record.Status.ACCEPTED,
                                                 Record.Status.RETURNED))
               .select_related("period").order_by("period__number", "kind", "pk"))
    ctx = {"period": period, "assessment": period.assessment, "pub": pub, "window": window,
           "units": window.units, "unit": chosen, "records": records, "errors": {},
           "claim": request.POST.get("claim", ""), "record_id": request.POST.get("record", "")}
    if request.method == "GET":
        return render(request, "kaoping/appeals/new.html", ctx)
    record = records.filter(pk=request.POST["record"]).first() if request.POST.get(
        "record", "").isdigit() else None
    try:
        appeal = do_file_appeal(request.user, pub, chosen, request.POST.get("claim", ""),
                                record=record, files=request.FILES.getlist("files"))
    except ActionError as exc:
        ctx.update(error=exc.message, errors=exc.fields)
        return render(request, "kaoping/appeals/new.html", ctx, status=400)
    messages.success(request, f"申诉已提出，考核管理员将在 {appeal.due:%Y-%m-%d} 前答复")
    return redirect("appeal_detail", appeal.pk)


@login_required
def appeals_index(request):
    """Staff: each assessment's appeals, unanswered first by due date; units: their own."""
    user = request.user
    staff = [(a, list(staff_queue(a))) for a in Assessment.objects.filter(
        organisation__in=managed_organisations(user, Role.ASSESSOR)).select_related("organisation")]
    own = (Appeal.objects.filter(filed_by=user) | Appeal.objects.filter(
        unit__memberships__user=user, unit__memberships__role__in=(Role.REPORTER, Role.LEADER)))
    own = own.distinct().select_related("unit", "period__assessment", "revision").order_by("-pk")
    return render(request, "kaoping/appeals/index.html", {
        "staff": [(a, q) for a, q in staff if q], "own": own})


@login_required
def appeal_detail(request, appeal_id: int, *, status: int = 200, error: str = "",
                  errors: dict | None = None):
    appeal = _access_appeal(request.user, appeal_id)
    results = (reverse("period_results", args=[appeal.period_id])
               + f"?revision={appeal.publication.revision}")
    return render(request, "kaoping/appeals/detail.html", {
        "appeal": appeal, "assessment": appeal.assessment, "results": results,
        "staff": can_assess(request.user, appeal.assessment), "error": error,
        "errors": errors or {}, "evidence": appeal.evidence.all(),
        "corrections": reverse("corrections", args=[appeal.period_id]),
        "answer": request.POST.get("answer", "")}, status=status)


@login_required
@require_POST
def appeal_answer(request, appeal_id: int):
    appeal = _access_appeal(request.user, appeal_id)
    outcome = request.POST.get("outcome")
    if outcome not in ("upheld", "rejected"):
        return appeal_detail(request, appeal_id, status=400, error="请选择处理结果",
                             errors={"outcome": "请选择予以更正或维持原结果"})
    try:
        do_answer_appeal(request.user, appeal, upheld=outcome == "upheld",
                         answer=request.POST.get("answer", ""))
    except ActionError as exc:
        return appeal_detail(request, appeal_id, status=400, error=exc.message,
                             errors=exc.fields)
    if outcome == "upheld":
        messages.success(request, "已答复：予以更正。请在“公示后更正”中更正记录，重新评分后发布更正版，"
                                  "更正版将与本申诉关联")
        return redirect("corrections", appeal.period_id)
    messages.success(request, "已答复：维持原结果")
    return redirect("appeal_detail", appeal.pk)


@login_required
def appeal_evidence(request, evidence_id: int):
    evidence = AppealEvidence.objects.select_related("appeal").filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    _access_appeal(request.user, evidence.appeal_id)
    return attachment(evidence.file, evidence.original_name)


urlpatterns = [
    path("appeals/", appeals_index, name="appeals_index"),
    path("periods/<int:period_id>/appeals/new/", appeal_new, name="appeal_new"),
    path("appeals/<int:appeal_id>/", appeal_detail, name="appeal_detail"),
    path("appeals/<int:appeal_id>/answer/", appeal_answer, name="appeal_answer"),
    path("appeals/evidence/<int:evidence_id>/", appeal_evidence, name="appeal_evidence"),
]
