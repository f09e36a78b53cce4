"""The organisation tree: county committee → organ party committees → branches, any depth."""

from __future__ import annotations

from django.db import models


class Organisation(models.Model):
    """A party organisation; assessing and assessed organisations are both organisations."""

    name = models.CharField("组织名称", max_length=100)
    parent = models.ForeignKey("self", verbose_name="上级组织", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    category = models.CharField("类别", max_length=50, blank=True)
    secretary = models.CharField("书记", max_length=50, blank=True)
    affairs_worker = models.CharField("党务工作者", max_length=50, blank=True)
    member_count = models.PositiveIntegerField("党员数", null=True, blank=True)
    #: "/0000000001/0000000004/": the ids from the root down, so a subtree is one indexed
    #: prefix query; zero-padded so that ordering by path is tree order (a parent, then its
    #: children in the order they were made), not text order ("10" before "2")
    path = models.CharField(max_length=500, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = "组织"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_name_under_parent"),
            models.UniqueConstraint(fields=["name"], condition=models.Q(parent__isnull=True),
                                    name="unique_root_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def subtree(self):
        """This organisation and everything under it."""
        return Organisation.objects.filter(path__startswith=self.path)

    def is_within(self, other: Organisation) -> bool:
        return self.path.startswith(other.path)

    def compute_path(self) -> str:
        return (self.parent.path if self.parent else "/") + f"{self.pk:010d}/"
