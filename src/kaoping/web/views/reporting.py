"""填报: the reporter's to-do list and period pages, the record forms (also the assessors'
for the kinds they enter), evidence files, and the period's template workbook.

Every page fetches through ``access``: a record, a file or an assessment the user may not
see is a 404, whatever the URL. Writes go through ``actions.records``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from .. import progress
from ..access import (
    access_assessment,
    access_evidence,
    access_record,
    can_assess,
    can_verify_record,
    managed_organisations,
    reporter_units,
    visible_organisations,
)
from ..actions.base import ActionError
from ..actions.records import (
    LOCKED_MESSAGE,
    ProblemsRefused,
    do_attach_evidence,
    do_delete_evidence,
    do_delete_record,
    do_import_workbook,
    do_save_record,
    do_submit_record,
    may_delete,
    may_edit,
    may_enter,
)
from ..actions.verification import (
    do_attach_evidence_after_publication,
    may_attach_after_publication,
)
from ..models import AssessedUnit, Assessment, Organisation, Period, Record, Role
from ..recordcheck import display, entered_by, record_kinds, scheme_period_label
from ..recordforms import RecordForm
from ..workbooks import entrant_kinds, entrant_units, template_bytes
from . import attachment
from .assessments import tree_order

DONE = (Record.Status.SUBMITTED, Record.Status.ACCEPTED)
SUMMARY_FIELDS = 4


# ------------------------------------------------------------------ what a period page shows


@dataclass
class RecordRow:
    record: Record
    summary: list[tuple[str, str]]
    editable: bool
    deletable: bool


@dataclass
class KindBlock:
    kind: str
    description: str
    assessor_kind: bool
    state: str
    rows: list[RecordRow] = field(default_factory=list)
    #: the units a new record may be entered for (empty: no 新增 button)
    new_units: list[Organisation] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return progress.State.LABELS[self.state]

    @property
    def urgency(self) -> int:
        returned = any(r.record.status == Record.Status.RETURNED for r in self.rows)
        return -1 if returned else progress.State.URGENCY[self.state]


def _summary(scheme, kind: str, record: Record, assessor: bool) -> list[tuple[str, str]]:
    out = []
    for f in scheme.records[kind].fields:
        if not assessor and entered_by(scheme, kind, f) == "assessor" and \
                record.data.get(f.name) in (None, ""):
            continue
        shown = display(scheme, f, record.data.get(f.name))
        if shown:
            out.append((f.name, shown))
        if len(out) >= SUMMARY_FIELDS:
            break
    return out


def period_blocks(user, assessment: Assessment, period: Period, units: list[Organisation],
                  kinds: list[str], today) -> list[KindBlock]:
    """Per record kind: the records of ``units`` in ``period``, their state, and whether the
    user may add one. Returned records and overdue or due kinds come first."""
    scheme = assessment.scheme
    assessor = can_assess(user, assessment)
    records = (Record.objects.filter(assessment=assessment, period=period, kind__in=kinds,
                                     unit__in=units)
               .select_related("unit", "period", "assessment"))
    by_kind: dict[str, list[Record]] = {k: [] for k in kinds}
    position = {u.pk: i for i, u in enumerate(units)}
    for r in sorted(records, key=lambda r: (position.get(r.unit_id, 0), r.pk)):
        by_kind[r.kind].append(r)
    pending = progress.deadline_state(period.deadline, today, assessment.due_soon_days)
    blocks = []
    for kind in kinds:
        spec = scheme.records[kind]
        rows = [RecordRow(r, _summary(scheme, kind, r, assessor),
                          not period.locked and may_edit(user, r),
                          not period.locked and may_delete(user, r)) for r in by_kind[kind]]
        done = any(r.status in DONE for r in by_kind[kind])
        # a kind reported only when something happened is never missing or overdue
        state = (progress.State.DONE if done else
                 progress.State.OPTIONAL if progress.is_optional(scheme, kind) else pending)
        new_units = [] if period.locked else [u for u in units
                                              if may_enter(user, assessment, kind, u)]
        blocks.append(KindBlock(kind, spec.description or "", spec.entered_by == "assessor",
                                state, rows, new_units))
    blocks.sort(key=lambda b: (b.assessor_kind, b.urgency))
    return blocks


def _visible_units(user, assessment: Assessment) -> list[Organisation]:
    visible = visible_organisations(user)
    return tree_order(au.organisation for au in AssessedUnit.objects.filter(
        assessment=assessment, organisation__in=visible).select_related("organisation"))


def _period(assessment: Assessment, number: int) -> Period:
    period = assessment.periods.filter(number=number).first()
    if period is None:
        raise Http404
    period.assessment = assessment
    return period


def _try_reverse(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


# ------------------------------------------------------------------ the to-do list


@login_required
def reporting_home(request):
    """The reporter's to-do: for each assessment of its units, the open periods whose deadline
    has passed and the current one, each kind with its records (overdue and due kinds
    first); returned records on top.
    Assessment staff get their assessments' period pages."""
    user, today = request.user, timezone.localdate()
    mine = reporter_units(user)
    assessed = (AssessedUnit.objects.filter(organisation_id__in=mine)
                .select_related("organisation", "assessment__organisation"))
    grouped: dict[int, tuple[Assessment, list[Organisation]]] = {}
    for au in assessed:
        grouped.setdefault(au.assessment_id, (au.assessment, []))[1].append(au.organisation)
    sections = []
    for assessment, units in grouped.values():
        kinds = record_kinds(assessment.scheme, assessor=False)
        periods = list(assessment.periods.filter(state=Period.State.OPEN)
                       .order_by("deadline", "number"))
        current = next((p for p in periods if p.deadline >= today), None)
        shown = [p for p in periods if p.deadline < today] + ([current] if current else [])
        for p in shown:
            p.assessment = assessment
            blocks = period_blocks(user, assessment, p, units, kinds, today)
            statuses = [r.record.status for b in blocks for r in b.rows]
            counts = {label: statuses.count(value) for value, label in Record.Status.choices
                      if value in statuses}
            pending = Record.Status.DRAFT in statuses or Record.Status.RETURNED in statuses
            sections.append({"assessment": assessment, "period": p, "units": units,
                             "state": progress.deadline_state(p.deadline, today,
                                                              assessment.due_soon_days),
                             "days_left": (p.deadline - today).days, "blocks": blocks,
                             "counts": counts,
                             "empty_kinds": sum(1 for b in blocks if not b.rows
                                                and b.state != progress.State.OPTIONAL),
                             # open: the current period, any with drafts or returned
                             # records, and any overdue with nothing reported at all;
                             # earlier periods that are complete fold to a line
                             "open": p == current or pending or all(not b.rows for b in blocks)})
    # what needs acting on first: the open periods, overdue ones (earliest deadline) before
    # the current one, then the folded ones
    sections.sort(key=lambda s: (not s["open"], s["period"].deadline))
    returned = progress.returned_records(user)
    staff = (Assessment.objects.filter(
        organisation__in=managed_organisations(user, Role.ASSESSOR))
        .select_related("organisation").prefetch_related("periods"))
    return render(request, "kaoping/reporting/home.html",
                  {"sections": sections, "returned": returned, "staff": staff, "today": today})


