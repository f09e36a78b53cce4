"""核查: accept a record, return it with a reason, adjust a value with a reason; and the
corrections after publication (公示), the only writes a locked period allows.

Each act leaves a ``Verification`` row (for accept / return / adjust) and an audit row on
the record, with the values before and after and the reason.

公示后更正 — the correction path of a published (locked) period, for the 考核管理员 only,
always with a reason, each an audit row with the record before and after:

* ``do_correct_record``: change values of a record;
* ``do_add_record_after_publication`` (公示后补录): add a record that was missing (e.g. a
  supervision deduction found late), checked by the engine like every record (types,
  ranges, ``unique`` keys, quotas) and accepted at once;
* ``do_withdraw_record`` (公示后撤销): take a wrong record out. A record that was ever
  submitted — so it may have been verified, scored and published — is never deleted: it
  becomes 已撤销 (withdrawn), keeps its values, evidence and history, and is no longer
  scored or compared with new records. A draft that was never submitted (never scored,
  never published) is deleted; its audit row keeps its last values;
* ``do_attach_evidence_after_publication``: attach an evidence file to a record added after
  publication (a record that was published keeps the evidence it was published with).

Changed values — an adjustment in 核查 or a correction — are checked by the engine with the
whole record, as on entry (``actions.records.check_stored_record``).

None of them touches a published revision: re-score the period and publish a revision
(``actions.scoring.do_publish_revision``) to show the corrected results; the earlier
revisions stay readable as they were.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ...engine import Problem, Scheme
from ...engine.dataset import choice_key, convert_cell
from ..access import can_assess, can_verify_record, period_is_writable
from ..models import Assessment, AuditEntry, Evidence, Organisation, Period, Record, Verification
from ..recordcheck import auto_fields
from .base import ActionError, audit
from .records import (
    ProblemsRefused,
    _check_one,
    _remove_files_after_commit,
    check_stored_record,
    clean_scheme_period,
    snapshot,
    store_evidence,
)

LOCKED = "该期结果已公示，记录已锁定；如需更改，请由考核管理员走公示后更正流程"


def clean_field_value(scheme: Scheme, kind: str, name: str, raw: Any, year: int) -> Any:
    """A field's value as the engine reads it and the record stores it (JSON): numbers,
    "YYYY-MM-DD" dates, true/false, option/item/clause text; ``None`` for blank.

    Raises ``ActionError`` with the engine's own message for a value that does not fit."""
    spec = scheme.records.get(kind)
    f = next((f for f in spec.fields if f.name == name), None) if spec else None
    if f is None:
        raise ActionError(f"「{kind}」没有字段「{name}」", {"field": "请选择字段"})
    if isinstance(raw, str):
        raw = raw.strip()
    problems: list[Problem] = []
    value = convert_cell(scheme, f, raw, name, year, problems)
    if problems:
        message = "；".join(p.message for p in problems)
        raise ActionError(message, {"value": message})
    if value is None or raw in (None, ""):
        return None if f.type != "bool" else value
    if f.type in ("number", "integer"):
        return int(value) if f.type == "integer" or float(value).is_integer() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if f.type == "choice":
        return f.options[value]
    if f.type in ("item", "clause"):
        return choice_key(raw)
    return value


def _locked_record(record: Record) -> Record:
    """The record re-read under a row lock, so two verifiers do not act on stale state."""
    return (Record.objects.select_for_update(of=("self",)).select_related("assessment", "unit", "period")
            .get(pk=record.pk))


def _check_verifier(actor, record: Record) -> None:
    if not can_verify_record(actor, record):
        raise ActionError("无权核查该记录")
    if not period_is_writable(record.period):
        raise ActionError(LOCKED)


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(f"{what}须填写理由", {"reason": f"{what}须填写理由"})
    return reason


def _status(record: Record) -> dict:
    return {"status": record.status, "return_reason": record.return_reason}


@transaction.atomic
def do_accept_record(actor, record: Record) -> Verification:
    record = _locked_record(record)
    _check_verifier(actor, record)
    if record.status != Record.Status.SUBMITTED:
        raise ActionError(f"只有已提交的记录可以核查通过（当前：{record.get_status_display()}）")
    before = _status(record)
    record.status = Record.Status.ACCEPTED
    record.return_reason = ""
    record.save(update_fields=["status", "return_reason", "updated_at"])
    v = Verification.objects.create(record=record, action=Verification.Action.ACCEPT, by=actor)
    audit(actor, "record.accept", record, organisation=record.unit, before=before,
          after=_status(record))
    return v


def do_accept_records(actor, records) -> tuple[list[Record], list[tuple[Record, str]]]:
    """Accept many records at once (核查通过 for the ones chosen in the queue). Each is its
    own act — its own transaction, ``Verification`` and audit row, as if accepted one by one
    — so one that cannot be accepted (returned meanwhile, accepted by another verifier, a
    locked period) is reported and does not hold back the others.

    Returns (the records accepted, (record, why not) for the others)."""
    accepted, refused = [], []
    for record in records:
        try:
            do_accept_record(actor, record)
        except ActionError as exc:
            refused.append((record, exc.message))
        else:
            accepted.append(record)
    return accepted, refused


