"""Scoring runs and publication (公示).

``do_run_scoring`` evaluates an assessment up to a period and keeps the result (or every
input problem) as a ``ScoringRun``. ``do_publish`` makes a successful run the period's
published revision 1 and locks the period; after a correction
(``actions.verification.do_correct_record``) and a new run, ``do_publish_revision``
adds revision 2, 3 … with the reason. Revisions are never overwritten.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..access import can_assess
from ..models import Period, Publication, Record, ScoringRun
from ..services import scoring
from ..services.open_items import open_items
from .appeals import link_upheld_appeals
from .base import ActionError, audit
from .ledger import open_follow_ups


def _check_assessor(actor, assessment) -> None:
    if not can_assess(actor, assessment):
        raise ActionError("只有考核管理员可以评分和公示")


def do_run_scoring(actor, period: Period) -> ScoringRun:
    """Score the assessment up to ``period`` and keep the outcome as a run.

    The engine runs before the write transaction opens: on SQLite a transaction takes the
    write lock at once, and reporters must not wait for an evaluation. The run is stamped
    with the time its reading began, so that any record changed meanwhile makes the run
    stale (``_check_run``) rather than silently left out of a publication."""
    assessment = period.assessment
    _check_assessor(actor, assessment)
    started = timezone.now()
    outcome = scoring.score(assessment, period)
    document = outcome.result.to_dict(explanations=True) if outcome.ok else None
    with transaction.atomic():
        run = ScoringRun.objects.create(assessment=assessment, period=period, by=actor,
                                        result=document,
                                        problems=[str(p) for p in outcome.problems])
        ScoringRun.objects.filter(pk=run.pk).update(at=started)
        run.at = started
        audit(actor, "scoring.run", run, organisation=assessment.organisation,
              after={"period": period.number, "ok": run.ok, "problems": len(run.problems),
                     "units": len(document["units"]) if run.ok else 0})
    return run


def unscored_refusal(run: ScoringRun) -> str:
    """Why the run cannot be published when not one unit got a score (every unit 数据不全，
    未计分: e.g. a quarter without its field checks); "" when some unit was scored."""
    units = (run.result or {}).get("units", []) if run.ok else []
    if not units or any(u.get("score") is not None for u in units):
        return ""
    return (f"全部 {len(units)} 个单位都因数据不全未计分，没有可以公示的结果；"
            "请补齐本期记录（如实地核查记录）后重新评分")


def _check_run(run: ScoringRun, period: Period) -> None:
    if run.period_id != period.pk:
        raise ActionError("该评分不属于这一考核期")
    if not run.ok:
        raise ActionError("该次评分有数据问题，不能公示；请修正后重新评分")
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
