"""One verdict per duty: combining what every rule says about one action of one actor.

A duty is an action kind and who must act. Rules bear on it in four ways (:class:`Role`):

* **requires**: it must be done (by a date, or undated). Several such rules give one entry, due
  on the earliest date that binds; the others are listed beneath it. Where the binding date is
  a national one and a local rule gives a later date, the entry says the national rule binds.
* **ground**: a lawful basis for a "not before" action such as removal from roll. A ground is
  met only when its rule applies and every one of its gates has passed.
* **restriction**: a further condition on the action, whatever the ground.
* **prohibition**: the action is forbidden while the rule applies.

An action that has grounds or restrictions is ``permitted`` only when at least one ground is
met in full and every applicable restriction is met; a prohibition in force always wins (as in
Cedar: permit when some permit holds and no forbid does). For the actions whose grounds the
law lists exhaustively (:data:`~cme_policy.action_kinds.STATUTORY_GROUNDS`), a local duty to take
the action never stands in for a ground (:mod:`.permission`). A recorded action is judged on
the case as it stood on the day it was taken: ``done`` if it was lawful then, ``breached`` if
not (:mod:`.taken`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Protocol

from ..dates import long_date as _fmt
from ..result import ActionOut, RuleFinding
from ..vocabulary import STATUTORY_GROUNDS, ActionKind, Actor, DeadlineType, Role, Status
from .memo import Remembered
from .permission import Permit, permit, rule_name
from .taken import judge_taken

Key = tuple[ActionKind, Actor]

_OUTSTANDING = (Status.OVERDUE, Status.DUE, Status.UPCOMING)
_ORDER = attrgetter("order")
#: The roles that make an action need a permission.
_PERMITTING = frozenset({Role.GROUND, Role.RESTRICTION})
#: The roles whose action, once recorded as taken, is judged on the day it was taken: those
#: needing a permission, and prohibitions.
_JUDGED = _PERMITTING | {Role.PROHIBITION}


@dataclass(frozen=True)
class Finding:
    """One rule's finding on one duty, with its place in pack order."""

    key: Key
    order: int
    out: RuleFinding
    urgent_undated: bool = False
    assumed: frozenset[str] = frozenset()  # academic years counted without known term dates

    def with_reason(self, reason: str) -> Finding:
        return replace(self, out=self.out.model_copy(update={"reason": reason}))


class JudgeLike(Protocol):
    def completions(self, key: Key, findings: list[Finding]) -> list[dt.date]: ...

    def findings_on(self, key: Key, day: dt.date) -> list[Finding]: ...


def combine(
    findings: Iterable[Finding], judge: JudgeLike, on: dt.date, floor: str | None, gated: Iterable[Key] = ()
) -> list[ActionOut]:
    """One :class:`ActionOut` per duty, in the order the duties first appear in the packs.

    ``gated`` names the duties that need a permission: one of them that was taken stays
    reported, judged on the day it was taken, after every rule about it has stopped applying.
    """
    groups: dict[Key, list[Finding]] = {}
    for f in sorted(findings, key=_ORDER):
        groups.setdefault(f.key, []).append(f)
    for key in gated:
        if key not in groups:
            taken = judge.completions(key, [])
            basis = judge.findings_on(key, taken[0]) if taken else []
            if basis:
                groups[key] = basis
    return [_entry(key, fs, judge, on, floor) for key, fs in groups.items()]


#: Verdicts remembered by what they are combined from (see :func:`_entry`).
_VERDICTS = Remembered(8192)


def _entry(key: Key, findings: list[Finding], judge: JudgeLike, on: dt.date, floor: str | None) -> ActionOut:
    """The verdict's entry, remembered: the same findings on the same date always combine into
    the same entry, unless the action was recorded as taken (then it is judged on the case as
    it stood that day, which the findings do not say)."""
    roles = {f.out.role for f in findings}
    taken: list[dt.date] = []
    if key[0] in STATUTORY_GROUNDS or not roles.isdisjoint(_JUDGED):
        taken = judge.completions(key, findings)
        if taken:
            return _Verdict(key, findings, judge, on, floor, roles, taken).entry()
    # Findings are themselves remembered (the same finding is the very same object), so the
    # findings' identities are the key; the entry holds them, so an id is never reused.
    fs = tuple(findings)
    memo_key = (key, on, floor, *map(id, fs))
    hit = _VERDICTS.get(memo_key, fs)
    if hit is not None:
        return hit
    return _VERDICTS.put(memo_key, fs, _Verdict(key, findings, judge, on, floor, roles, taken).entry())


