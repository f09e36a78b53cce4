"""Records checked by the engine: the one place the web application asks whether records fit
their scheme.

Forms and uploaded workbooks never check a cell themselves. They hand the engine the same
tables a file would give it (``RawTable``s: the assessment's units, and the records of one
kind) and take back either every problem, each at its place, or the converted values to
store. The candidate records are checked together with the records already stored for the
same kind (submitted ones, never drafts), so that a duplicate (``unique``), a distribution
quota or a deduction without an assessment session is caught when the record is entered,
with the engine's own message. Inside a writing action's transaction the check and the
write are one step (:func:`serialise`): two identical submissions at the same instant do
not both pass.

Two things differ from a file and are said by changing the scheme the engine sees, not by
filtering its messages (:func:`relaxed`): a draft may leave any field blank, and a reporter
leaves blank the fields the assessing organisation fills in (``entered_by: assessor``).

Stored values (``Record.data``) are field name → the value as the engine reads it back:
numbers, ``"YYYY-MM-DD"`` dates, ``True``/``False``, a choice's option, an item's name, a
clause's code, text; ``None`` for blank.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections

from ..engine import InputError, RawTable, Scheme, build_dataset
from ..engine.dataset import NO_DATE, days_to_date
from ..engine.explain import period_label
from ..engine.model import (
    CLASS_COLUMN,
    GROUP_COLUMN,
    PERIOD_COLUMN,
    PERIODS_PER_YEAR,
    UNIT_COLUMN,
    RecordField,
)
from .models import AssessedUnit, Assessment, Organisation, Period, Record

# ------------------------------------------------------------------ who fills what


def entered_by(scheme: Scheme, kind: str, f: RecordField | None = None) -> str:
    """"unit" or "assessor": who fills in the kind (or one of its fields)."""
    spec = scheme.records[kind]
    return (f.entered_by if f is not None and f.entered_by else None) or spec.entered_by


def record_kinds(scheme: Scheme, *, assessor: bool) -> list[str]:
    """The kinds entered as records on the web: every kind for assessment staff, the unit's
    own for a reporter — never the scheme's appeal register (``appeal``), whose entries are
    the appeals filed on a published result (``actions.appeals``)."""
    return [k for k, spec in scheme.records.items()
            if spec.appeal is None and (assessor or spec.entered_by == "unit")]


def typed_fields(scheme: Scheme, kind: str, *, assessor: bool) -> list[RecordField]:
    """The fields a person types into the form: never ``auto`` ones (the application fills
    them); for a reporter only the fields the unit enters."""
    return [f for f in scheme.records[kind].fields
            if f.auto is None and (assessor or entered_by(scheme, kind, f) == "unit")]


def others_fields(scheme: Scheme, kind: str, *, assessor: bool) -> set[str]:
    """Fields of ``kind`` the entrant leaves to the assessing organisation."""
    if assessor:
        return set()
    return {f.name for f in scheme.records[kind].fields if entered_by(scheme, kind, f) == "assessor"}


def auto_fields(scheme: Scheme, kind: str) -> list[RecordField]:
    return [f for f in scheme.records[kind].fields if f.auto is not None]


def relaxed(scheme: Scheme, optional: dict[str, Iterable[str]]) -> Scheme:
    """``scheme`` with the named fields of each kind made optional (a blank is no problem).

    Every other rule stays the engine's: a value that is given is checked as always.
    """
    optional = {k: set(v) for k, v in optional.items() if v}
    if not optional:
        return scheme
    records = {}
    for kind, spec in scheme.records.items():
        names = optional.get(kind)
        if names:
            fields = [f.model_copy(update={"required": False}) if f.name in names else f
                      for f in spec.fields]
            spec = spec.model_copy(update={"fields": fields})
        records[kind] = spec
    return dataclasses.replace(scheme, model=scheme.model.model_copy(update={"records": records}))


def only_kinds(scheme: Scheme, kinds: Iterable[str], *, drop: dict[str, set[str]] | None = None,
               optional: dict[str, set[str]] | None = None) -> Scheme:
    """``scheme`` with only ``kinds`` (in scheme order), without the ``drop`` fields and with
    the ``optional`` fields optional: the scheme as one entrant's template shows it."""
    keep = set(kinds)
    drop = drop or {}
    optional = optional or {}
    records = {}
    for kind, spec in scheme.records.items():
        if kind not in keep:
            continue
        fields = [f.model_copy(update={"required": False}) if f.name in optional.get(kind, ()) else f
                  for f in spec.fields if f.name not in drop.get(kind, set())]
        records[kind] = spec.model_copy(update={"fields": fields})
    return dataclasses.replace(scheme, model=scheme.model.model_copy(update={"records": records}))


