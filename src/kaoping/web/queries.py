"""Read-only questions the pages ask (no writes here)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from .access import (
    administers,
    can_assess,
    can_verify,
    can_view_dashboard,
    managed_organisations,
    managed_users,
    reporter_units,
    visible_organisations,
)
from .models import Assessment, Membership, Organisation
from .progress import reporter_todo, returned_records, todo_rows


def home_context(user) -> dict:
    from django.db.models import Q

    visible = visible_organisations(user)
    assessments = Assessment.objects.filter(
        Q(units__organisation__in=visible) | Q(organisation__in=visible)).distinct()
    rows = [assessment_links(user, a) for a in assessments.select_related("organisation")]
    return {"assessments": rows, "todo": todo_rows(reporter_todo(user, timezone.localdate())),
            "returned": returned_records(user), "dashboard_link": any(r["dashboard"] for r in rows)}


def assessment_links(user, a: Assessment) -> dict:
    """An assessment on the home page: where its name leads this user (its set-up page for
    staff, the dashboard for leaders, 填报 for reporters) and the other pages they may open."""
    links = []
    staff = can_assess(user, a)
    dashboard = can_view_dashboard(user, a)
    reports = a.units.filter(organisation_id__in=reporter_units(user)).exists()
    if staff:
        links.append(("核查", reverse("verification_queue", args=[a.pk])))
        links.append(("填报进度", reverse("progress_board", args=[a.pk])))
        links.append(("评分与公示", reverse("scoring", args=[a.pk])))
    elif can_verify(user, a):
        links.append(("核查", reverse("verification_queue", args=[a.pk])))
    if reports:
        links.append(("填报", reverse("reporting")))
    if dashboard:
        links.append(("领导看板", reverse("dashboard", args=[a.pk])))
    links.append(("考核结果", reverse("results_index")))
    links.append(("整改台账", reverse("ledger", args=[a.pk])))
    if staff or reports or can_verify(user, a):
        links.append(("查找", reverse("search", args=[a.pk])))
    if staff:
        main = reverse("assessment_detail", args=[a.pk])
    elif dashboard:
        main = reverse("dashboard", args=[a.pk])
    else:
        main = links[0][1]
    return {"assessment": a, "url": main, "links": links, "dashboard": dashboard}


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
