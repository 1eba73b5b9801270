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

School days are kept per academic year, as sorted ordinals built the first time a year is
asked about, so counting and adding are bisections within the few years a deadline spans. A
calendar overlaid with a school's own years (or closure days) builds only those years and
shares every other year with the calendar beneath it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

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


#: Explained spans a calendar remembers (see SchoolCalendar._explain).
_SPANS_KEPT = 4096


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
        # Closure days that apply whatever the term dates (a school's INSET days supplied with a
        # case, or a closures-only file); they apply in known and unknown years alike.
        self._extra_closures: frozenset[dt.date] = frozenset(closures)
        # An overlay keeps the calendar beneath it and the parts it adds (see `overlaid`).
        self._base: SchoolCalendar | None = None
        self._own_years: frozenset[int] = frozenset(self.years)
        self._own_closures: dict[int, frozenset[int]] = _by_year(self._extra_closures)
        self._cache: dict[int, tuple[int, ...]] = {}

    # -- construction -------------------------------------------------------------------------

    def overlaid(
        self, years: Iterable[TermYear], closures: Iterable[dt.date], name: str | None = None
    ) -> SchoolCalendar:
        """A copy where the given term years replace this calendar's, plus closure days.

        The cost is in what is added: only the replaced years (and the years holding an added
        closure day) are ever rebuilt; every other year is shared with this calendar.
        """
        added = {y.start_year: y for y in years}
        extra = frozenset(closures)
        if not added and not (extra - self._extra_closures):
            return self
        out = SchoolCalendar.__new__(SchoolCalendar)
        out.name = name or f"{self.name} + school calendar"
        out.source = self.source
        out.years = {**self.years, **added}
        out._extra_closures = self._extra_closures | extra
        out._base = self
        out._own_years = frozenset(added)
        out._own_closures = _by_year(extra - self._extra_closures)
        out._cache = {}
        return out

    def overlay(self, other: SchoolCalendar) -> SchoolCalendar:
        """This calendar with ``other``'s term years replacing its own and ``other``'s closure
        days added: how a school's (or an updated authority) calendar is supplied once."""
        return self.overlaid(other.years.values(), other.closures(), f"{self.name} + {other.name}")

    def _year(self, start_year: int) -> tuple[int, ...]:
        """Ordinals of the school days in one academic year (assumed ones where terms are unknown)."""
        got = self._cache.get(start_year)
        if got is None:
            got = self._cache[start_year] = self._build_year(start_year)
        return got

    def _build_year(self, start_year: int) -> tuple[int, ...]:
        base = self._base
        if base is not None and start_year not in self._own_years:
            days = base._year(start_year)
            shut = self._own_closures.get(start_year)
            return tuple(d for d in days if d not in shut) if shut else days
        year = self.years.get(start_year)
        shut = {d.toordinal() for d in self._extra_closures}
        if year is None:
            days = _weekdays_of_year(start_year)
            return tuple(d for d in days if d not in shut) if shut else days
        hols = bank_holidays()
        shut.update(d.toordinal() for d in year.closures)
        found: set[int] = set()
        lo, hi = dt.date(start_year, 9, 1).toordinal(), dt.date(start_year + 1, 8, 31).toordinal()
        for term in year.terms:  # a term is counted only inside its own academic year
            for n in range(max(lo, term.start_on.toordinal()), min(hi, term.end_on.toordinal()) + 1):
                day = dt.date.fromordinal(n)
                if day.weekday() < 5 and day not in hols and n not in shut:
                    found.add(n)
        return tuple(sorted(found))

    # -- queries ------------------------------------------------------------------------------

    def is_known(self, day: dt.date) -> bool:
        """Are the term dates known for the academic year containing ``day``?"""
        return academic_year_of(day) in self.years

    def closures(self) -> frozenset[dt.date]:
        """Closure days that apply whatever the term dates (not those inside a term year)."""
        return self._extra_closures

    def known_years(self) -> tuple[int, ...]:
        """The academic years (by the calendar year they start in) whose term dates are known."""
        return tuple(sorted(self.years))

    def missing_years(self, first: dt.date, last: dt.date) -> tuple[str, ...]:
        """Labels (``"2026/27"``) of the academic years from ``first`` to ``last`` whose term
        dates are not known: school days there are assumed (see the module docstring)."""
        if last < first:
            first, last = last, first
        return self._assumed_years(first, last)

    def is_school_day(self, day: dt.date) -> bool:
        _check_span(day)
        days = self._year(academic_year_of(day))
        i = bisect.bisect_left(days, day.toordinal())
        return i < len(days) and days[i] == day.toordinal()

    def add_school_days(self, anchor: dt.date, n: int) -> Span:
        """The ``n``-th school day strictly after ``anchor`` (n >= 1), with what was skipped."""
        if n < 1:
            raise ValueError("n must be at least 1")
        _check_span(anchor, "anchor")
        year = academic_year_of(anchor)
        last_year = academic_year_of(LAST_DATE)
        days = self._year(year)
        i = bisect.bisect_right(days, anchor.toordinal())
        left = n
        while left > len(days) - i:
            left -= len(days) - i
            year += 1
            if year > last_year:
                raise EvaluationDateError([Problem("deadline", f"falls after {LAST_DATE}")])
            days, i = self._year(year), 0
        target = dt.date.fromordinal(days[i + left - 1])
        return self._explain(anchor, target, school=True)

    def count_school_days(self, first: dt.date, last: dt.date) -> Count:
        """School days in ``first..last`` inclusive (0 if ``last`` is before ``first``)."""
        if last < first:
            return Count(0, 0)
        _check_span(first, "first day")
        _check_span(last, "last day")
        lo, hi = first.toordinal(), last.toordinal()
        low = high = 0
        for year in range(academic_year_of(first), academic_year_of(last) + 1):
            days = self._year(year)
            got = bisect.bisect_right(days, hi) - bisect.bisect_left(days, lo)
            high += got
            if year in self.years:  # unknown years contribute assumed days to `high` only
                low += got
        return Count(low, high, self._assumed_years(first, last))

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

    def memo(self, name: str) -> dict[Any, Any]:
        """A dict, one per ``name``, in which code counting on this calendar may remember what
        it computed from it: a calendar's days never change once built, so neither does a
        date counted on them. Whoever fills one keeps it bounded."""
        memos: dict[str, dict[Any, Any]] | None = self.__dict__.get("_memos")
        if memos is None:
            memos = self._memos = {}
        got = memos.get(name)
        if got is None:
            got = memos[name] = {}
        return got

    def _explain(self, anchor: dt.date, target: dt.date, *, school: bool) -> Span:
        """Runs of weekdays skipped strictly between ``anchor`` and ``target``, with reasons.

        Remembered per calendar (a caseload asks about the same few anchors again and again;
        a calendar's days never change once built), at most ``_SPANS_KEPT`` at a time.
        """
        spans: dict[tuple[dt.date, dt.date, bool], Span] | None = self.__dict__.get("_spans")
        if spans is None:
            spans = self._spans = {}
        hit = spans.get((anchor, target, school))
        if hit is not None:
            return hit
        span = self._explain_uncached(anchor, target, school=school)
        if len(spans) >= _SPANS_KEPT:
            spans.clear()
        spans[(anchor, target, school)] = span
        return span

    def _explain_uncached(self, anchor: dt.date, target: dt.date, *, school: bool) -> Span:
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


