"""查找: an assessment's records and units by name, item, period and state."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse

from ..access import access_assessment, can_assess, can_verify
from ..models import Record
from ..services.search import SCAN, SHOWN, Query, scope_units, search
from . import optional_int


@login_required
def search_page(request, assessment_id: int):
    assessment = access_assessment(request.user, assessment_id)
    staff = can_assess(request.user, assessment) or can_verify(request.user, assessment)
    own = scope_units(request.user, assessment)
    if own is not None and not own:
        raise Http404   # neither staff nor a reporter of one of its units (a leader reads results)
    g = request.GET
    q = Query(text=g.get("q", "").strip()[:100], item=g.get("item", ""),
              period=optional_int(g.get("period")), status=g.get("status", ""))
    found = None if q.empty else search(request.user, assessment, q)
    if found is not None:   # where each record opens: verification for staff, else its page
        for row in found.rows:
            r = row["record"]
            row["url"] = reverse("verify_record" if staff and r.status != Record.Status.DRAFT
                                 else "record_detail", args=[r.pk])
    statuses = [s for s in Record.Status.choices if staff is False or s[0] != Record.Status.DRAFT]
    return render(request, "kaoping/search/page.html", {
        "assessment": assessment, "q": q, "found": found, "staff": staff,
        "own_only": own is not None, "items": assessment.scheme.items,
        "periods": assessment.periods.all(), "statuses": statuses,
        "scan": SCAN, "shown": SHOWN})


urlpatterns = [
    path("assessments/<int:assessment_id>/search/", search_page, name="search"),
]