@transaction.atomic
def do_return_record(actor, record: Record, reason: str) -> Verification:
    """Send a record back to its unit; the reporter sees the reason, fixes and resubmits."""
    record = _locked_record(record)
    _check_verifier(actor, record)
    reason = _reason(reason, "退回")
    if record.status not in (Record.Status.SUBMITTED, Record.Status.ACCEPTED):
        raise ActionError(f"只有已提交或已核查的记录可以退回（当前：{record.get_status_display()}）")
    before = _status(record)
    record.status = Record.Status.RETURNED
    record.return_reason = reason
    record.save(update_fields=["status", "return_reason", "updated_at"])
    v = Verification.objects.create(record=record, action=Verification.Action.RETURN,
                                    reason=reason, by=actor)
    audit(actor, "record.return", record, organisation=record.unit, before=before,
          after=_status(record), reason=reason)
    return v


def _apply(record: Record, changes: dict[str, Any]) -> tuple[dict, dict]:
    """Clean every changed field (all problems at once) and write them into ``record.data``."""
    scheme = record.assessment.scheme
    cleaned, errors = {}, {}
    for name, raw in changes.items():
        try:
            cleaned[name] = clean_field_value(scheme, record.kind, name, raw,
                                              record.assessment.year)
        except ActionError as exc:
            errors[name] = exc.message
    if errors:
        raise ActionError("；".join(f"{k}：{v}" for k, v in errors.items()), errors)
    before = {k: record.data.get(k) for k in cleaned}
    after = {k: v for k, v in cleaned.items() if before[k] != v}
    before = {k: before[k] for k in after}
    if not after:
        raise ActionError("新值与原值相同，没有可调整的内容", {"value": "新值与原值相同"})
    record.data = {**record.data, **after}
    return before, after


def _check_whole(record: Record, what: str) -> None:
    """The engine checks the changed record as a whole, as on entry (types, ranges, options,
    ``unique`` duplicates and quotas across the other stored records): every problem it finds
    is shown beside the value, and nothing is saved."""
    try:
        check_stored_record(record, record.data, f"{what}未保存")
    except ProblemsRefused as exc:
        shown = exc.problems + [f"{k}：{v}" for k, v in exc.fields.items()]
        raise ActionError(exc.message, {"value": "；".join(shown)}) from None


@transaction.atomic
def do_adjust_record(actor, record: Record, field: str, value: Any, reason: str) -> Verification:
    """Change one value of a submitted or accepted record, with the reason kept."""
    record = _locked_record(record)
    _check_verifier(actor, record)
    reason = _reason(reason, "调整")
    if record.status not in (Record.Status.SUBMITTED, Record.Status.ACCEPTED):
        raise ActionError(f"只有已提交或已核查的记录可以调整（当前：{record.get_status_display()}）")
    spec = record.assessment.scheme.records.get(record.kind)
    if spec is None or field not in {f.name for f in spec.fields}:
        raise ActionError(f"「{record.kind}」没有字段「{field}」", {"field": "请选择字段"})
    try:
        before, after = _apply(record, {field: value})
    except ActionError as exc:
        raise ActionError(exc.message, {"value": exc.fields.get(field, exc.message)}) from None
    _check_whole(record, "调整")
    record.save(update_fields=["data", "updated_at"])
    v = Verification.objects.create(record=record, action=Verification.Action.ADJUST,
                                    reason=reason, before=before, after=after, by=actor)
    audit(actor, "record.adjust", record, organisation=record.unit, before=before, after=after,
          reason=reason)
    return v


@transaction.atomic
def do_correct_record(actor, record: Record, changes: dict[str, Any], reason: str) -> Record:
    """公示后更正: an assessor changes a record of a published (locked) period, with a
    reason. The published revisions stay as they were; re-score and publish a revision
    (``actions.scoring.do_publish_revision``) to show the corrected results."""
    record = _locked_record(record)
    if not can_assess(actor, record.assessment):
        raise ActionError("只有考核管理员可以更正已公示的记录")
    if period_is_writable(record.period):
        raise ActionError("该期尚未公示，请通过核查调整记录")
    if record.status == Record.Status.WITHDRAWN:
        raise ActionError("该记录已撤销，不能更正；如需要，请补录一条新记录")
    reason = _reason(reason, "更正")
    if not changes:
        raise ActionError("没有要更正的内容", {"value": "请填写新值"})
    before, after = _apply(record, changes)
    _check_whole(record, "更正")
    record.save(update_fields=["data", "updated_at"])
    audit(actor, "record.correct", record, organisation=record.unit, before=before, after=after,
          reason=reason)
    return record


