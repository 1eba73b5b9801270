"""School-day and working-day arithmetic over England's bank holidays and an authority's terms.

How days are counted (the one place this is written down; README "Counting days" repeats it):

* The **anchor** of a deadline is a date: the first day of absence, or the day an event was
  recorded. For absence, the first day of absence is **absence day 1**.
* "N school days after the anchor" is the N-th school day strictly after the anchor date. So
  with the first day of absence as day 1, ``after: {school_days: 10}`` lands on **absence day
  11**: "after 10 school days of absence", "10 days of continuous absence" and "by day 11" all
  mean the referral is due on the 11th school day, the first school day after ten whole days
  of absence. A result of school-day counting is always a school day.
* Working days (for local-authority teams) skip weekends and bank holidays, not school holidays.
* Calendar days and months are added to the date as it is (months by calendar month, clamped
  to the month's last day). A "by" date that lands on a weekend or holiday is **not** moved
  later; the explanation says it is a non-school day.
* ``immediately`` and ``same_day`` are due on the anchor date itself, whatever day it is.
* A **school day** is a weekday inside a term, not a bank holiday (England), not a closure day.
  A school's own calendar, when the case supplies it, replaces the authority's term dates for
  the academic years it covers (EA 1996 s579: a school day is a day the school meets).
* Where no term dates are known for an academic year, every weekday that is not a bank holiday
  is *assumed* to be a school day. That makes "by" dates early (safe) but would make
  "not before" dates too early, so the engine withholds a "not before" date that depends on
  assumed days and says which term dates it needs. Counts of elapsed school days carry a low
  and a high figure for the same reason.

Dates are stored as ordinals in sorted tuples, so counting and adding are bisections: O(log n).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import holidays

from .errors import EvaluationDateError, Problem

#: The span of dates the calendar supports; outside it, counting is refused rather than guessed.
FIRST_DATE = dt.date(2005, 9, 1)
LAST_DATE = dt.date(2045, 8, 31)


def academic_year_of(day: dt.date) -> int:
    """The calendar year in which the academic year containing ``day`` starts (1 Sep)."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


@cache
def bank_holidays() -> dict[dt.date, str]:
    """England and Wales bank holidays (``holidays``, GB subdivision ENG) across the span."""
    got = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_DATE.year, LAST_DATE.year + 1))
    return {d: str(name) for d, name in got.items()}


@dataclass(frozen=True)
class Term:
    start_on: dt.date
    end_on: dt.date


@dataclass(frozen=True)
class TermYear:
    """The terms of one academic year, with extra closure days (INSET etc.) and the source."""

    start_year: int
    terms: tuple[Term, ...]
    closures: tuple[dt.date, ...] = ()
    source: str = ""

    @property
    def label(self) -> str:
        return academic_year_label(self.start_year)


@dataclass(frozen=True)
class Skipped:
    """A run of weekdays that were not school (or working) days, and why."""

    start_on: dt.date
    end_on: dt.date
    reason: str

    def describe(self) -> str:
        if self.start_on == self.end_on:
            return f"{self.start_on:%a %d %b %Y} ({self.reason})"
        return f"{self.start_on:%a %d %b} to {self.end_on:%a %d %b %Y} ({self.reason})"


@dataclass(frozen=True)
class Span:
    """Result of adding days: the date reached, what was skipped, and what was assumed."""

    date: dt.date
    skipped: tuple[Skipped, ...] = ()
    weekends: int = 0
    assumed_years: tuple[str, ...] = ()


@dataclass(frozen=True)
class Count:
    """Elapsed school days: ``low`` counts unknown-term weekdays as holidays, ``high`` as school."""

    low: int
    high: int
    assumed_years: tuple[str, ...] = ()


def _check_span(day: dt.date, what: str = "date") -> None:
    if not FIRST_DATE <= day <= LAST_DATE:
        raise EvaluationDateError([Problem(what, f"outside the supported range {FIRST_DATE} to {LAST_DATE}")])


