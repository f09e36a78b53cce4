"""Who may see and change what. Views fetch objects only through these helpers.

A role on an organisation covers its subtree; a 填报员 (reporter) sees only the unit it
is a member of. Anything a user may not see is answered as "not found" (404), so that
URLs do not reveal what exists.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Assessment, Membership, Organisation, Record, Role


def memberships(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    cache = getattr(user, "_kaoping_memberships", None)
    if cache is None:
        cache = list(Membership.objects.filter(user=user).select_related("organisation"))
        user._kaoping_memberships = cache
    return cache


def has_role(user, *roles: Role) -> bool:
    return any(m.role in roles for m in memberships(user))


def _paths(user, roles) -> list[str]:
    return [m.organisation.path for m in memberships(user) if m.role in roles]


def visible_organisations(user) -> QuerySet[Organisation]:
    """Organisations the user may read: subtrees for admins, assessors and leaders; own unit
    for reporters."""
    q = Q(pk__in=[])
    for path in _paths(user, (Role.ADMIN, Role.ASSESSOR, Role.LEADER)):
        q |= Q(path__startswith=path)
    reporter_units = [m.organisation_id for m in memberships(user) if m.role == Role.REPORTER]
    if reporter_units:
        q |= Q(pk__in=reporter_units)
    return Organisation.objects.filter(q)


def managed_organisations(user, role: Role = Role.ADMIN) -> QuerySet[Organisation]:
    """Organisations under the user's ``role`` memberships (admins also count as assessors)."""
    roles = (Role.ADMIN,) if role == Role.ADMIN else (Role.ADMIN, role)
    q = Q(pk__in=[])
    for path in _paths(user, roles):
        q |= Q(path__startswith=path)
    return Organisation.objects.filter(q)


def reporter_units(user) -> list[int]:
    return [m.organisation_id for m in memberships(user) if m.role == Role.REPORTER]


def can_assess(user, assessment: Assessment) -> bool:
    """Assessment staff of the assessing organisation (or above it)."""
    org = assessment.organisation
    return any(org.path.startswith(p) for p in _paths(user, (Role.ADMIN, Role.ASSESSOR)))


def can_read_assessment(user, assessment: Assessment) -> bool:
    if can_assess(user, assessment):
        return True
    org = assessment.organisation
    if any(org.path.startswith(p) for p in _paths(user, (Role.LEADER,))):
        return True
    units = set(assessment.units.values_list("organisation_id", flat=True))
    return any(u in units for u in reporter_units(user))


def access_assessment(user, assessment_id: int, *, assess: bool = False) -> Assessment:
    try:
        assessment = Assessment.objects.select_related("organisation").get(pk=assessment_id)
    except Assessment.DoesNotExist:
        raise Http404 from None
    ok = can_assess(user, assessment) if assess else can_read_assessment(user, assessment)
    if not ok:
        raise Http404
    return assessment


def can_write_record(user, record: Record) -> bool:
    """Reporters write their own unit's records of kinds the unit enters; assessors write all."""
    if can_assess(user, record.assessment):
        return True
    spec = record.assessment.scheme.records.get(record.kind)
    return (spec is not None and spec.entered_by == "unit"
            and record.unit_id in reporter_units(user))


def access_record(user, record_id: int, *, write: bool = False) -> Record:
    try:
        record = Record.objects.select_related("assessment", "unit", "period").get(pk=record_id)
    except Record.DoesNotExist:
        raise Http404 from None
    readable = (can_assess(user, record.assessment)
                or record.unit_id in reporter_units(user)
                or visible_organisations(user).filter(pk=record.unit_id).exists())
    if not readable or (write and not can_write_record(user, record)):
        raise Http404
    return record
