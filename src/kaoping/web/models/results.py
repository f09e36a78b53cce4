"""Scoring runs and publications (公示): results frozen as documents, revisions kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ScoringRun(models.Model):
    """The engine's result over the records of an assessment up to a period."""

    assessment = models.ForeignKey("web.Assessment", on_delete=models.CASCADE,
                                   related_name="scoring_runs")
    period = models.ForeignKey("web.Period", on_delete=models.PROTECT, related_name="scoring_runs")
    #: Result.to_dict(explanations=True) when the input was valid
    result = models.JSONField(null=True, blank=True)
    #: every input problem, when it was not (["place: message", …])
    problems = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评分"
        ordering = ["-at", "-id"]

    @property
    def ok(self) -> bool:
        return self.result is not None


class Publication(models.Model):
    """A published revision of a period's results. Revisions are never overwritten."""

    assessment = models.ForeignKey("web.Assessment", on_delete=models.CASCADE,
                                   related_name="publications")
    period = models.ForeignKey("web.Period", on_delete=models.PROTECT, related_name="publications")
    revision = models.PositiveSmallIntegerField("修订版次")
    scoring_run = models.ForeignKey(ScoringRun, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("更正理由", blank=True)
    public = models.BooleanField("公开页面可见", default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "公示"
        ordering = ["period__number", "revision"]
        constraints = [models.UniqueConstraint(fields=["period", "revision"],
                                               name="unique_revision")]
