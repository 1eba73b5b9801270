"""Plain-text rendering of an evaluation for people at a terminal."""

from __future__ import annotations

import textwrap

from .result import ActionOut, EvaluationResult, RuleFinding
from .vocabulary import Status

_ORDER = [
    Status.OVERDUE,
    Status.DUE,
    Status.BREACHED,
    Status.UPCOMING,
    Status.NEEDS_INFORMATION,
    Status.PERMITTED,
    Status.NOT_YET_PERMITTED,
    Status.FORBIDDEN,
    Status.DONE,
]


def _when(a: ActionOut | RuleFinding) -> str:
    if a.due_on:
        return f"by {a.due_on}"
    if a.not_before:
        return f"from {a.not_before}"
    return "-"


def _wrap(text: str, width: int, indent: str) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "  ")


def render_table(result: EvaluationResult, width: int = 100) -> str:
    """One line per duty (the verdict to act on), then why, with the rules behind each."""
    floor = f"; on the national floor '{result.statutory_floor}'" if result.statutory_floor else ""
    lines = [
        f"{result.authority} ({result.policy}) on {result.on}{floor}",
        f"Case state: {result.state_reason}"
        + (f"; next review by {result.next_review_on}" if result.next_review_on else ""),
        f"Compulsory school age: {result.compulsory_school_age}",
        "",
    ]
    rows = sorted(result.actions, key=lambda a: _ORDER.index(a.status))
    head = ("STATUS", "DATE", "ACTION", "WHO", "BINDING RULE", "CITED")
    table = [head] + [
        (
            a.status.value,
            _when(a),
            a.kind.value,
            a.actor.value,
            a.rule_id + (f" (+{len(a.rules) - 1})" if len(a.rules) > 1 else ""),
            f"{a.pack} {a.citation.section}",
        )
        for a in rows
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for r in table:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    if not rows:
        lines.append("(no actions)")
    lines.append("")
    lines.append("Why:")
    for i, a in enumerate(rows, 1):
        text = f"{i}. {a.kind.value} ({a.actor.value}): {a.status.value}. {a.reason} Source: {a.citation}."
        if a.route:
            text += f" Route: {a.route}."
        lines.extend(textwrap.wrap(text, width, subsequent_indent="   "))
        for c in a.caveats:
            lines.extend(_wrap(f"Note: {c}", width, "   "))
        if a.interpretation:
            lines.extend(_wrap(f"Interpretation: {a.interpretation}", width, "   "))
        if len(a.rules) > 1:
            lines.append("   Rules behind it:")
            for r in a.rules:
                mark = "*" if r.binding else "-"
                lines.extend(
                    _wrap(
                        f"{mark} {r.rule_id} ({r.pack}, {r.citation.section}), {r.role.value}: "
                        f"{r.status.value} {_when(r)}"
                        + (f"; unmet: {'; '.join(r.unmet)}" if r.unmet else ""),
                        width,
                        "     ",
                    )
                )
    if result.facts_needed:
        lines += ["", "Facts still needed to decide: " + ", ".join(result.facts_needed)]
    if result.warnings:
        lines += ["", "Warnings:"] + [
            line for w in result.warnings for line in textwrap.wrap(f"- {w}", width, subsequent_indent="  ")
        ]
    return "\n".join(lines)