def _check_correction(actor, assessment: Assessment, period: Period) -> None:
    if not can_assess(actor, assessment):
        raise ActionError("只有考核管理员可以更正已公示的考核期")
    if period_is_writable(period):
        raise ActionError("该期尚未公示，请通过正常填报或核查修改记录")


@transaction.atomic
def do_add_record_after_publication(actor, *, assessment: Assessment, period: Period, kind: str,
                                    unit: Organisation, scheme_period: Any,
                                    values: dict[str, Any], reason: str) -> Record:
    """公示后补录: add a missing record to a published (locked) period, with a reason.

    ``values`` are the kind's fields as typed (text); every field may be typed, also the
    ``auto: submitted_on`` ones (the date the unit really reported, when the record is a
    late-found fact) — left blank they take today. The engine checks the record against the
    stored ones as on any submission. The record is accepted (已核查) at once — the assessor
    entered it — and is not marked late: the unit did not submit it."""
    period = Period.objects.select_related("assessment").get(pk=period.pk)
    if period.assessment_id != assessment.pk:
        raise ActionError("考核期不属于该考核")
    _check_correction(actor, assessment, period)
    scheme = assessment.scheme
    if kind not in scheme.records:
        raise ActionError(f"方案中没有记录种类「{kind}」", {"kind": "请选择记录种类"})
    if not assessment.units.filter(organisation=unit).exists():
        raise ActionError(f"「{unit.name}」不是本考核的被考核单位", {"unit": "请选择被考核单位"})
    reason = _reason(reason, "补录")
    scheme_period = clean_scheme_period(assessment, period, kind, scheme_period)
    now = timezone.now()
    data = {f.name: values.get(f.name) for f in scheme.records[kind].fields}
    for f in auto_fields(scheme, kind):
        if f.auto == "submitted_on" and data.get(f.name) in (None, ""):
            data[f.name] = timezone.localdate(now).isoformat()
    _, data = _check_one(actor, assessment, kind, unit, scheme_period, data, full=True)
    record = Record.objects.create(
        assessment=assessment, period=period, kind=kind, unit=unit, scheme_period=scheme_period,
        data=data, status=Record.Status.ACCEPTED, late=False, submitted_at=now,
        created_by=actor)
    audit(actor, "record.correct_add", record, organisation=unit, after=snapshot(record),
          reason=reason)
    return record


@transaction.atomic
def do_withdraw_record(actor, record: Record, reason: str) -> Record | None:
    """公示后撤销: take a record out of a published (locked) period, with a reason. The
    record is kept as 已撤销 (withdrawn) and returned; a draft that was never submitted is
    deleted instead (None)."""
    record = _locked_record(record)
    _check_correction(actor, record.assessment, record.period)
    if record.status == Record.Status.WITHDRAWN:
        raise ActionError("该记录已经撤销")
    reason = _reason(reason, "撤销")
    before = snapshot(record)
    if record.status == Record.Status.DRAFT and record.submitted_at is None:
        files = [e.file.name for e in record.evidence.all()]
        audit(actor, "record.correct_delete", record, organisation=record.unit, before=before,
              reason=reason)
        record.delete()
        _remove_files_after_commit(files)
        return None
    record.status = Record.Status.WITHDRAWN
    record.save(update_fields=["status", "updated_at"])
    audit(actor, "record.correct_withdraw", record, organisation=record.unit, before=before,
          after=snapshot(record), reason=reason)
    return record


def added_after_publication(record: Record) -> bool:
    """Whether the record was added to its published period by the correction path (补录)."""
    return AuditEntry.objects.filter(object_type="record", object_id=str(record.pk),
                                     action="record.correct_add").exists()


def may_attach_after_publication(actor, record: Record) -> bool:
    """Whether ``actor`` may attach evidence to ``record`` of a published (locked) period."""
    return (not period_is_writable(record.period) and can_assess(actor, record.assessment)
            and record.status != Record.Status.WITHDRAWN and added_after_publication(record))


@transaction.atomic
def do_attach_evidence_after_publication(actor, record: Record, upload) -> Evidence:
    """公示后补录的佐证材料: the 考核管理员 attaches a file to a record added to a published
    (locked) period through the correction path — the same limits, storage and download as a
    reporter's evidence (``actions.records.store_evidence``), audited as
    ``evidence.correct_attach``."""
    record = _locked_record(record)
    if not can_assess(actor, record.assessment):
        raise ActionError(LOCKED)  # a unit's own records too: the period is locked
    _check_correction(actor, record.assessment, record.period)
    if record.status == Record.Status.WITHDRAWN:
        raise ActionError("该记录已撤销，不能再添加佐证材料")
    if not added_after_publication(record):
        raise ActionError("已公示的记录不能再添加佐证材料（只有公示后补录的记录可以补充）")
    return store_evidence(actor, record, upload, "evidence.correct_attach")
