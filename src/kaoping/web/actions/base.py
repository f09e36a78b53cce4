"""What every action shares: the error it raises and the audit row it writes."""

from __future__ import annotations

from typing import Any

from django.db import models

from ..models import AuditEntry, Organisation


class ActionError(Exception):
    """A refused act: ``message`` for the page, ``fields`` for messages beside form fields."""

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def audit(actor, action: str, obj: models.Model, *, organisation: Organisation | None = None,
          before: Any = None, after: Any = None, reason: str = "") -> AuditEntry:
    """Write one audit row; call it inside the action's transaction."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None, action=action,
        object_type=obj._meta.model_name, object_id=str(obj.pk),
        organisation=organisation, before=before, after=after, reason=reason)