@login_required
def report_period(request, assessment_id: int, number: int):
    """One period of one assessment: every kind the user may see, with its records."""
    assessment = access_assessment(request.user, assessment_id)
    period = _period(assessment, number)
    assessor = can_assess(request.user, assessment)
    units = _visible_units(request.user, assessment)
    if not units:
        raise Http404
    unit_filter = request.GET.get("unit")
    if unit_filter:
        units = [u for u in units if str(u.pk) == unit_filter] or units
    kinds = record_kinds(assessment.scheme, assessor=assessor)
    today = timezone.localdate()
    blocks = period_blocks(request.user, assessment, period, units, kinds, today)
    may_upload = bool(entrant_units(request.user, assessment)) and not period.locked
    return render(request, "kaoping/reporting/period.html", {
        "assessment": assessment, "period": period, "periods": assessment.periods.all(),
        "blocks": blocks, "assessor": assessor, "units": _visible_units(request.user, assessment),
        "unit_filter": unit_filter or "", "today": today,
        "may_template": bool(entrant_units(request.user, assessment)), "may_upload": may_upload,
        "state": progress.deadline_state(period.deadline, today, assessment.due_soon_days),
        "days_left": (period.deadline - today).days, "locked_message": LOCKED_MESSAGE})


# ------------------------------------------------------------------ records


