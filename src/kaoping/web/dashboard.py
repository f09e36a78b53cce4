"""The leaders' dashboard (领导看板): published results of an assessment, as chart data.

Only published results are shown: for each published period its latest revision (a
correction after publication replaces the earlier revision here; both stay readable on the
publication pages). The numbers are the published runs' rows (``UnitResult``: score,
rank, grade, components, flags), read as plain values. Nothing is recomputed.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Min

from ..engine.explain import period_label
from .models import Assessment, Period, Publication, UnitResult

NO_GRADE = "未定等次"


#: units of the latest ranking on one page of the dashboard (their trends are drawn)
PAGE_SIZE = 50


def latest_revisions(assessment: Assessment) -> list[dict]:
    """Per published period, its latest revision: period number, revision, time, the run
    and its header (the rows stay in the database until a page asks for some)."""
    pubs = (Publication.objects.filter(assessment=assessment)
            .order_by("period__number", "revision")
            .values("period__number", "revision", "at", "scoring_run", "scoring_run__header"))
    latest: dict[int, dict] = {}
    for row in pubs:  # later revisions of a period replace earlier ones
        latest[row["period__number"]] = row
    revisions = [latest[n] for n in sorted(latest)]
    for r in revisions:
        header = r["scoring_run__header"] or {}
        r["rounding"] = header.get("rounding")
        r["columns"] = header.get("columns") or {}
    return revisions


def _profile(run_id: int, n: int) -> dict:
    """Per component, the mean of the units that have a value and the largest value, over
    every unit of the run (one pass over one column of its rows)."""
    total, count, top = [0.0] * n, [0] * n, [0.0] * n
    for values in UnitResult.objects.filter(run=run_id).values_list("components", flat=True):
        for k, v in enumerate(values[:n]):
            if v is not None:
                total[k] += v
                count[k] += 1
                top[k] = max(top[k], v)
    return {"mean": [total[k] / count[k] if count[k] else None for k in range(n)],
            "max": [t if t > 0 else 1 for t in top]}


def grade_order(assessment: Assessment) -> list[str]:
    """The scheme's grades, best first (bands, or by position; then caps and forced ones)."""
    g = assessment.scheme.model.result.grade
    if g is None:
        return []
    names = []
    if g.bands:
        names += [b.grade for b in g.bands]
    if g.by_position:
        bp = g.by_position
        names += [bp.top.grade, bp.otherwise] + ([bp.bottom.grade] if bp.bottom else [])
    names += [c.at for c in g.caps] + [f.grade for f in g.force]
    return list(dict.fromkeys(names))


def dashboard_data(assessment: Assessment, page: str | int | None = None) -> dict:
    """Everything the dashboard draws, JSON-ready: one page of the latest ranking (and the
    trends of its units); the grade counts and the component means over all units are
    counted by the database / in one pass, never by loading every unit's document."""
    revisions = latest_revisions(assessment)
    labels = {p.number: period_label(assessment.cycle, p.number - 1) or f"{assessment.year}年度"
              for p in Period.objects.filter(assessment=assessment)}
    data = {
        "assessment": {"id": assessment.pk, "name": assessment.name, "year": assessment.year,
                       "scheme": assessment.scheme_name},
        "periods": [{"number": r["period__number"], "label": labels.get(r["period__number"], ""),
                     "revision": r["revision"], "at": r["at"].isoformat()} for r in revisions],
        "rounding": 2, "latest": None, "units": [],
        "trend": {"periods": [], "score": {}, "rank": {}},
        "components": {"names": []},
        "grades": None,
        "page": None,
        "profile": None,
    }
    if not revisions:
        return data
    last = revisions[-1]
    latest_run = last["scoring_run"]
    if last["rounding"] is not None:
        data["rounding"] = last["rounding"]
    comp_names: list[str] = list(last["columns"].get("components") or [])
    data["components"] = {"names": comp_names}
    rows = (UnitResult.objects.filter(run=latest_run).order_by("position")
            .values("name", "score", "rank", "grade", "flags", "components"))
    one_page = Paginator(rows, PAGE_SIZE).get_page(page)
    data["page"] = {"number": one_page.number, "pages": one_page.paginator.num_pages,
                    "count": one_page.paginator.count}
    data["latest"] = {
        "period": labels.get(last["period__number"], ""), "number": last["period__number"],
        "revision": last["revision"],
        # components as a list in the order of data["components"]["names"]
        "units": [{"unit": u["name"], "score": u["score"], "rank": u["rank"],
                   "grade": u["grade"] or None, "flags": u["flags"] or [],
                   "components": list(u["components"][:len(comp_names)])
                   + [None] * (len(comp_names) - len(u["components"]))}
                  for u in one_page],
    }
    data["profile"] = _profile(latest_run, len(comp_names))

    # the page's units in the latest ranking's order; on the last page, then any unit seen
    # only in earlier periods
    names = [u["unit"] for u in data["latest"]["units"]]
    runs = [r["scoring_run"] for r in revisions]
    if not one_page.has_next():
        in_latest = UnitResult.objects.filter(run=latest_run).values("name")
        earlier = (UnitResult.objects.filter(run__in=runs[:-1]).exclude(name__in=in_latest)
                   .order_by("run__period__number", "position").values_list("name", flat=True))
        names += [n for n in dict.fromkeys(earlier) if n not in names]
    data["units"] = names

    trend = data["trend"]
    trend["periods"] = [labels.get(r["period__number"], "") for r in revisions]
    seen: dict[tuple[int, str], tuple] = {
        (u[0], u[1]): u[2:] for u in UnitResult.objects.filter(run__in=runs, name__in=names)
        .values_list("run", "name", "score", "rank")}
    trend["score"] = {n: [seen.get((run, n), (None, None))[0] for run in runs] for n in names}
    # rank None or 0: not ranked
    trend["rank"] = {n: [seen.get((run, n), (None, None))[1] or None for run in runs]
                     for n in names}

    order = grade_order(assessment)
    # per grade: how many units, and where the first of them stands (for the order of
    # grades the scheme does not list)
    by_grade = (UnitResult.objects.filter(run=latest_run).values("grade")
                .annotate(n=Count("pk"), first=Min("position")).order_by("first"))
    counts = {(g["grade"] or NO_GRADE): g["n"] for g in by_grade}
    if order or any(g != NO_GRADE for g in counts):
        grade_names = order + [g for g in counts if g not in order]
        data["grades"] = {"names": grade_names,
                          "counts": [counts.get(g, 0) for g in grade_names]}
    return data
