"""Turning a rule's deadline into a date, with the counting explained in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta

from ..calendar import SchoolCalendar, Span
from ..case_view import Implied
from ..dates import long_date as _fmt
from ..facts import UNKNOWN, CaseView, anchor_date
from ..pack.model import Deadline, Duration
from ..vocabulary import DeadlineType

#: How a rule's own caveat begins when its date was counted without term dates.
TERM_NOTE = "counted without term dates for"

ANCHOR_FACTS = {
    "absence_started": "absence.first_day_on",
    "concerns_identified": "child.concerns_identified_on",
    "place_start": "education.place_start_on",
    "out_of_education_started": "education.out_of_education_since",
    "home_education_written_notice": "history",
    "conditions_met": "the dated facts",
    "compulsory_school_age_ends": "child.date_of_birth",
}
ANCHOR_WORDS = {
    "absence_started": "the first day of absence (absence day 1)",
    "concerns_identified": "the day the concern came to light",
    "place_start": "the agreed start day at the new school",
    "out_of_education_started": "the day the child stopped receiving education",
    "home_education_written_notice": "the day the parent's written notice of home education was received",
    "conditions_met": "the day this duty arose (its conditions all held)",
}


@dataclass
class Dated:
    """A computed deadline date, or why there is none."""

    date: dt.date | None = None
    anchor_on: dt.date | None = None
    explanation: str = ""
    caveats: list[str] = field(default_factory=list)
    needed: list[str] = field(default_factory=list)
    pending: bool = False  # anchored on an event that has not happened yet
    urgent_undated: bool = False  # immediate, but the anchor date is not recorded
    withheld: bool = False  # a not-before date that cannot be counted safely
    latest: dt.date | None = None  # anchored on an implied event: due by this date at the latest
    assumed: tuple[str, ...] = ()  # academic years counted without known term dates
    earliest: dt.date | None = None  # when withheld: the date counted on weekdays, a lower bound


#: The date of a duty with no time limit in its source (shared: never changed).
UNDATED = Dated()


def _from_arose(deadline: Deadline, calendar: SchoolCalendar, arose: Arose, missing: str | None) -> Dated:
    """Counted from the earliest day the duty can have arisen (its conditions all held)."""
    start = max(arose.earliest, arose.in_force_from or arose.earliest)
    date, _ = add(calendar, start, deadline.after)
    since = "as far back as the case records" if arose.open_ended else "from then on"
    text = (
        f"{deadline.after.describe()}, counted from the day this duty arose, {_fmt(start)} "
        f"(the first day its conditions all held, {since}): {_fmt(date)}"
    )
    out = Dated(date=date, anchor_on=start, explanation=text)
    if missing is not None:
        out.explanation = f"{anchor_words(deadline.anchor)} is not recorded, so " + text
        out.caveats.append(
            f"{missing} would date this duty exactly; until it is recorded, it is counted from "
            f"the earliest day it can have arisen on what the case records ({_fmt(start)})"
        )
    if max(arose.on, start) > start:
        out.caveats.append(
            f"it may have arisen as late as {_fmt(arose.on)}: "
            f"{', '.join(sorted(arose.needed)) or 'earlier facts'} would settle when"
        )
    return out


def _implied(deadline: Deadline, calendar: SchoolCalendar, anchor: Implied) -> Dated:
    """Anchored on an event the history implies but does not date: due by a date at the latest."""
    words = anchor_words(deadline.anchor)
    needed = f"the date of {anchor.kind.value} (implied by {anchor.by.value})"
    if deadline.type is DeadlineType.NOT_BEFORE:
        return Dated(
            needed=[needed],
            explanation=f"counts from {words}, which is not recorded (a {anchor.by.value} record "
            "shows it happened, but an implied date never opens a gate)",
        )
    latest, _ = add(calendar, anchor.latest, deadline.after)
    return Dated(
        needed=[needed],
        latest=latest,
        explanation=f"{deadline.after.describe()} after {words}, which is not recorded; the "
        f"{anchor.by.value} recorded on {_fmt(anchor.latest)} shows it happened on or before that "
        f"day, so this is due by {_fmt(latest)} at the latest",
    )


def anchor_words(anchor: str) -> str:
    return ANCHOR_WORDS.get(anchor, f"the first '{anchor}' record")


def add(calendar: SchoolCalendar, start: dt.date, after: Duration) -> tuple[dt.date, Span | None]:
    unit, n = after.unit, after.amount
    if unit in ("immediately", "same_day") or n == 0:
        return start, None
    if unit == "school_days":
        span = calendar.add_school_days(start, n)
        return span.date, span
    if unit == "working_days":
        span = calendar.add_working_days(start, n)
        return span.date, span
    if unit == "calendar_days":
        return start + dt.timedelta(days=n), None
    return start + relativedelta(months=n), None


@dataclass(frozen=True)
class Arose:
    """The day a rule's duty arose: the first day of the current spell in which all its
    conditions held. ``earliest`` is earlier than ``on`` when the facts before ``on`` are not
    known well enough to tell: the duty may have arisen from ``earliest``."""

    on: dt.date
    earliest: dt.date
    needed: frozenset[str] = frozenset()
    open_ended: bool = False  # the conditions held as far back as the case records
    in_force_from: dt.date | None = None  # the rule's own start: no duty is due before it


def compute(
    deadline: Deadline,
    view: CaseView,
    start: dt.date | None = None,
    arose: Callable[[], Arose] | None = None,
) -> Dated:
    """The deadline's date for this case; ``start`` overrides the anchor (recurring actions).

    ``arose`` gives the day the rule's duty arose, for the ``conditions_met`` anchor and for an
    immediate or same-day duty whose own anchor date is not recorded.

    The :class:`Dated` returned is shared by every case whose deadline counts from the same
    day on the same calendar (see :func:`_remembered`): callers read it and never change it.
    """
    after = deadline.after
    if start is None and deadline.anchor == "conditions_met" and arose is not None:
        return _remembered(deadline, view.calendar, ("arose", arose(), None))
    anchor: Any = start if start is not None else anchor_date(view, deadline.anchor)
    urgent = (after.immediately or after.same_day) and deadline.type is DeadlineType.BY
    if anchor is UNKNOWN and urgent and arose is not None:
        missing = ANCHOR_FACTS.get(deadline.anchor, "history")
        return _remembered(deadline, view.calendar, ("arose", arose(), missing))
    return _remembered(deadline, view.calendar, (anchor, start is not None))


#: Dates a calendar remembers per deadline and starting point (see SchoolCalendar.memo).
_DATED_KEPT = 16384


def _remembered(deadline: Deadline, calendar: SchoolCalendar, start: tuple[Any, ...]) -> Dated:
    """:func:`_dated`, remembered per calendar: a caseload counts the same deadlines from the
    same few days over and over, and a date counted on a calendar never changes."""
    memo = calendar.memo("deadlines")
    key = (id(deadline), start)
    hit = memo.get(key)
    if hit is not None and hit[0] is deadline:
        return hit[1]
    out = _dated(deadline, calendar, start)
    if len(memo) >= _DATED_KEPT:
        memo.clear()
    memo[key] = (deadline, out)  # keeps the deadline alive, so its id is never reused
    return out


def _dated(deadline: Deadline, calendar: SchoolCalendar, start: tuple[Any, ...]) -> Dated:
    """The deadline's date from where it starts: ``("arose", Arose, missing fact)`` for a duty
    dated from the day it arose, else ``(anchor, again)`` with the anchor's date (``UNKNOWN``
    when the case does not say, ``None`` when the anchor event has not happened, an
    :class:`Implied` date) and ``again`` when it counts from the previous completion."""
    after = deadline.after
    if start[0] == "arose":
        return _from_arose(deadline, calendar, start[1], start[2])
    anchor, again = start
    if isinstance(anchor, Implied):
        return _implied(deadline, calendar, anchor)
    if anchor is UNKNOWN:
        # "Immediately" with no recorded date is due now; a permission is never guessed.
        if (after.immediately or after.same_day) and deadline.type is DeadlineType.BY:
            return Dated(
                urgent_undated=True,
                explanation=f"{after.describe()}: no date is recorded for {anchor_words(deadline.anchor)}, "
                "so treat it as due now",
            )
        needed = ANCHOR_FACTS.get(deadline.anchor, "history")
        return Dated(needed=[needed], explanation=f"needs the date of {anchor_words(deadline.anchor)}")
    if anchor is None:
        return Dated(
            pending=True, explanation=f"counts from {anchor_words(deadline.anchor)}, not yet recorded"
        )
    return _count(deadline, calendar, anchor, again)


def _count(deadline: Deadline, calendar: SchoolCalendar, anchor: dt.date, again: bool) -> Dated:
    after = deadline.after
    date, span = add(calendar, anchor, after)
    what = "previous completion" if again else anchor_words(deadline.anchor)
    if after.immediately or after.same_day or after.amount == 0:
        text = f"{after.describe()}: {_fmt(date)}, the day of {what}"
    else:
        text = f"{after.describe()} after {what}, {_fmt(anchor)}, is {_fmt(date)}"
        if after.unit == "school_days" and deadline.anchor == "absence_started" and not again:
            text += f" (absence day {after.amount + 1})"
    out = Dated(date=date, anchor_on=anchor, explanation=text)
    if span is not None:
        skipped = [s.describe() for s in span.skipped]
        if after.unit == "school_days":
            text_skip = "; ".join(skipped) if skipped else "no holidays or closures"
            out.explanation += (
                f"; counting school days only, skipping {span.weekends} weekend(s) and {text_skip}"
            )
        elif skipped:
            out.explanation += f"; working days skip weekends and {'; '.join(skipped)}"
        if span.assumed_years:
            # One warning on the result names every missing year (missing_years_warning); the
            # rule beneath says what it means for its own date.
            out.assumed = tuple(span.assumed_years)
            years = ", ".join(span.assumed_years)
            if deadline.type is DeadlineType.BY:
                out.caveats.append(f"{TERM_NOTE} {years}: this due date may be early, never late")
            else:
                out.withheld = True
                out.earliest = out.date
                out.date = None
                out.needed.append(f"term dates for {years}")
                out.caveats.append(
                    f"{TERM_NOTE} {years}: this earliest permitted date is a lower bound (certainly "
                    "not permitted before it; from it, whether it is needs those term dates)"
                )
    elif after.unit in ("calendar_days", "months") and date.weekday() >= 5:
        out.explanation += f" (a {date:%A}: the date is not moved)"
    return out
