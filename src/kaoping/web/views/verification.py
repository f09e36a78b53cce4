"""核查: the verifier's queue, one record with its evidence, accept / return / adjust; and
the assessors' correction of a record after publication."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from ..access import (
    access_assessment,
    access_verifiable_record,
    can_assess,
    can_verify,
    period_is_writable,
    reporter_units,
)
from ..actions.base import ActionError
from ..actions.verification import (
    do_accept_record,
    do_adjust_record,
    do_correct_record,
    do_return_record,
    may_attach_after_publication,
)
from ..models import Assessment, Record
from ..services.display import record_period_label, record_summary
from . import optional_int

PAGE_SIZE = 100


def _verifiable_assessments(user):
    return [a for a in Assessment.objects.select_related("organisation") if can_verify(user, a)]


@login_required
def index(request):
    assessments = _verifiable_assessments(request.user)
    counts = {a.pk: a.records.filter(status=Record.Status.SUBMITTED)
              .exclude(unit__in=reporter_units(request.user)).count() for a in assessments}
    rows = [(a, counts[a.pk]) for a in assessments]
    return render(request, "kaoping/verification/index.html", {"rows": rows})


def _access_queue(user, assessment_id: int) -> Assessment:
    assessment = access_assessment(user, assessment_id)
    if not can_verify(user, assessment):
        raise Http404
    return assessment


@login_required
def queue(request, assessment_id: int):
    assessment = _access_queue(request.user, assessment_id)
    records = (assessment.records.exclude(status=Record.Status.DRAFT)
               .exclude(unit__in=reporter_units(request.user))
               .select_related("unit", "period"))
    status = request.GET.get("status", Record.Status.SUBMITTED)
    if status in Record.Status.values:
        records = records.filter(status=status)
    unit, period, kind = optional_int(request.GET.get("unit")), optional_int(request.GET.get("period")), request.GET.get("kind", "")
    if unit:
        records = records.filter(unit_id=unit)
    if period:
        records = records.filter(period_id=period)
    if kind:
        records = records.filter(kind=kind)
    page = Paginator(records.order_by("submitted_at", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    scheme = assessment.scheme
    rows = [{"record": r, "summary": record_summary(scheme, r),
             "scheme_period": record_period_label(scheme, r)} for r in page]
    return render(request, "kaoping/verification/queue.html", {
        "assessment": assessment, "page": page, "rows": rows,
        "units": assessment.units.select_related("organisation"),
        "periods": assessment.periods.all(), "kinds": list(scheme.records),
        "statuses": [s for s in Record.Status.choices if s[0] != Record.Status.DRAFT],
        "selected": {"unit": unit, "period": period, "kind": kind, "status": status},
        "query": _without_page(request.GET),
    })


def _without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def _detail(request, record: Record, *, errors=None, form=None, status=200):
    scheme = record.assessment.scheme
    spec = scheme.records.get(record.kind)
    fields = list(spec.fields) if spec else []
    data_rows = [{"name": f.name, "value": record.data.get(f.name), "type": f.type,
                  "options": f.options or [], "help": f.help or ""} for f in fields]
    writable = period_is_writable(record.period)
    return render(request, "kaoping/verification/record.html", {
        "record": record, "assessment": record.assessment, "data_rows": data_rows,
        "scheme_period": record_period_label(scheme, record),
        "evidence": record.evidence.all(),
        "verifications": record.verifications.select_related("by"),
        "writable": writable,
        "can_correct": not writable and can_assess(request.user, record.assessment),
        "can_attach": may_attach_after_publication(request.user, record),
        "errors": errors or {}, "form": form or {},
    }, status=status)


@login_required
def record_detail(request, record_id: int):
    return _detail(request, access_verifiable_record(request.user, record_id))


def _act(request, record: Record, which: str, act):
    try:
        act()
    except ActionError as exc:
        messages.error(request, exc.message)
        return _detail(request, record, errors={which: exc.fields or {"": exc.message}},
                       form={which: request.POST}, status=400)
    return None


@require_POST
@login_required
def accept(request, record_id: int):
    record = access_verifiable_record(request.user, record_id)
    bad = _act(request, record, "accept", lambda: do_accept_record(request.user, record))
    if bad:
        return bad
    messages.success(request, f"记录#{record.pk} 已核查通过")
    return _next(request, record)


@require_POST
@login_required
def return_record(request, record_id: int):
    record = access_verifiable_record(request.user, record_id)
    reason = request.POST.get("reason", "")
    bad = _act(request, record, "return", lambda: do_return_record(request.user, record, reason))
    if bad:
        return bad
    messages.success(request, f"记录#{record.pk} 已退回，填报员将看到退回原因")
    return _next(request, record)


@require_POST
@login_required
def adjust(request, record_id: int):
    record = access_verifiable_record(request.user, record_id)
    p = request.POST
    bad = _act(request, record, "adjust", lambda: do_adjust_record(
        request.user, record, p.get("field", ""), p.get("value", ""), p.get("reason", "")))
    if bad:
        return bad
    messages.success(request, f"记录#{record.pk} 的「{p.get('field')}」已调整")
    return redirect("verify_record", record.pk)


@require_POST
@login_required
def correct(request, record_id: int):
    record = access_verifiable_record(request.user, record_id)
    if not can_assess(request.user, record.assessment):
        raise Http404
    p = request.POST
    field = p.get("field", "")
    changes = {field: p.get("value", "")} if field else {}
    bad = _act(request, record, "correct", lambda: do_correct_record(
        request.user, record, changes, p.get("reason", "")))
    if bad:
        return bad
    messages.success(request, f"记录#{record.pk} 已更正；请重新评分并发布更正版")
    return redirect("verify_record", record.pk)


def _next(request, record: Record):
    """Back to the queue (with its filters) after accepting or returning."""
    url = reverse("verification_queue", args=[record.assessment_id])
    query = request.POST.get("query", "")
    return redirect(f"{url}?{query}" if query else url)


urlpatterns = [
    path("verification/", index, name="verification_index"),
    path("assessments/<int:assessment_id>/verification/", queue, name="verification_queue"),
    path("verification/records/<int:record_id>/", record_detail, name="verify_record"),
    path("verification/records/<int:record_id>/accept/", accept, name="verify_accept"),
    path("verification/records/<int:record_id>/return/", return_record, name="verify_return"),
    path("verification/records/<int:record_id>/adjust/", adjust, name="verify_adjust"),
    path("verification/records/<int:record_id>/correct/", correct, name="record_correct"),
]
