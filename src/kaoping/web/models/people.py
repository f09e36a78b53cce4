"""Roles, scoped to an organisation: a role on an organisation covers its whole subtree."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    ASSESSOR = "assessor", "考核管理员"
    REPORTER = "reporter", "填报员"
    LEADER = "leader", "领导"

    @property
    def can_manage_tree(self) -> bool:
        return self is Role.ADMIN

    @property
    def can_assess(self) -> bool:
        return self in (Role.ADMIN, Role.ASSESSOR)

    @property
    def reads_subtree(self) -> bool:
        """A reporter sees only its own unit; the others see the whole subtree."""
        return self is not Role.REPORTER


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    organisation = models.ForeignKey("web.Organisation", on_delete=models.CASCADE,
                                     related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "角色"
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"],
                                               name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class LoginFailure(models.Model):
    """Failed logins, counted per user name and per address to lock out guessing."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
