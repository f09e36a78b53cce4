"""Who may see and change what. Views fetch objects only through these helpers.

A role on an organisation covers its subtree; a 填报员 (reporter) sees only the unit it
is a member of. Anything a user may not see is answered as "not found" (404), so that
URLs do not reveal what exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import (
    Assessment,
    Ballot,
    Evidence,
    Membership,
    Organisation,
    Period,
    Record,
    Role,
    ScoringRun,
)


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
    own = reporter_units(user)
    return bool(own) and assessment.units.filter(organisation_id__in=own).exists()


def _fetch(queryset, pk, allowed: Callable[[Any], bool] | None = None):
    """The object ``pk`` of ``queryset`` when ``allowed(obj)``; otherwise 404, the same
    answer whether it is missing or forbidden."""
    obj = queryset.filter(pk=pk).first()
    if obj is None or (allowed is not None and not allowed(obj)):
        raise Http404
    return obj


def access_assessment(user, assessment_id: int, *, assess: bool = False) -> Assessment:
    allowed = can_assess if assess else can_read_assessment
    return _fetch(Assessment.objects.select_related("organisation"), assessment_id,
                  lambda a: allowed(user, a))


def can_write_record(user, record: Record) -> bool:
    """Reporters write their own unit's records of kinds the unit enters; assessors write all."""
    if can_assess(user, record.assessment):
        return True
    spec = record.assessment.scheme.records.get(record.kind)
    return (spec is not None and spec.entered_by == "unit"
            and record.unit_id in reporter_units(user))


def can_read_record(user, record: Record) -> bool:
    return (can_assess(user, record.assessment)
            or record.unit_id in reporter_units(user)
            or visible_organisations(user).filter(pk=record.unit_id).exists())


def access_record(user, record_id: int, *, write: bool = False) -> Record:
    return _fetch(Record.objects.select_related("assessment", "unit", "period"), record_id,
                  lambda r: can_read_record(user, r) and (not write or can_write_record(user, r)))


# ---------------------------------------------------------------- periods, verification, results


def period_is_writable(period) -> bool:
    """Whether a period's records may be written the normal way (reporting, verification).

    A published (公示) period is locked for everyone; the only way to change its records is
    the audited correction path (``actions.verification.do_correct_record``), followed by a
    new published revision. Record actions call this before every write."""
    return not period.locked


def can_verify(user, assessment: Assessment) -> bool:
    """Assessment staff, or a verifier named for the assessment who is not only a reporter."""
    if can_assess(user, assessment):
        return True
    if not any(m.role != Role.REPORTER for m in memberships(user)):
        return False  # a reporter never verifies, even when named
    return assessment.verifiers.filter(pk=user.pk).exists()


def can_verify_record(user, record: Record) -> bool:
    """Verifiers never verify the records of a unit they report for."""
    return (record.status != Record.Status.DRAFT and can_verify(user, record.assessment)
            and record.unit_id not in reporter_units(user))


def access_verifiable_record(user, record_id: int) -> Record:
    return _fetch(Record.objects.select_related("assessment__organisation", "unit", "period"),
                  record_id, lambda r: can_verify_record(user, r))


def access_period(user, period_id: int, *, assess: bool = False) -> Period:
    allowed = can_assess if assess else can_read_assessment
    return _fetch(Period.objects.select_related("assessment__organisation"), period_id,
                  lambda p: allowed(user, p.assessment))


def access_scoring_run(user, run_id: int) -> ScoringRun:
    """Scoring runs are the assessors' working results; units see only publications."""
    return _fetch(ScoringRun.objects.select_related("assessment__organisation", "period"),
                  run_id, lambda run: can_assess(user, run.assessment))


def can_read_unit_result(user, assessment: Assessment, organisation: Organisation) -> bool:
    """A unit's score and explanation: staff and leaders above it; a reporter its own unit."""
    return (can_read_assessment(user, assessment)
            and visible_organisations(user).filter(pk=organisation.pk).exists())


def access_unit(user, organisation_id: int) -> Organisation:
    return _fetch(visible_organisations(user), organisation_id)


# ---------------------------------------------------------------- evaluation ballots


def access_ballot(user, ballot_id: int) -> Ballot:
    """A ballot, for the assessment staff of its assessment (raters reach theirs by token)."""
    return _fetch(Ballot.objects.select_related("assessment__organisation", "period"),
                  ballot_id, lambda b: can_assess(user, b.assessment))


# ---------------------------------------------------------------- the leaders' dashboard


def can_view_dashboard(user, assessment: Assessment) -> bool:
    """Leaders and staff of the assessing organisation (or above it); never units."""
    org = assessment.organisation
    return any(org.path.startswith(p)
               for p in _paths(user, (Role.ADMIN, Role.ASSESSOR, Role.LEADER)))


def access_dashboard(user, assessment_id: int) -> Assessment:
    return _fetch(Assessment.objects.select_related("organisation"), assessment_id,
                  lambda a: can_view_dashboard(user, a))


# ---------------------------------------------------------------- the tree and its people (系统管理员)


def require_role(user, *roles: Role) -> None:
    """Pages for some roles only: anyone else gets a 404."""
    if not has_role(user, *roles):
        raise Http404


def administers(user, organisation: Organisation) -> bool:
    return any(organisation.path.startswith(p) for p in _paths(user, (Role.ADMIN,)))


def access_organisation(user, organisation_id: int) -> Organisation:
    """An organisation inside the user's 系统管理员 subtrees."""
    return _fetch(managed_organisations(user), organisation_id)


def managed_users(user) -> QuerySet:
    """Users holding a role inside the user's 系统管理员 subtrees."""
    from django.contrib.auth import get_user_model

    inside = Membership.objects.filter(organisation__in=managed_organisations(user))
    return get_user_model().objects.filter(pk__in=inside.values("user_id"))


def access_user(user, user_id: int, *, whole: bool = False):
    """A user holding a role inside the user's 系统管理员 subtrees; with ``whole``, every one
    of their roles must be inside (to reset their password or deactivate them)."""
    return _fetch(managed_users(user), user_id, lambda target: not whole or all(
        administers(user, m.organisation)
        for m in Membership.objects.filter(user=target).select_related("organisation")))


def access_membership(user, membership_id: int) -> Membership:
    return _fetch(Membership.objects.select_related("user", "organisation")
                  .filter(organisation__in=managed_organisations(user)), membership_id)


# ---------------------------------------------------------------- evidence files


def access_evidence(user, evidence_id: int, *, write: bool = False) -> Evidence:
    """An evidence file, for whoever may read (or, with ``write``, change) its record."""
    evidence = _fetch(Evidence.objects.all(), evidence_id)
    evidence.record = access_record(user, evidence.record_id, write=write)
    return evidence
