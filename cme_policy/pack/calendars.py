"""Term-date calendars for packs: the calendar YAML format, and calendar files (YAML, iCalendar
``.ics`` or CSV) found by id or path, each cached until its file changes.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from ..calendar import SchoolCalendar, Term, TermYear
from ..errors import PolicyError, Problem
from ..yaml_io import Document, format_loc, read_yaml_file
from .locate import file_stamp, shipped_dir
from .schema_errors import model_problems


class _TermIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    start_on: dt.date
    end_on: dt.date


class _YearIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    academic_year: StrictStr = Field(pattern=r"^\d{4}/\d{2}$")
    source: StrictStr = Field(min_length=1)
    confidence: StrictStr | None = None
    terms: list[_TermIn] = Field(min_length=1)
    closures: list[dt.date] = Field(default_factory=list)
    note: StrictStr | None = None


class _CalendarIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: StrictStr | None = None
    name: StrictStr
    note: StrictStr | None = None
    years: list[_YearIn] = Field(default_factory=list)
    # Closure days that apply whatever the term dates (e.g. a school's INSET days on top of
    # the authority's terms).
    closures: list[dt.date] = Field(default_factory=list)


def term_years(
    raw: list[Any], doc: Document | None, base: tuple[str | int, ...]
) -> tuple[list[TermYear], list[Problem]]:
    """Turn validated year entries into TermYears, checking terms fall inside their year."""
    years: list[TermYear] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, y in enumerate(raw):
        if y.academic_year in seen:
            where = f"{base[-1]}[{seen[y.academic_year]}]"
            problems.append(_at(doc, (*base, i, "academic_year"), f"this year is already given at {where}"))
            continue
        seen[y.academic_year] = i
        start = int(y.academic_year[:4])
        if (start + 1) % 100 != int(y.academic_year[5:]):
            problems.append(_at(doc, (*base, i, "academic_year"), "years must be consecutive, e.g. 2024/25"))
            continue
        lo, hi = dt.date(start, 9, 1), dt.date(start + 1, 8, 31)
        terms = []
        for j, t in enumerate(y.terms):
            if not (lo <= t.start_on <= t.end_on <= hi):
                problems.append(
                    _at(doc, (*base, i, "terms", j), f"term must lie within {lo} to {hi}, start before end")
                )
            terms.append(Term(t.start_on, t.end_on))
        years.append(TermYear(start, tuple(terms), tuple(y.closures), getattr(y, "source", "")))
    return years, problems


def _at(doc: Document | None, loc: tuple[str | int, ...], message: str) -> Problem:
    if doc is None:
        return Problem(format_loc(loc), message)
    return doc.problem(loc, message)


def _load_calendar_file(path: str) -> SchoolCalendar:
    return _load_calendar_cached(path, file_stamp(path))


#: Calendar file formats by suffix: YAML as shipped, or the formats councils publish.
CALENDAR_SUFFIXES = (".yaml", ".yml", ".ics", ".csv")


def load_calendar_file(path: str | Path) -> SchoolCalendar:
    """A calendar from a file: YAML (``policies/calendars/`` format), iCalendar ``.ics`` or
    CSV (:mod:`cme_policy.calendar_import`). Cached until the file changes."""
    p = Path(path)
    if p.suffix.lower() not in CALENDAR_SUFFIXES:
        raise PolicyError(
            [
                Problem(
                    "calendar",
                    f"unknown calendar format {p.suffix or '(none)'!r}; use " + ", ".join(CALENDAR_SUFFIXES),
                )
            ],
            "unknown calendar format",
        )
    if not p.is_file():
        raise PolicyError([Problem("calendar", f"no such calendar file: {p}")], "no calendar file")
    return _load_calendar_file(str(p.resolve()))


@cache
def _load_calendar_cached(path: str, _stamp: tuple[int, int]) -> SchoolCalendar:
    if path.lower().endswith((".ics", ".csv")):
        from ..calendar_import import read_csv, read_ics

        return read_ics(path) if path.lower().endswith(".ics") else read_csv(path)
    doc, problems = read_yaml_file(path, show_lines=True)
    if doc.data is None or problems:
        raise PolicyError(
            problems or [doc.problem((), "empty calendar file")], f"cannot load calendar {path}"
        )
    try:
        cal = _CalendarIn.model_validate(doc.data)
    except ValidationError as exc:
        raise PolicyError(model_problems(exc, doc, _CalendarIn), f"cannot load calendar {path}") from None
    years, problems = term_years(cal.years, doc, ("years",))
    if problems:
        raise PolicyError(problems, f"cannot load calendar {path}")
    return SchoolCalendar(cal.name, years, source=path, closures=cal.closures)


def load_calendar(calendar_id: str | None, near: Path | None = None) -> SchoolCalendar:
    """A calendar by id: next to the pack file first, then the shipped ones. ``None`` gives
    bank holidays only, with every term year unknown."""
    if calendar_id is None:
        return SchoolCalendar("bank holidays only")
    candidates = []
    if near is not None:
        candidates.append(near.parent / "calendars" / f"{calendar_id}.yaml")
    candidates.append(shipped_dir() / "calendars" / f"{calendar_id}.yaml")
    for c in candidates:
        if c.is_file():
            return _load_calendar_file(str(c))
    raise PolicyError([Problem("calendar", f"no calendar {calendar_id!r} found")], "unknown calendar")