class _Verdict:
    def __init__(
        self,
        key: Key,
        findings: list[Finding],
        judge: JudgeLike,
        on: dt.date,
        floor: str | None,
        roles: set[Role],
        taken: list[dt.date],
    ) -> None:
        self.key = key
        self.findings = findings
        self.judge = judge
        self.on = on
        self.floor = floor
        self.statutory = key[0] in STATUTORY_GROUNDS
        self.caveats: list[str] = []
        #: The days the action was recorded as taken, where that needs judging (see _entry).
        self.taken = taken
        self._roles = roles

    def _role(self, findings: list[Finding], role: Role) -> list[RuleFinding]:
        return [f.out for f in findings if f.out.role is role]

    @property
    def gated(self) -> bool:
        """Whether taking the action needs a permission (a ground, or no restriction unmet)."""
        return self.statutory or bool(self._roles & _PERMITTING)

    # -- the entry ---------------------------------------------------------------------------

    def entry(self) -> ActionOut:
        requires = self._role(self.findings, Role.REQUIRES)
        taken = self.taken
        if taken:
            judged = judge_taken(
                self.key[0], taken, self._all(), requires, self._rules_on, statutory=self.statutory
            )
            again = [r for r in requires if r.status in (*_OUTSTANDING, Status.NEEDS_INFORMATION)]
            if judged.status is not Status.DONE or not again:
                return self._build(
                    judged.binding,
                    judged.status,
                    others=judged.rules,
                    reason=judged.reason,
                    completed_on=judged.completed_on,
                    not_before=judged.not_before,
                    due_on=judged.due_on,
                    late=judged.late,
                    facts_needed=judged.facts_needed,
                )
            # Taken lawfully before, and required again now (a case reopened, say).
            self.caveats.append(f"taken before, on {_fmt(judged.completed_on)}: required again")
        forbidding = [
            f.out
            for f in self.findings
            if f.out.role is Role.PROHIBITION and f.out.status is Status.FORBIDDEN
        ]
        breached = [
            f.out for f in self.findings if f.out.role is Role.PROHIBITION and f.out.status is Status.BREACHED
        ]
        if breached:
            return self._build(
                breached[0], Status.BREACHED, others=self._all(), completed_on=breached[0].completed_on
            )
        if forbidding:
            return self._forbidden(forbidding[0], requires)
        maybe = [
            f.out
            for f in self.findings
            if f.out.role is Role.PROHIBITION and f.out.status is Status.NEEDS_INFORMATION
        ]
        for m in maybe:
            self.caveats.append(
                f"{rule_name(m)} may forbid it: needs {', '.join(m.facts_needed) or 'more facts'}"
            )
        if requires:
            return self._required(requires)
        if maybe and not self.gated:
            return self._build(maybe[0], Status.NEEDS_INFORMATION, others=self._all())
        entry = self._permission()
        if maybe and entry.status is Status.PERMITTED:
            return entry.model_copy(update={"status": Status.NEEDS_INFORMATION})
        return entry

    def _all(self) -> list[RuleFinding]:
        return [f.out for f in self.findings]

    def _build(
        self,
        binding: RuleFinding,
        status: Status,
        *,
        others: list[RuleFinding],
        due_on: dt.date | None = None,
        not_before: dt.date | None = None,
        reason: str | None = None,
        deadline_type: DeadlineType | None = None,
        completed_on: dt.date | None = None,
        late: bool | None = None,
        facts_needed: Iterable[str] = (),
    ) -> ActionOut:
        rules = [binding.model_copy(update={"binding": True})]
        rules += [r for r in others if r is not binding]
        # Facts that would settle a rule beneath it, whether or not they decide today's status.
        needed = sorted(
            {
                *facts_needed,
                *(n for r in rules if r.status is not Status.DONE for n in r.facts_needed),
            }
        )
        caveats = sorted({*self.caveats, *(c for r in rules for c in r.caveats)})
        return ActionOut(
            kind=self.key[0],
            actor=self.key[1],
            route=binding.route or next((r.route for r in rules if r.route), None),
            deadline_type=deadline_type if deadline_type is not None else binding.deadline_type,
            due_on=due_on,
            not_before=not_before,
            status=status,
            rule_id=binding.rule_id,
            pack=binding.pack,
            citation=binding.citation,
            also_cites=binding.also_cites,
            reason=reason if reason is not None else binding.reason,
            interpretation=binding.interpretation,
            completed_on=completed_on,
            late=late,
            recurring=binding.recurring,
            facts_needed=needed,
            caveats=caveats,
            rules=rules,
        )

    # -- required ("by" or undated) ----------------------------------------------------------

    def _required(self, requires: list[RuleFinding]) -> ActionOut:
        on = self.on
        outstanding = [r for r in requires if r.status in _OUTSTANDING]
        unknown = [r for r in requires if r.status is Status.NEEDS_INFORMATION]
        done = [r for r in requires if r.status is Status.DONE]
        # The earliest date binds; a rule with no time limit sets no date while another does.
        earliest: Callable[[RuleFinding], tuple[bool, dt.date]] = lambda r: (  # noqa: E731
            r.due_on is None,
            r.due_on or on,
        )
        if outstanding:
            binding = min(outstanding, key=earliest)
            status = binding.status
            if unknown:
                self.caveats.append(
                    "another rule may also require it, perhaps earlier: "
                    + "; ".join(f"{rule_name(r)} needs {', '.join(r.facts_needed)}" for r in unknown)
                )
        elif unknown:
            binding = min(unknown, key=lambda r: r.due_on or dt.date.max)
            status = Status.NEEDS_INFORMATION
        else:
            # Done: judged late against the strictest date any rule set.
            binding = min(done, key=lambda r: (r.due_on is None, r.due_on or dt.date.max))
            status = Status.DONE
        self._floor_binds(binding, requires)
        reason = binding.reason
        others = [r for r in requires if r is not binding and r.status is not Status.DONE]
        if others and status is not Status.DONE:
            reason += (
                " Also required by "
                + "; ".join(rule_name(r) + (f", due {_fmt(r.due_on)}" if r.due_on else "") for r in others)
                + "."
            )
        not_before = None
        if status is not Status.DONE and self.gated:
            permission = self._permit()
            not_before = permission.not_before
            if permission.status is not Status.PERMITTED:
                status = permission.status
                reason += " It may not be taken yet: " + permission.reason
            elif not_before is not None:
                reason += f" It may be taken from {_fmt(not_before)}: " + permission.reason
        done_dates = [r.completed_on for r in done if r.completed_on]
        return self._build(
            binding,
            status,
            others=self._all(),
            due_on=binding.due_on,
            not_before=not_before,
            reason=reason,
            completed_on=min(done_dates) if status is Status.DONE and done_dates else None,
            late=any(r.late for r in done) if status is Status.DONE else None,
            facts_needed=[n for r in unknown for n in r.facts_needed],
        )

    def _floor_binds(self, binding: RuleFinding, requires: list[RuleFinding]) -> None:
        """Where the national date binds over a later local one, say so naming both rules."""
        if self.floor is None or binding.pack != self.floor or binding.due_on is None:
            return
        for r in requires:
            if (
                r.pack != self.floor
                and r.status in _OUTSTANDING
                and (r.due_on is None or r.due_on > binding.due_on)
            ):
                local = f"due {_fmt(r.due_on)}" if r.due_on else "no date"
                self.caveats.append(
                    f"the local rule {rule_name(r)} gives {local}; the national rule {rule_name(binding)} "
                    f"is stricter and binds: due {_fmt(binding.due_on)}"
                )

    def _forbidden(self, forbidding: RuleFinding, requires: list[RuleFinding]) -> ActionOut:
        reason = forbidding.reason
        due = None
        outstanding = [
            r for r in requires if r.status in _OUTSTANDING or r.status is Status.NEEDS_INFORMATION
        ]
        if outstanding:
            first = min(outstanding, key=lambda r: r.due_on or self.on)
            due = first.due_on
            when = f"by {_fmt(due)}" if due else "now"
            self.caveats.append(
                f"{rule_name(first)} requires it {when}, but {rule_name(forbidding)} forbids it until its "
                "condition no longer holds: meet that condition first"
            )
        not_before = None
        if self.gated:  # once the prohibition lifts, the action still needs its permission
            permission = self._permit()
            not_before = permission.not_before
            if permission.status is not Status.PERMITTED:
                reason += " Even then: " + permission.reason
        return self._build(
            forbidding, Status.FORBIDDEN, others=self._all(), due_on=due, not_before=not_before, reason=reason
        )

    # -- permission (grounds and restrictions): see .permission ------------------------------

    def _permit(self) -> Permit:
        return permit(
            self.key[0],
            self._all(),
            statutory=self.statutory,
            on=self.on,
            floor=self.floor,
            caveats=self.caveats,
        )

    def _permission(self) -> ActionOut:
        """The permission as the entry, where nothing requires or forbids the action."""
        p = self._permit()
        return self._build(
            p.binding,
            p.status,
            others=p.rules,
            not_before=p.not_before,
            reason=p.reason,
            deadline_type=DeadlineType.NOT_BEFORE,
            facts_needed=p.facts_needed,
        )

    # -- taken (judged on the day): see .taken ----------------------------------------------

    def _rules_on(self, day: dt.date) -> list[RuleFinding]:
        return [f.out for f in self.judge.findings_on(self.key, day)]
