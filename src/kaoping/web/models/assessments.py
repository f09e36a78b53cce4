"""An assessment: a scheme applied by an assessing organisation to its units for a year."""

from __future__ import annotations

from functools import cached_property, lru_cache

from django.conf import settings
from django.db import models

from ...engine import Scheme, load_scheme


@lru_cache(maxsize=64)
def _load_scheme(filename: str, source: str) -> Scheme:
    """A scheme text is parsed once per process: the text of an assessment never changes."""
    return load_scheme(filename, text=source)


class Assessment(models.Model):
    name = models.CharField("考核名称", max_length=200)
    organisation = models.ForeignKey("web.Organisation", verbose_name="考核组织",
                                     on_delete=models.PROTECT, related_name="assessments")
    scheme_id = models.CharField("方案编号", max_length=50)
    scheme_name = models.CharField("方案名称", max_length=200)
    #: the scheme file's text as it was when the assessment was created: later edits to a
    #: bundled file never change an assessment under way
    scheme_source = models.TextField("方案文件")
    scheme_file = models.CharField("方案文件名", max_length=200)
    year = models.PositiveIntegerField("考核年度")
    cycle = models.CharField("填报周期", max_length=10, default="month",
                             choices=[("month", "月"), ("quarter", "季度"), ("half", "半年"),
                                      ("year", "年")])
    due_soon_days = models.PositiveSmallIntegerField("临期提醒天数", default=3)
    public_results = models.BooleanField("公示到公开页面", default=False)
    #: a unit may appeal (申诉) a published result within this many days of its publication
    appeal_days = models.PositiveSmallIntegerField("申诉期限（公示后天数）", default=7)
    #: the assessing organisation answers an appeal within this many days of its filing
    answer_days = models.PositiveSmallIntegerField("答复期限（申诉后天数）", default=15)
    #: a problem a rectifying flag opens is due this many days after the publication
    rectify_days = models.PositiveSmallIntegerField("整改期限（公示后天数）", default=30)
    verifiers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="核查人员",
                                       blank=True, related_name="verifying")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考核"
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year", "name"],
                                               name="unique_assessment_name")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @cached_property
    def scheme(self) -> Scheme:
        return _load_scheme(self.scheme_file, self.scheme_source)


class AssessedUnit(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="units")
    organisation = models.ForeignKey("web.Organisation", on_delete=models.PROTECT,
                                     related_name="assessed_in")
    unit_class = models.CharField("单位类别", max_length=50, blank=True)

    class Meta:
        verbose_name = "被考核单位"
        ordering = ["organisation__path"]
        constraints = [models.UniqueConstraint(fields=["assessment", "organisation"],
                                               name="unique_assessed_unit")]


class Period(models.Model):
    """One reporting cycle of an assessment (a month, quarter, half-year or the year)."""

    class State(models.TextChoices):
        OPEN = "open", "填报中"
        PUBLISHED = "published", "已公示"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField("期次")
    deadline = models.DateField("截止日期")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.OPEN)

    class Meta:
        verbose_name = "考核期"
        ordering = ["assessment", "number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "number"],
                                               name="unique_period")]

    @property
    def label(self) -> str:
        from ...engine.explain import period_label

        return period_label(self.assessment.cycle, self.number - 1) or f"{self.assessment.year}年度"

    @property
    def locked(self) -> bool:
        return self.state == Period.State.PUBLISHED
