"""Compliance of packs against the national baseline (DfE guidance and regulations).

    >>> from cme_policy.compliance import check_compliance, render_report
    >>> report = check_compliance("kent", on="2026-11-23")
    >>> report.verdict, report.counts, render_report(report, "markdown")

The baseline is the shipped ``england`` pack; requirements are matched by the shared vocabulary
(action kind, actor, deadline type, anchor, duration), never by an authority's rule ids.

Layers, each importing only those above it: ``report`` (what was found, as data), then
``instruments`` and ``matching`` (comparing rules), then the stages of a check, in this order:
``citations``, ``requirements``, ``judging`` and ``other_findings``, then ``check`` and
``compare`` (building reports), then ``render`` (putting them into words), then ``cli``.
"""

from .check import BASELINE_ID, check_compliance
from .compare import compare_packs
from .instruments import INSTRUMENTS, Instrument
from .render import FORMATS, render_comparison, render_report
from .report import Comparison, ComplianceReport, Finding, FindingKind, RuleRef, Status, Verdict

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
    "Verdict",
    "check_compliance",
    "compare_packs",
    "render_comparison",
    "render_report",
]
