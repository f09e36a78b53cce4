"""Writes to users and their roles: create, grant, revoke, reset a password, (de)activate.

Passwords are checked against Django's validators by the forms (at the edge); callers check
that the actor administers the organisations and users involved.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from ..models import Membership, Organisation, Role
from .base import ActionError, audit


def _home(user) -> Organisation | None:
    """The organisation a user-level audit row hangs on: the user's highest role's."""
    m = (Membership.objects.filter(user=user).select_related("organisation")
         .order_by("organisation__path").first())
    return m.organisation if m else None


@transaction.atomic
def do_create_user(actor, *, username: str, password: str, full_name: str = "",
                   email: str = "", organisation: Organisation | None = None,
                   role: Role | None = None) -> object:
    """Create a user, with a first role on ``organisation`` when both are given."""
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ActionError("用户名不能为空", {"username": "用户名不能为空"})
    if User.objects.filter(username=username).exists():
        raise ActionError(f"用户名「{username}」已存在", {"username": "用户名已存在"})
    user = User.objects.create_user(username=username, password=password, email=email,
                                    first_name=full_name)
    audit(actor, "user.create", user, organisation=organisation,
          after={"username": username, "full_name": full_name, "email": email})
    if organisation is not None and role is not None:
        do_grant_role(actor, user, organisation, role)
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
    others = Membership.objects.exclude(pk=membership.pk)
    if membership.role == Role.ADMIN and not others.filter(role=Role.ADMIN).exists():
        raise ActionError("不能撤销最后一个系统管理员")
    if not others.filter(user=membership.user_id).exists():
        # a user without any role would drop out of every admin's sight
        raise ActionError("这是该用户唯一的角色，不能撤销；如要停止其使用系统，请停用该用户。")
    audit(actor, "role.revoke", membership, organisation=membership.organisation,
          before={"user": membership.user.username, "organisation": membership.organisation.name,
                  "role": membership.get_role_display()}, reason=reason)
    membership.delete()


@transaction.atomic
def do_reset_password(actor, user, password: str) -> None:
    """Set a new password (validated by the caller's form); the old sessions end."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit(actor, "user.reset_password", user, organisation=_home(user),
          after={"username": user.username})


@transaction.atomic
def do_set_user_active(actor, user, active: bool, reason: str = "") -> None:
    """Deactivate (no more logins, roles kept) or reactivate a user."""
    if not active and getattr(actor, "pk", None) == user.pk:
        raise ActionError("不能停用自己的账号")
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit(actor, "user.activate" if active else "user.deactivate", user,
          organisation=_home(user), before={"is_active": not active},
          after={"is_active": active}, reason=reason)