def _form_page(request, form, status=200, **extra):
    context = {"form": form, "assessment": form.assessment, "period": form.period,
               "kind": form.kind, "record": form.record, "description": form.spec.description,
               "locked_message": LOCKED_MESSAGE}
    context.update(extra)
    return render(request, "kaoping/reporting/record_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request, assessment_id: int, number: int):
    assessment = access_assessment(request.user, assessment_id)
    period = _period(assessment, number)
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    if kind not in assessment.scheme.records:
        raise Http404
    units = [u for u in _visible_units(request.user, assessment)
             if may_enter(request.user, assessment, kind, u)]
    if not units:
        raise Http404
    wanted = request.GET.get("unit")
    if wanted and any(str(u.pk) == wanted for u in units):
        units = [u for u in units if str(u.pk) == wanted] + [u for u in units if str(u.pk) != wanted]
    assessor = can_assess(request.user, assessment)
    if request.method == "GET":
        form = RecordForm(assessment, period, kind, assessor=assessor, units=units)
        if period.locked:
            messages.error(request, LOCKED_MESSAGE)
        return _form_page(request, form)
    form = RecordForm(assessment, period, kind, assessor=assessor, units=units, data=request.POST)
    if not form.is_valid():
        return _form_page(request, form, 400)
    unit = next(u for u in units if u.pk == form.unit_id())
    submit = "submit" in request.POST
    try:
        record = do_save_record(request.user, assessment=assessment, period=period, kind=kind,
                                unit=unit, scheme_period=form.scheme_period(),
                                values=form.values(), submit=submit)
    except ActionError as exc:
        form.show_refusal(exc)
        return _form_page(request, form, 400)
    return _after_save(request, record, submit)


def _after_save(request, record: Record, submit: bool):
    if submit:
        late = "（逾期提交，已标记）" if record.late else ""
        messages.success(request, f"已提交「{record.kind}」记录{late}")
        return redirect("report_period", assessment_id=record.assessment_id,
                        number=record.period.number)
    messages.success(request, f"已保存「{record.kind}」记录" +
                     ("（草稿，尚未提交）" if record.status == Record.Status.DRAFT else ""))
    return redirect("record_detail", record_id=record.pk)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, record_id: int):
    record = access_record(request.user, record_id, write=True)
    assessor = can_assess(request.user, record.assessment)
    record.period.assessment = record.assessment
    if request.method == "GET":
        if record.period.locked or not may_edit(request.user, record):
            messages.error(request, LOCKED_MESSAGE if record.period.locked
                           else "该记录已提交，不能再修改")
            return redirect("record_detail", record_id=record.pk)
        form = RecordForm(record.assessment, record.period, record.kind, assessor=assessor,
                          record=record)
        return _form_page(request, form)
    form = RecordForm(record.assessment, record.period, record.kind, assessor=assessor,
                      record=record, data=request.POST)
    if not form.is_valid():
        return _form_page(request, form, 400)
    submit = "submit" in request.POST
    try:
        record = do_save_record(request.user, assessment=record.assessment, period=record.period,
                                kind=record.kind, unit=record.unit,
                                scheme_period=form.scheme_period(), values=form.values(),
                                record=record, submit=submit)
    except ActionError as exc:
        form.show_refusal(exc)
        return _form_page(request, form, 400)
    return _after_save(request, record, submit)


def _detail(request, record: Record, status=200, problems=None):
    scheme = record.assessment.scheme
    assessor = can_assess(request.user, record.assessment)
    fields = []
    for f in scheme.records[record.kind].fields:
        value = record.data.get(f.name)
        if not assessor and entered_by(scheme, record.kind, f) == "assessor" and value in (None, ""):
            continue
        fields.append((f.name, display(scheme, f, value)))
    writable = not record.period.locked
    return render(request, "kaoping/reporting/record_detail.html", {
        "record": record, "assessment": record.assessment, "period": record.period,
        "fields": fields, "evidence": record.evidence.all().order_by("uploaded_at", "id"),
        "scheme_period": scheme_period_label(record.assessment, record.kind, record.scheme_period),
        "editable": writable and may_edit(request.user, record),
        "submittable": writable and may_edit(request.user, record)
        and record.status in (Record.Status.DRAFT, Record.Status.RETURNED),
        "deletable": writable and may_delete(request.user, record),
        # a record added after publication (公示后补录) takes evidence from the 考核管理员
        "attachable": writable and may_edit(request.user, record)
        or may_attach_after_publication(request.user, record),
        "locked_message": LOCKED_MESSAGE, "problems": problems or [],
        "history_url": _try_reverse("record_history", record_id=record.pk),
        "verify_url": _try_reverse("verify_record", record_id=record.pk)
        if can_verify_record(request.user, record) else None,
        "max_mb": _max_mb(), "extensions": _extensions()}, status=status)


def _max_mb() -> str:
    from django.conf import settings

    return f"{settings.EVIDENCE_MAX_BYTES / 1024 / 1024:g}"


def _extensions() -> str:
    from django.conf import settings

    return "、".join(settings.EVIDENCE_EXTENSIONS)


@login_required
def record_detail(request, record_id: int):
    record = access_record(request.user, record_id)
    return _detail(request, record)


@login_required
@require_POST
def record_submit(request, record_id: int):
    record = access_record(request.user, record_id, write=True)
    try:
        record = do_submit_record(request.user, record)
    except ActionError as exc:
        record.refresh_from_db()
        problems = getattr(exc, "problems", None) or []
        problems += [f"{k}：{v}" for k, v in exc.fields.items()]
        messages.error(request, exc.message if not problems else "记录未提交：请先改正下列问题")
        return _detail(request, record, 400, problems)
    late = "（逾期提交，已标记）" if record.late else ""
    messages.success(request, f"已提交「{record.kind}」记录{late}")
    return redirect("report_period", assessment_id=record.assessment_id, number=record.period.number)


