"""``evaluate(policy, case, on=...)``: one verdict per duty a pack places on one case on one date.

Each rule in force gives a finding per duty it bears on (``_Run``); :mod:`.verdict` combines
the findings into the one entry a caseworker acts on. A local pack is read on top of the
national baseline (its *statutory floor*) unless asked for its own text alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..case import Case, parse_case
from ..errors import EvaluationDateError, Problem
from ..facts import TRACING_EVENTS, UNKNOWN, CaseView
from ..pack.load import PolicyPack, load_policy
from ..pack.model import Action, Citation, Rule
from ..result import ActionOut, CitationOut, EvaluationResult, RuleFinding
from ..school_age import compulsory_school_age
from ..vocabulary import (
    COMPLETED_BY,
    STATUTORY_GROUNDS,
    ActionKind,
    Actor,
    CaseState,
    DeadlineType,
    EventKind,
    Permission,
    Role,
    Status,
)
from .deadlines import Dated, anchor_words, compute
from .logic import Evaluator, Outcome
from .verdict import Finding, Key, combine

#: The national pack every local pack is evaluated on, unless asked for its own text alone.
FLOOR = "england"


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
    policy: PolicyPack | str,
    case: Case | Mapping[str, Any],
    *,
    on: dt.date | str | None = None,
    statutory_floor: bool = True,
) -> EvaluationResult:
    """Every duty ``policy`` places on ``case`` on the date ``on``, one verdict per duty.

    A local pack is evaluated on top of the national baseline (``england``) unless
    ``statutory_floor=False`` asks for the pack's own text alone, for analysis: the national
    duties appear beside the local ones, and where a local date is later than the national one
    the national rule binds and the entry says so. The same inputs always give the same output.
    History events dated after ``on`` are ignored (the case is seen as it stood on that date).
    See :mod:`cme_policy.calendar` for how days are counted and :mod:`cme_policy.engine.verdict`
    for how the rules behind a duty are combined.
    """
    if on is None:
        raise EvaluationDateError(
            [Problem("on", "give the evaluation date, written YYYY-MM-DD")], "no evaluation date"
        )
    pack = load_policy(policy)
    day = parse_on(on)
    the_case = parse_case(case)
    calendar = pack.calendar
    if the_case.school.term_dates or the_case.school.closure_days:
        calendar = calendar.overlaid(_school_years(the_case), the_case.school.closure_days)
    view = CaseView(the_case, day, calendar)
    floor = national_floor(pack) if statutory_floor else None
    return _Run(pack, view, floor).result()


def national_floor(pack: PolicyPack) -> PolicyPack | None:
    """The national pack a local pack is evaluated on, or ``None`` when the pack is national or
    already extends it (a school layer on ``england``)."""
    if any(p.policy.authority.kind == "national" for p in pack.lineage()):
        return None
    return load_policy(FLOOR)


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
    """One evaluation: every rule in force (the pack's, then the floor's) read on one view."""

    def __init__(
        self,
        pack: PolicyPack,
        view: CaseView,
        floor: PolicyPack | None,
        rules: list[tuple[Rule, PolicyPack]] | None = None,
    ) -> None:
        self.pack = pack
        self.view = view
        self.floor = floor
        self.logic = Evaluator(view)
        self.warnings: list[str] = []
        self.needed: set[str] = set()
        if rules is None:
            rules = [(r, pack.rule_pack(r.id)) for r in pack.rules]
            if floor is not None:
                rules += [(r, floor.rule_pack(r.id)) for r in floor.rules]
        self.rules = rules

    def _as_of(self, day: dt.date, *, assume: Mapping[str, Any] | None = None) -> _Run:
        """The same case seen on an earlier day (history cut there, same calendar and rules)."""
        run = _Run(self.pack, self.view.as_of(day), self.floor, self.rules)
        if assume:
            run.logic.pin(assume)
        return run

    # -- citations ---------------------------------------------------------------------------

    def cite(self, c: Citation, owner: PolicyPack) -> CitationOut:
        src = owner.source(c.source)
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
        findings = self.findings()
        judge = Judge(self)
        actions = combine(findings, judge, view.on, self.floor.id if self.floor else None, self._gated())
        state, why = self._state()
        return self._finish(state, why, actions, age_text)

    def findings(self, keys: set[Key] | None = None) -> list[Finding]:
        """What each rule in force says, one finding per rule and duty (``keys``: only these)."""
        out: list[Finding] = []
        for order, (rule, owner) in enumerate(self.rules):
            if keys is not None and not any((a.kind, a.actor) in keys for a in rule.then):
                continue
            if rule.in_force(self.view.on) and owner.policy.in_force(self.view.on):
                out.extend(f for f in self._rule(rule, owner, order) if keys is None or f.key in keys)
        return out

    def _gated(self) -> list[Key]:
        """Duties that need a permission: those with a ground, restriction or prohibition."""
        keys: dict[Key, None] = {}
        for rule, _ in self.rules:
            for a in rule.then:
                if a.permission is not None or a.forbidden or a.kind in STATUTORY_GROUNDS:
                    keys[(a.kind, a.actor)] = None
        return list(keys)

    def _finish(self, state: CaseState, why: str, actions: list[ActionOut], age: str) -> EvaluationResult:
        actions.sort(key=lambda a: a.due_on or a.not_before or dt.date.max)
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
            statutory_floor=self.floor.id if self.floor is not None else None,
        )

    def _general_warnings(self) -> None:
        view = self.view
        packs = [*self.pack.lineage(), *(self.floor.lineage() if self.floor else ())]
        for pack in packs:
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
        last = max(
            ((found[-1][0], found[-1][1]) for kind in marks if (found := self.view.of_kind(kind))),
            key=lambda pe: pe[0],
            default=None,
        )
        if last is None:
            return CaseState.OPEN, "open: no closure or dormancy is recorded"
        event = last[1]
        return marks[event.event], f"{marks[event.event].value}: '{event.event.value}' recorded on {event.on}"

    # -- rules -------------------------------------------------------------------------------

    def _rule(self, rule: Rule, owner: PolicyPack, order: int) -> list[Finding]:
        when = self.logic.eval(rule.when) if rule.when is not None else Outcome(True, set(), [])
        if when.value is False:
            return self._done_earlier(rule, owner, order)
        ended = False
        if rule.until is not None and when.value is True:
            ended = self.logic.eval(rule.until).value is True
        out: list[Finding] = []
        gates: dict[tuple[ActionKind, Actor, Permission], list[Action]] = {}
        for action in rule.then:
            if action.permission is not None:
                gates.setdefault((action.kind, action.actor, action.permission), []).append(action)
                continue
            item = self._action(rule, owner, order, action, when)
            if item is None or (ended and item.out.status not in (Status.DONE, Status.BREACHED)):
                continue
            out.append(item)
        if not ended:
            for (_, _, permission), actions in gates.items():
                out.append(self._permission(rule, owner, order, actions, permission, when))
        return out

    def _applied_on(self, rule: Rule, day: dt.date) -> bool:
        """Did the rule apply on ``day``, judged on the case as it stood then? A forbidden
        action is breached only if it was taken while its rule applied."""
        then = self._as_of(day)
        if rule.when is not None and then.logic.eval(rule.when).value is False:
            return False
        return rule.until is None or then.logic.eval(rule.until).value is not True

    def _done_earlier(self, rule: Rule, owner: PolicyPack, order: int) -> list[Finding]:
        """Duties done while the rule applied stay reported as done after it stops applying
        (the child is found, say): each is judged on the case as it stood when it was done."""
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
            for when_done in sorted(set(self._completions(action, None))):
                then = self._as_of(when_done)
                assert rule.when is not None
                earlier = then.logic.eval(rule.when)
                if earlier.value is not False:
                    item = then._action(rule, owner, order, action, earlier)
                    if item is not None and item.out.status is Status.DONE:
                        note = f" The rule no longer applies on {self.view.on}."
                        out.append(item.with_reason(item.out.reason + note))
                    break
        return out

    def _completions(self, rule_action: Action, since: dt.date | None) -> list[dt.date]:
        kinds = rule_action.completed_by or COMPLETED_BY[rule_action.kind]
        return self.view.dates_of(kinds, since)

    def _interpretation(self, rule: Rule) -> str | None:
        i = rule.interpretation
        return f"{i.question} Reading taken: {i.reading} Why: {i.why}" if i else None

    def _action(
        self, rule: Rule, owner: PolicyPack, order: int, action: Action, when: Outcome
    ) -> Finding | None:
        """A rule's requirement ("by" a date, or undated) or prohibition, as one finding."""
        dated = compute(action.deadline, self.view) if action.deadline else Dated()
        if dated.pending and action.deadline and action.deadline.type is DeadlineType.BY:
            return None  # a "by" duty anchored on an event starts when the event is recorded
        kind = action.deadline.type if action.deadline else None
        done = self._completions(action, dated.anchor_on)
        if action.forbidden:
            done = [d for d in done if self._applied_on(rule, d)]
        status, completed, late = self._status(action, dated, done)
        unknown = when.value is UNKNOWN
        needed = sorted({*(when.needed if unknown else ()), *dated.needed})
        if unknown and status is not Status.DONE:
            status = Status.NEEDS_INFORMATION
        if dated.needed and status not in (Status.DONE, Status.NEEDS_INFORMATION, Status.FORBIDDEN):
            status = Status.NEEDS_INFORMATION
        out = RuleFinding(
            rule_id=rule.id,
            pack=owner.id,
            role=Role.PROHIBITION if action.forbidden else Role.REQUIRES,
            deadline_type=kind,
            due_on=self._due(action, dated, done) if kind is DeadlineType.BY else None,
            status=status,
            citation=self.cite(rule.citation, owner),
            also_cites=[self.cite(c, owner) for c in rule.also_cites],
            route=action.route,
            reason=self._reason(rule, action, when, dated, status, done),
            interpretation=self._interpretation(rule),
            completed_on=completed,
            late=late,
            recurring=action.repeat is not None,
            facts_needed=needed,
            caveats=dated.caveats,
        )
        return Finding((action.kind, action.actor), order, out, urgent_undated=dated.urgent_undated)

    def _permission(
        self,
        rule: Rule,
        owner: PolicyPack,
        order: int,
        actions: list[Action],
        permission: Permission,
        when: Outcome,
    ) -> Finding:
        """A ground for an action, or a restriction on it: the rule's condition and every one of
        its "not before" gates for that action, all of which must be met."""
        on = self.view.on
        unmet: list[str] = []
        needed: set[str] = set(when.needed) if when.value is UNKNOWN else set()
        caveats: list[str] = []
        texts: list[str] = []
        dates: list[dt.date] = []
        blocked = unsure = False
        for action in actions:
            assert action.deadline is not None
            dated = compute(action.deadline, self.view)
            texts.append(dated.explanation)
            caveats.extend(dated.caveats)
            if dated.date is not None:
                dates.append(dated.date)
            if dated.pending:
                blocked = True
                unmet.append(f"{anchor_words(action.deadline.anchor)} is not yet recorded")
            elif dated.withheld and dated.earliest is not None and dated.earliest > on:
                # Counted on every weekday, the date can only be early: before it, certainly not.
                blocked = True
                dates.append(dated.earliest)
                unmet.append(
                    f"not before {dated.earliest:%a %d %b %Y} at the earliest (term dates unknown): "
                    f"{dated.explanation}"
                )
            elif dated.needed or dated.date is None:
                unsure = True
                needed.update(dated.needed)
                unmet.append(f"cannot tell when: {dated.explanation}")
            elif dated.date > on:
                blocked = True
                unmet.append(f"not before {dated.date:%a %d %b %Y}: {dated.explanation}")
        if when.value is UNKNOWN:
            unmet.append(f"whether it applies: needs {', '.join(sorted(when.needed))}")
            if permission is Permission.RESTRICTION and (blocked or unsure):
                # Unmet if it applies; whether it applies is the open question.
                blocked, unsure = False, True
            elif permission is Permission.GROUND:
                unsure = True
        if blocked:
            status = Status.NOT_YET_PERMITTED
        elif unsure:
            status = Status.NEEDS_INFORMATION
        else:
            status = Status.PERMITTED
        role = Role.GROUND if permission is Permission.GROUND else Role.RESTRICTION
        parts = [rule.title.rstrip(".") + "."]
        if when.value is True:
            parts.append(f"Applies because {'; '.join(when.explain()) or 'it always applies'}.")
        word = "A ground for it" if role is Role.GROUND else "A condition on it"
        parts.append(f"{word}, not before: {'; and '.join(texts)}.")
        parts += [a.note.strip() for a in actions if a.note]
        first = actions[0]
        out = RuleFinding(
            rule_id=rule.id,
            pack=owner.id,
            role=role,
            deadline_type=DeadlineType.NOT_BEFORE,
            not_before=max(dates) if dates else None,
            status=status,
            citation=self.cite(rule.citation, owner),
            also_cites=[self.cite(c, owner) for c in rule.also_cites],
            route=next((a.route for a in actions if a.route), None),
            reason=" ".join(parts),
            interpretation=self._interpretation(rule),
            unmet=unmet,
            facts_needed=sorted(needed),
            caveats=sorted(set(caveats)),
        )
        return Finding((first.kind, first.actor), order, out)

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
        if done:
            first = done[0]
            late = first > dated.date if action.deadline is not None and dated.date else None
            return Status.DONE, first, late
        if action.deadline is None:
            return Status.DUE, None, None
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
            parts.append(f"Due: {dated.explanation}.")
            if action.repeat is not None:
                parts.append(f"Repeats every {action.repeat.describe()} after each completion.")
        else:
            parts.append("No time limit is set in the source.")
        if done:
            day = done[-1] if action.repeat else done[0]
            if status is Status.BREACHED:
                parts.append(f"Recorded as taken on {day}, while it was forbidden.")
            else:
                parts.append(f"Recorded as done on {day}.")
        if action.note:
            parts.append(action.note.strip())
        return " ".join(parts)


class Judge:
    """Was an action taken lawfully? Each recorded completion is judged on the case as it stood
    that day: a ground met in full, every restriction met, no prohibition in force."""

    def __init__(self, run: _Run) -> None:
        self.run = run

    def completions(self, key: Key, findings: list[Finding]) -> list[dt.date]:
        kinds: set[EventKind] = set(COMPLETED_BY[key[0]])
        for rule, _ in self.run.rules:
            for a in rule.then:
                if (a.kind, a.actor) == key and a.completed_by:
                    kinds.update(a.completed_by)
        return self.run.view.dates_of(kinds)

    def findings_on(self, key: Key, day: dt.date) -> list[Finding]:
        """The grounds, restrictions and prohibitions for ``key`` as the case stood on ``day``,
        just before the action was taken (a child removed that day was on roll until then)."""
        assume = {"school.on_roll": True} if key[0] is ActionKind.REMOVE_FROM_ROLL else None
        then = self.run._as_of(day, assume=assume)
        got = then.findings({key})
        return [f for f in got if f.out.role is not Role.REQUIRES or f.out.status is not Status.DONE]


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
