"""The progress board (填报进度): every assessed unit × item of a period, by state."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from .. import progress
from ..access import access_assessment, managed_organisations
from ..models import Assessment, Role


@login_required
def progress_index(request):
    """The assessments whose boards the user may read (assessment staff only)."""
    assessments = (Assessment.objects
                   .filter(organisation__in=managed_organisations(request.user, Role.ASSESSOR))
                   .select_related("organisation"))
    return render(request, "kaoping/progress/index.html", {"assessments": assessments})


@login_required
def progress_board(request, assessment_id: int):
    assessment = access_assessment(request.user, assessment_id, assess=True)
    periods = list(assessment.periods.all())
    number = request.GET.get("period")
    if number:
        period = next((p for p in periods if str(p.number) == number), None)
        if period is None:
            raise Http404
    else:
        period = progress.default_period(assessment)
    context = {"assessment": assessment, "periods": periods, "period": period,
               "board": progress.board(assessment, period, timezone.localdate())
               if period else None}
    template = ("kaoping/progress/_board.html" if request.headers.get("HX-Request")
                else "kaoping/progress/board.html")
    return render(request, template, context)


urlpatterns = [
    path("progress/", progress_index, name="progress_index"),
    path("assessments/<int:assessment_id>/progress/", progress_board, name="progress_board"),
]