# ------------------------------------------------------------------ periods


def kind_periods(assessment: Assessment, period: Period, kind: str) -> list[tuple[int, str]]:
    """The kind's own periods (1-based, with labels) that fall in the assessment's ``period``:
    e.g. for a monthly cycle's March, a quarterly kind offers only 第1季度; for a quarterly
    cycle's second quarter, a monthly kind offers 4月, 5月, 6月. Empty for a yearly kind."""
    grain = assessment.scheme.records[kind].period
    if grain == "year":
        return []
    cycle = PERIODS_PER_YEAR[assessment.cycle]
    start, end = (period.number - 1) * 12 // cycle, period.number * 12 // cycle  # months
    n = PERIODS_PER_YEAR[grain]
    return [(k + 1, period_label(grain, k)) for k in range(n)
            if k * 12 // n < end and (k + 1) * 12 // n > start]


def scheme_period_label(assessment: Assessment, kind: str, scheme_period: int | None) -> str:
    grain = assessment.scheme.records[kind].period
    if grain == "year" or scheme_period is None:
        return f"{assessment.year}年度"
    return period_label(grain, scheme_period - 1)


# ------------------------------------------------------------------ tables


def assessed_units(assessment: Assessment,
                   organisation_ids: Iterable[int] | None = None) -> list[AssessedUnit]:
    """The assessment's units (only those of ``organisation_ids`` when given)."""
    qs = AssessedUnit.objects.filter(assessment=assessment)
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=list(organisation_ids))
    return list(qs.select_related("organisation__parent"))


def group_name(org: Organisation) -> str:
    """A unit's group (上级组织) for the engine: the organisation directly above it."""
    return org.parent.name if org.parent_id else ""


def units_table(assessment: Assessment, units: Sequence[AssessedUnit] | None = None) -> RawTable:
    """The engine's 单位 table for the assessment: name, class (when the scheme has classes)
    and group (the organisation directly above the unit)."""
    units = assessed_units(assessment) if units is None else units
    with_class = bool(assessment.scheme.model.units.classes)
    columns = [UNIT_COLUMN, *([CLASS_COLUMN] if with_class else []), GROUP_COLUMN]
    rows = [[au.organisation.name, *([au.unit_class] if with_class else []),
             group_name(au.organisation)] for au in units]
    return RawTable("单位", columns, rows,
                    lambda i, c: f"被考核单位「{rows[i][0]}」" if i >= 0 else "被考核单位")


def record_row(scheme: Scheme, kind: str, unit_name: str, scheme_period: Any,
               data: dict[str, Any]) -> list[Any]:
    """One row of a kind's table in ``scheme.columns_of(kind)`` order."""
    spec = scheme.records[kind]
    row: list[Any] = [unit_name]
    if spec.period != "year":
        row.append(scheme_period)
    return row + [data.get(f.name) for f in spec.fields]


def record_place(record: Record) -> str:
    return f"已有记录 #{record.pk}（{record.unit.name}）"


def stored_records(assessment: Assessment, kind: str, unit_ids: Iterable[int] | None,
                   exclude: Iterable[int] = ()) -> list[Record]:
    """The records the engine compares new ones with: every status but drafts and records
    withdrawn after publication (a withdrawn record's key is free again)."""
    qs = (Record.objects.filter(assessment=assessment, kind=kind)
          .exclude(status__in=[Record.Status.DRAFT, Record.Status.WITHDRAWN])
          .exclude(pk__in=list(exclude))
          .select_related("unit").order_by("id"))
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    return list(qs)


