"""Writes to records: entering, submitting and deleting them, their evidence files, and the
records of an uploaded template workbook.

A record starts as a draft (草稿) that may be incomplete; submitting it checks it in full with
the engine and stamps ``submitted_at``. A submission after the period's deadline is accepted
and marked ``late`` — never refused, never silently on time; where the scheme's rules look at
dates (``auto: submitted_on`` fields, e.g. scheme A's 上报日期), the submission date is what
they score. A returned record (已退回) is fixed and resubmitted; it keeps its first submission
time, lateness and automatic dates (the unit reported then; the return was the verifier's
request).

Who may do what:

* a 填报员 enters the kinds its unit enters (``entered_by: unit``) for its own unit, and
  leaves blank the fields the assessing organisation fills in; it changes a record while it
  is a draft or returned, and deletes drafts;
* a 考核管理员 enters any kind for any unit of the assessment, and may also change or delete
  the records of assessor-entered kinds after submitting them (deductions, ranks, ballots …).

Nothing is written here in a published (locked) period: the correction path in
``actions.verification`` (correct, add, withdraw — assessors only, with a reason) is the one
way in.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ...engine import InputError
from ..access import can_assess, can_write_record, period_is_writable, reporter_units
from ..models import Assessment, Evidence, Organisation, Period, Record
from ..recordcheck import (
    Candidate,
    auto_fields,
    check,
    entered_by,
    kind_periods,
    others_fields,
    record_kinds,
    typed_fields,
)
from .base import ActionError, audit

#: the scheme's appeal register is filed as an appeal on the published result, not typed in
APPEAL_ELSEWHERE = "申诉不在这里填报：请在「考核结果」中打开本期公示结果，点「提出申诉」"
LOCKED_MESSAGE = "本期已公示，记录已锁定，不能再修改（公示后的更正须走更正流程）"
#: where a form candidate's problems are placed: "@" + column ("@" alone: the whole record)
FORM_PLACE = "@"


class ProblemsRefused(ActionError):
    """Input the engine refused: ``problems`` lists every one (``place: message``)."""

    def __init__(self, message: str, problems: Iterable[str], fields: dict[str, str] | None = None):
        self.problems = list(problems)
        super().__init__(message, fields)


# ------------------------------------------------------------------ who may


def _unit_ids(assessment: Assessment) -> set[int]:
    return set(assessment.units.values_list("organisation_id", flat=True))


def may_enter(user, assessment: Assessment, kind: str, unit: Organisation) -> bool:
    """Whether ``user`` may enter a record of ``kind`` for ``unit``."""
    if unit.pk not in _unit_ids(assessment):
        return False
    assessor = can_assess(user, assessment)
    return (kind in record_kinds(assessment.scheme, assessor=assessor)
            and (assessor or unit.pk in reporter_units(user)))


def may_edit(user, record: Record) -> bool:
    """Whether ``user`` may change the record's values now (the period lock aside)."""
    if not can_write_record(user, record):
        return False
    if record.status in (Record.Status.DRAFT, Record.Status.RETURNED):
        return True
    return (can_assess(user, record.assessment)
            and entered_by(record.assessment.scheme, record.kind) == "assessor")


def may_delete(user, record: Record) -> bool:
    if not can_write_record(user, record):
        return False
    return record.status == Record.Status.DRAFT or (
        can_assess(user, record.assessment)
        and entered_by(record.assessment.scheme, record.kind) == "assessor")


def check_open(period: Period) -> None:
    if not period_is_writable(period):
        raise ActionError(LOCKED_MESSAGE)


def snapshot(record: Record) -> dict:
    return {"kind": record.kind, "unit": record.unit.name, "period": record.period.number,
            "scheme_period": record.scheme_period, "data": record.data, "status": record.status,
            "late": record.late}


# ------------------------------------------------------------------ checking with the engine


def _refused(exc: InputError, message: str) -> ProblemsRefused:
    """The engine's problems of one form record: per column beside its field, others above."""
    fields: dict[str, str] = {}
    general: list[str] = []
    for p in exc.problems:
        if p.where.startswith(FORM_PLACE):
            column = p.where[len(FORM_PLACE):]
            if column:
                fields[column] = f"{fields[column]}；{p.message}" if column in fields else p.message
                continue
            general.append(p.message)
        else:
            general.append(str(p))
    shown = general + [f"{k}：{v}" for k, v in fields.items()]
    return ProblemsRefused(message + "：" + "；".join(shown), general, fields)


