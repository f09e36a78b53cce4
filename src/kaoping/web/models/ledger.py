"""The rectification ledger (问题清单 / 整改台账): problems found in a unit, tracked to closure.

Seed 003 (F): problems found go into a 问题清单 and a 整改台账 and are followed until closed —
feedback, rectification, feedback again. A problem names its unit, where it came from, what
is wrong, the measure required, who is responsible and by when; its history holds the unit's
rectification reports and the assessor's reviews (accepted → closed; not accepted → back to
the unit with the reason).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Problem(models.Model):
    class Source(models.TextChoices):
        DEDUCTION = "deduction", "核查扣分"
        FLAG = "flag", "结果运用"
        BALLOT = "ballot", "测评发现"
        INSPECTION = "inspection", "督查检查"
        MANUAL = "manual", "其他"

    class State(models.TextChoices):
        OPEN = "open", "整改中"
        REPORTED = "reported", "已报整改情况，待审核"
        CLOSED = "closed", "已销号"

    assessment = models.ForeignKey("web.Assessment", on_delete=models.CASCADE,
                                   related_name="problems")
    unit = models.ForeignKey("web.Organisation", on_delete=models.PROTECT, related_name="problems")
    period = models.ForeignKey("web.Period", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="problems")
    source = models.CharField("问题来源", max_length=12, choices=Source.choices)
    #: what the source says (the deduction clause, the flag's text, the inspection's name)
    source_note = models.CharField("来源说明", max_length=300, blank=True)
    record = models.ForeignKey("web.Record", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="problems")
    description = models.TextField("问题描述")
    measure = models.TextField("整改要求")
    responsible = models.CharField("责任人", max_length=50)
    deadline = models.DateField("整改时限")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "整改问题"
        ordering = ["deadline", "pk"]


class ProblemEntry(models.Model):
    """One step of a problem's history: the unit's report or the assessor's review."""

    class Kind(models.TextChoices):
        REPORT = "report", "整改情况报告"
        ACCEPTED = "accepted", "审核通过，销号"
        REJECTED = "rejected", "审核未通过，退回整改"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    file = models.FileField(upload_to="rectification/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "整改记录"
        ordering = ["at", "pk"]


class FollowUp(models.Model):
    """A results-use item (结果运用): a flag the scheme raised for a unit in a published
    result (后备干部, 诫勉谈话, 约谈 …), on the assessing organisation's list until done."""

    assessment = models.ForeignKey("web.Assessment", on_delete=models.CASCADE,
                                   related_name="follow_ups")
    unit = models.ForeignKey("web.Organisation", on_delete=models.PROTECT,
                             related_name="follow_ups")
    flag = models.CharField("提示", max_length=200)
    note = models.TextField("依据", blank=True)
    #: the publication that first raised it
    publication = models.ForeignKey("web.Publication", on_delete=models.PROTECT,
                                    related_name="follow_ups")
    #: the ledger problem a rectifying flag opened
    problem = models.OneToOneField(Problem, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="follow_up")
    done = models.BooleanField(default=False)
    done_note = models.TextField("办理情况", blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "结果运用"
        ordering = ["done", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "unit", "flag"],
                                               name="one_follow_up_per_flag")]
