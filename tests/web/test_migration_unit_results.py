"""Migration 0009 carries every scoring run stored as one document (``ScoringRun.result``:
``Result.to_dict(explanations=True)``) over into one row per unit; the publications keep
pointing at the same runs, and each unit's explanation stays readable. And back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kaoping.engine import evaluate, explain, load_scheme
from kaoping.io import read_input

ROOT = Path(__file__).resolve().parents[2]
BEFORE = [("web", "0008_ledger")]
AFTER = [("web", "0009_unit_results")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_runs_stored_as_documents_become_rows():
    scheme_path = ROOT / "schemes" / "a-linyi-branches.yaml"
    scheme = load_scheme(scheme_path)
    result = evaluate(scheme, read_input(scheme, ROOT / "schemes/examples/a-linyi-branches.json"))
    document = json.loads(json.dumps(result.to_dict(explanations=True), ensure_ascii=False))
    try:
        apps = _migrate(BEFORE)
        Organisation = apps.get_model("web", "Organisation")
        User = apps.get_model("auth", "User")
        bob = User.objects.create(username="bob-migration")
        top = Organisation.objects.create(name="迁移机关党委", path="/x/")
        units = {n: Organisation.objects.create(name=n, parent=top, path=f"/x/{i}/")
                 for i, n in enumerate(result.units)}
        a = apps.get_model("web", "Assessment").objects.create(
            name="迁移", organisation=top, scheme_id="A", scheme_name=scheme.name,
            scheme_source=scheme_path.read_text(encoding="utf-8"),
            scheme_file=scheme_path.name, year=2026, created_by=bob)
        for org in units.values():
            apps.get_model("web", "AssessedUnit").objects.create(assessment=a, organisation=org)
        period = apps.get_model("web", "Period").objects.create(
            assessment=a, number=1, deadline="2026-01-25")
        Run = apps.get_model("web", "ScoringRun")
        good = Run.objects.create(assessment=a, period=period, by=bob, result=document)
        bad = Run.objects.create(assessment=a, period=period, by=bob, result=None,
                                 problems=["记录#1 · 一支部 · 时间任务（完成日期）: 不是日期"])
        apps.get_model("web", "Publication").objects.create(
            assessment=a, period=period, revision=1, scoring_run=good, by=bob)

        apps = _migrate(AFTER)
        Run = apps.get_model("web", "ScoringRun")
        good, bad = Run.objects.get(pk=good.pk), Run.objects.get(pk=bad.pk)
        assert (good.state, bad.state) == ("done", "invalid")
        assert bad.problems == ["记录#1 · 一支部 · 时间任务（完成日期）: 不是日期"]
        assert good.unit_count == 8 and good.header["columns"] == document["columns"]
        rows = list(apps.get_model("web", "UnitResult").objects.filter(run=good)
                    .order_by("position"))
        assert [r.name for r in rows] == [u["unit"] for u in document["units"]]
        first = document["units"][0]
        assert (rows[0].score, rows[0].rank, rows[0].flags) == (first["score"], first["rank"],
                                                               first["flags"])
        assert rows[0].components == list(first["components"].values())
        assert all(r.unit_id == units[r.name].pk for r in rows)
        # the explanation each unit had, still there, equal to the engine's
        assert rows[1].explanation == json.loads(json.dumps(
            explain(result, rows[1].name).to_dict(), ensure_ascii=False))
        pub = apps.get_model("web", "Publication").objects.get()
        assert pub.scoring_run_id == good.pk

        apps = _migrate(BEFORE)  # and back: the document again
        back = apps.get_model("web", "ScoringRun").objects.get(pk=good.pk)
        assert back.result["units"] == document["units"]
        assert back.result["explanations"] == document["explanations"]
        assert apps.get_model("web", "ScoringRun").objects.get(pk=bad.pk).result is None
    finally:  # the latest state again, for the other tests
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())
