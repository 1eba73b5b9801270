"""Judging an action recorded as taken on the case as it stood on the day it was taken.

``done`` if it was lawful that day, ``breached`` if not; :mod:`.verdict` makes the judgement its entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import NamedTuple

from ..dates import long_date as _fmt
from ..result import RuleFinding
from ..vocabulary import STATUTORY_GROUNDS, ActionKind, Role, Status
from .permission import rule_name


class Judged(NamedTuple):
    """An action recorded as taken, judged: the entry's status, binding rule, reason and dates."""

    status: Status  # done, breached, or needs information
    binding: RuleFinding
    rules: list[RuleFinding]  # the rules beneath it
    reason: str
    completed_on: dt.date
    not_before: dt.date | None = None
    due_on: dt.date | None = None
    late: bool | None = None
    facts_needed: Sequence[str] = ()


def judge_taken(
    kind: ActionKind,
    taken: list[dt.date],
    rules: list[RuleFinding],
    requires: list[RuleFinding],
    rules_on: Callable[[dt.date], list[RuleFinding]],
    *,
    statutory: bool,
) -> Judged:
    """The action recorded as taken on the days ``taken`` (the first first), judged on each day
    by ``rules_on(day)``: every rule's finding as the case stood then. ``rules`` are every rule's
    finding today, ``requires`` those that require the action; ``statutory`` says whether the
    law lists the action's grounds."""
    first = taken[0]
    for day in sorted(set(taken)):
        basis = rules_on(day)
        verdict, why = _lawful(basis, statutory)
        if verdict is Status.BREACHED or verdict is Status.NEEDS_INFORMATION:
            then = list(basis)
            then += [r for r in rules if r.rule_id not in {b.rule_id for b in then}]
            binding = why[0] if why else (then[0] if then else rules[0])
            text = f"Recorded as taken on {_fmt(day)}; judged on the case as it stood that day: " + " ".join(
                w[:1].upper() + w[1:] for w in _why(kind, why, verdict)
            )
            needed = [n for r in why for n in r.facts_needed] if verdict is Status.NEEDS_INFORMATION else []
            return Judged(
                verdict,
                binding,
                then or rules,
                text,
                completed_on=day,
                not_before=binding.not_before,
                facts_needed=needed,
            )
    late = None
    dated = [r.due_on for r in requires if r.due_on]
    if dated:
        late = first > min(dated)
    binding = next((r for r in rules if r.role is Role.GROUND), None) or rules[0]
    text = f"Recorded as taken on {_fmt(first)}, when it was permitted. " + binding.reason
    return Judged(
        Status.DONE,
        binding,
        rules,
        text,
        completed_on=first,
        late=late,
        due_on=min(dated) if dated else None,
    )


def _lawful(outs: list[RuleFinding], statutory: bool) -> tuple[Status, list[RuleFinding]]:
    forbidding = [
        o for o in outs if o.role is Role.PROHIBITION and o.status in (Status.FORBIDDEN, Status.BREACHED)
    ]
    if forbidding:
        return Status.BREACHED, forbidding
    maybe = [o for o in outs if o.role is Role.PROHIBITION and o.status is Status.NEEDS_INFORMATION]
    if maybe:
        return Status.NEEDS_INFORMATION, maybe
    grounds = [o for o in outs if o.role is Role.GROUND]
    restrictions = [o for o in outs if o.role is Role.RESTRICTION]
    required = [o for o in outs if o.role is Role.REQUIRES and o.status is not Status.NEEDS_INFORMATION]
    unmet = [r for r in restrictions if r.status is Status.NOT_YET_PERMITTED]
    if unmet:
        return Status.BREACHED, unmet
    if any(g.status is Status.PERMITTED for g in grounds):
        doubtful = [r for r in restrictions if r.status is Status.NEEDS_INFORMATION]
        return (Status.NEEDS_INFORMATION, doubtful) if doubtful else (Status.DONE, [])
    if not statutory and (required or not grounds):
        return Status.DONE, []
    unsure = [g for g in grounds if g.status is Status.NEEDS_INFORMATION]
    if unsure:
        return Status.NEEDS_INFORMATION, unsure
    return Status.BREACHED, grounds


def _why(action: ActionKind, why: list[RuleFinding], verdict: Status) -> list[str]:
    if not why:
        what = STATUTORY_GROUNDS.get(action, "the packs evaluated")
        return [f"no ground for it applied that day (grounds: {what})."]
    out = []
    for r in why:
        if r.role is Role.PROHIBITION and verdict is Status.NEEDS_INFORMATION:
            out.append(
                f"whether {rule_name(r)} forbade it needs {', '.join(r.facts_needed) or 'more facts'}."
            )
        elif r.role is Role.PROHIBITION:
            out.append(f"it was forbidden by {rule_name(r)}.")
        elif verdict is Status.NEEDS_INFORMATION:
            out.append(f"whether {rule_name(r)} was met needs {', '.join(r.facts_needed) or 'more facts'}.")
        else:
            kind = "ground" if r.role is Role.GROUND else "restriction"
            out.append(f"the {kind} {rule_name(r)} was not met: {'; '.join(r.unmet) or 'see its reason'}.")
    return out