def _check_one(actor, assessment: Assessment, kind: str, unit: Organisation,
               scheme_period: Any, values: dict[str, Any], *, full: bool,
               exclude: Iterable[int] = ()) -> tuple[int | None, dict[str, Any]]:
    scheme = assessment.scheme
    assessor = can_assess(actor, assessment)
    optional = others_fields(scheme, kind, assessor=assessor)
    if not full:
        optional |= {f.name for f in scheme.records[kind].fields}
    try:
        [checked] = check(assessment, kind, [Candidate(unit.name, unit.pk, scheme_period, values)],
                          lambda i, col: FORM_PLACE + (col or ""), optional=optional,
                          exclude=exclude)
    except InputError as exc:
        raise _refused(exc, "记录有误，未保存" if not full else "记录未填写完整或有误，未提交") from None
    return checked.scheme_period, checked.values


def check_stored_record(record: Record, values: dict[str, Any], message: str) -> dict[str, Any]:
    """The engine's check of a stored record with new ``values`` (every field: a verifier's
    adjustment, a correction after publication), as on entry: types, ranges, options, and
    ``unique`` keys and quotas against the other stored records (the record itself left
    out). Returns the values as the engine reads them; ``ProblemsRefused`` (``message`` and
    every problem) when the engine refuses them.

    The record is held to what its entry was held to: a submitted or accepted one in full,
    a draft or returned one may leave fields blank; a record a unit entered may leave blank
    the fields the assessing organisation fills in (they are filled in by adjusting them
    one at a time)."""
    assessment, kind = record.assessment, record.kind
    scheme = assessment.scheme
    optional = (others_fields(scheme, kind, assessor=False)
                if entered_by(scheme, kind) == "unit" else set())
    if record.status not in (Record.Status.SUBMITTED, Record.Status.ACCEPTED):
        optional |= {f.name for f in scheme.records[kind].fields}
    candidate = Candidate(record.unit.name, record.unit_id, record.scheme_period, values)
    try:
        [checked] = check(assessment, kind, [candidate], lambda i, col: FORM_PLACE + (col or ""),
                          optional=optional, exclude=[record.pk])
    except InputError as exc:
        raise _refused(exc, message) from None
    return checked.values


def _merge(actor, assessment: Assessment, kind: str, values: dict[str, Any],
           stored: dict[str, Any]) -> dict[str, Any]:
    """The typed values, with the stored values of every field the actor does not type."""
    typed = {f.name for f in typed_fields(assessment.scheme, kind,
                                          assessor=can_assess(actor, assessment))}
    return {f.name: values.get(f.name) if f.name in typed else stored.get(f.name)
            for f in assessment.scheme.records[kind].fields}


def _keep_others(actor, assessment, kind, checked: dict, stored: dict) -> dict:
    """Fields left to the assessing organisation keep what they had (a blank stays blank)."""
    for name in others_fields(assessment.scheme, kind, assessor=can_assess(actor, assessment)):
        checked[name] = stored.get(name)
    return checked


def _stamp(record: Record, now) -> None:
    """Mark a record submitted: the first submission sets the time and lateness."""
    if record.submitted_at is None:
        record.submitted_at = now
        record.late = (entered_by(record.assessment.scheme, record.kind) == "unit"
                       and timezone.localdate(now) > record.period.deadline)
    record.status = Record.Status.SUBMITTED
    record.return_reason = ""


def _fill_auto(assessment: Assessment, kind: str, values: dict[str, Any], record: Record | None,
               now) -> dict[str, Any]:
    """``auto: submitted_on`` fields take the submission date (a resubmission keeps its first)."""
    first = record is None or record.submitted_at is None
    for f in auto_fields(assessment.scheme, kind):
        if f.auto == "submitted_on":
            if first or not values.get(f.name):
                values[f.name] = timezone.localdate(now).isoformat()
    return values


def parse_scheme_period(choices: list[tuple[int, str]], value: Any) -> int | None:
    """A period as a person types it — its label ("第2季度", "3月", "上半年"), its number
    ("2"), or nothing when ``choices`` has only one — as its number (None when unreadable)."""
    if isinstance(value, int):
        return value
    text = str(value or "").strip().replace(" ", "")
    if not text:
        return choices[0][0] if len(choices) == 1 else None
    for k, label in choices:
        if text == label:
            return k
    try:
        return int(text)
    except ValueError:
        return None


