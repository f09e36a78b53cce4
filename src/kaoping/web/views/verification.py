"""核查: the verifier's queue, one record with its evidence, accept / return / adjust; and
the assessors' correction of a record after publication."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
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
    do_accept_records,
    do_adjust_record,
    do_correct_record,
    do_return_record,
    may_attach_after_publication,
)
from ..models import Assessment, Record
from ..recordforms import typed_value, value_inputs
from ..services.display import record_period_label, record_summary
from ..services.verification import next_in_queue, queue_filters, queue_records
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
    filters = queue_filters(request.GET)
    records = queue_records(request.user, assessment, filters)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    scheme = assessment.scheme
    rows = [{"record": r, "summary": record_summary(scheme, r),
             "scheme_period": record_period_label(scheme, r),
             "selectable": r.status == Record.Status.SUBMITTED and not r.period.locked}
            for r in page]
    return render(request, "kaoping/verification/queue.html", {
        "assessment": assessment, "page": page, "rows": rows,
        "selectable": any(r["selectable"] for r in rows),
        "units": assessment.units.select_related("organisation"),
        "periods": assessment.periods.all(), "kinds": list(scheme.records),
        "statuses": [s for s in Record.Status.choices if s[0] != Record.Status.DRAFT],
        "selected": filters, "query": _without_page(request.GET),
    })


@require_POST
@login_required
def accept_many(request, assessment_id: int):
    """核查通过 for every record chosen in the queue; each is accepted (and audited) on its
    own, and the ones that could not be are named with the reason."""
    assessment = _access_queue(request.user, assessment_id)
    ids = [i for i in (optional_int(x) for x in request.POST.getlist("records")) if i]
    query = request.POST.get("query", "")
    back = reverse("verification_queue", args=[assessment.pk]) + (f"?{query}" if query else "")
    if not ids:
        messages.error(request, "请先勾选要核查通过的记录")
        return redirect(back)
    chosen = list(queue_records(request.user, assessment, queue_filters({"status": "all"}))
                  .filter(pk__in=ids))
    accepted, refused = do_accept_records(request.user, chosen)
    if accepted:
        messages.success(request, f"{len(accepted)} 条记录已核查通过")
    for record, why in refused:
        messages.error(request, f"{record.unit.name} · {record.kind}（{record_summary(assessment.scheme, record)}）：{why}")
    missing = len(ids) - len(chosen)
    if missing:
        messages.error(request, f"{missing} 条记录不在您可核查的范围内，未处理")
    return redirect(back)


def _without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def _query(request) -> str:
    """The queue's filters the record page was opened with (carried through its forms)."""
    return request.POST.get("query", "") if request.method == "POST" else request.GET.urlencode()


def _detail(request, record: Record, *, errors=None, form=None, status=200):
    scheme = record.assessment.scheme
    spec = scheme.records.get(record.kind)
    fields = list(spec.fields) if spec else []
    data_rows = [{"name": f.name, "value": record.data.get(f.name), "type": f.type,
                  "options": f.options or [], "help": f.help or ""} for f in fields]
    writable = period_is_writable(record.period)
    query = _query(request)
    following = next_in_queue(request.user, record, queue_filters(QueryDict(query)))
    chosen = (form or {}).get("adjust") or (form or {}).get("correct") or {}
    return render(request, "kaoping/verification/record.html", {
        "record": record, "assessment": record.assessment, "data_rows": data_rows,
        "value_inputs": value_inputs(scheme, record, chosen),
        "query": query, "queue_url": reverse("verification_queue", args=[record.assessment_id])
        + (f"?{query}" if query else ""),
        "next_url": _record_url(following, query) if following else None,
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
    messages.success(request, f"{record.unit.name} 的{record.kind}已核查通过")
    return _next(request, record)


@require_POST
@login_required
def return_record(request, record_id: int):
    record = access_verifiable_record(request.user, record_id)
    reason = request.POST.get("reason", "")
    bad = _act(request, record, "return", lambda: do_return_record(request.user, record, reason))
    if bad:
        return bad
    messages.success(request, f"{record.unit.name} 的{record.kind}已退回，填报员将看到退回原因")
    return _next(request, record)


@require_POST
@login_required
def adjust(request, record_id: int):
    record = access_verifiable_record(request.user, record_id)
    p = request.POST
    field = p.get("field", "")
    bad = _act(request, record, "adjust", lambda: do_adjust_record(
        request.user, record, field, typed_value(p, record, field), p.get("reason", "")))
    if bad:
        return bad
    messages.success(request, f"「{field}」已调整")
    return redirect(_record_url(record, p.get("query", "")))


@require_POST
@login_required
def correct(request, record_id: int):
    record = access_verifiable_record(request.user, record_id)
    if not can_assess(request.user, record.assessment):
        raise Http404
    p = request.POST
    field = p.get("field", "")
    changes = {field: typed_value(p, record, field)} if field else {}
    bad = _act(request, record, "correct", lambda: do_correct_record(
        request.user, record, changes, p.get("reason", "")))
    if bad:
        return bad
    messages.success(request, "记录已更正；请重新评分并发布更正版")
    return redirect(_record_url(record, p.get("query", "")))


def _record_url(record: Record, query: str) -> str:
    url = reverse("verify_record", args=[record.pk])
    return f"{url}?{query}" if query else url


def _next(request, record: Record):
    """After accepting or returning: the next record waiting in the same queue (下一条), or
    the queue itself when none is left."""
    query = request.POST.get("query", "")
    following = next_in_queue(request.user, record, queue_filters(QueryDict(query)))
    if following is not None:
        return redirect(_record_url(following, query))
    messages.info(request, "本列表中的记录都已处理")
    url = reverse("verification_queue", args=[record.assessment_id])
    return redirect(f"{url}?{query}" if query else url)


urlpatterns = [
    path("verification/", index, name="verification_index"),
    path("assessments/<int:assessment_id>/verification/", queue, name="verification_queue"),
    path("assessments/<int:assessment_id>/verification/accept/", accept_many,
         name="verify_accept_many"),
    path("verification/records/<int:record_id>/", record_detail, name="verify_record"),
    path("verification/records/<int:record_id>/accept/", accept, name="verify_accept"),
    path("verification/records/<int:record_id>/return/", return_record, name="verify_return"),
    path("verification/records/<int:record_id>/adjust/", adjust, name="verify_adjust"),
    path("verification/records/<int:record_id>/correct/", correct, name="record_correct"),
]
