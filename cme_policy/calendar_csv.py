"""CSV term dates, read and written: one row per term, holiday or closure run.

What the kinds mean, and how a year's terms are assembled from them, is in
:mod:`cme_policy.calendar_import`; the CSV columns are here.

**CSV.** A header row, then one row per term, holiday or closure; blank rows and rows whose
first cell starts with ``#`` are skipped. Columns (any order, case ignored):

``kind``          ``term``, ``holiday`` or ``closure`` (no column: every row is a term)
``start_on``      first day, ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (required)
``end_on``        last day, inclusive (empty: the same day)
``academic_year`` ``2026/27``; optional, checked against ``start_on`` when given
``name``/``term`` a label such as ``Term 1`` (kept for people, not used)
``source``        where the dates come from (the year's source)
``note``          free text

:func:`to_csv` writes a calendar back out with these columns; reading what it writes gives the
same calendar.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from .calendar import SchoolCalendar, academic_year_label, academic_year_of
from .calendar_entries import KINDS, Entry, _read_text, build_calendar
from .errors import PolicyError, Problem
from .suggest import did_you_mean

COLUMNS = ("academic_year", "kind", "name", "start_on", "end_on", "source", "note")
_ALIASES = {"term": "name", "type": "kind", "start": "start_on", "end": "end_on", "year": "academic_year"}


def read_csv(path: str | Path) -> SchoolCalendar:
    """A calendar from a CSV file (see the module docstring for the columns)."""
    return parse_csv(_read_text(path), str(path))


def parse_csv(text: str, file: str = "<csv>") -> SchoolCalendar:
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text))
    rows = [(reader.line_num, row) for row in reader]
    body = [(n, r) for n, r in rows if any(c.strip() for c in r) and not r[0].lstrip().startswith("#")]
    if not body:
        raise PolicyError([Problem("", "no header row", file, 1, 1)], f"cannot load calendar {file}")
    header_line, header = body[0]
    columns: dict[str, int] = {}
    for i, raw in enumerate(header):
        key = raw.strip().lower().replace(" ", "_").replace("-", "_")
        key = _ALIASES.get(key, key)
        if key not in COLUMNS:
            problems.append(
                Problem(
                    raw.strip() or f"column {i + 1}",
                    "unknown column" + (did_you_mean(key, COLUMNS) or f"; columns: {', '.join(COLUMNS)}"),
                    file,
                    header_line,
                    i + 1,
                )
            )
        elif key in columns:
            problems.append(Problem(key, "column given twice", file, header_line, i + 1))
        else:
            columns[key] = i
    if "start_on" not in columns:
        problems.append(Problem("start_on", "a start_on column is required", file, header_line, 1))
    if problems:
        raise PolicyError(problems, f"cannot load calendar {file}")
    entries = []
    for line, row in body[1:]:

        def cell(key: str, row: list[str] = row) -> str:
            i = columns.get(key)
            return row[i].strip() if i is not None and i < len(row) else ""

        def bad(key: str, message: str, line: int = line) -> None:
            problems.append(Problem(key, message, file, line, columns.get(key, 0) + 1))

        if len(row) > len(header):
            problems.append(
                Problem("", f"{len(row)} cells in a {len(header)}-column file", file, line, len(header) + 1)
            )
            continue
        kind = (cell("kind") or "term").lower() if "kind" in columns else "term"
        if kind not in KINDS:
            bad("kind", f"unknown kind{did_you_mean(kind, KINDS) or '; use term, holiday or closure'}")
            continue
        start = _csv_date(cell("start_on"))
        if start is None:
            bad("start_on", "not a date: write YYYY-MM-DD or DD/MM/YYYY")
            continue
        end = start
        if cell("end_on"):
            end = _csv_date(cell("end_on"))
            if end is None:
                bad("end_on", "not a date: write YYYY-MM-DD or DD/MM/YYYY")
                continue
        year = cell("academic_year")
        if year and year != academic_year_label(academic_year_of(start)):
            bad(
                "academic_year",
                f"start_on falls in {academic_year_label(academic_year_of(start))}, not {year}",
            )
            continue
        where = Problem("start_on", "", file, line, columns["start_on"] + 1)
        entries.append(Entry(kind, start, end, where, cell("source")))
    if problems:
        raise PolicyError(problems, f"cannot load calendar {file}")
    return build_calendar(entries, Path(file).stem, file)


def _csv_date(text: str) -> dt.date | None:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)  # UK order: day first
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
    return None


def to_csv(calendar: SchoolCalendar) -> str:
    """The calendar's terms and closure days as CSV with the documented columns."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["academic_year", "kind", "name", "start_on", "end_on", "source"])
    for year in sorted(calendar.years.values(), key=lambda y: y.start_year):
        for i, t in enumerate(year.terms, 1):
            w.writerow(
                [year.label, "term", f"Term {i}", t.start_on.isoformat(), t.end_on.isoformat(), year.source]
            )
        for day in sorted(year.closures):
            w.writerow([year.label, "closure", "Closure day", day.isoformat(), "", year.source])
    for day in sorted(calendar.closures()):
        w.writerow(
            [academic_year_label(academic_year_of(day)), "closure", "Closure day", day.isoformat(), "", ""]
        )
    return out.getvalue()
