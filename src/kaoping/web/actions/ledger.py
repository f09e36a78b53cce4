"""Writes to the rectification ledger (整改台账): open a problem, report its rectification,
review the report. Each step is audited and kept in the problem's history."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from ..access import can_assess, reporter_units
from ..models import Assessment, FollowUp, Organisation, Problem, ProblemEntry, Publication, Record
from .base import ActionError, audit
from .uploads import checked_upload, save_upload

REQUIRED = {"description": "问题描述", "measure": "整改要求", "responsible": "责任人"}


def missing_fields(*, source: str, deadline: date | None, **values: str) -> dict[str, str]:
    """Field → what is missing, for a problem's required fields."""
    missing = {k: f"请填写{label}" for k, label in REQUIRED.items()
               if not (values.get(k) or "").strip()}
    if deadline is None:
        missing["deadline"] = "请填写整改时限（年-月-日）"
    if source not in Problem.Source.values:
        missing["source"] = "请选择问题来源"
    return missing


@transaction.atomic
def do_open_problem(actor, assessment: Assessment, unit: Organisation, *, source: str,
                    description: str, measure: str, responsible: str, deadline: date | None,
                    source_note: str = "", record: Record | None = None,
                    period=None) -> Problem:
    if not can_assess(actor, assessment):
        raise ActionError("只有考核管理员可以登记整改问题")
    if not assessment.units.filter(organisation=unit).exists():
        raise ActionError(f"「{unit.name}」不是本考核的被考核单位", {"unit": "请选择被考核单位"})
    values = {"description": description, "measure": measure, "responsible": responsible}
    values = {k: (v or "").strip() for k, v in values.items()}
    missing = missing_fields(source=source, deadline=deadline, **values)
    if missing:
        raise ActionError("请补全：" + "、".join(missing.values()), missing)
    problem = Problem.objects.create(
        assessment=assessment, unit=unit, period=period, source=source,
        source_note=(source_note or "").strip()[:300], record=record, deadline=deadline,
        created_by=actor, **values)
    audit(actor, "problem.open", problem, organisation=unit,
          after={"source": source, "source_note": problem.source_note, **values,
                 "deadline": deadline.isoformat(), "record": record.pk if record else None})
    return problem


