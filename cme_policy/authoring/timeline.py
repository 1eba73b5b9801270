"""``cme-policy timeline``: a case's projected timeline, as text and as an SVG drawing.

From the first day of absence to the last date that matters (closure or dormancy, the
evaluation date, or the latest deadline the policy gives), each day is marked as a school day
(numbered as absence days), a weekend, a school holiday, a bank holiday, or a weekday assumed
to be a school day because the term dates are not known. Deadlines and earliest-permitted dates
come from :func:`cme_policy.evaluate` on the evaluation date; recorded history events are shown
too. Deadlines beyond the evaluation date are projections: they assume nothing else is recorded.

This module builds the timeline (:func:`build_timeline`). What it is made of (days, marks) is in
:mod:`.timeline_model`; :mod:`.timeline_text` writes it as text (:func:`render_text`) and
:mod:`.timeline_svg` draws it (:func:`render_svg`). Their public names are importable from here.
"""

from __future__ import annotations

import datetime as dt

from ..calendar import SchoolCalendar, Term, TermYear, academic_year_of, bank_holidays
from ..case import Case
from ..engine.evaluate import evaluate
from ..pack.loaded import PolicyPack
from ..result import EvaluationResult
from ..vocabulary import Status
from .timeline_model import (
    ASSUMED,
    BANK_HOLIDAY,
    CLOSURE,
    HOLIDAY,
    SCHOOL,
    WEEKEND,
    Day,
    Mark,
    Timeline,
)
from .timeline_model import DAY_WORDS as DAY_WORDS
from .timeline_svg import CHAR as CHAR
from .timeline_svg import COLOURS as COLOURS
from .timeline_svg import FONT as FONT
from .timeline_svg import LINE as LINE
from .timeline_svg import MARK_COLOURS as MARK_COLOURS
from .timeline_svg import SVG_KEY as SVG_KEY
from .timeline_svg import SVG_WIDTH as SVG_WIDTH
from .timeline_svg import TEXT_CHAR as TEXT_CHAR
from .timeline_svg import mark_sentence as mark_sentence
from .timeline_svg import render_svg as render_svg
from .timeline_text import render_text as render_text
from .words import actor_label, identifier_words, kind_label, status_words

#: Events after which school days are no longer numbered as days of absence.
_ABSENCE_ENDS = frozenset({"returned_to_school", "removed_from_roll", "new_school_admitted"})

#: Longest span drawn; later marks are listed but not drawn day by day.
MAX_DAYS = 731


def _calendar(pack: PolicyPack, case: Case) -> SchoolCalendar:
    cal = pack.calendar
    if case.school.term_dates or case.school.closure_days:
        years = [
            TermYear(int(y.academic_year[:4]), tuple(Term(t.start_on, t.end_on) for t in y.terms),
                     tuple(y.closures), "supplied with the case")
            for y in case.school.term_dates or ()
        ]
        cal = cal.overlaid(years, case.school.closure_days)
    return cal


def _classify(cal: SchoolCalendar, day: dt.date, extra_closures: set[dt.date]) -> tuple[str, str]:
    bank = bank_holidays()
    if day.weekday() >= 5:
        return WEEKEND, ""
    if day in bank:
        return BANK_HOLIDAY, bank[day]
    school = cal.is_school_day(day)
    if not cal.is_known(day):
        return (ASSUMED, "") if school else (CLOSURE, "closure day")
    if school:
        return SCHOOL, ""
    year = cal.years.get(academic_year_of(day))
    if day in extra_closures or (year is not None and day in year.closures):
        return CLOSURE, "closure day"
    return HOLIDAY, "school holiday"


def build_timeline(pack: PolicyPack, case: Case, on: dt.date) -> Timeline:
    """The days and marks of one case's timeline as seen on ``on``."""
    result: EvaluationResult = evaluate(pack, case, on=on)
    cal = _calendar(pack, case)
    history = sorted((e for e in case.history or () if e.on <= on), key=lambda e: e.on)
    first = case.absence.first_day_on
    marks: list[Mark] = []
    if first is not None:
        marks.append(Mark(first, "start", "The first day of absence (absence day 1)."))
    for e in history:
        marks.append(Mark(e.on, "event", f"Recorded: {identifier_words(e.event.value)}."))
    for a in result.actions:
        who = actor_label(a.actor)
        what = kind_label(a.kind)
        detail = f"{a.rule_id}, {a.citation.section}"
        if a.status is Status.DONE and a.completed_on is not None:
            continue  # shown as the recorded event
        state = status_words(a.status.value)
        if a.due_on is not None:
            marks.append(Mark(a.due_on, "due", f"Due by this day ({state}): {what}, by {_lower(who)}.",
                              detail, a.status.value))
        elif a.not_before is not None:
            marks.append(Mark(a.not_before, "from",
                              f"Permitted from this day ({state}): {what}, by {_lower(who)}.",
                              detail, a.status.value))
    marks.append(Mark(on, "evaluation", "The day this timeline is drawn for (the evaluation date)."))
    start = min([first] if first else [m.on for m in marks])
    end = max(m.on for m in marks)
    tl = Timeline(
        title=f"{result.authority} ({result.policy})", on=on, state=_words_for_ids(result.state_reason),
        start=start, end=end,
    )
    if (end - start).days + 1 > MAX_DAYS:
        tl.truncated = True
        tl.end = start + dt.timedelta(days=MAX_DAYS - 1)
        tl.notes.append(f"drawn up to {tl.end}; later dates are listed only")
    extra = set(case.school.closure_days)
    ends = [e.on for e in history if e.event.value in _ABSENCE_ENDS]
    absence_end = min(ends) if ends else None
    n = 0
    day = tl.start
    while day <= tl.end:
        kind, reason = _classify(cal, day, extra)
        number = None
        if (
            first is not None and day >= first and kind in (SCHOOL, ASSUMED)
            and (absence_end is None or day < absence_end)
        ):
            n += 1
            number = n
        tl.days.append(Day(day, kind, number, reason))
        day += dt.timedelta(days=1)
    if any(d.kind == ASSUMED for d in tl.days):
        tl.notes.append(
            "term dates are not known for part of this span: those weekdays are assumed to be "
            "school days, so due dates there may come early, never late"
        )
    no_dates = [a for a in result.actions if a.due_on is None and a.not_before is None
                and a.status is not Status.DONE]
    if no_dates:
        tl.notes.append(f"{len(no_dates)} further action(s) have no date: see cme-policy evaluate")
    tl.marks = sorted(marks, key=lambda m: (m.on, m.kind != "start"))
    return tl


def _words_for_ids(text: str) -> str:
    """Quoted identifiers in an engine sentence ("'case_made_dormant' recorded") as words."""
    import re

    return re.sub(r"'([a-z][a-z0-9]*(?:_[a-z0-9]+)+)'", lambda m: identifier_words(m.group(1)), text)


def _lower(who: str) -> str:
    """"The school" -> "the school" inside a sentence; names ("Police", "LA ...") as they are."""
    return who[:1].lower() + who[1:] if who.startswith(("The ", "Any ")) else who