class SchoolCalendar:
    """School days for one authority (or one school), over bank holidays and known term years."""

    def __init__(
        self,
        name: str,
        years: Iterable[TermYear] = (),
        source: str = "",
        closures: Iterable[dt.date] = (),
    ) -> None:
        self.name = name
        self.source = source
        self.years: dict[int, TermYear] = {y.start_year: y for y in years}
        # Closure days a school supplies with a case; they apply in known and unknown years.
        self._extra_closures: frozenset[dt.date] = frozenset(closures)
        self._school: tuple[int, ...] | None = None
        self._known: tuple[int, ...] | None = None

    # -- construction -------------------------------------------------------------------------

    def overlaid(self, years: Iterable[TermYear], closures: Iterable[dt.date]) -> SchoolCalendar:
        """A copy where a school's own term years replace the authority's, plus closure days."""
        merged = {**self.years, **{y.start_year: y for y in years}}
        return SchoolCalendar(
            f"{self.name} + school calendar",
            merged.values(),
            self.source,
            {*self._extra_closures, *closures},
        )

    def _build(self) -> None:
        hols = bank_holidays()
        extra = self._extra_closures
        school: list[int] = []
        known: list[int] = []  # ordinals of school days in years with known terms
        day = FIRST_DATE
        one = dt.timedelta(days=1)
        while day <= LAST_DATE:
            if day.weekday() < 5 and day not in hols and day not in extra:
                year = self.years.get(academic_year_of(day))
                if year is None:
                    school.append(day.toordinal())
                elif day not in year.closures and any(t.start_on <= day <= t.end_on for t in year.terms):
                    school.append(day.toordinal())
                    known.append(day.toordinal())
            day += one
        self._school = tuple(school)
        self._known = tuple(known)

    @property
    def _days(self) -> tuple[int, ...]:
        if self._school is None:
            self._build()
        assert self._school is not None
        return self._school

    # -- queries ------------------------------------------------------------------------------

    def is_known(self, day: dt.date) -> bool:
        """Are the term dates known for the academic year containing ``day``?"""
        return academic_year_of(day) in self.years

    def is_school_day(self, day: dt.date) -> bool:
        _check_span(day)
        days = self._days
        i = bisect.bisect_left(days, day.toordinal())
        return i < len(days) and days[i] == day.toordinal()

    def add_school_days(self, anchor: dt.date, n: int) -> Span:
        """The ``n``-th school day strictly after ``anchor`` (n >= 1), with what was skipped."""
        if n < 1:
            raise ValueError("n must be at least 1")
        _check_span(anchor, "anchor")
        days = self._days
        i = bisect.bisect_right(days, anchor.toordinal()) + n - 1
        if i >= len(days):
            raise EvaluationDateError([Problem("deadline", f"falls after {LAST_DATE}")])
        target = dt.date.fromordinal(days[i])
        return self._explain(anchor, target, school=True)

    def count_school_days(self, first: dt.date, last: dt.date) -> Count:
        """School days in ``first..last`` inclusive (0 if ``last`` is before ``first``)."""
        if last < first:
            return Count(0, 0)
        _check_span(first, "first day")
        _check_span(last, "last day")
        days = self._days
        lo, hi = first.toordinal(), last.toordinal()
        high = bisect.bisect_right(days, hi) - bisect.bisect_left(days, lo)
        assumed = self._assumed_years(first, last)
        if not assumed:
            return Count(high, high)
        # Unknown years contribute assumed days to `high` only.
        unknown = high - self._count_known_or_nothing(lo, hi)
        return Count(high - unknown, high, assumed)

    def _count_known_or_nothing(self, lo: int, hi: int) -> int:
        if self._known is None:
            self._build()
        assert self._known is not None
        return bisect.bisect_right(self._known, hi) - bisect.bisect_left(self._known, lo)

    def add_working_days(self, anchor: dt.date, n: int) -> Span:
        """The ``n``-th working day (Mon-Fri, not a bank holiday) strictly after ``anchor``."""
        if n < 1:
            raise ValueError("n must be at least 1")
        _check_span(anchor, "anchor")
        days = _working_days()
        i = bisect.bisect_right(days, anchor.toordinal()) + n - 1
        if i >= len(days):
            raise EvaluationDateError([Problem("deadline", f"falls after {LAST_DATE}")])
        return self._explain(anchor, dt.date.fromordinal(days[i]), school=False)

    def _assumed_years(self, first: dt.date, last: dt.date) -> tuple[str, ...]:
        return tuple(
            academic_year_label(y)
            for y in range(academic_year_of(first), academic_year_of(last) + 1)
            if y not in self.years
        )

    def _explain(self, anchor: dt.date, target: dt.date, *, school: bool) -> Span:
        """Runs of weekdays skipped strictly between ``anchor`` and ``target``, with reasons."""
        hols = bank_holidays()
        skipped: list[Skipped] = []
        weekends = 0
        day = anchor + dt.timedelta(days=1)
        while day < target:
            if day.weekday() >= 5:
                if day.weekday() == 5:
                    weekends += 1
            else:
                reason = self._why_not(day, hols, school=school)
                if reason is not None:
                    last = skipped[-1] if skipped else None
                    adjacent = last is not None and _next_weekday(last.end_on) == day
                    if last is not None and last.reason == reason and adjacent:
                        skipped[-1] = Skipped(last.start_on, day, reason)
                    else:
                        skipped.append(Skipped(day, day, reason))
            day += dt.timedelta(days=1)
        assumed = self._assumed_years(anchor, target) if school else ()
        return Span(target, tuple(skipped), weekends, assumed)

    def _why_not(self, day: dt.date, hols: dict[dt.date, str], *, school: bool) -> str | None:
        if day in hols:
            return f"bank holiday: {hols[day]}"
        if not school:
            return None
        if day in self._extra_closures:
            return "school closure day supplied with the case"
        year = self.years.get(academic_year_of(day))
        if year is None:
            return None
        if day in year.closures:
            return f"closure day in the {year.label} calendar"
        if not any(t.start_on <= day <= t.end_on for t in year.terms):
            return f"school holiday ({self.name} term dates {year.label})"
        return None


def _next_weekday(day: dt.date) -> dt.date:
    nxt = day + dt.timedelta(days=1)
    while nxt.weekday() >= 5:
        nxt += dt.timedelta(days=1)
    return nxt


@cache
def _working_days() -> tuple[int, ...]:
    hols = bank_holidays()
    out = []
    day = FIRST_DATE
    while day <= LAST_DATE:
        if day.weekday() < 5 and day not in hols:
            out.append(day.toordinal())
        day += dt.timedelta(days=1)
    return tuple(out)
