"""The progress board (填报进度): every assessed unit × item of a period, by state — one page
of units at a time, filtered by state, unit name and organisation subtree."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from .. import progress
from ..access import access_assessment, managed_organisations
from ..models import Assessment, Organisation, Role


@login_required
def progress_index(request):
    """The assessments whose boards the user may read (assessment staff only)."""
    assessments = (Assessment.objects
                   .filter(organisation__in=managed_organisations(request.user, Role.ASSESSOR))
                   .select_related("organisation"))
    return render(request, "kaoping/progress/index.html", {"assessments": assessments})


def subtree_choices(assessment: Assessment) -> list[tuple[Organisation, str]]:
    """The organisations a board can be narrowed to: those of the assessing organisation's
    subtree that have organisations under them, in tree order, each with its name indented
    by its depth below the assessing organisation."""
    top = assessment.organisation
    parents = Organisation.objects.filter(path__startswith=top.path).values("parent_id")
    orgs = Organisation.objects.filter(path__startswith=top.path, pk__in=parents).order_by("path")
    return [(o, "　" * (o.depth - top.depth) + o.name) for o in orgs]


def _without(params, *names) -> str:
    params = params.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@login_required
def progress_board(request, assessment_id: int):
    assessment = access_assessment(request.user, assessment_id, assess=True)
    periods = list(assessment.periods.all())
    for p in periods:
        p.assessment = assessment  # the labels read the cycle: no query per period
    number = request.GET.get("period")
    if number:
        period = next((p for p in periods if str(p.number) == number), None)
        if period is None:
            raise Http404
    else:
        period = progress.default_period(assessment, periods)
    state = request.GET.get("state", "")
    state = state if state in progress.State.FILTERS else ""
    query = request.GET.get("q", "").strip()[:100]
    orgs = subtree_choices(assessment)
    within = None
    if request.GET.get("org"):
        within = next((o for o, _ in orgs if str(o.pk) == request.GET["org"]), None)
        if within is None:
            raise Http404
    board = (progress.board(assessment, period, timezone.localdate(), state=state, query=query,
                            within=within, page=request.GET.get("page"))
             if period else None)
    context = {"assessment": assessment, "periods": periods, "period": period, "board": board,
               "orgs": orgs, "filters": {"state": state, "q": query, "org": within},
               "states": [(s, progress.State.LABELS[s], board.unit_counts[s])
                          for s in progress.State.FILTERS] if board else [],
               "query": _without(request.GET, "page")}
    template = ("kaoping/progress/_board.html" if request.headers.get("HX-Request")
                else "kaoping/progress/board.html")
    return render(request, template, context)


urlpatterns = [
    path("progress/", progress_index, name="progress_index"),
    path("assessments/<int:assessment_id>/progress/", progress_board, name="progress_board"),
]
