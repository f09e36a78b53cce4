"""Scoring runs and publication (公示).

Scoring runs in the background (django-tasks; ``tasks.score_run``):

* ``do_run_scoring`` (an assessor, in the request) queues a run for a period and the task
  that carries it out. At most one run of a period is queued or running at any time: the
  database refuses a second one (the partial unique constraint
  ``one_active_scoring_per_period``), so two requests at the same instant cannot both
  queue one, on SQLite or PostgreSQL, with one worker or many.
* ``carry_out_scoring`` (the worker) claims the queued run, evaluates the assessment up
  to the period — telling the page how far it is (``progress``, ``stage``) and beating a
  heartbeat meanwhile — and then, in **one** transaction, writes the run's rows
  (``UnitResult``), its snapshot and its audit row and marks it done. Anything that goes
  wrong leaves no row: the transaction rolls back and the run is marked failed with the
  reason. A worker killed outright stops beating; ``reap_stale_runs`` (called whenever a
  run of the period is looked at or queued) marks such a run failed after
  ``SCORING_STALE_SECONDS``, which frees the period for a new run.

``do_publish`` makes a successful run the period's published revision 1 and locks the
period; after a correction (``actions.verification.do_correct_record``) and a new run,
``do_publish_revision`` adds revision 2, 3 … with the reason. Revisions are never
overwritten, nor are the rows of a run.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from ..access import can_assess
from ..models import Period, Publication, Record, ScoringRun, ScoringSnapshot, UnitResult
from ..services import results, scoring
from ..services.open_items import open_items
from .appeals import link_upheld_appeals
from .base import ActionError, audit
from .ledger import open_follow_ups

log = logging.getLogger(__name__)

#: how often a running scoring tells the database it is alive
HEARTBEAT_SECONDS = 10


def _check_assessor(actor, assessment) -> None:
    if not can_assess(actor, assessment):
        raise ActionError("只有考核管理员可以评分和公示")


def do_run_scoring(actor, period: Period) -> ScoringRun:
    """Queue a scoring of the assessment up to ``period`` and the task that carries it out
    (with the immediate task backend, it is carried out before this returns).

    Refused while another run of the period is queued or running."""
    from ..tasks import score_run

    assessment = period.assessment
    _check_assessor(actor, assessment)
    reap_stale_runs(period)
    try:
        with transaction.atomic():
            run = ScoringRun.objects.create(assessment=assessment, period=period, by=actor,
                                            stage="等待后台评分进程")
    except IntegrityError:
        raise ActionError(f"{period.label} 正在评分，请等这次评分完成后再评") from None
    # the database backend's task row commits with the run (a worker sees both or neither)
    _enqueue(score_run, run)
    run.refresh_from_db()
    return run


def _enqueue(task, run: ScoringRun) -> None:
    try:
        handle = task.enqueue(run.pk)
    except Exception as exc:  # no task queue: the run must not block the period
        _fail(run.pk, f"无法启动后台评分：{exc}")
        raise
    ScoringRun.objects.filter(pk=run.pk).update(task_id=str(handle.id)[:64])


class _Heartbeat(threading.Thread):
    """Beats ``heartbeat_at`` every ``HEARTBEAT_SECONDS`` while a run is carried out, on
    its own database connection (closed when it stops)."""

    def __init__(self, run_id: int):
        super().__init__(daemon=True, name=f"scoring-heartbeat-{run_id}")
        self.run_id = run_id
        self.done = threading.Event()

    def run(self) -> None:
        from django.db import connections

        try:
            while not self.done.wait(HEARTBEAT_SECONDS):
                ScoringRun.objects.filter(pk=self.run_id, state=ScoringRun.State.RUNNING).update(
                    heartbeat_at=timezone.now())
        finally:
            connections.close_all()


def _progress(run_id: int):
    def tell(stage: str, percent: int) -> None:
        ScoringRun.objects.filter(pk=run_id, state=ScoringRun.State.RUNNING).update(
            stage=stage, progress=percent, heartbeat_at=timezone.now())
    return tell


def _fail(run_id: int, reason: str) -> None:
    ScoringRun.objects.filter(pk=run_id, state__in=ScoringRun.ACTIVE).update(
        state=ScoringRun.State.FAILED, error=reason, stage="", finished_at=timezone.now())


def carry_out_scoring(run_id: int) -> str:
    """Carry out a queued run (the background task's body); returns its final state.

    The engine runs before the write transaction opens: on SQLite a transaction takes the
    write lock at once, and reporters must not wait for an evaluation. The run is stamped
    with the time its reading began, so that any record changed meanwhile makes the run
    stale (``_check_run``) rather than silently left out of a publication."""
    started = timezone.now()
    claimed = ScoringRun.objects.filter(pk=run_id, state=ScoringRun.State.QUEUED).update(
        state=ScoringRun.State.RUNNING, stage="读取记录", progress=5, at=started,
        heartbeat_at=started)
    if not claimed:  # already carried out, or marked failed meanwhile
        return ScoringRun.objects.filter(pk=run_id).values_list("state", flat=True).first() or ""
    run = ScoringRun.objects.select_related("assessment", "period", "by").get(pk=run_id)
    beat = _Heartbeat(run_id)
    beat.start()
    try:
        outcome = scoring.score(run.assessment, run.period, _progress(run_id))
        _progress(run_id)("写入结果", 85)
        _store(run, outcome)
    except Exception as exc:
        log.exception("scoring run %s failed", run_id)
        _fail(run_id, f"评分中断：{type(exc).__name__}：{exc}")
        raise
    finally:
        beat.done.set()
        beat.join()
    return run.state


def _store(run: ScoringRun, outcome: scoring.Outcome) -> None:
    """Everything the run keeps, all at once or not at all."""
    assessment = run.assessment
    if outcome.ok:
        result = outcome.result
        fields = {"state": ScoringRun.State.DONE, "header": results.header(result),
                  "unit_count": len(result.units)}
        rows = results.unit_rows(run, result)
        snapshot = ScoringSnapshot(run=run, data=result.snapshot())
    else:
        fields = {"state": ScoringRun.State.INVALID,
                  "problems": [str(p) for p in outcome.problems]}
        rows, snapshot = [], None
    with transaction.atomic():
        still = (ScoringRun.objects.select_for_update()
                 .filter(pk=run.pk, state=ScoringRun.State.RUNNING).exists())
        if not still:  # marked failed meanwhile (its worker was taken for dead)
            raise RuntimeError("该次评分已被标记为失败")
        UnitResult.objects.bulk_create(rows, batch_size=1000)
        if snapshot is not None:
            snapshot.save(force_insert=True)
        fields.update(progress=100, stage="", finished_at=timezone.now())
        ScoringRun.objects.filter(pk=run.pk).update(**fields)
        for k, v in fields.items():
            setattr(run, k, v)
        audit(run.by, "scoring.run", run, organisation=assessment.organisation,
              after={"period": run.period.number, "ok": run.ok,
                     "problems": len(run.problems), "units": run.unit_count})


def reap_stale_runs(period: Period) -> int:
    """Mark failed the runs of ``period`` whose worker has stopped beating (killed, or the
    machine went down) — or whose task ended without claiming them; how many."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.SCORING_STALE_SECONDS)
    n = (ScoringRun.objects.filter(period=period, state=ScoringRun.State.RUNNING,
                                   heartbeat_at__lt=stale)
         .update(state=ScoringRun.State.FAILED, stage="", finished_at=now,
                 error="后台评分进程中断（长时间没有响应），本次评分未保存任何结果"))
    for run in ScoringRun.objects.filter(period=period, state=ScoringRun.State.QUEUED,
                                         at__lt=stale).exclude(task_id=""):
        if _task_ended(run.task_id):
            _fail(run.pk, "后台评分任务未能开始，本次评分未保存任何结果")
            n += 1
    return n


def _task_ended(task_id: str) -> bool:
    from ..tasks import score_run

    try:
        return score_run.get_result(task_id).is_finished
    except Exception:  # a backend that keeps no results, or the result pruned
        return False


def unscored_refusal(run: ScoringRun) -> str:
    """Why the run cannot be published when not one unit got a score (every unit 数据不全，
    未计分: e.g. a quarter without its field checks); "" when some unit was scored."""
    units = run.units.all() if run.ok else UnitResult.objects.none()
    n = units.count()
    if not n or units.filter(score__isnull=False).exists():
        return ""
    return (f"全部 {n} 个单位都因数据不全未计分，没有可以公示的结果；"
            "请补齐本期记录（如实地核查记录）后重新评分")


def _check_run(run: ScoringRun, period: Period) -> None:
    if run.period_id != period.pk:
        raise ActionError("该评分不属于这一考核期")
    if run.state == ScoringRun.State.INVALID:
        raise ActionError("该次评分有数据问题，不能公示；请修正后重新评分")
    if not run.ok:
        raise ActionError("该次评分没有完成，不能公示")
    refusal = unscored_refusal(run)
    if refusal:
        raise ActionError(refusal)
    changed = Record.objects.filter(assessment=run.assessment_id, period__number__lte=period.number,
                                    updated_at__gt=run.at).exclude(status=Record.Status.DRAFT)
    if changed.exists():
        raise ActionError("评分之后记录又有变动，请重新评分后再公示")


@transaction.atomic
def do_publish(actor, run: ScoringRun, *, confirmed: tuple[int, int, int] | None = None
               ) -> Publication:
    """公示 a period's results (revision 1) and lock the period.

    When the period still has open items (``services.open_items``), the assessor must have
    seen and confirmed them: ``confirmed`` is the counts shown on the form. Counts that
    changed since (a record submitted meanwhile) are refused, so nobody confirms numbers
    they did not see; the audit row keeps what was open and that it was confirmed."""
    period = Period.objects.select_for_update().get(pk=run.period_id)
    assessment = run.assessment
    _check_assessor(actor, assessment)
    if period.locked or period.publications.exists():
        raise ActionError("该期已经公示；公示后的更改须填写理由，发布更正版")
    _check_run(run, period)
    still_open = open_items(period)
    if still_open.any and confirmed != still_open.counts:
        raise ActionError(f"该期尚有未完事项：{still_open.summary()}。请核对后勾选确认再公示",
                          {"confirm_open": "请确认未完事项后再公示"})
    pub = Publication.objects.create(assessment=assessment, period=period, revision=1,
                                     scoring_run=run, public=assessment.public_results, by=actor)
    before = {"state": period.state}
    period.state = Period.State.PUBLISHED
    period.save(update_fields=["state"])
    audit(actor, "publication.publish", pub, organisation=assessment.organisation,
          before=before, after={"period": period.number, "revision": 1, "scoring_run": run.pk,
                                "state": period.state, "public": pub.public,
                                "open": still_open.as_dict(), "confirmed_open": still_open.any})
    open_follow_ups(actor, pub)
    return pub


@transaction.atomic
def do_publish_revision(actor, period: Period, run: ScoringRun, reason: str) -> Publication:
    """A new published revision of an already published period, with the reason shown."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    assessment = period.assessment
    _check_assessor(actor, assessment)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("发布更正版须填写更正理由", {"reason": "请填写更正理由"})
    last = period.publications.aggregate(n=Max("revision"))["n"]
    if not period.locked or last is None:
        raise ActionError("该期尚未公示，请先公示")
    _check_run(run, period)
    current = period.publications.get(revision=last)
    if run.pk <= current.scoring_run_id:
        raise ActionError("请使用更正之后的新评分发布更正版")
    pub = Publication.objects.create(assessment=assessment, period=period, revision=last + 1,
                                     scoring_run=run, reason=reason,
                                     public=assessment.public_results, by=actor)
    settled = link_upheld_appeals(pub)
    audit(actor, "publication.revise", pub, organisation=assessment.organisation,
          before={"revision": last, "scoring_run": current.scoring_run_id},
          after={"period": period.number, "revision": pub.revision, "scoring_run": run.pk,
                 "public": pub.public, "appeals_settled": settled}, reason=reason)
    open_follow_ups(actor, pub)
    return pub
