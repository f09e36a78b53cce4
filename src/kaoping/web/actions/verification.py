"""核查: accept a record, return it with a reason, adjust a value with a reason; and the
correction of a record after publication (公示), the one write a locked period allows.

Each act leaves a ``Verification`` row (for accept / return / adjust) and an audit row on
the record, with the values before and after and the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ...engine import Problem, Scheme
from ...engine.dataset import choice_key, convert_cell
from ..access import can_assess, can_verify_record, period_is_writable
from ..models import Record, Verification
from .base import ActionError, audit

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
    reason = _reason(reason, "更正")
    if not changes:
        raise ActionError("没有要更正的内容", {"value": "请填写新值"})
    before, after = _apply(record, changes)
    record.save(update_fields=["data", "updated_at"])
    audit(actor, "record.correct", record, organisation=record.unit, before=before, after=after,
          reason=reason)
    return record
