"""Search (查找) within an assessment: its records and units by name, item (考核项目),
period and state.

Assessment staff and its verifiers search every unit's records; a reporter searches only
their own unit's (``scope_units``). The database narrows by period, state and unit; the
text and the item are matched on each record as the page shows it (its unit, kind and
filled fields, the item a field or the kind names), so that a search finds what a person
reads, whatever the database's JSON encoding. At most ``SCAN`` records are read per
search, newest first, and the page says when there were more.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...engine import Scheme
from ..access import can_assess, can_verify, reporter_units
from ..models import AssessedUnit, Assessment, Record
from .display import record_period_label, record_summary, show_value

#: records read per search at most (newest first); the page says when there were more
SCAN = 5000
#: rows shown at most
SHOWN = 200


@dataclass
class Query:
    text: str = ""
    item: str = ""          # an item's name, "" for any
    period: int | None = None
    status: str = ""        # a Record.Status, "" for any but drafts of others

    @property
    def empty(self) -> bool:
        return not (self.text or self.item or self.period or self.status)


@dataclass
class Found:
    units: list[AssessedUnit]
    rows: list[dict]
    more: bool              # more records matched than are shown (or than were read)


def scope_units(user, assessment: Assessment) -> list[int] | None:
    """The units whose records ``user`` may search: None for all (staff, verifiers), else
    the reporter's own units within the assessment."""
    if can_assess(user, assessment) or can_verify(user, assessment):
        return None
    own = reporter_units(user)
    return list(assessment.units.filter(organisation_id__in=own)
                .values_list("organisation_id", flat=True))


def record_item(scheme: Scheme, record: Record):
    """The item (考核项目) a record counts for: its kind's, or the one a field names."""
    spec = scheme.records.get(record.kind)
    if spec is None:
        return None
    if spec.item:
        return scheme.item_by_key(spec.item)
    for f in spec.fields:
        value = record.data.get(f.name)
        if value in (None, ""):
            continue
        if f.type == "item":
            return scheme.item_by_key(value)
        if f.type == "clause":
            c = scheme.clause_by_code(value)
            return scheme.items[c.item] if c is not None else None
    return None


def _words(scheme: Scheme, record: Record) -> str:
    values = " ".join(show_value(v) for v in record.data.values())
    return f"{record.unit.name} {record.kind} {values}".lower()


def search(user, assessment: Assessment, q: Query) -> Found:
    scheme = assessment.scheme
    units_in = scope_units(user, assessment)
    text = q.text.strip().lower()
    units = assessment.units.select_related("organisation", "organisation__parent")
    if units_in is not None:
        units = units.filter(organisation_id__in=units_in)
    matching_units = [u for u in units if text and text in u.organisation.name.lower()]
    records = assessment.records.select_related("unit", "period")
    if units_in is not None:
        records = records.filter(unit_id__in=units_in)
    else:
        records = records.exclude(status=Record.Status.DRAFT)  # others' drafts are theirs
    if q.period:
        records = records.filter(period_id=q.period)
    if q.status in Record.Status.values:
        records = records.filter(status=q.status)
    read = list(records.order_by("-period__number", "unit__path", "kind", "id")[:SCAN + 1])
    more = len(read) > SCAN
    rows = []
    for r in read[:SCAN]:
        item = record_item(scheme, r)
        if q.item and (item is None or item.name != q.item):
            continue
        if text and text not in _words(scheme, r):
            continue
        if len(rows) == SHOWN:
            more = True
            break
        rows.append({"record": r, "item": item.label if item else "",
                     "summary": record_summary(scheme, r),
                     "scheme_period": record_period_label(scheme, r)})
    return Found(units=matching_units, rows=rows, more=more)


__all__ = ["Found", "Query", "SCAN", "SHOWN", "record_item", "scope_units", "search"]
