"""``evaluate(policy, case, on=...)``: the actions a pack requires of one case on one date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..case import Case, parse_case
from ..errors import EvaluationDateError, Problem
from ..facts import TRACING_EVENTS, UNKNOWN, CaseView
from ..pack.load import PolicyPack, load_policy
from ..pack.model import Action, Citation, Rule
from ..result import ActionOut, CitationOut, EvaluationResult
from ..school_age import compulsory_school_age
from ..vocabulary import COMPLETED_BY, ActionKind, CaseState, DeadlineType, EventKind, Status
from .deadlines import Dated, compute
from .logic import Evaluator, Outcome


def parse_on(on: dt.date | str) -> dt.date:
    """The evaluation date: strict ``YYYY-MM-DD`` or a date, in range (:mod:`cme_policy.dates`)."""
    from ..dates import parse_date

    if on is None:
        raise EvaluationDateError([Problem("on", "missing: give the evaluation date, YYYY-MM-DD")], "no date")
    try:
        return parse_date(on)
    except ValueError as exc:
        raise EvaluationDateError([Problem("on", str(exc))], "bad date") from None


def evaluate(
    policy: PolicyPack | str, case: Case | Mapping[str, Any], *, on: dt.date | str
) -> EvaluationResult:
    """Every action ``policy`` requires of ``case`` on ``on``, each dated and explained.

    The same inputs always give the same output. History events dated after ``on`` are ignored
    (the case is seen as it stood on that date). See :mod:`cme_policy.calendar` for how days are
    counted.
    """
    pack = load_policy(policy)
    day = parse_on(on)
    the_case = parse_case(case)
    calendar = pack.calendar
    if the_case.school.term_dates or the_case.school.closure_days:
        calendar = calendar.overlaid(_school_years(the_case), the_case.school.closure_days)
    view = CaseView(the_case, day, calendar)
    return _Run(pack, view).result()


def _school_years(case: Case) -> list[Any]:
    from ..calendar import Term, TermYear

    return [
        TermYear(
            int(y.academic_year[:4]),
            tuple(Term(t.start_on, t.end_on) for t in y.terms),
            tuple(y.closures),
            "supplied with the case",
        )
        for y in case.school.term_dates or ()
    ]


class _Run:
    def __init__(self, pack: PolicyPack, view: CaseView) -> None:
        self.pack = pack
        self.view = view
        self.logic = Evaluator(view)
        self.warnings: list[str] = []
        self.needed: set[str] = set()

    # -- citations ---------------------------------------------------------------------------

    def cite(self, c: Citation) -> CitationOut:
        src = self.pack.source(c.source)
        bits = [src.title]
        if src.version:
            bits.append(src.version)
        when = f", {src.issued_on.year}" if src.issued_on else ", undated"
        return CitationOut(
            source=c.source, section=c.section, document=f"{src.publisher}, {' '.join(bits)}{when}"
        )

    # -- the run -----------------------------------------------------------------------------

    def result(self) -> EvaluationResult:
        view = self.view
        self._general_warnings()
        born = view.case.child.date_of_birth
        if born is None:
            age_text = "unknown: no date of birth; duties are shown as if of compulsory school age"
            self.needed.add("child.date_of_birth")
        else:
            age = compulsory_school_age(born)
            age_text = age.describe(view.on)
            if not age.covers(view.on):
                return self._finish(
                    CaseState.NOT_APPLICABLE, f"No CME duties: the child is {age_text}.", [], age_text
                )
        actions: list[ActionOut] = []
        for rule in self.pack.rules:
            if rule.in_force(view.on) and self.pack.rule_pack(rule.id).policy.in_force(view.on):
                actions.extend(self._rule(rule))
        state, why = self._state()
        return self._finish(state, why, actions, age_text)

    def _finish(self, state: CaseState, why: str, actions: list[ActionOut], age: str) -> EvaluationResult:
        order = {r.id: i for i, r in enumerate(self.pack.rules)}
        actions.sort(key=lambda a: (a.due_on or a.not_before or dt.date.max, order.get(a.rule_id, 0)))
        next_review = None
        if state is CaseState.DORMANT:
            reviews = [a.due_on for a in actions if a.kind is ActionKind.REVIEW_DORMANT_CASE and a.due_on]
            next_review = min(reviews) if reviews else None
        for a in actions:
            self.needed.update(a.facts_needed)
        caveats = sorted({c for a in actions for c in a.caveats})
        return EvaluationResult(
            policy=self.pack.id,
            authority=self.pack.policy.authority.name,
            on=self.view.on,
            state=state,
            state_reason=why,
            next_review_on=next_review,
            compulsory_school_age=age,
            actions=actions,
            facts_needed=sorted(self.needed),
            warnings=[*self.warnings, *caveats],
        )

    def _general_warnings(self) -> None:
        view = self.view
        for pack in self.pack.lineage():
            pol = pack.policy
            if not pol.in_force(view.on):
                self.warnings.append(f"pack {pol.id!r} is not in force on {view.on}")
            if pol.review_due_on and pol.review_due_on < view.on:
                self.warnings.append(
                    f"pack {pol.id!r} was due for review on {pol.review_due_on}: check that "
                    "its sources are still the authority's current policy"
                )
        if view.ignored_future_events:
            self.warnings.append(
                f"{view.ignored_future_events} history event(s) dated after {view.on} were ignored"
            )

    def _state(self) -> tuple[CaseState, str]:
        marks = {
            EventKind.CASE_CLOSED: CaseState.CLOSED,
            EventKind.CASE_MADE_DORMANT: CaseState.DORMANT,
            EventKind.CASE_REOPENED: CaseState.OPEN,
            EventKind.NEW_INFORMATION_RECEIVED: CaseState.OPEN,
            # A dormant case whose child is then traced is live again until it is closed.
            **dict.fromkeys(TRACING_EVENTS, CaseState.OPEN),
        }
        last = next((e for e in reversed(self.view.events) if e.event in marks), None)
        if last is None:
            return CaseState.OPEN, "open: no closure or dormancy is recorded"
        return marks[last.event], f"{marks[last.event].value}: '{last.event.value}' recorded on {last.on}"

    # -- rules -------------------------------------------------------------------------------

    def _rule(self, rule: Rule) -> list[ActionOut]:
        when = self.logic.eval(rule.when) if rule.when is not None else Outcome(True, set(), [])
        if when.value is False:
            return self._done_earlier(rule)
        ended = False
        if rule.until is not None and when.value is True:
            ended = self.logic.eval(rule.until).value is True
        out = []
        for action in rule.then:
            item = self._action(rule, action, when)
            if item is None or (ended and item.status not in (Status.DONE, Status.BREACHED)):
                continue
            out.append(item)
        return out

    def _as_of(self, day: dt.date) -> _Run:
        """The same case seen on an earlier day (history cut there, same calendar)."""
        return _Run(self.pack, CaseView(self.view.case, day, self.view.calendar))

    def _applied_on(self, rule: Rule, day: dt.date) -> bool:
        """Did the rule apply on ``day``, judged on the case as it stood then? A forbidden
        action is breached only if it was taken while its rule applied."""
        then = self._as_of(day)
        if rule.when is not None and then.logic.eval(rule.when).value is False:
            return False
        return rule.until is None or then.logic.eval(rule.until).value is not True

    def _done_earlier(self, rule: Rule) -> list[ActionOut]:
        """Actions done while the rule applied stay reported as done after it stops applying
        (the child is found, say): each is judged on the case as it stood when it was done."""
        out = []
        for action in rule.then:
            if action.forbidden:
                if not self._completions(action, None):
                    continue  # never taken: nothing to report once the rule stops applying
                # _action keeps only what was taken while the rule applied: a breach, if any.
                item = self._action(rule, action, Outcome(True, set(), []))
                if item is not None and item.status is Status.BREACHED:
                    out.append(item)
                continue
            for when_done in sorted(set(self._completions(action, None))):
                then = self._as_of(when_done)
                assert rule.when is not None
                earlier = then.logic.eval(rule.when)
                if earlier.value is not False:
                    item = then._action(rule, action, earlier)
                    if item is not None and item.status is Status.DONE:
                        out.append(
                            item.model_copy(
                                update={
                                    "reason": item.reason + f" The rule no longer applies on {self.view.on}."
                                }
                            )
                        )
                    break
        return out

    def _completions(self, rule_action: Action, since: dt.date | None) -> list[dt.date]:
        kinds = set(rule_action.completed_by or COMPLETED_BY[rule_action.kind])
        return [e.on for e in self.view.events if e.event in kinds and (since is None or e.on >= since)]

    def _action(self, rule: Rule, action: Action, when: Outcome) -> ActionOut | None:
        dated = compute(action.deadline, self.view) if action.deadline else Dated()
        if dated.pending and action.deadline and action.deadline.type is DeadlineType.BY:
            return None  # a "by" duty anchored on an event starts when the event is recorded
        kind = action.deadline.type if action.deadline else None
        # A "not before" action counts whenever it was taken: taking it early is a breach.
        done = self._completions(action, None if kind is DeadlineType.NOT_BEFORE else dated.anchor_on)
        if action.forbidden:
            done = [d for d in done if self._applied_on(rule, d)]
        status, completed, late = self._status(action, dated, done)
        unknown = when.value is UNKNOWN
        needed = sorted({*(when.needed if unknown else ()), *dated.needed})
        if unknown and status is not Status.DONE:
            status = Status.NEEDS_INFORMATION
        if dated.needed and status not in (Status.DONE, Status.NEEDS_INFORMATION, Status.FORBIDDEN):
            status = Status.NEEDS_INFORMATION
        return ActionOut(
            kind=action.kind,
            actor=action.actor,
            route=action.route,
            deadline_type=kind,
            due_on=self._due(action, dated, done) if kind is DeadlineType.BY else None,
            not_before=dated.date if kind is DeadlineType.NOT_BEFORE else None,
            status=status,
            rule_id=rule.id,
            pack=self.pack.rule_pack(rule.id).id,
            citation=self.cite(rule.citation),
            also_cites=[self.cite(c) for c in rule.also_cites],
            reason=self._reason(rule, action, when, dated, status, done),
            interpretation=(
                f"{rule.interpretation.question} Reading taken: {rule.interpretation.reading} "
                f"Why: {rule.interpretation.why}"
                if rule.interpretation
                else None
            ),
            completed_on=completed,
            late=late,
            recurring=action.repeat is not None,
            facts_needed=needed,
            caveats=dated.caveats,
        )

    def _due(self, action: Action, dated: Dated, done: list[dt.date]) -> dt.date | None:
        if action.repeat is not None and done:
            return _next_after(self.view, action, done[-1])
        return dated.date

    def _status(
        self, action: Action, dated: Dated, done: list[dt.date]
    ) -> tuple[Status, dt.date | None, bool | None]:
        on = self.view.on
        if action.forbidden:
            return (Status.BREACHED, done[0], None) if done else (Status.FORBIDDEN, None, None)
        if action.repeat is not None:
            due = _next_after(self.view, action, done[-1]) if done else dated.date
            return _by_status(on, due, dated), (done[-1] if done else None), None
        if done and action.deadline is not None and action.deadline.type is DeadlineType.NOT_BEFORE:
            first = done[0]
            early = dated.pending or (dated.date is not None and first < dated.date)
            return (Status.BREACHED if early else Status.DONE), first, None
        if done:
            first = done[0]
            late = None
            if action.deadline is not None and action.deadline.type is DeadlineType.BY and dated.date:
                late = first > dated.date
            return Status.DONE, first, late
        if action.deadline is None:
            return Status.DUE, None, None
        if action.deadline.type is DeadlineType.NOT_BEFORE:
            if dated.pending:
                return Status.NOT_YET_PERMITTED, None, None
            if dated.date is None:
                return Status.NEEDS_INFORMATION, None, None
            return (Status.PERMITTED if on >= dated.date else Status.NOT_YET_PERMITTED), None, None
        return _by_status(on, dated.date, dated), None, None

    def _reason(
        self, rule: Rule, action: Action, when: Outcome, dated: Dated, status: Status, done: list[dt.date]
    ) -> str:
        parts = [rule.title.rstrip(".") + "."]
        if when.value is True:
            parts.append(f"Applies because {'; '.join(when.explain()) or 'it always applies'}.")
        elif when.value is UNKNOWN:
            parts.append(f"May apply: needs {', '.join(sorted(when.needed))}.")
        if action.forbidden:
            parts.append("Forbidden while this holds.")
        elif action.deadline is not None:
            word = "Due" if action.deadline.type is DeadlineType.BY else "Not before"
            parts.append(f"{word}: {dated.explanation}.")
            if action.repeat is not None:
                parts.append(f"Repeats every {action.repeat.describe()} after each completion.")
        else:
            parts.append("No time limit is set in the source.")
        if done:
            when = done[-1] if action.repeat else done[0]
            if status is Status.BREACHED:
                parts.append(f"Recorded as taken on {when}, before it was permitted.")
            else:
                parts.append(f"Recorded as done on {when}.")
        if action.note:
            parts.append(action.note.strip())
        return " ".join(parts)


def _next_after(view: CaseView, action: Action, last: dt.date) -> dt.date:
    from .deadlines import add

    assert action.repeat is not None
    return add(view.calendar, last, action.repeat)[0]


def _by_status(on: dt.date, due: dt.date | None, dated: Dated) -> Status:
    if due is None:
        return Status.DUE if dated.urgent_undated else Status.NEEDS_INFORMATION
    if on < due:
        return Status.UPCOMING
    return Status.DUE if on == due else Status.OVERDUE
