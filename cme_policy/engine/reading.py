"""Reading a case against rules: what each rule in force says about each duty, as findings.

One :class:`Reading` is a case seen on one day with a set of rules (a pack's, then its national
floor's). It answers per rule: does it apply, since when (:meth:`Reading.arose`), what it
requires, permits or forbids, and whether a recorded action completed it in its window.
What it reads is put into findings by :mod:`.findings`; :mod:`.verdict` turns the findings into
one verdict per duty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..fact_reader import reads_the_same_before
from ..facts import UNKNOWN, CaseView
from ..pack.load import PolicyPack
from ..pack.model import Action, Rule
from ..vocabulary import (
    COMPLETED_BY,
    STATUTORY_GROUNDS,
    ActionKind,
    DeadlineType,
    EventKind,
    Permission,
    Role,
    Status,
)
from .deadlines import UNDATED, Arose, add, compute
from .findings import did_not_apply, gate, no_longer_applies, required, said
from .logic import Evaluator, Outcome
from .ruleset import RuleSet
from .verdict import Finding, Key


class Reading:
    """A case seen on one day, read against an ordered list of rules, each with its pack."""

    def __init__(
        self,
        view: CaseView,
        rules: RuleSet,
        days: dict[dt.date, Reading] | None = None,
        fields: dict[str, Any] | None = None,
    ) -> None:
        self.view = view
        self.rules = rules
        # The case fields with no dated change read the same on every day: read once per case.
        # On the evaluation date every rule is tested, so every history fact is read at once;
        # on other days (a duty's spell walked back) one rule is, and reads what it needs.
        if fields is None:
            self._fields = rules.reader.fields(view)
            known = rules.reader.history(view)
            known.update(self._fields)
        else:
            self._fields = fields
            known = dict(fields)
        self.logic = Evaluator(view, known)
        self._arose: dict[str, Arose] = {}
        self._changes: dict[tuple[bool, bool], list[dt.date]] = {}
        # The same case on other days, shared by every reading of it (facts read once a day).
        self._days: dict[dt.date, Reading] = days if days is not None else {}

    def as_of(self, day: dt.date, *, assume: Mapping[str, Any] | None = None) -> Reading:
        """The same case seen on an earlier day (history cut there, same calendar and rules);
        ``assume`` pins some facts for that day (a reading of its own, not shared)."""
        if assume:
            reading = Reading(self.view.as_of(day), self.rules, self._days, self._fields)
            reading.logic.pin(assume)
            return reading
        reading = self._days.get(day)
        if reading is None:
            reading = self._days[day] = Reading(self.view.as_of(day), self.rules, self._days, self._fields)
        return reading

    # -- findings ----------------------------------------------------------------------------

    def findings(self, keys: set[Key] | None = None) -> list[Finding]:
        """What each rule in force says, one finding per rule and duty (``keys``: only these)."""
        out: list[Finding] = []
        logic, recorded = self.logic, self.view.index.by_kind
        for order, rule, owner, test, done_by, duties in self.rules.live(self.view.on):
            if keys is not None and keys.isdisjoint(duties):
                continue
            # Most rules do not apply to a given case: test each for its value alone first, and
            # explain only those that apply, may apply, or were completed while they applied.
            if test is not None and test(logic) is False:
                if done_by.isdisjoint(recorded) or self.never_applied(order):
                    continue
                found = self._done_earlier(rule, owner, order)
            else:
                found = self._rule(rule, owner, order)
            out.extend(found if keys is None else [f for f in found if f.key in keys])
        return out

    def grounds_not_applying(self, key: Key) -> list[Finding]:
        """The grounds in force for ``key`` whose conditions do not hold on the view's day, each
        saying why: what an action taken that day lacked."""
        out = []
        for order, (rule, owner) in enumerate(self.rules):
            actions = [a for a in rule.then if (a.kind, a.actor) == key and a.permission is Permission.GROUND]
            if not actions or not (rule.in_force(self.view.on) and owner.policy.in_force(self.view.on)):
                continue
            explained = self.rules.explained[order]
            when = explained(self.logic) if explained is not None else Outcome(True)
            if when.value is not False:
                continue
            found = self._permission(rule, owner, order, actions, Permission.GROUND, when)
            out.append(did_not_apply(found, "; ".join(when.explain()) or "its conditions"))
        return out

    # -- rules -------------------------------------------------------------------------------

    def _rule(self, rule: Rule, owner: PolicyPack, order: int) -> list[Finding]:
        explained = self.rules.explained[order]
        when = explained(self.logic) if explained is not None else Outcome(True, set(), [])
        if when.value is False:
            return self._done_earlier(rule, owner, order)
        ended = False
        until = self.rules.untils[order]
        if until is not None and when.value is True:
            ended = until(self.logic) is True
        out: list[Finding] = []
        for action in self.rules.duties[order]:
            item = self._action(rule, owner, order, action, when)
            if item is None or (ended and item.out.status not in (Status.DONE, Status.BREACHED)):
                continue
            out.append(item)
        if not ended:
            for permission, actions in self.rules.gate_groups[order]:
                out.append(self._permission(rule, owner, order, actions, permission, when))
        return out

    def _applied_on(self, order: int, day: dt.date) -> bool:
        """Did the rule certainly apply on ``day``, judged on the case as it stood then? A
        forbidden action is breached only if it was taken while its rule applied."""
        then = self.as_of(day).logic
        test, until = self.rules.tests[order], self.rules.untils[order]
        if test is not None and test(then) is not True:
            return False  # a breach is reported only where the rule certainly applied
        return until is None or until(then) is not True

    def _done_earlier(self, rule: Rule, owner: PolicyPack, order: int) -> list[Finding]:
        """Duties done while the rule applied stay reported as done after it stops applying
        (the child is found, say): each is judged on the case as it stood when it was done.

        A record made before the rule applied can still complete its duty (a record on or after
        the deadline's anchor counts: the LA told of an absence on its first day, before the
        rule's ten days had passed). Such a record is judged as the case stood on the last day
        the rule applied, so that what was reported done then stays done afterwards.
        """
        out = []
        for action in rule.then:
            if action.permission is not None:
                continue  # a ground or restriction is judged with its verdict (Judge)
            if action.forbidden:
                if not self._completions(action, None):
                    continue  # never taken: nothing to report once the rule stops applying
                # _action keeps only what was taken while the rule applied: a breach, if any.
                item = self._action(rule, owner, order, action, Outcome(True, set(), []))
                if item is not None and item.out.status is Status.BREACHED:
                    out.append(item)
                continue
            test = self.rules.tests[order]
            assert test is not None
            done = set(self._completions(action, None))
            implied = self._implied_completion(action)  # a later record proves it was done
            if implied is not None:
                done.add(implied[0])
            done = sorted(done)
            judged_on = next((d for d in done if test(self.as_of(d).logic) is not False), None)
            if judged_on is None and done:
                judged_on = self._last_applied(order, done[0])
            if judged_on is not None:
                then = self.as_of(judged_on)
                explained = self.rules.explained[order]
                assert explained is not None
                item = then._action(rule, owner, order, action, explained(then.logic))
                if item is not None and item.out.status is Status.DONE:
                    out.append(no_longer_applies(item, self.view.on))
        return out

    def never_applied(self, order: int) -> bool:
        """Whether the rule's condition was false on every day of the case: a test it needs
        true is false today of a fact that certainly read the same on every earlier day (a case
        field with no dated change, an event not recorded: see
        :func:`~cme_policy.fact_reader.reads_the_same_before`). Spares walking back through the days
        for a rule that cannot have applied."""
        view, logic = self.view, self.logic
        return any(
            name not in logic.pinned
            and test(logic) is False
            and reads_the_same_before(view, name, logic.fact(name))
            for name, test in self.rules.fixed[order]
        )

    def _last_applied(self, order: int, since: dt.date) -> dt.date | None:
        """The last day, from ``since`` to the day before the view's, on which the rule may have
        applied (its facts change only on :meth:`_change_days`), or ``None``."""
        test = self.rules.tests[order]
        assert test is not None
        # A condition that only grows truer as school days pass (its counts are tested "at
        # least") holds on the last day of a stretch with nothing recorded if on any day of
        # it: the recorded days and the day before each are enough to test, not every day.
        every_day = not self.rules.rises[order]
        for day in self._change_days(order, every_day=every_day):
            if day < since:
                return None
            if test(self.as_of(day).logic) is not False:
                return day
        return None

    def _completions(self, rule_action: Action, since: dt.date | None) -> list[dt.date]:
        return self.view.dates_of(self.rules.completed_by[id(rule_action)], since)

    def _action(
        self, rule: Rule, owner: PolicyPack, order: int, action: Action, when: Outcome
    ) -> Finding | None:
        """A rule's requirement ("by" a date, or undated) or prohibition, as one finding."""
        # The day a duty arose is only asked of a rule that certainly applies now.
        arose = (lambda: self.arose(rule, order)) if when.value is True else None
        dated = compute(action.deadline, self.view, arose=arose) if action.deadline else UNDATED
        if dated.pending and action.deadline and action.deadline.type is DeadlineType.BY:
            return None  # a "by" duty anchored on an event starts when the event is recorded
        since = dated.anchor_on
        early: list[dt.date] = []
        if not action.forbidden and since is None and when.value is True and not action.earlier_record_counts:
            # An undated duty is done only by a record made on or after the day it arose.
            every = self._completions(action, None)
            if every:
                since = self.arose(rule, order).earliest
                early = [d for d in every if d < since]
        done = self._completions(action, since)
        if action.forbidden:
            done = [d for d in sorted(set(done)) if self._applied_on(order, d)]
        implied = None if action.forbidden else self._implied_completion(action)
        if implied is not None and done and not (action.repeat is None and implied[0] < done[0]):
            implied = None  # the first record of it decides, unless a record proves it done earlier
        if implied is not None:
            done = []
        again = None
        if action.repeat is not None and done:
            again = add(self.view.calendar, done[-1], action.repeat)[0]
        return required(
            rule,
            owner,
            order,
            action,
            said(when),
            dated,
            tuple(done),
            tuple(early),
            since,
            implied,
            again,
            self.view.on,
        )

    def _implied_completion(self, action: Action) -> tuple[dt.date, EventKind] | None:
        """A completing event not recorded, but proved by a later record (an assigned referral
        was made): the date of that record, on or before which the action was done."""
        if self.rules.proved_by[id(action)].isdisjoint(self.view.index.by_kind):
            return None  # nothing that could prove it is recorded, on any day
        kinds = self.rules.completed_by[id(action)]
        found = [(i.latest, i.by) for k in kinds if (i := self.view.implied(k)) is not None]
        return min(found) if found else None

    # -- the day a duty arose ----------------------------------------------------------------

    def arose(self, rule: Rule, order: int) -> Arose:
        """The first day of the current spell in which the rule's conditions all held.

        Facts only change on the days the case records something (an event, a dated change,
        the first day of absence), and a school-day count only on school days, so the spell is
        found by stepping back through those days from the evaluation date until the
        conditions fail. Where they are unknown on a day, the duty may have arisen earlier:
        ``earliest`` goes back through the unknown days, ``on`` stays at the certain start.
        """
        hit = self._arose.get(rule.id)
        if hit is not None:
            return hit
        view = self.view
        start = earliest = view.on
        needed: set[str] = set()
        unsure = stopped = False
        test = self.rules.tests[order]
        for day in self._change_days(order):
            then = self.as_of(day).logic
            got = test(then) if test is not None else True
            if got is False:
                stopped = True
                break
            earliest = day
            if got is UNKNOWN:
                unsure = True
                assert rule.when is not None
                explained = self.rules.explained[order]
                assert explained is not None
                needed |= explained(then).needed
            elif not unsure:
                start = day
        out = Arose(start, earliest, frozenset(needed), not stopped, rule.effective_from)
        self._arose[rule.id] = out
        return out

    def _change_days(self, order: int, *, every_day: bool = True) -> list[dt.date]:
        """The days before the view's day on which the rule's facts may change, latest first.

        A school-day count changes every day: with ``every_day`` each day of the absence is
        listed; without it, only the day before each recorded day (and before the view's), the
        last day of each stretch in which nothing is recorded. The same for every rule that
        counts school days (or every one that does not), so worked out once per reading.
        """
        counts = self.rules.counts_days[order]
        key = (counts, every_day and counts)
        got = self._changes.get(key)
        if got is None:
            got = self._changes[key] = self._days_changing(counts, every_day)
        return got

    def _days_changing(self, counts: bool, every_day: bool) -> list[dt.date]:
        view = self.view
        one = dt.timedelta(days=1)
        # Only the case's own dates: a spell that reaches back past all of them arose, as far
        # as the case can tell, on the earliest of them.
        days: set[dt.date] = set(view.index.dates) | view.changes.days()
        first = view.case.absence.first_day_on
        if first is not None:
            days.add(first)
            if counts and first < view.on:
                if every_day:
                    span = (view.on - first).days
                    days.update(first + dt.timedelta(days=i) for i in range(min(span, 800)))
                else:
                    days.update([*(d - one for d in days if d > dt.date.min), view.on - one])
        # The rule's own start is not a floor here: a record made under the instrument it
        # replaced still counts in the window; a due date is clamped to it (Arose.in_force_from).
        floor = dt.date.min
        born = view.case.child.date_of_birth
        if born is not None:
            from ..school_age import compulsory_school_age

            floor = compulsory_school_age(born).starts_on
        if days and min(days) < floor:
            days.add(floor)  # the rule (or the child's school age) began within the spell
        return sorted([d for d in days if floor <= d < view.on], reverse=True)

    def _permission(
        self,
        rule: Rule,
        owner: PolicyPack,
        order: int,
        actions: list[Action],
        permission: Permission,
        when: Outcome,
    ) -> Finding:
        """A ground for an action, or a restriction on it (:func:`.findings.gate`)."""
        dated = [compute(a.deadline, self.view) for a in actions if a.deadline is not None]
        return gate(rule, owner, order, actions, permission, said(when), dated, self.view.on)


class Judge:
    """Was an action taken lawfully? Each recorded completion is judged on the case as it stood
    that day: a ground met in full, every restriction met, no prohibition in force."""

    def __init__(self, reading: Reading) -> None:
        self.run = reading
        self._on: dict[tuple[Key, dt.date], list[Finding]] = {}

    def completions(self, key: Key, findings: list[Finding]) -> list[dt.date]:
        return self.run.view.dates_of(self.run.rules.completing.get(key, COMPLETED_BY[key[0]]))

    def findings_on(self, key: Key, day: dt.date) -> list[Finding]:
        """The grounds, restrictions and prohibitions for ``key`` as the case stood on ``day``,
        just before the action was taken (a child removed that day was on roll until then).
        Read once per duty and day: a taken duty no rule bears on now is read for its verdict
        and then judged on the same day."""
        got = self._on.get((key, day))
        if got is None:
            got = self._on[key, day] = self._findings_on(key, day)
        return got

    def _findings_on(self, key: Key, day: dt.date) -> list[Finding]:
        assume = {"school.on_roll": True} if key[0] is ActionKind.REMOVE_FROM_ROLL else None
        then = self.run.as_of(day, assume=assume)
        got = then.findings({key})
        got = [f for f in got if f.out.role is not Role.REQUIRES or f.out.status is not Status.DONE]
        if key[0] in STATUTORY_GROUNDS and not any(f.out.role is Role.GROUND for f in got):
            got += then.grounds_not_applying(key)
        return got
