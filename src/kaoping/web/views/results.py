"""Scoring runs, rankings and explanations; publication (公示) with its revisions; and the
public read-only results page (no login)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from ..access import (
    access_assessment,
    access_period,
    access_scoring_run,
    can_assess,
    can_read_assessment,
    can_read_unit_result,
    visible_organisations,
)
from ..actions.base import ActionError
from ..actions.scoring import (
    do_publish,
    do_publish_revision,
    do_run_scoring,
    reap_stale_runs,
    unscored_refusal,
)
from ..models import Assessment, Organisation, Period, Publication, ScoringRun, UnitResult
from ..services import results
from ..services.appeals import appeal_window, unit_appeals, visible_appeals
from ..services.display import ranking_rows
from ..services.explanation import explanation_page, explanation_pdf
from ..services.open_items import open_items
from ..services.scoring import RECORD_PLACE

#: units on one page of a ranking
PAGE_SIZE = 50

# ------------------------------------------------------------------ helpers


def _page(request, run: ScoringRun):
    """One page of the run's rows, in ranking order, and the query string of the others."""
    rows = UnitResult.objects.filter(run=run).order_by("position")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def _record_link(name: str):
    return lambda pk: reverse(name, args=[pk])


def _problems(run: ScoringRun) -> list:
    """Each problem with a link to the record it names (the verification page); the text
    names the record by its unit and kind, the link carries the id."""
    out = []
    for text in run.problems:
        m = RECORD_PLACE.search(text)
        out.append({"text": re.sub(r"记录#\d+ · ", "", text),
                    "url": reverse("verify_record", args=[int(m[1])]) if m else None})
    return out


def _explain_response(request, run: ScoringRun, org: Organisation, record_url, ctx: dict
                      ) -> HttpResponse:
    """The explanation as a page; ``?print=1`` the A4 print view (every level open);
    ``?pdf=1`` that view as a PDF (WeasyPrint)."""
    expl = _explanation(run, org)
    ranks = list(run.units.order_by("position").values_list("rank", flat=True))
    q = request.GET.copy()
    q.pop("print", None)
    q.pop("pdf", None)
    here = request.path + (f"?{q.urlencode()}&" if q else "?")
    ctx.update(print_url=here + "print=1", pdf_url=here + "pdf=1")
    if request.GET.get("pdf"):
        ctx["page"] = explanation_page(expl, None, print_all=True, ranks=ranks)
        html = render_to_string("kaoping/results/explain_print.html", {**ctx, "pdf": True},
                                request=request)
        name = f"得分说明-{ctx['unit'].name}-{ctx['period'].label}.pdf"
        return HttpResponse(explanation_pdf(html, request.build_absolute_uri("/")),
                            content_type="application/pdf",
                            headers={"Content-Disposition": content_disposition_header(
                                False, name)})
    if request.GET.get("print"):
        ctx["page"] = explanation_page(expl, record_url, print_all=True, ranks=ranks)
        return render(request, "kaoping/results/explain_print.html", ctx)
    ctx["page"] = explanation_page(expl, record_url, ranks=ranks)
    return render(request, "kaoping/results/explain.html", ctx)


def _explanation(run: ScoringRun, organisation: Organisation) -> dict:
    row = UnitResult.objects.filter(run=run, unit=organisation).first()
    if row is None:
        raise Http404
    return results.explanation(run, row)


# ------------------------------------------------------------------ index


@login_required
def index(request):
    """Every assessment the user may read, with its periods and their published revisions."""
    user = request.user
    assessments = [a for a in Assessment.objects.select_related("organisation")
                   if can_read_assessment(user, a)]
    rows = []
    for a in assessments:
        periods = list(a.periods.prefetch_related("publications"))
        rows.append({"assessment": a, "periods": periods, "assessor": can_assess(user, a)})
    return render(request, "kaoping/results/index.html", {"rows": rows})


# ------------------------------------------------------------------ scoring (assessors)


@login_required
def scoring(request, assessment_id: int, *, error: str = "", status: int = 200):
    assessment = access_assessment(request.user, assessment_id, assess=True)
    runs = assessment.scoring_runs.select_related("period", "by")[:50]
    return render(request, "kaoping/results/scoring.html", {
        "assessment": assessment, "periods": assessment.periods.all(), "runs": runs,
        "error": error}, status=status)


