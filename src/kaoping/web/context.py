"""Template context shared by every page: the user's roles, for the navigation."""

from __future__ import annotations

from .access import memberships
from .models import BallotToken, Role


def named_rater(request) -> bool:
    """Whether the user has a ballot token issued to them by name (what 我的测评 lists):
    one query, asked only when a page shows the navigation, and once per request."""
    cached = getattr(request, "_kaoping_named_rater", None)
    if cached is None:
        user = request.user
        cached = bool(user.is_authenticated and BallotToken.objects.filter(user=user).exists())
        request._kaoping_named_rater = cached
    return cached


def navigation(request) -> dict:
    ms = memberships(request.user)
    roles = {m.role for m in ms}
    return {
        "nav_roles": roles,
        "nav_is_admin": Role.ADMIN in roles,
        "nav_is_assessor": bool(roles & {Role.ADMIN, Role.ASSESSOR}),
        "nav_is_leader": Role.LEADER in roles,
        "nav_is_reporter": Role.REPORTER in roles,
        # called by the template only when asked (one query): named as a verifier somewhere
        "nav_is_verifier": lambda: bool(roles - {Role.REPORTER})
        and request.user.verifying.exists(),
        # called by the template only when asked: a named rater of some ballot
        "nav_is_rater": lambda: named_rater(request),
    }
