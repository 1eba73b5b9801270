"""The permission for a gated action: its grounds and restrictions combined into one :class:`Permit`.

How they combine, with prohibitions, into the verdict on a duty is stated once, in :mod:`.verdict`.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from ..dates import long_date as _fmt
from ..result import RuleFinding
from ..vocabulary import STATUTORY_GROUNDS, ActionKind, Role, Status


def rule_name(f: RuleFinding) -> str:
    """A rule as a verdict's words name it: its id, pack and section."""
    return f"{f.rule_id} ({f.pack}, {f.citation.section})"


class Permit(NamedTuple):
    """Whether a gated action may be taken and from when, the rule that decides it, and why."""

    status: Status  # permitted, not yet permitted, or needs information
    binding: RuleFinding
    not_before: dt.date | None
    reason: str
    rules: list[RuleFinding]  # the grounds, restrictions and prohibitions beneath it
    facts_needed: list[str]


def permit(
    kind: ActionKind,
    rules: list[RuleFinding],
    *,
    statutory: bool,
    on: dt.date,
    floor: str | None,
    caveats: list[str],
) -> Permit:
    """The permission for ``kind`` on ``on``, from every rule's finding on the duty (in pack
    order). ``statutory`` says whether the law lists the action's grounds; a caveat the verdict
    should carry is appended to ``caveats``."""
    grounds = [r for r in rules if r.role is Role.GROUND]
    restrictions = [r for r in rules if r.role is Role.RESTRICTION]
    met = [g for g in grounds if g.status is Status.PERMITTED]
    unsure = [g for g in grounds if g.status is Status.NEEDS_INFORMATION]
    blocking = [r for r in restrictions if r.status is Status.NOT_YET_PERMITTED]
    doubtful = [r for r in restrictions if r.status is Status.NEEDS_INFORMATION]
    needs_ground = statutory or bool(grounds)
    ground_state = "met" if met or not needs_ground else "unsure" if unsure else "unmet"
    if blocking or ground_state == "unmet":
        status = Status.NOT_YET_PERMITTED
    elif ground_state == "met" and not doubtful:
        status = Status.PERMITTED
    else:
        status = Status.NEEDS_INFORMATION
    # A ground whose date is not known could be met at any time: then so could the action.
    candidates = met or grounds
    ground_on = (
        min(g.not_before for g in candidates if g.not_before)
        if candidates and all(g.not_before for g in candidates)
        else None
    )
    restriction_dates = [r.not_before for r in restrictions if r.not_before]
    restriction_on = max(restriction_dates) if restriction_dates else None
    dates = [d for d in (ground_on, restriction_on) if d]
    not_before = max(dates) if dates and (ground_on or not needs_ground) else None
    if status is Status.NOT_YET_PERMITTED and not_before is not None and not_before < on:
        not_before = None  # "not before" a day already past says nothing: a record is awaited
    binding = _binding(rules, met or grounds, restrictions, ground_on, restriction_on)
    reason = _permission_reason(kind, statutory, status, grounds, restrictions, met, not_before)
    _local_weaker(kind, statutory, floor, caveats, grounds, restrictions, status, not_before)
    needed = (
        [n for r in (*unsure, *doubtful) for n in r.facts_needed]
        if status is Status.NEEDS_INFORMATION
        else []
    )
    return Permit(
        status,
        binding,
        not_before,
        reason,
        [*grounds, *restrictions, *(r for r in rules if r.role is Role.PROHIBITION)],
        needed,
    )


def _binding(
    rules: list[RuleFinding],
    grounds: list[RuleFinding],
    restrictions: list[RuleFinding],
    ground_on: dt.date | None,
    restriction_on: dt.date | None,
) -> RuleFinding:
    if restrictions and (
        not grounds or (restriction_on and (ground_on is None or restriction_on > ground_on))
    ):
        later = [r for r in restrictions if r.not_before == restriction_on] or restrictions
        unmet = [r for r in later if r.status is not Status.PERMITTED]
        return (unmet or later)[0]
    if grounds:
        return min(grounds, key=lambda g: g.not_before or dt.date.max)
    return rules[0]


def _permission_reason(
    kind: ActionKind,
    statutory: bool,
    status: Status,
    grounds: list[RuleFinding],
    restrictions: list[RuleFinding],
    met: list[RuleFinding],
    not_before: dt.date | None,
) -> str:
    what = kind.value.replace("_", " ")
    parts: list[str] = []
    if status is Status.PERMITTED:
        g = min(met, key=lambda g: g.not_before or dt.date.min) if met else None
        head = f"Permitted{f' from {_fmt(not_before)}' if not_before else ''}"
        parts.append(f"{head}: the ground {rule_name(g)} is met in full" if g else head)
        if restrictions:
            parts.append(
                "and every restriction on it is met: " + "; ".join(rule_name(r) for r in restrictions)
            )
        return " ".join(parts) + "."
    word = "Not yet permitted" if status is Status.NOT_YET_PERMITTED else "Cannot tell yet whether permitted"
    if not_before:
        word += f" (not before {_fmt(not_before)} on what is known)"
    parts.append(word + ".")
    if not grounds and statutory:
        parts.append(
            f"No ground for {what} applies to this case in the packs evaluated: the grounds "
            f"are set by {STATUTORY_GROUNDS[kind]}."
        )
    for g in grounds:
        if g.status is Status.PERMITTED:
            parts.append(f"Ground {rule_name(g)}: met.")
        else:
            parts.append(f"Ground {rule_name(g)}: unmet: {'; '.join(g.unmet) or 'see its reason'}.")
    for r in restrictions:
        if r.status is not Status.PERMITTED:
            parts.append(f"Restriction {rule_name(r)}: unmet: {'; '.join(r.unmet) or 'see its reason'}.")
    return " ".join(parts)


def _local_weaker(
    kind: ActionKind,
    statutory: bool,
    floor: str | None,
    caveats: list[str],
    grounds: list[RuleFinding],
    restrictions: list[RuleFinding],
    status: Status,
    not_before: dt.date | None,
) -> None:
    """A local rule met while the national ground is not: the national rule binds."""
    if floor is None or status is Status.PERMITTED:
        return
    national = [g for g in grounds if g.pack == floor]
    for r in restrictions:
        if r.pack != floor and r.status is Status.PERMITTED and (national or statutory):
            waits = f"not before {_fmt(not_before)}" if not_before else "until a ground is met"
            names = ", ".join(rule_name(g) for g in national) or STATUTORY_GROUNDS[kind]
            caveats.append(
                f"the local rule {rule_name(r)} is met, but the national ground ({names}) is not: "
                f"the national rule binds, {waits}"
            )
