"""The audit trail: who did what, when, to what, before and after, and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField("操作", max_length=50)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50)
    #: the organisation the change concerns, to show each user only their own subtree
    organisation = models.ForeignKey("web.Organisation", null=True, on_delete=models.PROTECT,
                                     related_name="+")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField("理由", blank=True)

    class Meta:
        verbose_name = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
