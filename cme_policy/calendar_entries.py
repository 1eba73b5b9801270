"""What both term-date formats are read into, and the calendar assembled from it.

A reader (:mod:`cme_policy.calendar_ics`, :mod:`cme_policy.calendar_csv`) turns each event or row
into an :class:`Entry`: a term span, a one-day term-start or term-end marker, a holiday or a
closure run, with the file, line and column it was read at. :func:`build_calendar` pairs the
markers into terms, takes each academic year's holidays out of its terms and its closure days
off them, and reports every problem at once; the rules are in :mod:`cme_policy.calendar_import`.
Reading a file's text (at most :data:`MAX_BYTES`, UTF-8) is shared here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .calendar import SchoolCalendar, Term, TermYear, academic_year_label, academic_year_of
from .errors import PolicyError, Problem

MAX_BYTES = 2 * 1024 * 1024
KINDS = ("term", "holiday", "closure")


@dataclass(frozen=True)
class Entry:
    """One term span, marker, holiday or closure run, with where it was read."""

    kind: str  # term, term_start, term_end, holiday, closure
    start_on: dt.date
    end_on: dt.date
    where: Problem  # file, line, column and path of the entry, message unused
    source: str = ""

    def problem(self, message: str) -> Problem:
        w = self.where
        return Problem(w.path, message, w.file, w.line, w.column)


# -- assembling a calendar ----------------------------------------------------------------------


def build_calendar(entries: list[Entry], name: str, default_source: str) -> SchoolCalendar:
    """Terms minus holidays, closures removed, per academic year; every problem at once."""
    problems: list[Problem] = []
    spans: list[Entry] = [e for e in entries if e.kind == "term"]
    spans += _pair_markers([e for e in entries if e.kind in ("term_start", "term_end")], problems)
    by_year: dict[int, list[Entry]] = {}
    for e in spans:
        year = academic_year_of(e.start_on)
        if e.end_on < e.start_on:
            problems.append(e.problem("a term must not end before it starts"))
        elif e.end_on > dt.date(year + 1, 8, 31):
            problems.append(
                e.problem(f"a term starting in {academic_year_label(year)} must end by {year + 1}-08-31")
            )
        else:
            by_year.setdefault(year, []).append(e)
    holidays = [e for e in entries if e.kind == "holiday"]
    for e in holidays:
        if e.end_on < e.start_on:
            problems.append(e.problem("a holiday must not end before it starts"))
        elif academic_year_of(e.start_on) not in by_year:
            label = academic_year_label(academic_year_of(e.start_on))
            problems.append(
                e.problem(
                    f"a holiday in {label}, a year with no term dates here: holidays alone cannot say "
                    "when term starts; add that year's terms"
                )
            )
    closures: dict[int, set[dt.date]] = {}
    loose: set[dt.date] = set()
    for e in entries:
        if e.kind != "closure":
            continue
        if e.end_on < e.start_on:
            problems.append(e.problem("a closure must not end before it starts"))
            continue
        for day in _days(e.start_on, e.end_on):
            if day.weekday() < 5:
                year = academic_year_of(day)
                (closures.setdefault(year, set()) if year in by_year else loose).add(day)
    if problems:
        raise PolicyError(problems, f"cannot load calendar {default_source}")
    years = []
    for year, terms in sorted(by_year.items()):
        kept = _subtract(
            _merge([(e.start_on, e.end_on) for e in terms]), [(h.start_on, h.end_on) for h in holidays]
        )
        source = next((e.source for e in terms if e.source), default_source)
        years.append(
            TermYear(year, tuple(Term(a, b) for a, b in kept), tuple(sorted(closures.get(year, ()))), source)
        )
    return SchoolCalendar(name, years, source=default_source, closures=loose)


def _pair_markers(markers: list[Entry], problems: list[Problem]) -> list[Entry]:
    """One-day term-start and term-end markers, in date order, paired into term spans."""
    out: list[Entry] = []
    open_: Entry | None = None
    for m in sorted(markers, key=lambda e: (e.start_on, e.kind != "term_start")):
        if m.kind == "term_start":
            if open_ is not None:
                problems.append(open_.problem("a term-start marker with no term-end marker after it"))
            open_ = m
        elif open_ is None:
            problems.append(m.problem("a term-end marker with no term-start marker before it"))
        else:
            out.append(Entry("term", open_.start_on, m.start_on, open_.where, open_.source or m.source))
            open_ = None
    if open_ is not None:
        problems.append(open_.problem("a term-start marker with no term-end marker after it"))
    return out


def _merge(ranges: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    out: list[tuple[dt.date, dt.date]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _subtract(
    ranges: list[tuple[dt.date, dt.date]], holes: list[tuple[dt.date, dt.date]]
) -> list[tuple[dt.date, dt.date]]:
    one = dt.timedelta(days=1)
    for h0, h1 in sorted(holes):
        nxt = []
        for a, b in ranges:
            if h1 < a or h0 > b:
                nxt.append((a, b))
                continue
            # The new edges move off weekends: a half term given Mon-Sun leaves Fri and Mon.
            before, after = h0 - one, h1 + one
            while before.weekday() >= 5:
                before -= one
            while after.weekday() >= 5:
                after += one
            if a <= before:
                nxt.append((a, before))
            if after <= b:
                nxt.append((after, b))
        ranges = nxt
    return ranges


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _read_text(path: str | Path) -> str:
    p = Path(path)
    data = p.read_bytes()
    if len(data) > MAX_BYTES:
        raise PolicyError(
            [Problem("", f"file over {MAX_BYTES} bytes", str(p), 1, 1)], f"cannot load calendar {p}"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PolicyError(
            [Problem("", "not UTF-8 text", str(p), line, 1)], f"cannot load calendar {p}"
        ) from None
