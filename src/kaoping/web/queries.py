"""Read-only questions the pages ask (no writes here)."""

from __future__ import annotations

from django.utils import timezone

from .access import administers, managed_organisations, managed_users, visible_organisations
from .models import Assessment, Membership, Organisation
from .progress import reporter_todo, todo_rows


def home_context(user) -> dict:
    from django.db.models import Q

    visible = visible_organisations(user)
    assessments = Assessment.objects.filter(
        Q(units__organisation__in=visible) | Q(organisation__in=visible)).distinct()
    return {"assessments": assessments.select_related("organisation"),
            "todo": todo_rows(reporter_todo(user, timezone.localdate()))}


# ---------------------------------------------------------------- the tree and its people


def organisation_tree(user) -> list[tuple[Organisation, int]]:
    """The user's 系统管理员 subtrees in tree order, each organisation with its depth below
    the top of its subtree (for indenting)."""
    orgs = list(managed_organisations(user).order_by("path"))
    ids = {o.pk for o in orgs}
    out, top = [], 0
    for o in orgs:  # path order keeps each subtree together, its top first
        if o.parent_id not in ids:
            top = o.depth
        out.append((o, o.depth - top))
    return out


def users_with_roles(user, only: int | None = None) -> list[dict]:
    """The users holding roles in the user's 系统管理员 subtrees (or just user ``only``), with
    those roles; ``outside`` says they also hold roles elsewhere (so their account is not the
    admin's alone)."""
    people = managed_users(user).order_by("username")
    people = list(people.filter(pk=only) if only is not None else people)
    roles: dict[int, list[Membership]] = {p.pk: [] for p in people}
    outside: set[int] = set()
    for m in (Membership.objects.filter(user__in=people).select_related("organisation")
              .order_by("organisation__path", "role")):
        if administers(user, m.organisation):
            roles[m.user_id].append(m)
        else:
            outside.add(m.user_id)
    return [{"user": p, "roles": roles[p.pk], "outside": p.pk in outside} for p in people]