@require_POST
@login_required
def run_scoring(request, assessment_id: int):
    assessment = access_assessment(request.user, assessment_id, assess=True)
    try:
        period = assessment.periods.get(pk=int(request.POST.get("period", "")))
    except (ValueError, Period.DoesNotExist):
        return scoring(request, assessment_id, error="请选择考核期", status=400)
    try:
        run = do_run_scoring(request.user, period)
    except ActionError as exc:
        return scoring(request, assessment_id, error=exc.message, status=400)
    if run.active:
        messages.info(request, f"{period.label} 已开始在后台评分")
    elif run.ok:
        messages.success(request, f"{period.label} 评分完成")
    elif run.state == ScoringRun.State.INVALID:
        messages.error(request, f"{period.label} 的数据有 {len(run.problems)} 个问题，未能评分")
    else:
        messages.error(request, f"{period.label} 评分失败")
    return redirect("scoring_run", run.pk)


def _run_page(request, run: ScoringRun, *, error: str = "", status: int = 200):
    a = run.assessment
    period = run.period
    if run.active and reap_stale_runs(period):
        run.refresh_from_db()
    if request.headers.get("HX-Request"):  # the progress bar polling
        if run.active:
            return render(request, "kaoping/results/_progress.html", {"run": run})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # finished: show the whole page with the result
        return response
    publications = list(period.publications.all())
    ctx = {"assessment": a, "run": run, "period": period, "publications": publications,
           "published_here": [p for p in publications if p.scoring_run_id == run.pk],
           "error": error, "problems": _problems(run), "unpublishable": unscored_refusal(run)}
    if run.ok and not publications:
        ctx["open"] = open_items(period)
    if run.ok:
        page, query = _page(request, run)
        ctx["page"], ctx["query"] = page, query
        ctx["labels"], ctx["rows"] = ranking_rows(
            run, page, explain_url=lambda org: reverse("scoring_explain", args=[run.pk, org]))
    return render(request, "kaoping/results/run.html", ctx, status=status)


@login_required
def run_detail(request, run_id: int):
    return _run_page(request, access_scoring_run(request.user, run_id))


@login_required
def run_explain(request, run_id: int, organisation_id: int):
    run = access_scoring_run(request.user, run_id)
    if not run.ok:
        raise Http404
    org = get_object_or_404(Organisation, pk=organisation_id,
                            assessed_in__assessment=run.assessment)
    return _explain_response(request, run, org, _record_link("verify_record"), {
        "assessment": run.assessment, "period": run.period, "run": run, "unit": org,
        "back": reverse("scoring_run", args=[run.pk])})


def _confirmed_counts(post) -> tuple[int, int, int] | None:
    """The open-item counts the assessor saw and ticked on the publish form, if ticked."""
    if not post.get("confirm_open"):
        return None
    try:
        return tuple(int(post.get(f"open_{k}", "")) for k in ("unchecked", "returned", "silent"))
    except ValueError:
        return None


@require_POST
@login_required
def publish(request, run_id: int):
    run = access_scoring_run(request.user, run_id)
    period = run.period
    reason = request.POST.get("reason", "")
    try:
        if period.publications.exists():
            pub = do_publish_revision(request.user, period, run, reason)
        else:
            pub = do_publish(request.user, run, confirmed=_confirmed_counts(request.POST))
    except ActionError as exc:
        messages.error(request, exc.message)
        return _run_page(request, run, error=exc.message, status=400)
    messages.success(request, f"{period.label} 结果已公示（第 {pub.revision} 版）")
    return redirect(f"{reverse('period_results', args=[period.pk])}?revision={pub.revision}")


# ------------------------------------------------------------------ published results


def _publication(period: Period, revision: str | None) -> tuple[Publication, list[Publication]]:
    revisions = list(period.publications.select_related("by"))
    if not revisions:
        raise Http404
    chosen = revisions[-1]
    if revision:
        chosen = next((p for p in revisions if str(p.revision) == revision), None)
        if chosen is None:
            raise Http404
    return chosen, revisions


