"""Shared test helpers: the bundled schemes and a quick way to build a dataset from rows.

Import as ``from helpers import …`` (a conftest module cannot be imported by name: there
are several)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kaoping.engine import Dataset, Scheme, load_scheme
from kaoping.io.jsonfile import dataset_from_document

ROOT = Path(__file__).resolve().parents[1]
SCHEMES = ROOT / "schemes"
EXAMPLES = SCHEMES / "examples"


@cache
def bundled(stem: str) -> Scheme:
    """A bundled scheme by file stem, e.g. ``bundled("a-linyi-branches")``."""
    return load_scheme(SCHEMES / f"{stem}.yaml")


def dataset(scheme: Scheme, units: list, records: dict, year: int = 2026) -> Dataset:
    """A dataset from plain rows; record kinds not given are empty. Units may be names."""
    units = [u if isinstance(u, dict) else {"单位": u} for u in units]
    all_records = {kind: [] for kind in scheme.records}
    all_records.update(records)
    doc = {"year": year, "units": units, "records": all_records}
    return dataset_from_document(scheme, doc, None, "test")



def stored_run(assessment, period, by, document: dict):
    """A finished scoring run stored from a hand-written results document (the shape
    ``Result.to_dict`` writes): its head and one ``UnitResult`` row per unit, in order."""
    from kaoping.web.models import AssessedUnit, ScoringRun, UnitResult

    units = document.get("units", [])
    columns = document.get("columns") or {
        "components": list(units[0].get("components", {})) if units else [],
        "apart": list(units[0].get("apart", {})) if units else []}
    header = {k: v for k, v in document.items() if k not in ("units", "explanations")}
    header["columns"] = columns
    run = ScoringRun.objects.create(assessment=assessment, period=period, by=by,
                                    state=ScoringRun.State.DONE, header=header,
                                    unit_count=len(units), progress=100)
    orgs = dict(AssessedUnit.objects.filter(assessment=assessment)
                .values_list("organisation__name", "organisation_id"))
    UnitResult.objects.bulk_create([UnitResult(
        run=run, position=i, unit_id=orgs.get(u["unit"]), name=u["unit"],
        unit_class=u.get("class") or "", group=u.get("group") or "", score=u.get("score"),
        score_exact=u.get("score_exact", u.get("score")), rank=u.get("rank") or None,
        rank_in_class=u.get("rank_in_class"), rank_in_group=u.get("rank_in_group"),
        bottom=u.get("bottom"), grade=u.get("grade") or "", flags=list(u.get("flags", [])),
        components=[u.get("components", {}).get(k) for k in columns["components"]],
        apart=[u.get("apart", {}).get(k) for k in columns.get("apart", [])],
        explanation=(document.get("explanations") or {}).get(u["unit"]))
        for i, u in enumerate(units)])
    return run


def run_scores(run) -> dict[str, float]:
    """Unit name → rounded score of a stored run (or of a publication's run)."""
    run = getattr(run, "scoring_run", run)
    return dict(run.units.order_by("position").values_list("name", "score"))
