"""``evaluate(policy, case, on=...)``: one verdict per duty a pack places on one case on one date.

Each rule in force gives a finding per duty it bears on (``_Run``); :mod:`.verdict` combines
the findings into the one entry a caseworker acts on. A local pack is read on top of the
national baseline (its *statutory floor*) unless asked for its own text alone.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

from ..calendar import missing_years_warning
from ..case import Case, inconsistent_on, parse_case
from ..errors import CaseError, EvaluationDateError, Problem
from ..facts import TRACING_EVENTS, CaseView
from ..pack.load import PolicyPack, load_policy
from ..pack.locate import PACKS_ENV, file_stamp
from ..result import ActionOut, EvaluationResult
from ..school_age import compulsory_school_age
from ..vocabulary import ActionKind, CaseState, EventKind
from .deadlines import TERM_NOTE
from .memo import Remembered
from .reading import Judge, Reading
from .ruleset import rules_of
from .verdict import Key, combine

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
    floor = national_floor(pack) if statutory_floor else None
    return evaluate_parsed(pack, the_case, day, floor=floor)


def evaluate_parsed(
    pack: PolicyPack, case: Case, on: dt.date, *, floor: PolicyPack | None
) -> EvaluationResult:
    """The engine alone, on inputs already checked: what :func:`evaluate` runs once it has
    loaded the pack, parsed the date and validated the case.

    For callers that evaluate many cases with one pack (:func:`cme_policy.evaluate_many`) and
    for benchmarks. ``floor`` is the national pack to read beneath ``pack``, as
    :func:`national_floor` gives it, or ``None`` for the pack's own text alone. Raises
    :class:`~cme_policy.errors.CaseError` for a case that cannot be true on ``on``.
    """
    calendar = pack.calendar
    if case.school.term_dates or case.school.closure_days:
        calendar = calendar.overlaid(_school_years(case), case.school.closure_days)
    problems = inconsistent_on(case, on)
    if problems:
        raise CaseError(problems, "inconsistent case")
    view = CaseView(case, on, calendar)
    return _Run(pack, view, floor).result()


def national_floor(pack: PolicyPack) -> PolicyPack | None:
    """The national pack a local pack is evaluated on, or ``None`` when the pack is national or
    already extends it (a school layer on ``england``)."""
    if any(p.policy.authority.kind == "national" for p in pack.lineage()):
        return None
    if os.environ.get(PACKS_ENV):
        return load_policy(FLOOR)  # a local folder may hold its own england.yaml: look each time
    # The shipped floor, found once and then only checked for a change on disk (one stat,
    # where finding and resolving it again costs more than the engine's own work on a case).
    hit = _FLOOR
    if hit:
        floor, stamp = hit[0]
        try:
            if file_stamp(floor.path) == stamp:
                return floor
        except OSError:
            pass
    floor = load_policy(FLOOR)
    _FLOOR[:] = [(floor, file_stamp(floor.path))]
    return floor


#: The shipped national pack and its file's stamp when it was loaded.
_FLOOR: list[tuple[PolicyPack, tuple[int, int]]] = []


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


#: The events that set a case's state; the latest recorded one decides it.
_STATE_MARKS = {
    EventKind.CASE_CLOSED: CaseState.CLOSED,
    EventKind.CASE_MADE_DORMANT: CaseState.DORMANT,
    EventKind.CASE_REOPENED: CaseState.OPEN,
    EventKind.NEW_INFORMATION_RECEIVED: CaseState.OPEN,
    # A dormant case whose child is then traced is live again until it is closed.
    **dict.fromkeys(TRACING_EVENTS, CaseState.OPEN),
}


class _Run:
    """One evaluation: the verdicts and the case's state, from a reading of every rule in force
    (the pack's, then the floor's) on one view of the case."""

    def __init__(self, pack: PolicyPack, view: CaseView, floor: PolicyPack | None) -> None:
        self.pack = pack
        self.view = view
        self.floor = floor
        self.warnings: list[str] = []
        self.needed: set[str] = set()
        self.assumed: set[str] = set()
        self.rules = rules_of(pack, floor)
        self.reading = Reading(view, self.rules)

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
        findings = self.reading.findings()
        self.assumed = {y for f in findings for y in f.assumed}
        judge = Judge(self.reading)
        actions = combine(findings, judge, view.on, self.floor.id if self.floor else None, self._gated())
        state, why = self._state()
        return self._finish(state, why, actions, age_text)

    def _gated(self) -> list[Key]:
        return self.rules.gated

    def _finish(self, state: CaseState, why: str, actions: list[ActionOut], age: str) -> EvaluationResult:
        actions.sort(key=lambda a: a.due_on or a.not_before or dt.date.max)
        next_review = None
        if state is CaseState.DORMANT:
            reviews = [a.due_on for a in actions if a.kind is ActionKind.REVIEW_DORMANT_CASE and a.due_on]
            next_review = min(reviews) if reviews else None
        for a in actions:
            self.needed.update(a.facts_needed)
        # One warning names every academic year counted without term dates; each rule beneath
        # keeps its own short note of what that means for its date.
        caveats = sorted({c for a in actions for c in a.caveats if not c.startswith(TERM_NOTE)})
        missing = missing_years_warning(self.assumed, self.view.calendar)
        if missing:
            caveats.insert(0, missing)
        return EvaluationResult(
            policy=self.pack.id,
            authority=self.pack.policy.authority.name,
            case_ref=self.view.case.case_ref,
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
        self.warnings.extend(_pack_warnings(self.pack, self.floor, view.on))
        if view.ignored_future_events:
            self.warnings.append(
                f"{view.ignored_future_events} history event(s) dated after {view.on} were ignored"
            )

    def _state(self) -> tuple[CaseState, str]:
        marks, recorded = _STATE_MARKS, self.view.index.by_kind
        last = max(
            (
                (found[-1][0], found[-1][1])
                for kind in marks
                if kind in recorded and (found := self.view.of_kind(kind))
            ),
            key=lambda pe: pe[0],
            default=None,
        )
        if last is None:
            return CaseState.OPEN, "open: no closure or dormancy is recorded"
        event = last[1]
        return marks[event.event], f"{marks[event.event].value}: '{event.event.value}' recorded on {event.on}"


#: Warnings about the packs themselves on a date, per (pack, floor, date): the same for every case.
_PACK_WARNINGS = Remembered(1024)


def _pack_warnings(pack: PolicyPack, floor: PolicyPack | None, on: dt.date) -> tuple[str, ...]:
    key, objects = (id(pack), id(floor), on), (pack, floor)
    hit = _PACK_WARNINGS.get(key, objects)
    if hit is not None:
        return hit
    warnings = []
    for each in [*pack.lineage(), *(floor.lineage() if floor else ())]:
        pol = each.policy
        if not pol.in_force(on):
            warnings.append(f"pack {pol.id!r} is not in force on {on}")
        if pol.review_due_on and pol.review_due_on < on:
            warnings.append(
                f"pack {pol.id!r} was due for review on {pol.review_due_on}: check that "
                "its sources are still the authority's current policy"
            )
    return _PACK_WARNINGS.put(key, objects, tuple(warnings))