def clean_scheme_period(assessment: Assessment, period: Period, kind: str,
                        scheme_period: Any) -> int | None:
    """The kind's own period of a record entered in ``period`` (None for a yearly kind);
    ``ActionError`` when it is not one of the kind's periods within ``period``."""
    choices = kind_periods(assessment, period, kind)
    if not choices:
        return None
    scheme_period = parse_scheme_period(choices, scheme_period)
    if scheme_period not in [k for k, _ in choices]:
        labels = "、".join(label for _, label in choices)
        raise ActionError(f"期次须在本期之内（{labels}）", {"scheme_period": f"可选：{labels}"})
    return scheme_period


# ------------------------------------------------------------------ records


@transaction.atomic
def do_save_record(actor, *, assessment: Assessment, period: Period, kind: str,
                   unit: Organisation, scheme_period: Any, values: dict[str, Any],
                   record: Record | None = None, submit: bool = False) -> Record:
    """Create (``record`` None) or change a record from a form; submit it when ``submit``.

    ``values`` are the typed fields as the form gives them (text); the engine converts and
    checks them. A draft may leave fields blank; a submitted record is checked in full.
    """
    if record is not None:
        record = Record.objects.select_for_update().select_related(
            "assessment", "period", "unit").get(pk=record.pk)
        assessment, period, kind, unit = record.assessment, record.period, record.kind, record.unit
    check_open(period)
    if period.assessment_id != assessment.pk:
        raise ActionError("考核期不属于该考核")
    spec = assessment.scheme.records.get(kind)
    if record is None and spec is not None and spec.appeal is not None:
        raise ActionError(APPEAL_ELSEWHERE)
    if record is None and not may_enter(actor, assessment, kind, unit):
        raise ActionError(f"不能为「{unit.name}」填写「{kind}」")
    if record is not None and not may_edit(actor, record):
        raise ActionError("该记录已提交，不能再修改")
    scheme_period = clean_scheme_period(assessment, period, kind, scheme_period)
    stored = dict(record.data) if record is not None else {}
    merged = _merge(actor, assessment, kind, values, stored)
    now = timezone.now()
    live = record is not None and record.status in (Record.Status.SUBMITTED, Record.Status.ACCEPTED)
    full = submit or live
    if full:
        merged = _fill_auto(assessment, kind, merged, record, now)
    _, data = _check_one(actor, assessment, kind, unit, scheme_period, merged, full=full,
                         exclude=[record.pk] if record is not None else [])
    data = _keep_others(actor, assessment, kind, data, stored)
    if record is None:
        record = Record(assessment=assessment, period=period, kind=kind, unit=unit,
                        scheme_period=scheme_period, data=data, created_by=actor)
        before = None
        action = "record.create"
    else:
        before = snapshot(record)
        record.scheme_period, record.data = scheme_period, data
        action = "record.update"
    if submit and record.status in (Record.Status.DRAFT, Record.Status.RETURNED):
        _stamp(record, now)
        if before is not None:
            action = "record.submit"
    record.save()
    after = snapshot(record)
    if after != before:
        audit(actor, action, record, organisation=unit, before=before, after=after)
    return record


@transaction.atomic
def do_submit_record(actor, record: Record) -> Record:
    """Submit a draft or returned record as it is stored: checked in full, marked late when
    after the period's deadline (accepted all the same)."""
    record = Record.objects.select_for_update().select_related(
        "assessment", "period", "unit").get(pk=record.pk)
    check_open(record.period)
    if record.status not in (Record.Status.DRAFT, Record.Status.RETURNED):
        raise ActionError("该记录已提交")
    if not may_edit(actor, record):
        raise ActionError("不能提交该记录")
    now = timezone.now()
    values = _fill_auto(record.assessment, record.kind, dict(record.data), record, now)
    _, data = _check_one(actor, record.assessment, record.kind, record.unit, record.scheme_period,
                         values, full=True, exclude=[record.pk])
    before = snapshot(record)
    record.data = _keep_others(actor, record.assessment, record.kind, data, record.data)
    _stamp(record, now)
    record.save()
    audit(actor, "record.submit", record, organisation=record.unit, before=before,
          after=snapshot(record))
    return record