@login_required
@require_POST
def record_delete(request, record_id: int):
    record = access_record(request.user, record_id, write=True)
    try:
        do_delete_record(request.user, record)
    except ActionError as exc:
        messages.error(request, exc.message)
        return _detail(request, record, 400)
    messages.success(request, f"已删除「{record.kind}」记录")
    return redirect("report_period", assessment_id=record.assessment_id, number=record.period.number)


# ------------------------------------------------------------------ evidence


@login_required
@require_POST
def evidence_upload(request, record_id: int):
    record = access_record(request.user, record_id, write=True)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件")
        return _detail(request, record, 400)
    # a published period's record takes evidence only through the correction path
    attach = (do_attach_evidence if not record.period.locked
              else do_attach_evidence_after_publication)
    try:
        attach(request.user, record, upload)
    except ActionError as exc:
        messages.error(request, exc.message)
        return _detail(request, record, 400)
    messages.success(request, f"已上传佐证材料「{upload.name}」")
    return redirect("record_detail", record_id=record.pk)


@login_required
def evidence_download(request, evidence_id: int):
    evidence = access_evidence(request.user, evidence_id)
    return attachment(evidence.file, evidence.original_name, evidence.content_type)


@login_required
@require_POST
def evidence_delete(request, evidence_id: int):
    evidence = access_evidence(request.user, evidence_id, write=True)
    record = evidence.record
    try:
        do_delete_evidence(request.user, evidence)
    except ActionError as exc:
        messages.error(request, exc.message)
        return _detail(request, record, 400)
    messages.success(request, f"已删除佐证材料「{evidence.original_name}」")
    return redirect("record_detail", record_id=record.pk)


# ------------------------------------------------------------------ template workbook


def _entrant(request, assessment_id: int, number: int) -> tuple[Assessment, Period]:
    assessment = access_assessment(request.user, assessment_id)
    period = _period(assessment, number)
    if not entrant_units(request.user, assessment) or not entrant_kinds(request.user, assessment):
        raise Http404
    return assessment, period


@login_required
def period_template(request, assessment_id: int, number: int):
    assessment, period = _entrant(request, assessment_id, number)
    content = template_bytes(request.user, assessment, period)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{assessment.name}-{period.label}-填报模板.xlsx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def period_upload(request, assessment_id: int, number: int):
    assessment, period = _entrant(request, assessment_id, number)
    context = {"assessment": assessment, "period": period, "problems": [],
               "locked_message": LOCKED_MESSAGE}
    if request.method == "GET":
        if period.locked:
            messages.error(request, LOCKED_MESSAGE)
        return render(request, "kaoping/reporting/upload.html", context)
    upload = request.FILES.get("file")
    if upload is None:
        context["error"] = "请选择填好的模板工作簿（.xlsx）"
        return render(request, "kaoping/reporting/upload.html", context, status=400)
    try:
        created = do_import_workbook(request.user, assessment, period, upload)
    except ProblemsRefused as exc:
        context.update(error=exc.message, problems=exc.problems)
        return render(request, "kaoping/reporting/upload.html", context, status=400)
    except ActionError as exc:
        context["error"] = exc.message
        return render(request, "kaoping/reporting/upload.html", context, status=400)
    late = sum(1 for r in created if r.late)
    messages.success(request, f"已导入并提交 {len(created)} 条记录"
                     + (f"，其中 {late} 条逾期提交（已标记）" if late else ""))
    return redirect("report_period", assessment_id=assessment.pk, number=period.number)


urlpatterns = [
    path("reporting/", reporting_home, name="reporting"),
    path("reporting/<int:assessment_id>/periods/<int:number>/", report_period,
         name="report_period"),
    path("reporting/<int:assessment_id>/periods/<int:number>/new/", record_create,
         name="record_create"),
    path("reporting/<int:assessment_id>/periods/<int:number>/template.xlsx", period_template,
         name="period_template"),
    path("reporting/<int:assessment_id>/periods/<int:number>/upload/", period_upload,
         name="period_upload"),
    path("records/<int:record_id>/", record_detail, name="record_detail"),
    path("records/<int:record_id>/edit/", record_edit, name="record_edit"),
    path("records/<int:record_id>/submit/", record_submit, name="record_submit"),
    path("records/<int:record_id>/delete/", record_delete, name="record_delete"),
    path("records/<int:record_id>/evidence/", evidence_upload, name="evidence_upload"),
    path("evidence/<int:evidence_id>/", evidence_download, name="evidence_download"),
    path("evidence/<int:evidence_id>/delete/", evidence_delete, name="evidence_delete"),
]
