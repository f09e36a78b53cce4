"""What the pages ask about appeals (申诉): who sees which, and whether a unit may still appeal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from ..access import can_assess, visible_organisations
from ..actions.appeals import appeal_deadline, may_appeal
from ..models import Appeal, Organisation, Period, Publication


def visible_appeals(user, period: Period):
    """The period's appeals this user may read: all for staff, else those of the units it sees."""
    appeals = Appeal.objects.filter(period=period).select_related("unit", "publication", "revision")
    if not can_assess(user, period.assessment):
        appeals = appeals.filter(unit__in=visible_organisations(user))
    return appeals.order_by("unit__path", "pk")


def unit_appeals(period: Period, unit: Organisation):
    return (Appeal.objects.filter(period=period, unit=unit)
            .select_related("publication", "revision").order_by("pk"))


@dataclass(frozen=True)
class AppealWindow:
    """The units this user may appeal for on the latest revision, and until when."""

    units: list[Organisation]
    last_day: date
    open: bool


def appeal_window(user, period: Period, pub: Publication) -> AppealWindow | None:
    latest = period.publications.order_by("-revision").first()
    if latest is None or latest.pk != pub.pk:
        return None
    units = [au.organisation for au in period.assessment.units.select_related("organisation")
             if may_appeal(user, au.organisation)]
    if not units:
        return None
    last_day = appeal_deadline(pub)
    return AppealWindow(units, last_day, timezone.localdate() <= last_day)


def staff_queue(assessment):
    """An assessment's appeals for its staff: unanswered first by due date, then answered."""
    return (Appeal.objects.filter(assessment=assessment)
            .select_related("unit", "period", "publication", "revision")
            .order_by("answered_at", "due", "pk"))
