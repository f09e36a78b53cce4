"""The data of the web application, one module per area."""

from .appeals import Appeal, AppealEvidence
from .assessments import AssessedUnit, Assessment, Period
from .audit import AuditEntry
from .ballots import Ballot, BallotSheet, BallotToken, BallotVote, RaterCategory
from .ledger import FollowUp, Problem, ProblemEntry
from .orgs import Organisation
from .people import LoginFailure, Membership, Role
from .records import Evidence, Record, Verification
from .results import Publication, ScoringRun, ScoringSnapshot, UnitResult

__all__ = [
    "Appeal", "AppealEvidence", "AssessedUnit", "Assessment", "AuditEntry", "Ballot",
    "BallotSheet", "BallotToken", "BallotVote", "Evidence", "FollowUp", "LoginFailure",
    "Membership", "Organisation", "Period", "Problem", "ProblemEntry", "Publication",
    "RaterCategory", "Record", "Role", "ScoringRun", "ScoringSnapshot", "UnitResult",
    "Verification",
]
