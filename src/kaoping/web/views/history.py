"""History pages: everything that happened to one record, or to one unit's records and
results — who, when, what, before → after, and why."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path

from ..access import access_record, access_unit, can_assess
from ..services.display import record_period_label, record_summary
from ..services.history import record_history, rows, unit_history

PAGE_SIZE = 200


@login_required
def record_history_page(request, record_id: int):
    record = access_record(request.user, record_id)
    scheme = record.assessment.scheme
    return render(request, "kaoping/history/record.html", {
        "record": record, "assessment": record.assessment,
        "summary": record_summary(scheme, record, limit=99),
        "scheme_period": record_period_label(scheme, record),
        "entries": rows(record_history(record)),
        "verifications": record.verifications.select_related("by"),
    })


@login_required
def unit_history_page(request, organisation_id: int):
    unit = access_unit(request.user, organisation_id)
    staff_of = [au.assessment_id for au in unit.assessed_in.select_related(
        "assessment__organisation") if can_assess(request.user, au.assessment)]
    # scoring runs (results not yet published) are shown only to the assessment's staff
    page = Paginator(unit_history(unit, staff_of), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "kaoping/history/unit.html",
                  {"unit": unit, "page": page, "entries": rows(page)})


urlpatterns = [
    path("records/<int:record_id>/history/", record_history_page, name="record_history"),
    path("units/<int:organisation_id>/history/", unit_history_page, name="unit_history"),
]
