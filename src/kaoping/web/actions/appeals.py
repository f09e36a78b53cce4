"""Writes to appeals (申诉): a unit files one against a published result; the assessing
organisation answers it.

Filing is open to the unit's own 填报员 and 领导 for ``assessment.appeal_days`` after the
period's latest revision was published. The answer is due ``assessment.answer_days`` after
filing. An upheld appeal goes on through the existing correction path
(``actions.verification.do_correct_record``) and the next revision of the period
(``actions.scoring.do_publish_revision``) links it; a rejected one ends with its answer.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..access import can_assess, memberships
from ..models import Appeal, AppealEvidence, Publication, Record, Role
from .base import ActionError, audit
from .uploads import checked_upload, save_upload


def appeal_deadline(publication: Publication) -> date:
    """The last day a unit may appeal ``publication``."""
    published = timezone.localdate(publication.at)
    return published + timedelta(days=publication.assessment.appeal_days)


def may_appeal(user, unit) -> bool:
    """The unit's own 填报员 and 领导 appeal for it (not the organisations above it)."""
    return any(m.organisation_id == unit.pk and m.role in (Role.REPORTER, Role.LEADER)
               for m in memberships(user))


@transaction.atomic
def do_file_appeal(actor, publication: Publication, unit, claim: str, *,
                   record: Record | None = None, files=()) -> Appeal:
    publication = Publication.objects.select_related("assessment", "period").get(
        pk=publication.pk)
    assessment, period = publication.assessment, publication.period
    if not may_appeal(actor, unit) or not assessment.units.filter(organisation=unit).exists():
        raise ActionError(f"只有「{unit.name}」的填报员或领导可以为本单位申诉")
    latest = period.publications.aggregate(n=Max("revision"))["n"]
    if publication.revision != latest:
        raise ActionError("该版本已有更正版，请对最新公示的版本提出申诉")
    today = timezone.localdate()
    last_day = appeal_deadline(publication)
    if today > last_day:
        raise ActionError(f"申诉期已过：本期结果 {timezone.localdate(publication.at):%Y-%m-%d} 公示，"
                          f"须在 {last_day:%Y-%m-%d} 前提出申诉")
    claim = (claim or "").strip()
    if not claim:
        raise ActionError("请写明申诉事项：对哪一项得分或哪条记录有异议、理由是什么",
                          {"claim": "请填写申诉事项"})
    if record is not None and (record.unit_id != unit.pk or record.assessment_id != assessment.pk
                               or record.period.number > period.number):
        raise ActionError("所选记录不属于本单位的这次公示结果", {"record": "请重新选择记录"})
    names = [checked_upload(f, "files") for f in files]
    appeal = Appeal.objects.create(
        assessment=assessment, period=period, unit=unit, publication=publication, record=record,
        claim=claim, filed_by=actor, due=today + timedelta(days=assessment.answer_days))
    stored = []
    try:
        for f, name in zip(files, names, strict=True):
            ev = AppealEvidence(appeal=appeal, original_name=name, size=f.size)
            save_upload(ev.file, f, name)
            stored.append(ev.file.name)
            ev.save()
        audit(actor, "appeal.file", appeal, organisation=unit,
              after={"period": period.number, "revision": publication.revision,
                     "record": record.pk if record else None, "claim": claim,
                     "files": len(stored), "due": appeal.due.isoformat()})
    except BaseException:
        from django.core.files.storage import default_storage

        for name in stored:  # nothing half-written: no file without its appeal
            default_storage.delete(name)
        raise
    return appeal


@transaction.atomic
def do_answer_appeal(actor, appeal: Appeal, *, upheld: bool, answer: str) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("assessment", "unit").get(
        pk=appeal.pk)
    if not can_assess(actor, appeal.assessment):
        raise ActionError("只有考核管理员可以答复申诉")
    if appeal.answered:
        raise ActionError("该申诉已经答复")
    answer = (answer or "").strip()
    if not answer:
        raise ActionError("请写明调查答复：核实了什么、结论是什么", {"answer": "请填写调查答复"})
    before = {"state": appeal.state}
    appeal.state = Appeal.State.UPHELD if upheld else Appeal.State.REJECTED
    appeal.answer, appeal.answered_by, appeal.answered_at = answer, actor, timezone.now()
    appeal.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    audit(actor, "appeal.answer", appeal, organisation=appeal.unit, before=before,
          after={"state": appeal.state, "answer": answer})
    return appeal


def link_upheld_appeals(publication: Publication) -> int:
    """A corrected revision settles the period's upheld appeals that no revision settled yet;
    called inside ``do_publish_revision``'s transaction. Returns how many it linked."""
    return (Appeal.objects.filter(period=publication.period, state=Appeal.State.UPHELD,
                                  revision__isnull=True)
            .update(revision=publication))
