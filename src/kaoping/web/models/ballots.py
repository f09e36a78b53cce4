"""Evaluation ballots (民主测评, 述职评议, 满意度测评): raters vote on phones, anonymously.

What is stored, and what is deliberately not:

* ``BallotToken`` — a one-time code of a rater category; ``used`` is the only thing voting
  changes on it (no time of use, no reference to the sheet). A named rater's token also
  names the user (issued to them), so that they vote logged in; it is the same one-time row.
* ``BallotSheet`` and ``BallotVote`` — what was voted: a sheet knows its ballot and rater
  category only (a random id, no token, no user, no time); a vote is one unit's answer on a
  sheet. Nothing links a sheet to a token or a person.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Ballot(models.Model):
    class Form(models.TextChoices):
        CHOICES = "choices", "等次选择"
        SCORE = "score", "百分制打分"

    class Write(models.TextChoices):
        VALUE = "value", "按单位写入得分"
        FIELDS = "fields", "各类别得分写入各自字段"
        DISTRIBUTION = "distribution", "每个档次一条记录（票数）"
        PLURALITY = "plurality", "写入得票最多的等次"

    assessment = models.ForeignKey("web.Assessment", on_delete=models.CASCADE,
                                   related_name="ballots")
    title = models.CharField("测评名称", max_length=200)
    #: the record kind the ballot feeds, and where its records go
    kind = models.CharField("记录种类", max_length=100)
    period = models.ForeignKey("web.Period", on_delete=models.PROTECT, related_name="ballots")
    scheme_period = models.PositiveSmallIntegerField("期次", null=True, blank=True)
    units = models.ManyToManyField("web.Organisation", verbose_name="被测评单位",
                                   related_name="rated_in")
    form = models.CharField("测评方式", max_length=10, choices=Form.choices,
                            default=Form.CHOICES)
    #: [[label, points], …] for a choices ballot (e.g. 好 100, 较好 80, 一般 60, 差 40)
    choices = models.JSONField("等次及分值", default=list, blank=True)
    must_rate_all = models.BooleanField("须对每个单位作出评价", default=True)
    drop_extremes = models.BooleanField("去掉一个最高分和一个最低分", default=False)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("结束时间")
    # ---- how the result is written into the kind when the ballot closes
    write = models.CharField("结果写入方式", max_length=20, choices=Write.choices,
                             default=Write.VALUE)
    value_field = models.CharField("得分字段", max_length=100, blank=True)
    #: the written value is the score (0–100) × scale, e.g. 0.01 for a 0–1 field
    scale = models.FloatField("折算系数", default=1.0)
    #: a choice field that takes the category's name: one record per unit and category
    category_field = models.CharField("类别字段", max_length=100, blank=True)
    #: category name → field name (write = fields), or → option of ``category_field``
    #: (write = value with a category field; a category missing here is its own option)
    field_map = models.JSONField("类别→字段", default=dict, blank=True)
    choice_field = models.CharField("等次字段", max_length=100, blank=True)
    count_field = models.CharField("票数字段", max_length=100, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    #: the records written when the ballot closed: withdrawn when it is reopened, so that
    #: closing it again replaces them
    records = models.ManyToManyField("web.Record", verbose_name="结束时写入的记录", blank=True,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "测评"
        ordering = ["-opens_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class RaterCategory(models.Model):
    """A group of raters with its weight (e.g. 党建监督员 40) and its tokens."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField("类别", max_length=50)
    weight = models.FloatField("权重", default=1.0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "测评人类别"
        ordering = ["ballot", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["ballot", "name"],
                                               name="unique_rater_category")]

    def __str__(self) -> str:
        return self.name


class BallotToken(models.Model):
    """A one-time right to vote: a short code (anonymous) or a named user (logged in)."""

    category = models.ForeignKey(RaterCategory, on_delete=models.CASCADE, related_name="tokens")
    code = models.CharField(max_length=16, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = "投票码"
        constraints = [models.UniqueConstraint(fields=["category", "user"],
                                               name="one_token_per_named_rater")]


class BallotSheet(models.Model):
    """One rater's submitted sheet: no token, no user, no time; a random id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="sheets")
    category = models.ForeignKey(RaterCategory, on_delete=models.CASCADE, related_name="sheets")

    class Meta:
        verbose_name = "测评票"


class BallotVote(models.Model):
    """One unit's answer on a sheet: a choice (index into ``Ballot.choices``) or a score."""

    sheet = models.ForeignKey(BallotSheet, on_delete=models.CASCADE, related_name="votes")
    unit = models.ForeignKey("web.Organisation", on_delete=models.PROTECT, related_name="+")
    choice = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "评价"
        constraints = [models.UniqueConstraint(fields=["sheet", "unit"], name="one_vote_per_unit")]
