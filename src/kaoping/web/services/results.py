"""A scoring run's results as rows, and one unit's explanation built when it is asked for.

``unit_rows(run, result)`` turns the engine's ``Result`` into the run's ``UnitResult`` rows
(unsaved; the scoring action writes them in the transaction that marks the run done).
``explanation(run, row)`` gives the explanation document of one unit
(``Explanation.to_dict``): built from the run's snapshot (``engine.snapshot``) — the
result restored once per run and process, then kept for the next few requests — or, for a
run carried over from before snapshots (migration 0009), the explanation it kept.
``document(run)`` is the run's results document (``Result.to_dict`` without explanations)
read back from the rows, for a later year's history.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from ...engine import Result, explain
from ..models import AssessedUnit, ScoringRun, ScoringSnapshot, UnitResult

#: restored results kept per process (each holds a run's records: a county's is ~100 MB)
CACHE_SIZE = 2
_cache: OrderedDict[tuple, Result] = OrderedDict()
_lock = threading.Lock()


def header(result: Result) -> dict:
    """The head of ``Result.to_dict``: everything but the units."""
    spec = result.scheme.model.result
    return {"scheme": result.scheme.id, "scheme_name": result.scheme.name, "year": result.year,
            "rounding": result.scheme.model.rounding.places,
            "columns": {"components": [result.label(n) for n in spec.show],
                        "apart": [result.label(n) for n in spec.apart]}}


def unit_rows(run: ScoringRun, result: Result) -> list[UnitResult]:
    """One unsaved row per unit, in ranking order, as ``Result.to_dict`` has them."""
    orgs = dict(AssessedUnit.objects.filter(assessment=run.assessment_id)
                .values_list("organisation__name", "organisation_id"))
    rows = []
    for position, u in enumerate(result.to_dict()["units"]):
        rows.append(UnitResult(
            run=run, position=position, unit_id=orgs.get(u["unit"]), name=u["unit"],
            unit_class=u["class"] or "", group=u["group"] or "", score=u["score"],
            score_exact=u["score_exact"], rank=u["rank"], rank_in_class=u["rank_in_class"],
            rank_in_group=u["rank_in_group"], bottom=u["bottom"], grade=u["grade"] or "",
            flags=u["flags"], components=list(u["components"].values()),
            apart=list(u["apart"].values())))
    return rows


def restored(run: ScoringRun) -> Result:
    """The run's result restored from its snapshot (kept for the next requests)."""
    key = (run.pk, run.finished_at)  # a run id alone may come back after a rollback
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    blob = ScoringSnapshot.objects.filter(run=run.pk).values_list("data", flat=True).get()
    result = Result.restore(run.assessment.scheme, bytes(blob))
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def explanation(run: ScoringRun, row: UnitResult) -> dict:
    """The explanation document (``Explanation.to_dict``) of ``row``'s unit in ``run``."""
    if row.explanation is not None:  # carried over from a run stored as one document
        return row.explanation
    return explain(restored(run), row.name).to_dict()


def document(run: ScoringRun) -> dict:
    """The results document (``Result.to_dict()``: no explanations) from the rows."""
    components, apart = run.components, run.apart
    return {**run.header, "units": [r.to_dict(components, apart) for r in run.units.all()]}


__all__ = ["CACHE_SIZE", "document", "explanation", "header", "restored",
           "unit_rows"]
