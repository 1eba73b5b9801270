"""cme_policy: English local authorities' Children Missing Education policies as executable,
testable policy packs.

    >>> from cme_policy import load_policy, evaluate
    >>> result = evaluate(load_policy("kent"), case, on="2025-03-03")
"""

from .calendar import SchoolCalendar
from .case import Case, load_case, parse_case
from .compliance import ComplianceReport, check_compliance, compare_packs
from .engine.evaluate import evaluate
from .errors import (
    CaseError,
    CMEPolicyError,
    EvaluationDateError,
    InputError,
    PolicyError,
    Problem,
    UnknownAuthorityError,
)
from .facts import ANCHORS, FACTS
from .pack.load import PolicyPack, load_policy, shipped_policies
from .pack.model import Policy, Rule
from .result import ActionOut, CitationOut, EvaluationResult
from .school_age import SchoolAge, compulsory_school_age
from .vocabulary import (
    ActionKind,
    Actor,
    CaseState,
    DeadlineType,
    EventKind,
    RiskLevel,
    SafeguardingConcern,
    Status,
)

__all__ = [
    "ANCHORS",
    "FACTS",
    "ActionKind",
    "ActionOut",
    "Actor",
    "CMEPolicyError",
    "Case",
    "CaseError",
    "CaseState",
    "CitationOut",
    "ComplianceReport",
    "DeadlineType",
    "EvaluationDateError",
    "EvaluationResult",
    "EventKind",
    "InputError",
    "Policy",
    "PolicyError",
    "PolicyPack",
    "Problem",
    "RiskLevel",
    "Rule",
    "SafeguardingConcern",
    "SchoolAge",
    "SchoolCalendar",
    "Status",
    "UnknownAuthorityError",
    "check_compliance",
    "compare_packs",
    "compulsory_school_age",
    "evaluate",
    "load_case",
    "load_policy",
    "parse_case",
    "shipped_policies",
]
__version__ = "0.1.0"
