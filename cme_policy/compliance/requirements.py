"""The national requirements on a date, and the pack rules that answer each.

Every action of every baseline rule in force on the date is one :class:`Requirement`. A pack
rule answers it when the rule is in force, its condition does not contradict the requirement's,
and it has an action of an equivalent kind by an actor on the same side (school or local
authority; either, for a joint action): all by the shared vocabulary (:mod:`.matching`), never
by rule ids. How each answering rule is then judged is in :mod:`.judging`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..pack.loaded import PolicyPack
from ..pack.model import Action, Rule
from .matching import JOINT_KINDS, Timing, contradicts, equivalent_kinds, is_permission, same_side, timings


@dataclass(frozen=True)
class Requirement:
    rule: Rule
    index: int
    action: Action

    @property
    def id(self) -> str:
        return f"{self.rule.id}/{self.index + 1}"

    @property
    def permission(self) -> bool:
        return is_permission(self.action)

    @property
    def timing(self) -> Timing | None:
        got = timings(self.rule, self.action, permission=self.permission)
        return got[0] if got else None

    def title(self) -> str:
        words = f"{self.action.kind.value} ({self.action.actor.value})"
        t = self.timing
        if self.action.forbidden:
            words = f"{words} forbidden"
        elif t is not None:
            words = f"{words} {t.describe()}"
        else:
            words = f"{words}, no time limit"
        return f"{self.rule.title}: {words}"


def _requirements(baseline: PolicyPack, on: dt.date) -> list[Requirement]:
    return [
        Requirement(rule, i, action)
        for rule in baseline.rules
        if rule.in_force(on)
        for i, action in enumerate(rule.then)
    ]


def _candidates(pack: PolicyPack, req: Requirement, on: dt.date) -> list[tuple[Rule, list[Action]]]:
    """Pack rules with actions answering the requirement. For a permission, every matching
    action of one rule is taken together: each is a condition on the same deletion."""
    kinds = equivalent_kinds(req.action.kind)
    out: list[tuple[Rule, list[Action]]] = []
    for rule in pack.rules:
        if not rule.in_force(on) or contradicts(rule.when, req.rule.when):
            continue
        actions = [
            a
            for a in rule.then
            if a.kind in kinds and (a.kind in JOINT_KINDS or same_side(a.actor, req.action.actor))
        ]
        if not actions:
            continue
        if req.permission and all(is_permission(a) for a in actions):
            out.append((rule, actions))
        else:
            out.extend((rule, [a]) for a in actions)
    return out
