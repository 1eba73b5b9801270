"""cme_policy: English local authorities' Children Missing Education policies as executable,
testable policy packs.

    >>> from cme_policy import load_policy, evaluate
    >>> result = evaluate(load_policy("kent"), case, on="2025-03-03")

The names below are imported when first used (PEP 562), so ``import cme_policy`` stays cheap
for a command that needs only part of it: the case models, the calendar with its bank holidays
and the compliance checker are built the first time something asks for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public name -> the module that defines it.
_WHERE = {
    "SchoolCalendar": "calendar",
    "Case": "case",
    "load_case": "case",
    "parse_case": "case",
    "ComplianceReport": "compliance",
    "check_compliance": "compliance",
    "compare_packs": "compliance",
    "evaluate": "engine.evaluate",
    "evaluate_many": "batch",
    "RecordError": "batch",
    "CaseError": "errors",
    "CMEPolicyError": "errors",
    "EvaluationDateError": "errors",
    "InputError": "errors",
    "PolicyError": "errors",
    "Problem": "errors",
    "UnknownAuthorityError": "errors",
    "ANCHORS": "facts",
    "FACTS": "facts",
    "PolicyPack": "pack.loaded",
    "load_policy": "pack.load",
    "shipped_policies": "pack.locate",
    "Policy": "pack.model",
    "Rule": "pack.model",
    "ActionOut": "result",
    "CitationOut": "result",
    "EvaluationResult": "result",
    "SchoolAge": "school_age",
    "compulsory_school_age": "school_age",
    "ActionKind": "vocabulary",
    "Actor": "vocabulary",
    "CaseState": "vocabulary",
    "DeadlineType": "vocabulary",
    "EventKind": "vocabulary",
    "RiskLevel": "vocabulary",
    "SafeguardingConcern": "vocabulary",
    "Status": "vocabulary",
}

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
    "RecordError",
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
    "evaluate_many",
    "load_case",
    "load_policy",
    "parse_case",
    "shipped_policies",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'cme_policy' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups do not come back here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from .batch import RecordError, evaluate_many
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
    from .pack.load import load_policy
    from .pack.loaded import PolicyPack
    from .pack.locate import shipped_policies
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
