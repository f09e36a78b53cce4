"""Read-only questions the pages ask (no writes here)."""

from __future__ import annotations

from .access import visible_organisations
from .models import Assessment


def home_context(user) -> dict:
    from django.db.models import Q

    visible = visible_organisations(user)
    assessments = Assessment.objects.filter(
        Q(units__organisation__in=visible) | Q(organisation__in=visible)).distinct()
    return {"assessments": assessments.select_related("organisation")}