def _needs_all_units(scheme: Scheme, kind: str) -> bool:
    """Whether the kind's checks look across units (a quota, or a unique key without 单位)."""
    spec = scheme.records[kind]
    return spec.quota is not None or any(UNIT_COLUMN not in key for key in spec.unique)


def _session_kinds(scheme: Scheme, kind: str) -> list[str]:
    return sorted({m.rubric.sessions for m in scheme.model.measures
                   if m.rubric is not None and m.rubric.records == kind and m.rubric.sessions})


# ------------------------------------------------------------------ one check at a time


def lock_keys(assessment: Assessment, kind: str, unit_ids: Iterable[int | None]) -> list[int]:
    """The advisory lock keys that serialise the checks of ``kind`` for these units: one per
    unit when the kind's checks stay within a unit (a ``unique`` key with 单位), one for the
    whole kind when they look across units (a quota, a key without 单位). Sorted, so that
    two writers taking several always take them in the same order (no deadlock)."""
    if _needs_all_units(assessment.scheme, kind):
        scopes = ["*"]
    else:
        scopes = sorted({str(u) for u in unit_ids if u is not None})
    keys = set()
    for scope in scopes:
        digest = hashlib.blake2b(f"kaoping.recordcheck|{assessment.pk}|{kind}|{scope}".encode(),
                                 digest_size=8).digest()
        keys.add(int.from_bytes(digest, "big", signed=True))
    return sorted(keys)


def serialise(assessment: Assessment, kind: str, candidates: Sequence[Candidate]) -> None:
    """Make checking records and writing them one step: two submissions of the same
    ``unique`` key (or two that together break a quota) at the same instant must not both
    pass the check before either is written.

    Called by :func:`check` inside the action's transaction; whatever it takes is held
    until that transaction ends, so the second writer checks against the first one's record.

    * PostgreSQL: a transaction-scoped advisory lock per unit and kind (or per kind, see
      :func:`lock_keys`) — writers of other units or kinds never wait for each other, and no
      row is written to lock.
    * SQLite: the settings open every transaction with ``BEGIN IMMEDIATE``
      (``transaction_mode``), which takes the database's one write lock before the first
      read, so writers already run one after the other. A connection configured otherwise
      takes the write lock here, by a write that changes nothing.
    * any other database: a row lock on the assessment.
    """
    connection = connections[Record.objects.db]
    if not connection.in_atomic_block:
        return  # a check that writes nothing (nothing would hold a lock anyway)
    if connection.vendor == "sqlite":
        if connection.settings_dict.get("OPTIONS", {}).get("transaction_mode") != "IMMEDIATE":
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {Assessment._meta.db_table} SET id = id WHERE id = %s",
                               [assessment.pk])
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for key in lock_keys(assessment, kind, (c.unit_id for c in candidates)):
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        return
    list(Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("pk"))


# ------------------------------------------------------------------ the check


@dataclass
class Candidate:
    """A record to check: its unit, its period in the kind's own terms (a number, or a cell
    as typed), and its field values (as typed, or as stored)."""

    unit_name: str
    unit_id: int | None
    scheme_period: Any
    values: dict[str, Any]


@dataclass
class Checked:
    scheme_period: int | None
    values: dict[str, Any]


def check(assessment: Assessment, kind: str, candidates: Sequence[Candidate],
          locate: Callable[[int, str | None], str], *, optional: Iterable[str] = (),
          exclude: Iterable[int] = ()) -> list[Checked]:
    """Check ``candidates`` of ``kind`` with the engine; return their values as stored.

    ``locate(i, column)`` names the place of candidate ``i``'s cell (``i`` < 0: the table);
    ``optional`` fields may be blank; records with ids in ``exclude`` (the one being edited)
    are left out of the comparison. Raises ``InputError`` with every problem of the
    candidates (problems of records already stored are not theirs and are not reported).
    """
    scheme = assessment.scheme
    serialise(assessment, kind, candidates)
    unit_ids = None if _needs_all_units(scheme, kind) else {c.unit_id for c in candidates}
    if unit_ids is not None and None in unit_ids:
        unit_ids = None  # a unit not found by name: the engine names it against all units
    # A check within units reads only those units: a submission costs the same in an
    # assessment of 8 branches and in one of a province.
    units = assessed_units(assessment, unit_ids)
    existing = stored_records(assessment, kind, unit_ids, exclude)
    try:
        return _check(assessment, kind, candidates, locate, set(optional), units, existing)
    except InputError as exc:
        if exc.problems or not existing:
            raise
    # Only stored records were at fault (e.g. their session record was removed since): the
    # candidates are checked alone, and whatever is wrong with the others shows at scoring.
    return _check(assessment, kind, candidates, locate, set(optional), units, [])