def _locked(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().select_related("assessment", "unit").get(
        pk=problem.pk)


@transaction.atomic
def do_report_rectification(actor, problem: Problem, text: str, upload=None) -> ProblemEntry:
    """The unit reports what it did (with an optional evidence file); the assessor reviews."""
    problem = _locked(problem)
    if problem.unit_id not in reporter_units(actor):
        raise ActionError(f"只有「{problem.unit.name}」的填报员可以报送整改情况")
    if problem.state != Problem.State.OPEN:
        raise ActionError("该问题" + ("已销号" if problem.state == Problem.State.CLOSED
                                    else "的整改情况已报送，待审核"))
    text = (text or "").strip()
    if not text:
        raise ActionError("请写明整改情况：做了什么、结果如何", {"text": "请填写整改情况"})
    entry = ProblemEntry(problem=problem, kind=ProblemEntry.Kind.REPORT, text=text, by=actor)
    if upload is not None:
        entry.original_name = checked_upload(upload)
        save_upload(entry.file, upload, entry.original_name)
    try:
        entry.save()
        problem.state = Problem.State.REPORTED
        problem.save(update_fields=["state"])
        audit(actor, "problem.report", problem, organisation=problem.unit,
              before={"state": Problem.State.OPEN}, after={"state": problem.state, "text": text})
    except BaseException:
        if entry.file:
            entry.file.storage.delete(entry.file.name)
        raise
    return entry


@transaction.atomic
def do_review_rectification(actor, problem: Problem, *, accepted: bool, text: str
                            ) -> ProblemEntry:
    problem = _locked(problem)
    if not can_assess(actor, problem.assessment):
        raise ActionError("只有考核管理员可以审核整改情况")
    if problem.state != Problem.State.REPORTED:
        raise ActionError("该问题没有待审核的整改情况")
    text = (text or "").strip()
    if not accepted and not text:
        raise ActionError("退回整改须写明理由", {"text": "请填写退回理由"})
    kind = ProblemEntry.Kind.ACCEPTED if accepted else ProblemEntry.Kind.REJECTED
    entry = ProblemEntry.objects.create(problem=problem, kind=kind, text=text or "审核通过",
                                        by=actor)
    before = problem.state
    problem.state = Problem.State.CLOSED if accepted else Problem.State.OPEN
    problem.closed_at = timezone.now() if accepted else None
    problem.save(update_fields=["state", "closed_at"])
    audit(actor, "problem.review", problem, organisation=problem.unit, before={"state": before},
          after={"state": problem.state, "text": entry.text})
    return entry


# ------------------------------------------------------------------ results put to use


def published_flags(publication: Publication) -> dict[str, list[str]]:
    """Unit name → the flags of the published result (every stored form of a run reads here)."""
    rows = publication.scoring_run.units.order_by("position").values_list("name", "flags")
    return {name: list(flags or []) for name, flags in rows}


def open_follow_ups(actor, publication: Publication) -> list[FollowUp]:
    """The scheme's results-use flags (``result.flags``) raised in ``publication`` become
    follow-up items, once per assessment, unit and flag; a ``rectify`` flag also opens a
    ledger problem due ``assessment.rectify_days`` after today. Runs inside the publishing
    transaction, so a publication never exists without its follow-ups."""
    assessment = publication.assessment
    specs = {f.name: f for f in assessment.scheme.model.result.flags}
    units = {au.organisation.name: au.organisation
             for au in assessment.units.select_related("organisation")}
    known = set(FollowUp.objects.filter(assessment=assessment).values_list("unit_id", "flag"))
    opened = []
    for name, flags in published_flags(publication).items():
        unit = units.get(name)
        for flag in flags:
            spec = specs.get(flag)
            if unit is None or spec is None or (unit.pk, flag) in known:
                continue  # rule flags (否决, 等次最高为 …) are not results-use
            problem = None
            if spec.rectify:
                note = spec.note or flag
                problem = Problem.objects.create(
                    assessment=assessment, unit=unit, period=publication.period,
                    source=Problem.Source.FLAG, source_note=flag[:300], description=note,
                    measure=f"按考核结果运用要求整改：{note}", responsible=f"{unit.name}负责人",
                    deadline=timezone.localdate() + timedelta(days=assessment.rectify_days),
                    created_by=actor)
                audit(actor, "problem.open", problem, organisation=unit,
                      after={"source": "flag", "source_note": flag,
                             "deadline": problem.deadline.isoformat()})
            fu = FollowUp.objects.create(assessment=assessment, unit=unit, flag=flag,
                                         note=spec.note or "", publication=publication,
                                         problem=problem)
            audit(actor, "followup.open", fu, organisation=unit,
                  after={"flag": flag, "revision": publication.revision,
                         "problem": problem.pk if problem else None})
            opened.append(fu)
    return opened


@transaction.atomic
def do_close_follow_up(actor, follow_up: FollowUp, note: str) -> FollowUp:
    fu = FollowUp.objects.select_for_update().select_related("assessment", "unit").get(
        pk=follow_up.pk)
    if not can_assess(actor, fu.assessment):
        raise ActionError("只有考核管理员可以办结结果运用事项")
    if fu.done:
        raise ActionError("该事项已办结")
    note = (note or "").strip()
    if not note:
        raise ActionError("请填写办理情况", {"note": "请填写办理情况"})
    fu.done, fu.done_note, fu.done_by, fu.done_at = True, note, actor, timezone.now()
    fu.save(update_fields=["done", "done_note", "done_by", "done_at"])
    audit(actor, "followup.done", fu, organisation=fu.unit, after={"note": note})
    return fu
