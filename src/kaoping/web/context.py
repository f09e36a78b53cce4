"""Template context shared by every page: the user's roles, for the navigation."""

from __future__ import annotations

from .access import memberships
from .models import Role


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
    }
