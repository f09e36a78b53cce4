"""Scoring runs, their per-unit result rows, and publications (公示) with their revisions.

A scoring run (``ScoringRun``) is queued by an assessor and carried out by a background
worker (``tasks.score_period``). When the engine's input is valid the run keeps, in one
transaction that also marks it done:

* one ``UnitResult`` row per assessed unit — what a results table shows (score, exact
  score, ranks, grade, flags, components, kept-apart values), in ranking order
  (``position``), so that a page reads one page of rows;
* a ``ScoringSnapshot``: the engine's compact ``.npz`` snapshot of the result (no pickle,
  ``engine.snapshot``), from which one unit's explanation is built when someone asks. It
  is a table of its own so that no page listing runs or rows ever reads its bytes.

A run's rows are never changed once written; a publication points to its run (and so to
its rows) and is never overwritten either.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ScoringRun(models.Model):
    """The engine's result over the records of an assessment up to a period."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "评分中"
        DONE = "done", "已完成"
        INVALID = "invalid", "数据有问题"
        FAILED = "failed", "评分失败"

    #: the states of a run not finished yet: at most one such run per period
    ACTIVE = (State.QUEUED, State.RUNNING)

    assessment = models.ForeignKey("web.Assessment", on_delete=models.CASCADE,
                                   related_name="scoring_runs")
    period = models.ForeignKey("web.Period", on_delete=models.PROTECT, related_name="scoring_runs")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    #: 0–100, and what the worker is doing ("读取记录" …), for the progress bar
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=50, blank=True)
    #: why a run failed (shown to the assessor), when it did
    error = models.TextField(blank=True)
    #: the background task carrying the run out (django-tasks result id)
    task_id = models.CharField(max_length=64, blank=True)
    #: the last time the worker said it was alive (a run silent for too long has died)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: the results document's head: scheme, year, rounding, the columns' order
    header = models.JSONField(default=dict)
    unit_count = models.PositiveIntegerField(default=0)
    #: every input problem, when the input was not valid (["place: message", …])
    problems = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: when the run began reading the records (records changed later make it stale)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评分"
        ordering = ["-at", "-id"]
        constraints = [
            # two scorings of one period never run at once
            models.UniqueConstraint(fields=["period"],
                                    condition=models.Q(state__in=["queued", "running"]),
                                    name="one_active_scoring_per_period"),
        ]

    @property
    def ok(self) -> bool:
        return self.state == self.State.DONE

    @property
    def active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def rounding(self) -> int:
        return self.header.get("rounding", 2)

    @property
    def components(self) -> list[str]:
        return list(self.header.get("columns", {}).get("components", []))

    @property
    def apart(self) -> list[str]:
        return list(self.header.get("columns", {}).get("apart", []))


class UnitResult(models.Model):
    """One unit's line of a scoring run's results (``Result.to_dict``'s ``units[]``)."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="units")
    #: 0, 1, 2 … in ranking order (best first, unranked last by name)
    position = models.PositiveIntegerField()
    #: the organisation, while it exists; the name as it was scored stays in ``name``
    unit = models.ForeignKey("web.Organisation", null=True, on_delete=models.SET_NULL,
                             related_name="+")
    name = models.CharField(max_length=100)
    unit_class = models.CharField(max_length=100, blank=True)
    group = models.CharField(max_length=100, blank=True)
    score = models.FloatField(null=True)
    score_exact = models.FloatField(null=True)
    rank = models.PositiveIntegerField(null=True)
    rank_in_class = models.PositiveIntegerField(null=True)
    rank_in_group = models.PositiveIntegerField(null=True)
    bottom = models.PositiveIntegerField(null=True)
    grade = models.CharField(max_length=50, blank=True)
    flags = models.JSONField(default=list)
    #: values in the order of the run's ``header["columns"]`` (a list: jsonb keeps no order)
    components = models.JSONField(default=list)
    apart = models.JSONField(default=list)
    #: a run carried over from before snapshots (migration 0009): its eager explanation
    explanation = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = "单位评分结果"
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="unique_position_in_run"),
        ]
        indexes = [models.Index(fields=["run", "unit"], name="unitresult_run_unit")]

    def to_dict(self, components: list[str], apart: list[str]) -> dict:
        """This row as ``Result.to_dict`` writes a unit (labels from the run's header)."""
        return {"unit": self.name, "class": self.unit_class or None, "group": self.group or None,
                "score": self.score, "score_exact": self.score_exact, "rank": self.rank,
                "rank_in_class": self.rank_in_class, "rank_in_group": self.rank_in_group,
                "bottom": self.bottom, "grade": self.grade or None, "flags": list(self.flags),
                "components": dict(zip(components, self.components, strict=False)),
                "apart": dict(zip(apart, self.apart, strict=False))}


class ScoringSnapshot(models.Model):
    """A done run's result snapshot (``engine.snapshot``: a NumPy .npz, no pickle)."""

    run = models.OneToOneField(ScoringRun, primary_key=True, on_delete=models.CASCADE,
                               related_name="snapshot")
    data = models.BinaryField()

    class Meta:
        verbose_name = "评分快照"


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
