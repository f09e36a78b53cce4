"""Results in tables (issue 8, point 3): a scoring run keeps one row per unit and the
engine's snapshot; a unit's explanation is built from the snapshot when its page is asked
for, and equals the explanation the engine gives eagerly — for every unit of every bundled
example (schemes/examples/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse

from kaoping.cli import load_history
from kaoping.engine import evaluate, explain, load_scheme
from kaoping.io import read_input
from kaoping.web.actions.orgs import do_create_organisation
from kaoping.web.actions.scoring import _store
from kaoping.web.models import AssessedUnit, Assessment, Period, ScoringRun, ScoringSnapshot
from kaoping.web.services import results
from kaoping.web.services.explanation import explanation_page
from kaoping.web.services.scoring import Outcome

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "schemes" / "examples").glob("*.json")
                  if ".history-" not in p.name)


def _eager(example: Path):
    scheme = load_scheme(ROOT / "schemes" / f"{example.stem}.yaml")
    data = read_input(scheme, example)
    history = sorted(example.parent.glob(f"{example.stem}.history-*.json"))
    return evaluate(scheme, data, history=load_history(history, scheme, data.year))


def _stored(world, example: Path, eager):
    """An assessment of the example's units (under 机关党委, so bob assesses it) and a run
    stored from ``eager`` the way the background task stores it."""
    path = ROOT / "schemes" / f"{example.stem}.yaml"
    parent = do_create_organisation(None, name=f"示例 {example.stem}", parent=world.organ)
    a = Assessment.objects.create(
        name=f"示例 {example.stem}", organisation=world.organ, scheme_id=eager.scheme.id,
        scheme_name=eager.scheme.name, scheme_source=path.read_text(encoding="utf-8"),
        scheme_file=path.name, year=eager.year, cycle="year", created_by=world.bob)
    orgs = {}
    for name in eager.units:
        orgs[name] = do_create_organisation(None, name=name, parent=parent)
        AssessedUnit.objects.create(assessment=a, organisation=orgs[name])
    period = Period.objects.create(assessment=a, number=1, deadline="2026-12-25")
    run = ScoringRun.objects.create(assessment=a, period=period, by=world.bob,
                                    state=ScoringRun.State.RUNNING)
    _store(run, Outcome(eager))
    run.refresh_from_db()
    return run, orgs


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_unit_explained_on_demand_as_eagerly(world, login, example):
    eager = _eager(example)
    run, orgs = _stored(world, example, eager)
    assert run.ok and run.unit_count == len(eager.units)
    # the rows are the results document's units, in its order (a scheme with an appeal
    # register lists each unit's appeals there too: the web keeps those as Appeal rows)
    expected = json.loads(json.dumps(eager.to_dict()))
    for u in expected["units"]:
        u.pop("appeals", None)
    assert results.document(run) == expected
    client = login(world.bob)
    for name in eager.units:
        results._cache.clear()  # restored from the stored bytes, not from memory
        row = run.units.get(name=name)
        on_demand = results.explanation(run, row)
        assert on_demand == explain(eager, name).to_dict(), name
        page = client.get(reverse("scoring_explain", args=[run.pk, orgs[name].pk]))
        assert page.status_code == 200
        # the page is drawn from the same document the engine gives eagerly
        assert page.context["page"] == explanation_page(
            explain(eager, name).to_dict(), lambda pk: reverse("verify_record", args=[pk]),
            ranks=[u["rank"] for u in eager.to_dict()["units"]])


def test_a_run_keeps_rows_and_a_small_snapshot_not_a_document(world):
    """What a run adds to the database: scheme A's example (8 branches) keeps 8 rows and
    one snapshot, smaller than the explanations document it replaces."""
    example = ROOT / "schemes" / "examples" / "a-linyi-branches.json"
    eager = _eager(example)
    run, _ = _stored(world, example, eager)
    assert run.units.count() == len(eager.units) == 8
    blob = bytes(ScoringSnapshot.objects.get(run=run).data)
    document = json.dumps(eager.to_dict(explanations=True), ensure_ascii=False).encode()
    assert len(blob) < len(document) / 2
    assert [r.position for r in run.units.all()] == list(range(8))
