"""Appeals (申诉) against a published result, and their answers.

Seed 002 part 3 第十八条: a unit that disagrees may appeal; the superior organisation
investigates and gives a clear answer. An appeal names the published revision, the score or
record it disputes, the claim and evidence; the answer is upheld (the correction path and a
new revision follow, linked here) or rejected, always in words the unit reads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Appeal(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "待答复"
        UPHELD = "upheld", "已答复，予以更正"
        REJECTED = "rejected", "已答复，维持原结果"

    assessment = models.ForeignKey("web.Assessment", on_delete=models.CASCADE,
                                   related_name="appeals")
    period = models.ForeignKey("web.Period", on_delete=models.PROTECT, related_name="appeals")
    unit = models.ForeignKey("web.Organisation", on_delete=models.PROTECT, related_name="appeals")
    #: the published revision the unit disagrees with
    publication = models.ForeignKey("web.Publication", on_delete=models.PROTECT,
                                    related_name="appeals")
    #: the record disputed, when it is one record (else the claim names the score)
    record = models.ForeignKey("web.Record", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="appeals")
    claim = models.TextField("申诉事项")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    #: the day the answer is due (filing day + the assessment's answer_days)
    due = models.DateField("答复期限")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField("调查答复", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    #: the corrected revision published after an upheld appeal
    revision = models.ForeignKey("web.Publication", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="settled_appeals")

    class Meta:
        verbose_name = "申诉"
        ordering = ["due", "pk"]

    @property
    def answered(self) -> bool:
        return self.state != self.State.OPEN


class AppealEvidence(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="appeals/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申诉材料"
