"""Writes to users and their roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from ..models import Membership, Organisation, Role
from .base import ActionError, audit


@transaction.atomic
def do_create_user(actor, *, username: str, password: str, full_name: str = "",
                   email: str = "") -> object:
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ActionError("用户名不能为空", {"username": "用户名不能为空"})
    if User.objects.filter(username=username).exists():
        raise ActionError(f"用户名「{username}」已存在", {"username": "用户名已存在"})
    user = User.objects.create_user(username=username, password=password, email=email,
                                    first_name=full_name)
    audit(actor, "user.create", user, after={"username": username, "full_name": full_name})
    return user


@transaction.atomic
def do_grant_role(actor, user, organisation: Organisation, role: Role) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation,
                                                           role=role)
    if created:
        audit(actor, "role.grant", membership, organisation=organisation,
              after={"user": user.username, "organisation": organisation.name, "role": role.label})
    return membership


@transaction.atomic
def do_revoke_role(actor, membership: Membership, reason: str = "") -> None:
    if membership.role == Role.ADMIN and not Membership.objects.filter(
            role=Role.ADMIN).exclude(pk=membership.pk).exists():
        raise ActionError("不能撤销最后一个系统管理员")
    audit(actor, "role.revoke", membership, organisation=membership.organisation,
          before={"user": membership.user.username, "organisation": membership.organisation.name,
                  "role": membership.get_role_display()}, reason=reason)
    membership.delete()
