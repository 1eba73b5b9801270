"""The rules read for a pack and its floor, and what is known about them before any case.

A :class:`RuleSet` is built once per pack and national floor (:func:`rules_of`) and shared by
every evaluation with them: each rule with the pack defining it, its condition compiled for its
value alone (:mod:`.logic`), the duties it bears on, the events that complete or prove its
actions, and which rules are in force on a date. :mod:`.reading` reads a case against it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..fact_reader import FactReader, may_read_the_same_before
from ..pack.load import PolicyPack
from ..pack.model import Action, AllOf, Condition, FactTest, Rule
from ..vocabulary import COMPLETED_BY, IMPLIED_BY, STATUTORY_GROUNDS, ActionKind, Actor, EventKind, Permission
from .logic import Explained, Valued, compile_value, explainer, facts_in, rises_with_time
from .memo import Remembered
from .verdict import Key

#: A rule in force, as RuleSet.live gives it: its place, the rule, the pack defining it, its
#: condition compiled for its value alone, the events completing its duties, and the duties.
Live = tuple[int, Rule, PolicyPack, Valued | None, frozenset[EventKind], frozenset[Key]]


class RuleSet(list[tuple[Rule, PolicyPack]]):
    """The rules read for a pack (its lineage, then its floor), each with the pack defining it,
    and what is known about them once: built once per pack and floor, shared by evaluations."""

    def __init__(self, pack: PolicyPack, floor: PolicyPack | None) -> None:
        super().__init__((r, pack.rule_pack(r.id)) for r in pack.rules)
        if floor is not None:
            self.extend((r, floor.rule_pack(r.id)) for r in floor.rules)
        gated: dict[Key, None] = {}
        completing: dict[Key, set[EventKind]] = {}
        done_by: list[frozenset[EventKind]] = []
        keys: list[frozenset[Key]] = []
        tests: list[Valued | None] = []
        explained: list[Explained | None] = []
        fixed: list[tuple[tuple[str, Valued], ...]] = []
        untils: list[Valued | None] = []
        counts_days: list[bool] = []
        rises: list[bool] = []
        for rule, _ in self:
            for a in rule.then:
                key = (a.kind, a.actor)
                if a.permission is not None or a.forbidden or a.kind in STATUTORY_GROUNDS:
                    gated[key] = None
                completing.setdefault(key, set(COMPLETED_BY[a.kind])).update(a.completed_by or ())
            keys.append(frozenset((a.kind, a.actor) for a in rule.then))
            tests.append(compile_value(rule.when) if rule.when is not None else None)
            explained.append(explainer(rule.when) if rule.when is not None else None)
            fixed.append(_fixed_tests(rule.when))
            untils.append(compile_value(rule.until) if rule.until is not None else None)
            counts_days.append(rule.when is not None and _counts_school_days(rule.when))
            rises.append(rule.when is None or rises_with_time(rule.when))
            completing_kinds = {
                k for a in rule.then if a.permission is None for k in (a.completed_by or COMPLETED_BY[a.kind])
            }
            done_by.append(
                frozenset(completing_kinds).union(*(IMPLIED_BY.get(k, ()) for k in completing_kinds))
            )
        #: Duties that need a permission: those with a ground, restriction or prohibition.
        self.gated = list(gated)
        #: Every event that completes each duty, under any rule.
        self.completing = completing
        #: Per rule (in order): the events that complete its required or forbidden actions, or
        #: prove them done. A rule that does not apply has nothing to report unless one of them
        #: is recorded.
        self.done_by = done_by
        #: Per rule: the duties it bears on, and its condition compiled for its value alone.
        self.keys = keys
        self.tests = tests
        #: Per rule: its ``until`` compiled for its value; whether its condition counts school
        #: days (which change every school day); whether it only grows truer as days pass.
        self.untils = untils
        #: Per rule: its condition explained (why it holds, what it needs), remembered.
        self.explained = explained
        #: Per rule: the tests its condition needs true (parts of its top-level "all") that
        #: read a case field as given, each with its fact: see Reading.never_applied.
        self.fixed = fixed
        self.counts_days = counts_days
        self.rises = rises
        #: Per rule: its required and forbidden actions, and its grounds and restrictions
        #: grouped per action, actor and kind of permission (each group judged as one gate).
        self.duties: list[tuple[Action, ...]] = []
        self.gate_groups: list[tuple[tuple[Permission, list[Action]], ...]] = []
        for rule, _ in self:
            self.duties.append(tuple(a for a in rule.then if a.permission is None))
            groups: dict[tuple[ActionKind, Actor, Permission], list[Action]] = {}
            for a in rule.then:
                if a.permission is not None:
                    groups.setdefault((a.kind, a.actor, a.permission), []).append(a)
            self.gate_groups.append(
                tuple((permission, actions) for (_, _, permission), actions in groups.items())
            )
        #: Reads at once the case fields and history facts the rules' conditions test.
        conditions = [c for rule, _ in self for c in (rule.when, rule.until) if c is not None]
        self.reader = FactReader(name for c in conditions for name in facts_in(c))
        self._live: dict[dt.date, list[Live]] = {}
        #: Per action (by id; the rules keep the actions alive): the events that complete it,
        #: and the events whose record proves one of those happened (IMPLIED_BY).
        self.completed_by: dict[int, tuple[EventKind, ...]] = {}
        self.proved_by: dict[int, frozenset[EventKind]] = {}
        for rule, _ in self:
            for a in rule.then:
                kinds = tuple(a.completed_by or COMPLETED_BY[a.kind])
                self.completed_by[id(a)] = kinds
                self.proved_by[id(a)] = frozenset(p for k in kinds for p in IMPLIED_BY.get(k, ()))

    def live(self, on: dt.date) -> list[Live]:
        """The rules in force on ``on``, in order, each with what reading it needs first."""
        got = self._live.get(on)
        if got is None:
            got = [
                (i, r, p, self.tests[i], self.done_by[i], self.keys[i])
                for i, (r, p) in enumerate(self)
                if r.in_force(on) and p.policy.in_force(on)
            ]
            if len(self._live) > 512:
                self._live.clear()  # a long run over many dates: keep the memory bounded
            self._live[on] = got
        return got


#: RuleSets per pack and floor (loaded packs are immutable; a few per process).
_RULESETS = Remembered(256)


def rules_of(pack: PolicyPack, floor: PolicyPack | None) -> RuleSet:
    """The :class:`RuleSet` for a pack and its floor, built once."""
    key, objects = (id(pack), id(floor)), (pack, floor)
    hit = _RULESETS.get(key, objects)
    return hit if hit is not None else _RULESETS.put(key, objects, RuleSet(pack, floor))


def _fixed_tests(cond: Condition | None) -> tuple[tuple[str, Valued], ...]:
    """The fact tests ``cond`` needs true whose facts may read the same on every earlier day
    of a case (:func:`~cme_policy.fact_reader.reads_the_same_before`), each with its fact."""
    parts = cond.all if isinstance(cond, AllOf) else [cond] if cond is not None else []
    return tuple(
        (part.fact, compile_value(part))
        for part in parts
        if isinstance(part, FactTest) and may_read_the_same_before(part.fact)
    )


def _counts_school_days(cond: Any) -> bool:
    """Whether a condition tests a school-day count (which changes on every school day)."""
    return any(name.startswith("absence.") and "school_days" in name for name in facts_in(cond))
