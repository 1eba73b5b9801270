"""Compliance of packs against the national baseline (DfE guidance and regulations).

    >>> from cme_policy import check_compliance
    >>> report = check_compliance("kent", on="2026-11-23")
    >>> report.compliant, report.render("markdown")

The baseline is the shipped ``england`` pack; requirements are matched by the shared vocabulary
(action kind, actor, deadline type, anchor, duration), never by an authority's rule ids.
"""

from .check import BASELINE_ID, ComplianceReport, Finding, FindingKind, RuleRef, check_compliance
from .compare import Comparison, compare_packs
from .instruments import INSTRUMENTS, Instrument
from .matching import Status
from .render import FORMATS, render_comparison, render_report

__all__ = [
    "BASELINE_ID",
    "FORMATS",
    "INSTRUMENTS",
    "Comparison",
    "ComplianceReport",
    "Finding",
    "FindingKind",
    "Instrument",
    "RuleRef",
    "Status",
    "check_compliance",
    "compare_packs",
    "render_comparison",
    "render_report",
]
