"""The leaders' dashboard (领导看板): published results of an assessment, as chart data.

Only published results are shown: for each published period its latest revision (a
correction after publication replaces the earlier revision here; both stay readable on the
publication pages). The numbers are the engine's result documents (``Result.to_dict``)
frozen in ``Publication.scoring_run.result``: ``units[].score``, ``rank``, ``grade``,
``components`` and ``flags``. Nothing is recomputed.
"""

from __future__ import annotations

from ..engine.explain import period_label
from .models import Assessment, Period, Publication

NO_GRADE = "未定等次"


def latest_revisions(assessment: Assessment) -> list[dict]:
    """Per published period, its latest revision: period number, revision, time and the
    result's units (the explanations are left in the database)."""
    rows = (Publication.objects.filter(assessment=assessment)
            .order_by("period__number", "revision")
            .values("period__number", "revision", "at", "scoring_run__result__units",
                    "scoring_run__result__rounding", "scoring_run__result__columns"))
    latest: dict[int, dict] = {}
    for row in rows:  # later revisions of a period replace earlier ones
        latest[row["period__number"]] = row
    return [latest[n] for n in sorted(latest)]


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


def dashboard_data(assessment: Assessment) -> dict:
    """Everything the dashboard draws, JSON-ready."""
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
    }
    if not revisions:
        return data
    last = revisions[-1]
    latest_units = last["scoring_run__result__units"] or []
    if last["scoring_run__result__rounding"] is not None:
        data["rounding"] = last["scoring_run__result__rounding"]
    comp_names: list[str] = list((last.get("scoring_run__result__columns") or {}).get("components") or [])
    for u in latest_units:
        for k in u.get("components") or {}:
            if k not in comp_names:
                comp_names.append(k)
    data["components"] = {"names": comp_names}
    data["latest"] = {
        "period": labels.get(last["period__number"], ""), "number": last["period__number"],
        "revision": last["revision"],
        # components as a list in the order of data["components"]["names"]
        "units": [{"unit": u["unit"], "score": u.get("score"), "rank": u.get("rank"),
                   "grade": u.get("grade"), "flags": u.get("flags") or [],
                   "components": [(u.get("components") or {}).get(k) for k in comp_names]}
                  for u in latest_units],
    }

    # units in the latest ranking's order, then any unit seen only in earlier periods
    names = [u["unit"] for u in latest_units]
    for r in revisions:
        for u in r["scoring_run__result__units"] or []:
            if u["unit"] not in names:
                names.append(u["unit"])
    data["units"] = names

    trend = data["trend"]
    trend["periods"] = [labels.get(r["period__number"], "") for r in revisions]
    trend["score"] = {n: [] for n in names}
    trend["rank"] = {n: [] for n in names}
    for r in revisions:
        by_unit = {u["unit"]: u for u in r["scoring_run__result__units"] or []}
        for n in names:
            u = by_unit.get(n, {})
            trend["score"][n].append(u.get("score"))
            trend["rank"][n].append(u.get("rank") or None)  # 0: not ranked

    order = grade_order(assessment)
    seen = [u.get("grade") or NO_GRADE for u in latest_units]
    if order or any(g != NO_GRADE for g in seen):
        grade_names = order + [g for g in dict.fromkeys(seen) if g not in order]
        data["grades"] = {"names": grade_names,
                          "counts": [seen.count(g) for g in grade_names]}
    return data