@transaction.atomic
def do_delete_record(actor, record: Record) -> None:
    record = Record.objects.select_for_update().select_related(
        "assessment", "period", "unit").get(pk=record.pk)
    check_open(record.period)
    if not may_delete(actor, record):
        raise ActionError("只能删除草稿")
    before = snapshot(record)
    files = [e.file.name for e in record.evidence.all()]
    audit(actor, "record.delete", record, organisation=record.unit, before=before)
    record.delete()
    _remove_files_after_commit(files)


# ------------------------------------------------------------------ evidence


def _remove_files_after_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def remove():
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(remove)


def evidence_problem(name: str, size: int) -> str | None:
    """Why a file cannot be evidence (None: it can)."""
    ext = os.path.splitext(name)[1].lower()
    allowed = settings.EVIDENCE_EXTENSIONS
    if ext not in allowed:
        return f"不支持的文件类型「{ext or '无扩展名'}」（可上传：{'、'.join(allowed)}）"
    if size <= 0:
        return "文件为空"
    limit = settings.EVIDENCE_MAX_BYTES
    if size > limit:
        return f"文件大小 {_size(size)} 超过上限 {_size(limit)}"
    return None


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"


@transaction.atomic
def do_attach_evidence(actor, record: Record, upload) -> Evidence:
    """Attach an uploaded file; it is stored under MEDIA_ROOT by a random name, and its
    original name is kept for the download."""
    record = Record.objects.select_for_update().select_related(
        "assessment", "period", "unit").get(pk=record.pk)
    check_open(record.period)
    if not may_edit(actor, record):
        raise ActionError("该记录已提交，不能再添加佐证材料")
    return store_evidence(actor, record, upload, "evidence.attach")


def store_evidence(actor, record: Record, upload, action: str, reason: str = "") -> Evidence:
    """Store an upload as the record's evidence, within the limits, and write the audit row
    ``action``. The caller owns the transaction and has checked who may attach; it calls
    this last (the file is written at once, and removed again only if this call fails)."""
    name = os.path.basename((upload.name or "").replace("\\", "/")).strip()[:255]
    problem = evidence_problem(name, upload.size or 0)
    if problem:
        raise ActionError(problem, {"file": problem})
    ext = os.path.splitext(name)[1].lower()
    evidence = Evidence(record=record, original_name=name, size=upload.size,
                        content_type=(getattr(upload, "content_type", "") or "")[:100],
                        uploaded_by=actor)
    evidence.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
    try:
        evidence.save()
        audit(actor, action, evidence, organisation=record.unit,
              after={"record": record.pk, "name": name, "size": upload.size}, reason=reason)
    except BaseException:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def do_delete_evidence(actor, evidence: Evidence) -> None:
    record = Record.objects.select_for_update().select_related(
        "assessment", "period", "unit").get(pk=evidence.record_id)
    check_open(record.period)
    if not may_edit(actor, record):
        raise ActionError("记录已提交，佐证材料不能删除")
    audit(actor, "evidence.delete", evidence, organisation=record.unit,
          before={"record": record.pk, "name": evidence.original_name, "size": evidence.size})
    name = evidence.file.name
    evidence.delete()
    _remove_files_after_commit([name])


# ------------------------------------------------------------------ workbook upload


@transaction.atomic
def do_import_workbook(actor, assessment: Assessment, period: Period, upload) -> list[Record]:
    """Create the records of a filled template workbook, all or none: every problem of the
    file (sheet and cell, in the engine's words) refuses the whole upload. The records are
    submitted at once, late-marked as a form submission would be."""
    from ..workbooks import read_upload

    period = Period.objects.select_for_update().get(pk=period.pk)
    check_open(period)
    now = timezone.now()
    try:
        rows = read_upload(actor, assessment, period, upload, today=timezone.localdate(now))
    except InputError as exc:
        problems = [str(p) for p in exc.problems]
        raise ProblemsRefused(f"工作簿有 {len(problems)} 处问题，没有导入任何记录", problems) from None
    units = {o.pk: o for o in Organisation.objects.filter(pk__in={r.unit_id for r in rows})}
    created = []
    for row in rows:
        record = Record(assessment=assessment, period=period, kind=row.kind,
                        unit=units[row.unit_id], scheme_period=row.scheme_period,
                        data=row.values, created_by=actor)
        _stamp(record, now)
        record.save()
        audit(actor, "record.import", record, organisation=record.unit, after=snapshot(record),
              reason=f"导入工作簿 {getattr(upload, 'name', '')}")
        created.append(record)
    return created