@login_required
def period_results(request, period_id: int):
    user = request.user
    period = access_period(user, period_id)
    a = period.assessment
    pub, revisions = _publication(period, request.GET.get("revision"))
    run = pub.scoring_run
    staff = can_assess(user, a)
    page, query = _page(request, run)
    visible_orgs = visible_organisations(user)
    on_page = {r.unit_id for r in page if r.unit_id}
    visible = set(visible_orgs.filter(pk__in=on_page).values_list("pk", flat=True))
    def explain(org: int) -> str:
        return reverse("result_explain", args=[period.pk, org]) + f"?revision={pub.revision}"

    visible_names = {r.name for r in page if r.unit_id in visible}
    labels, rows = ranking_rows(run, page, explain_url=explain,
                                flags_for=lambda unit: staff or unit in visible_names)
    for row in rows:  # links only to the explanations this user may read
        if row["org"] not in visible:
            row["url"] = None
        row["own"] = row["org"] in visible and not staff
    own_rows = []
    if not staff:  # the user's own units, wherever they stand in the ranking
        own = (UnitResult.objects.filter(run=run, unit__in=visible_orgs)
               .order_by("position")[:PAGE_SIZE])
        _, own_rows = ranking_rows(run, own, explain_url=explain)
    return render(request, "kaoping/results/published.html", {
        "assessment": a, "period": period, "pub": pub, "revisions": revisions,
        "labels": labels, "rows": rows, "staff": staff, "page": page, "query": query,
        "own_rows": own_rows,
        "appeals": visible_appeals(user, period), "window": appeal_window(user, period, pub)})


@login_required
def result_explain(request, period_id: int, organisation_id: int):
    user = request.user
    period = access_period(user, period_id)
    a = period.assessment
    org = get_object_or_404(Organisation, pk=organisation_id, assessed_in__assessment=a)
    if not can_read_unit_result(user, a, org):
        raise Http404
    pub, revisions = _publication(period, request.GET.get("revision"))
    return _explain_response(request, pub.scoring_run, org,
                             _record_link("record_history"), {
        "assessment": a, "period": period, "pub": pub, "revisions": revisions, "unit": org,
        "back": f"{reverse('period_results', args=[period.pk])}?revision={pub.revision}",
        "history": reverse("unit_history", args=[org.pk]),
        "appeals": unit_appeals(period, org)})


# ------------------------------------------------------------------ public page (no login)


def public_index(request):
    pubs = (Publication.objects.filter(assessment__public_results=True)
            .select_related("assessment__organisation", "period")
            .order_by("-assessment__year", "assessment__name", "period__number", "revision"))
    periods: dict[int, dict] = {}
    for p in pubs:
        entry = periods.setdefault(p.period_id, {"period": p.period, "assessment": p.assessment,
                                                 "revisions": []})
        entry["revisions"].append(p)
    return render(request, "kaoping/results/public_index.html", {"periods": periods.values()})


def public_results(request, period_id: int):
    period = get_object_or_404(Period.objects.select_related("assessment__organisation"),
                               pk=period_id, assessment__public_results=True)
    pub, revisions = _publication(period, request.GET.get("revision"))
    page, query = _page(request, pub.scoring_run)
    labels, rows = ranking_rows(pub.scoring_run, page, flags_for=lambda u: False)
    for row in rows:  # nothing that points inside the application
        row["org"] = None
    return render(request, "kaoping/results/public.html", {
        "assessment": period.assessment, "period": period, "pub": pub, "revisions": revisions,
        "labels": labels, "rows": rows, "page": page, "query": query})


urlpatterns = [
    path("results/", index, name="results_index"),
    path("assessments/<int:assessment_id>/scoring/", scoring, name="scoring"),
    path("assessments/<int:assessment_id>/scoring/run/", run_scoring, name="scoring_run_new"),
    path("scoring/<int:run_id>/", run_detail, name="scoring_run"),
    path("scoring/<int:run_id>/units/<int:organisation_id>/", run_explain,
         name="scoring_explain"),
    path("scoring/<int:run_id>/publish/", publish, name="scoring_publish"),
    path("periods/<int:period_id>/results/", period_results, name="period_results"),
    path("periods/<int:period_id>/results/units/<int:organisation_id>/", result_explain,
         name="result_explain"),
    path("public/", public_index, name="public_index"),
    path("public/periods/<int:period_id>/", public_results, name="public_results"),
]
