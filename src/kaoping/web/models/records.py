"""What units report and assessors enter: records of the scheme's kinds, with evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Record(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "已核查"
        #: withdrawn after publication (公示后撤销): kept with its values and history, never
        #: scored or compared again (``actions.verification.do_withdraw_record``)
        WITHDRAWN = "withdrawn", "已撤销"

    assessment = models.ForeignKey("web.Assessment", on_delete=models.CASCADE,
                                   related_name="records")
    period = models.ForeignKey("web.Period", on_delete=models.PROTECT, related_name="records")
    kind = models.CharField("记录种类", max_length=100)
    unit = models.ForeignKey("web.Organisation", on_delete=models.PROTECT, related_name="records")
    #: the record's period in the scheme's own terms (month 1–12, quarter 1–4 …; null: year)
    scheme_period = models.PositiveSmallIntegerField(null=True, blank=True)
    #: field name → value as the engine reads it (dates as "YYYY-MM-DD")
    data = models.JSONField(default=dict)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    late = models.BooleanField("逾期提交", default=False)
    return_reason = models.TextField("退回原因", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "记录"
        ordering = ["period__number", "kind", "unit__path", "id"]
        indexes = [models.Index(fields=["assessment", "status"]),
                   models.Index(fields=["assessment", "unit", "period"])]


class Evidence(models.Model):
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"


class Verification(models.Model):
    """One act of 核查 on a record: accepted, returned with a reason, or a value adjusted."""

    class Action(models.TextChoices):
        ACCEPT = "accept", "通过"
        RETURN = "return", "退回"
        ADJUST = "adjust", "调整"

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="verifications")
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.TextField("理由", blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "核查"
        ordering = ["at", "id"]
