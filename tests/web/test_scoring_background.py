"""Scoring in the background (issue 8, point 4): a run is queued and carried out by a
worker (django-tasks); the page shows its progress; a run that fails midway leaves nothing
half-written; two scorings of one period never run at once; a worker that dies leaves its
run marked failed and the period free.

Scheme A over 一支部 and 二支部, one 时间任务 each in January (item 3, due 2026-01-15):
一支部 on time (1.0), 二支部 three days late (1 − 0.1 × 3 = 0.7), so 一支部 ranks first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from helpers import run_scores
from kaoping.web.actions import scoring as scoring_actions
from kaoping.web.actions.base import ActionError
from kaoping.web.actions.scoring import do_publish, do_run_scoring
from kaoping.web.models import AuditEntry, ScoringRun, ScoringSnapshot, UnitResult

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def w(scheme_a_assessment):
    w = scheme_a_assessment
    w.time_task(w.world.b1, "2026-01-15")
    w.time_task(w.world.b2, "2026-01-18")
    return w


def test_a_run_keeps_one_row_per_unit_and_its_snapshot(w):
    run = do_run_scoring(w.world.bob, w.jan)
    assert (run.state, run.progress, run.unit_count) == (ScoringRun.State.DONE, 100, 2)
    assert run_scores(run) == {"一支部": 1.0, "二支部": 0.7}
    assert [r.rank for r in run.units.all()] == [1, 2]
    assert ScoringSnapshot.objects.filter(run=run).exists()
    assert AuditEntry.objects.get(action="scoring.run").after["units"] == 2


def test_a_task_failing_midway_leaves_nothing_half_written(w, monkeypatch):
    """The rows and the snapshot are written, then the audit row fails: all of it goes."""
    def broken_audit(*args, **kwargs):
        assert UnitResult.objects.count() == 2  # the rows were written …
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(scoring_actions, "audit", broken_audit)
    run = do_run_scoring(w.world.bob, w.jan)
    run.refresh_from_db()
    assert run.state == ScoringRun.State.FAILED and "磁盘已满" in run.error
    assert not UnitResult.objects.exists()  # … and rolled back with everything else
    assert not ScoringSnapshot.objects.exists()
    assert not AuditEntry.objects.filter(action="scoring.run").exists()
    with pytest.raises(ActionError, match="没有完成"):
        do_publish(w.world.bob, run)
    monkeypatch.undo()
    assert do_run_scoring(w.world.bob, w.jan).ok  # the period is free again


def test_the_failed_run_says_so_on_its_page(w, monkeypatch, login):
    monkeypatch.setattr(scoring_actions, "audit", lambda *a, **k: 1 / 0)
    run = do_run_scoring(w.world.bob, w.jan)
    html = login(w.world.bob).get(reverse("scoring_run", args=[run.pk])).content.decode()
    assert "评分失败" in html and "没有保存任何结果" in html


def test_two_scorings_of_one_period_never_run_at_once(w):
    running = ScoringRun.objects.create(assessment=w.a, period=w.jan, by=w.world.bob,
                                        state=ScoringRun.State.RUNNING,
                                        heartbeat_at=timezone.now())
    with pytest.raises(ActionError, match="正在评分"):
        do_run_scoring(w.world.bob, w.jan)
    # the database itself refuses a second active run of the period, whoever asks
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoringRun.objects.create(assessment=w.a, period=w.jan, by=w.world.bob)
    assert do_run_scoring(w.world.bob, w.feb).ok  # another period is not held up
    running.state = ScoringRun.State.DONE
    running.save()
    assert do_run_scoring(w.world.bob, w.jan).ok


def test_a_worker_that_died_leaves_its_run_failed_and_the_period_free(w, settings):
    settings.SCORING_STALE_SECONDS = 60
    dead = ScoringRun.objects.create(
        assessment=w.a, period=w.jan, by=w.world.bob, state=ScoringRun.State.RUNNING,
        progress=60, heartbeat_at=timezone.now() - timedelta(seconds=61))
    run = do_run_scoring(w.world.bob, w.jan)
    dead.refresh_from_db()
    assert dead.state == ScoringRun.State.FAILED and "中断" in dead.error
    assert not dead.units.exists()
    assert run.ok


def test_a_run_claimed_twice_is_carried_out_once(w):
    run = do_run_scoring(w.world.bob, w.jan)
    assert scoring_actions.carry_out_scoring(run.pk) == ScoringRun.State.DONE
    assert UnitResult.objects.filter(run=run).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_queues_and_a_worker_carries_out(w, login):
    with override_settings(TASKS=DATABASE_BACKEND):
        run = do_run_scoring(w.world.bob, w.jan)
        assert run.state == ScoringRun.State.QUEUED and run.task_id
        client = login(w.world.bob)
        page = client.get(reverse("scoring_run", args=[run.pk])).content.decode()
        assert "<progress" in page and "排队中" in page
        with pytest.raises(ActionError, match="正在评分"):
            do_run_scoring(w.world.bob, w.jan)
        # the polling of the progress bar: the bar while it waits
        poll = client.get(reverse("scoring_run", args=[run.pk]), HTTP_HX_REQUEST="true")
        assert poll.status_code == 200 and b"<progress" in poll.content

        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

        run.refresh_from_db()
        assert run.state == ScoringRun.State.DONE and run_scores(run) == {"一支部": 1.0,
                                                                          "二支部": 0.7}
        from django_tasks_db.models import DBTaskResult

        assert DBTaskResult.objects.get(id=run.task_id).status == "SUCCESSFUL"
        # finished: the poll asks the page to reload, which shows the ranking
        poll = client.get(reverse("scoring_run", args=[run.pk]), HTTP_HX_REQUEST="true")
        assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
        page = client.get(reverse("scoring_run", args=[run.pk])).content.decode()
        assert "一支部" in page and "0.70" in page and "<progress" not in page
