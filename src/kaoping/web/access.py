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
    try:
        record = Record.objects.select_related("assessment__organisation", "unit",
                                               "period").get(pk=record_id)
    except Record.DoesNotExist:
        raise Http404 from None
    if not can_verify_record(user, record):
        raise Http404
    return record


def access_period(user, period_id: int, *, assess: bool = False):
    from .models import Period

    try:
        period = Period.objects.select_related("assessment__organisation").get(pk=period_id)
    except Period.DoesNotExist:
        raise Http404 from None
    a = period.assessment
    if not (can_assess(user, a) if assess else can_read_assessment(user, a)):
        raise Http404
    return period


def access_scoring_run(user, run_id: int):
    """Scoring runs are the assessors' working results; units see only publications."""
    from .models import ScoringRun

    try:
        run = ScoringRun.objects.select_related("assessment__organisation", "period").get(
            pk=run_id)
    except ScoringRun.DoesNotExist:
        raise Http404 from None
    if not can_assess(user, run.assessment):
        raise Http404
    return run


def can_read_unit_result(user, assessment: Assessment, organisation: Organisation) -> bool:
    """A unit's score and explanation: staff and leaders above it; a reporter its own unit."""
    return (can_read_assessment(user, assessment)
            and visible_organisations(user).filter(pk=organisation.pk).exists())


def access_unit(user, organisation_id: int) -> Organisation:
    org = visible_organisations(user).filter(pk=organisation_id).first()
    if org is None:
        raise Http404
    return org


# ---------------------------------------------------------------- evaluation ballots


def access_ballot(user, ballot_id: int):
    """A ballot, for the assessment staff of its assessment (raters reach theirs by token)."""
    from .models import Ballot

    try:
        ballot = Ballot.objects.select_related("assessment__organisation", "period").get(
            pk=ballot_id)
    except Ballot.DoesNotExist:
        raise Http404 from None
    if not can_assess(user, ballot.assessment):
        raise Http404
    return ballot


# ---------------------------------------------------------------- the leaders' dashboard


def can_view_dashboard(user, assessment: Assessment) -> bool:
    """Leaders and staff of the assessing organisation (or above it); never units."""
    org = assessment.organisation
    return any(org.path.startswith(p)
               for p in _paths(user, (Role.ADMIN, Role.ASSESSOR, Role.LEADER)))


def access_dashboard(user, assessment_id: int) -> Assessment:
    try:
        assessment = Assessment.objects.select_related("organisation").get(pk=assessment_id)
    except Assessment.DoesNotExist:
        raise Http404 from None
    if not can_view_dashboard(user, assessment):
        raise Http404
    return assessment


# ---------------------------------------------------------------- the tree and its people (系统管理员)


def require_role(user, *roles: Role) -> None:
    """Pages for some roles only: anyone else gets a 404."""
    if not has_role(user, *roles):
        raise Http404


def administers(user, organisation: Organisation) -> bool:
    return any(organisation.path.startswith(p) for p in _paths(user, (Role.ADMIN,)))


def access_organisation(user, organisation_id: int) -> Organisation:
    """An organisation inside the user's 系统管理员 subtrees."""
    org = managed_organisations(user).filter(pk=organisation_id).first()
    if org is None:
        raise Http404
    return org


def managed_users(user) -> QuerySet:
    """Users holding a role inside the user's 系统管理员 subtrees."""
    from django.contrib.auth import get_user_model

    inside = Membership.objects.filter(organisation__in=managed_organisations(user))
    return get_user_model().objects.filter(pk__in=inside.values("user_id"))


def access_user(user, user_id: int, *, whole: bool = False):
    """A user holding a role inside the user's 系统管理员 subtrees; with ``whole``, every one
    of their roles must be inside (to reset their password or deactivate them)."""
    target = managed_users(user).filter(pk=user_id).first()
    if target is None or (whole and not all(
            administers(user, m.organisation)
            for m in Membership.objects.filter(user=target).select_related("organisation"))):
        raise Http404
    return target


def access_membership(user, membership_id: int) -> Membership:
    m = (Membership.objects.select_related("user", "organisation")
         .filter(pk=membership_id, organisation__in=managed_organisations(user)).first())
    if m is None:
        raise Http404
    return m


# ---------------------------------------------------------------- evidence files


def access_evidence(user, evidence_id: int, *, write: bool = False):
    """An evidence file, for whoever may read (or, with ``write``, change) its record."""
    from .models import Evidence

    try:
        evidence = Evidence.objects.get(pk=evidence_id)
    except Evidence.DoesNotExist:
        raise Http404 from None
    evidence.record = access_record(user, evidence.record_id, write=write)
    return evidence