def missing_years_warning(years: Iterable[str | int], calendar: SchoolCalendar | None = None) -> str:
    """The one warning a result needs when its dates reach academic years with no known term
    dates; ``""`` when ``years`` is empty.

    ``years`` are labels (``"2026/27"``, as in :attr:`Span.assumed_years` and
    :attr:`Count.assumed_years`) or start years (``2026``), in any order, repeats allowed: a
    caller collects them over every date it counted and calls this once.
    """
    starts = sorted({_start_year(y) for y in years})
    if not starts:
        return ""
    labels = [academic_year_label(y) for y in starts]
    named = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    where = f" in the {calendar.name} calendar" if calendar is not None else ""
    return (
        f"term dates for {named} are not known{where}: every weekday that is not a bank holiday "
        "was counted as a school day there, so a due date counted into those years may be early "
        "(never late) and an earliest permitted date counted into them is only a lower bound; supply "
        "the term dates once with `cme-policy evaluate --calendar FILE` (YAML, iCalendar .ics "
        "or CSV) or `load_policy(..., calendar=FILE)`, or with the case as `school.term_dates`"
    )


def _start_year(year: str | int) -> int:
    if isinstance(year, int):
        return year
    text = str(year)
    if len(text) == 7 and text[4] == "/" and text[:4].isdigit():
        return int(text[:4])
    raise ValueError("an academic year is written like 2026/27 or given as its start year")


def _by_year(days: Iterable[dt.date]) -> dict[int, frozenset[int]]:
    out: dict[int, set[int]] = {}
    for d in days:
        out.setdefault(academic_year_of(d), set()).add(d.toordinal())
    return {y: frozenset(v) for y, v in out.items()}


def _next_weekday(day: dt.date) -> dt.date:
    nxt = day + dt.timedelta(days=1)
    while nxt.weekday() >= 5:
        nxt += dt.timedelta(days=1)
    return nxt


@cache
def _weekdays_of_year(start_year: int) -> tuple[int, ...]:
    """Weekdays that are not bank holidays in one academic year: the assumed school days of a
    year with unknown terms, shared by every calendar."""
    hols = bank_holidays()
    lo = max(dt.date(start_year, 9, 1), FIRST_DATE).toordinal()
    hi = min(dt.date(start_year + 1, 8, 31), LAST_DATE).toordinal()
    out = []
    for n in range(lo, hi + 1):
        day = dt.date.fromordinal(n)
        if day.weekday() < 5 and day not in hols:
            out.append(n)
    return tuple(out)


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
