"""The verifier's queue as a query — filtered by status, unit, period and kind as the queue
page's parameters say — and the record that comes next in it after a decision, so that a
verifier goes from one record to the next without returning to the list."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ..access import reporter_units
from ..models import Assessment, Record
from ..views import optional_int


def queue_filters(params) -> dict:
    """The queue's filters from request parameters (the page's or those a form carried)."""
    return {"status": params.get("status", Record.Status.SUBMITTED),
            "unit": optional_int(params.get("unit")),
            "period": optional_int(params.get("period")),
            "kind": params.get("kind", "")}


def queue_records(user, assessment: Assessment, filters: dict) -> QuerySet[Record]:
    """The records ``user`` may verify in ``assessment`` that match ``filters``, oldest
    submission first (never the user's own unit's records, never drafts)."""
    records = (assessment.records.exclude(status=Record.Status.DRAFT)
               .exclude(unit__in=reporter_units(user)).select_related("unit", "period"))
    if filters["status"] in Record.Status.values:
        records = records.filter(status=filters["status"])
    if filters["unit"]:
        records = records.filter(unit_id=filters["unit"])
    if filters["period"]:
        records = records.filter(period_id=filters["period"])
    if filters["kind"]:
        records = records.filter(kind=filters["kind"])
    return records.order_by("submitted_at", "id")


def next_in_queue(user, record: Record, filters: dict) -> Record | None:
    """The next record waiting for a decision (submitted) in the queue ``filters`` make,
    after ``record`` in the queue's order, else the first one left; None when none is left."""
    waiting = (queue_records(user, record.assessment, {**filters,
                                                       "status": Record.Status.SUBMITTED})
               .exclude(pk=record.pk))
    if record.submitted_at is not None:
        later = waiting.filter(Q(submitted_at__gt=record.submitted_at)
                               | Q(submitted_at=record.submitted_at, id__gt=record.pk))
        found = later.first()
        if found is not None:
            return found
    return waiting.first()


__all__ = ["next_in_queue", "queue_filters", "queue_records"]
