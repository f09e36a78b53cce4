"""The data of the web application, one module per area."""

from .assessments import AssessedUnit, Assessment, Period
from .audit import AuditEntry
from .orgs import Organisation
from .people import LoginFailure, Membership, Role
from .records import Evidence, Record, Verification
from .results import Publication, ScoringRun

__all__ = [
    "AssessedUnit", "Assessment", "AuditEntry", "Evidence", "LoginFailure", "Membership",
    "Organisation", "Period", "Publication", "Record", "Role", "ScoringRun", "Verification",
]
