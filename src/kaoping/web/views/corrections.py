"""公示后更正: the correction path of a published (locked) period, for the 考核管理员 —
the period's records with what can be done to them, adding a missing record (补录) and
withdrawing a wrong one (撤销), each with a reason. Changing a record's values is on the
verification page (``views.verification.correct``). Afterwards the period is re-scored and
a revision published (``views.results``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from ..access import access_period, access_record, can_assess, period_is_writable
from ..actions.base import ActionError
from ..actions.verification import do_add_record_after_publication, do_withdraw_record
from ..models import AssessedUnit, Period, Record
from ..recordcheck import auto_fields
from ..recordforms import RecordForm, form_field
from ..services.display import record_period_label, record_summary
from . import optional_int
from .assessments import tree_order

PAGE_SIZE = 100


class CorrectionForm(RecordForm):
    """The record form of a kind as the assessor fills it in after publication: every field,
    also those the application fills in on a normal submission (``auto``), and the reason."""

    def __init__(self, assessment, period, kind, *, units, data=None):
        super().__init__(assessment, period, kind, assessor=True, units=units, data=data)
        autos = auto_fields(self.scheme, kind)
        for f in autos:
            self.fields[f.name] = form_field(self.scheme, kind, f)
            self.fields[f.name].help_text = "留空按今天（补录之日）"
        shown = {f.name for f in self.typed} | {f.name for f in autos}
        self.typed = [f for f in self.spec.fields if f.name in shown]
        self.fields["reason"] = forms.CharField(
            label="补录理由", required=False, strip=True,
            widget=forms.Textarea(attrs={"rows": 2, "cols": 50}),
            help_text="必填：为什么在公示后补录这条记录")
        self.order_fields(["unit", "scheme_period", *[f.name for f in self.typed], "reason"])

    def reason(self) -> str:
        return self.cleaned_data.get("reason") or ""


def _units(period: Period):
    return tree_order(au.organisation for au in AssessedUnit.objects.filter(
        assessment=period.assessment).select_related("organisation"))


@login_required
def corrections(request, period_id: int):
    """The period's records (every status), to withdraw one or add a missing one."""
    period = access_period(request.user, period_id, assess=True)
    assessment = period.assessment
    scheme = assessment.scheme
    records = (Record.objects.filter(period=period).select_related("unit")
               .order_by("kind", "unit__path", "id"))
    unit, kind = optional_int(request.GET.get("unit")), request.GET.get("kind", "")
    status = request.GET.get("status", "")
    if unit:
        records = records.filter(unit_id=unit)
    if kind:
        records = records.filter(kind=kind)
    if status in Record.Status.values:
        records = records.filter(status=status)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"record": r, "summary": record_summary(scheme, r),
             "scheme_period": record_period_label(scheme, r)} for r in page]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "kaoping/corrections/index.html", {
        "assessment": assessment, "period": period, "locked": not period_is_writable(period),
        "kinds": list(scheme.records), "units": _units(period), "statuses": Record.Status.choices,
        "selected": {"unit": unit, "kind": kind, "status": status},
        "page": page, "rows": rows, "query": params.urlencode(),
        "publications": period.publications.order_by("revision")})


def _form_page(request, form, period, status=200):
    return render(request, "kaoping/corrections/add.html", {
        "form": form, "assessment": period.assessment, "period": period, "kind": form.kind,
        "description": form.spec.description}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def correction_add(request, period_id: int):
    period = access_period(request.user, period_id, assess=True)
    assessment = period.assessment
    if period_is_writable(period):
        messages.error(request, "该期尚未公示，请通过正常填报录入记录")
        return redirect("corrections", period.pk)
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    if kind not in assessment.scheme.records:
        raise Http404
    units = _units(period)
    wanted = request.GET.get("unit")
    if wanted:
        units = ([u for u in units if str(u.pk) == wanted]
                 + [u for u in units if str(u.pk) != wanted])
    if request.method == "GET":
        return _form_page(request, CorrectionForm(assessment, period, kind, units=units), period)
    form = CorrectionForm(assessment, period, kind, units=units, data=request.POST)
    if not form.is_valid():
        return _form_page(request, form, period, 400)
    unit = next(u for u in units if u.pk == form.unit_id())
    try:
        do_add_record_after_publication(
            request.user, assessment=assessment, period=period, kind=kind, unit=unit,
            scheme_period=form.scheme_period(), values=form.values(), reason=form.reason())
    except ActionError as exc:
        form.show_refusal(exc)
        return _form_page(request, form, period, 400)
    messages.success(request, f"已补录记录（{unit.name} · {kind}）；"
                              "请重新评分并发布更正版，公示结果才会更新")
    return redirect("corrections", period.pk)


@login_required
@require_http_methods(["GET", "POST"])
def record_withdraw(request, record_id: int):
    record = access_record(request.user, record_id)
    if not can_assess(request.user, record.assessment):
        raise Http404
    period = record.period
    period.assessment = record.assessment
    scheme = record.assessment.scheme
    context = {"record": record, "assessment": record.assessment, "period": period,
               "locked": not period_is_writable(period),
               "summary": record_summary(scheme, record, limit=10),
               "scheme_period": record_period_label(scheme, record),
               "error": "", "reason": ""}
    if request.method == "GET":
        return render(request, "kaoping/corrections/withdraw.html", context)
    reason = request.POST.get("reason", "")
    try:
        kept = do_withdraw_record(request.user, record, reason)
    except ActionError as exc:
        context.update(error=exc.fields.get("reason") or exc.message, reason=reason)
        return render(request, "kaoping/corrections/withdraw.html", context, status=400)
    done = "已撤销（记录保留，不再计分）" if kept is not None else "是从未提交的草稿，已删除"
    messages.success(request, f"{record.unit.name} 的{record.kind}{done}；"
                              "请重新评分并发布更正版，公示结果才会更新")
    return redirect(reverse("corrections", args=[period.pk]))


urlpatterns = [
    path("periods/<int:period_id>/corrections/", corrections, name="corrections"),
    path("periods/<int:period_id>/corrections/new/", correction_add, name="correction_add"),
    path("records/<int:record_id>/withdraw/", record_withdraw, name="record_withdraw"),
]