def _check(assessment, kind, candidates, locate, optional, units, existing) -> list[Checked]:
    scheme = assessment.scheme
    spec = scheme.records[kind]
    view = relaxed(scheme, {kind: optional})
    n = len(existing)
    places = [record_place(r) for r in existing]
    rows = [record_row(scheme, kind, r.unit.name, r.scheme_period, r.data) for r in existing]
    rows += [record_row(scheme, kind, c.unit_name, c.scheme_period, c.values) for c in candidates]

    def where(i: int, col: str | None) -> str:
        if i < 0:
            return locate(-1, col)
        return places[i] if i < n else locate(i - n, col)

    tables = {k: RawTable(k, scheme.columns_of(k), [], lambda i, c, k=k: k) for k in scheme.records}
    tables[kind] = RawTable(kind, scheme.columns_of(kind), rows, where)
    session_ids = {c.unit_id for c in candidates}
    for sk in _session_kinds(scheme, kind):
        held = stored_records(assessment, sk, session_ids)
        sk_places = [record_place(r) for r in held]
        places += sk_places
        tables[sk] = RawTable(sk, scheme.columns_of(sk),
                              [record_row(scheme, sk, r.unit.name, r.scheme_period, r.data)
                               for r in held],
                              lambda i, c, p=sk_places, sk=sk: p[i] if i >= 0 else sk)
    try:
        data = build_dataset(view, units_table(assessment, units), tables, assessment.year)
    except InputError as exc:
        theirs = set(places)
        raise InputError([p for p in exc.problems if p.where not in theirs]) from None
    table = data.records[kind]
    out = []
    for i in range(len(candidates)):
        j = n + i
        period = None if spec.period == "year" else int(table.period[j]) + 1
        out.append(Checked(period, {f.name: decode(scheme, f, table.columns[f.name][j])
                                    for f in spec.fields}))
    return out


def decode(scheme: Scheme, f: RecordField, x: Any) -> Any:
    """One converted cell of the engine's column back to its stored form."""
    t = f.type
    if t in ("number", "integer"):
        x = float(x)
        if math.isnan(x):
            return None
        return int(x) if t == "integer" or x.is_integer() else x
    if t == "date":
        return None if int(x) == NO_DATE else days_to_date(int(x)).isoformat()
    if t == "bool":
        return bool(x)
    if t == "choice":
        return None if int(x) < 0 else f.options[int(x)]
    if t == "item":
        return None if int(x) < 0 else scheme.items[int(x)].name
    if t == "clause":
        return None if int(x) < 0 else scheme.clauses[int(x)].spec.code
    return x


def period_column(scheme: Scheme, kind: str) -> str | None:
    grain = scheme.records[kind].period
    return None if grain == "year" else PERIOD_COLUMN[grain]


def display(scheme: Scheme, f: RecordField, value: Any) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "":
        return ""
    if f.type == "bool":
        return "是" if value else "否"
    if f.type == "item":
        info = scheme.item_by_key(value)
        return info.label if info else str(value)
    if f.type == "clause":
        info = scheme.clause_by_code(value)
        return f"{info.spec.code} {info.spec.text}" if info else str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


__all__ = ["Candidate", "Checked", "assessed_units", "auto_fields", "check", "decode", "display",
           "entered_by", "group_name", "kind_periods", "only_kinds", "others_fields",
           "period_column", "record_place", "record_row", "relaxed", "scheme_period_label",
           "stored_records", "typed_fields", "units_table"]
