"""Term dates in the formats councils publish, iCalendar (``.ics``) and CSV, read and written.

Both formats describe the same things, each a date or a run of dates:

* **term**: days the school meets (a whole term, a half term's worth of teaching, or a
  one-day marker such as "Autumn term starts" paired with the next "Autumn term ends");
* **holiday**: days inside a term span that are not school days (half terms, Easter);
* **closure**: single non-pupil days (INSET or training days, occasional days, polling days).

An academic year's terms are its term spans minus its holidays; its closure days are removed
from them. Closure days in a year with no term dates apply on top of whatever term dates are in
force there (a school's INSET days over the authority's terms). Holidays in a year with no term
dates are refused: they cannot say when term starts. Nothing is guessed: an event or row whose
kind cannot be told is refused with its file, line and column.

**iCalendar.** Each ``VEVENT`` needs ``DTSTART``; ``DTEND`` is exclusive (RFC 5545, so an
all-day event ending on 21 Dec runs to 20 Dec); without it the event is one day. ``RRULE`` is
refused. The kind comes from ``CATEGORIES`` when that holds ``TERM``, ``HOLIDAY``, ``CLOSURE``,
``TERM-START`` or ``TERM-END``; otherwise from the words of ``SUMMARY`` (case and hyphens
ignored), checked in this order, first match wins:

========== =================================================================================
closure    inset, training day, staff development, professional day, pd day, non pupil,
           pupil free, teacher day, occasional day, closure, closed, bank holiday, polling
holiday    half term, holiday(s), break, christmas, easter, whitsun, vacation
term       term, together with start/starts/begins/opens/first day/returns (a term-start
           marker) or end/ends/finishes/last day/breaks up/closes (a term-end marker); any
           other summary naming a term is a term span
========== =================================================================================

So "Autumn term" is a term span, "Half term" a holiday, "INSET day" a closure, "Spring term
starts" a marker. ``X-CME-SOURCE`` on an event gives its year's source.

**CSV.** A header row, then one row per term, holiday or closure; blank rows and rows whose
first cell starts with ``#`` are skipped. Columns (any order, case ignored):

``kind``          ``term``, ``holiday`` or ``closure`` (no column: every row is a term)
``start_on``      first day, ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (required)
``end_on``        last day, inclusive (empty: the same day)
``academic_year`` ``2026/27``; optional, checked against ``start_on`` when given
``name``/``term`` a label such as ``Term 1`` (kept for people, not used)
``source``        where the dates come from (the year's source)
``note``          free text

:func:`to_ics` and :func:`to_csv` write a calendar back out in these formats; reading what they
write gives the same calendar.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .calendar import SchoolCalendar, Term, TermYear, academic_year_label, academic_year_of
from .errors import PolicyError, Problem

MAX_BYTES = 2 * 1024 * 1024
KINDS = ("term", "holiday", "closure")


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")


#: SUMMARY words, checked in this order (see the module docstring).
CLOSURE_WORDS = _words(
    "inset", "training day", "training days", "staff development", "professional day",
    "pd day", "non pupil", "pupil free", "teacher day", "occasional day", "closure", "closed",
    "bank holiday", "polling",
)  # fmt: skip
HOLIDAY_WORDS = _words(
    "half term", "holiday", "holidays", "break", "christmas", "easter", "whitsun", "vacation"
)
TERM_WORDS = _words("term", "terms")
START_WORDS = _words(
    "start", "starts", "begin", "begins", "opens", "reopens", "re opens", "first day", "return", "returns"
)
END_WORDS = _words("end", "ends", "finish", "finishes", "last day", "breaks up", "break up", "closes")


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


def classify(summary: str, categories: Iterable[str] = ()) -> str | None:
    """The kind of an event from its CATEGORIES or SUMMARY words, or None if it cannot be told."""
    for c in categories:
        c = c.strip().lower().replace("_", "-")
        if c in ("term", "holiday", "closure"):
            return c
        if c in ("term-start", "term-end"):
            return c.replace("-", "_")
    text = " " + re.sub(r"[-_/]", " ", summary.lower()) + " "
    if CLOSURE_WORDS.search(text):
        return "closure"
    if HOLIDAY_WORDS.search(text):
        return "holiday"
    if TERM_WORDS.search(text):
        if START_WORDS.search(text):
            return "term_start"
        if END_WORDS.search(text):
            return "term_end"
        return "term"
    return None


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


# -- iCalendar ----------------------------------------------------------------------------------


def read_ics(path: str | Path) -> SchoolCalendar:
    """A calendar from an iCalendar file (see the module docstring for the mapping)."""
    return parse_ics(_read_text(path), str(path))


def parse_ics(text: str, file: str = "<ics>") -> SchoolCalendar:
    problems: list[Problem] = []
    entries: list[Entry] = []
    name = Path(file).stem
    event: dict[str, tuple[str, dict[str, str], int]] | None = None
    event_line = 0
    count = 0
    depth: list[str] = []
    for line_no, raw in _unfold(text):
        if not raw.strip():
            continue
        prop, params, value = _split_property(raw)
        if prop is None:
            problems.append(Problem("", "not an iCalendar line (NAME:VALUE)", file, line_no, 1))
            continue
        if prop == "BEGIN":
            depth.append(value.upper())
            if value.upper() == "VEVENT":
                event, event_line, count = {}, line_no, count + 1
            continue
        if prop == "END":
            if not depth or depth[-1] != value.upper():
                problems.append(
                    Problem(
                        "",
                        f"END:{value} does not close BEGIN:{depth[-1] if depth else '?'}",
                        file,
                        line_no,
                        1,
                    )
                )
            else:
                depth.pop()
            if value.upper() == "VEVENT" and event is not None:
                got = _event_entry(event, f"VEVENT[{count}]", file, event_line, problems)
                if got is not None:
                    entries.append(got)
                event = None
            continue
        if event is not None:
            event.setdefault(prop, (value, params, line_no))
        elif prop == "X-WR-CALNAME" and depth == ["VCALENDAR"]:
            name = _unescape(value)
    if depth:
        problems.append(Problem("", f"BEGIN:{depth[-1]} is never closed", file, None, None))
    if count == 0 and not problems:
        problems.append(Problem("", "no VEVENT in the file", file, 1, 1))
    if problems:
        raise PolicyError(problems, f"cannot load calendar {file}")
    return build_calendar(entries, name, file)


def _unfold(text: str) -> Iterator[tuple[int, str]]:
    """Logical lines with the number of their first physical line (RFC 5545 3.1 folding)."""
    current: str | None = None
    start = 0
    for n, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if line[:1] in (" ", "\t") and current is not None:
            current += line[1:]
            continue
        if current is not None:
            yield start, current
        current, start = line, n
    if current is not None:
        yield start, current


_PROPERTY = re.compile(r"^([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$")


def _split_property(line: str) -> tuple[str | None, dict[str, str], str]:
    m = _PROPERTY.match(line)
    if m is None:
        return None, {}, ""
    params = {}
    for part in m.group(2).split(";")[1:]:
        key, _, val = part.partition("=")
        params[key.upper()] = val.strip('"')
    return m.group(1).upper(), params, m.group(3)


def _event_entry(
    event: dict[str, tuple[str, dict[str, str], int]],
    path: str,
    file: str,
    line: int,
    problems: list[Problem],
) -> Entry | None:
    def at(prop: str, message: str) -> Problem:
        got = event.get(prop)
        return Problem(f"{path}.{prop}", message, file, got[2] if got else line, 1)

    if "RRULE" in event or "RDATE" in event:
        problems.append(
            at(
                "RRULE" if "RRULE" in event else "RDATE",
                "repeating events are not supported; list each term, holiday or closure as its own event",
            )
        )
        return None
    if "DTSTART" not in event:
        problems.append(at("DTSTART", "an event needs DTSTART"))
        return None
    start, start_is_date = _ics_date(*event["DTSTART"][:2])
    if start is None:
        problems.append(at("DTSTART", "not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)"))
        return None
    end = start
    if "DTEND" in event:
        value, params, _ = event["DTEND"]
        got, is_date = _ics_date(value, params)
        if got is None:
            problems.append(at("DTEND", "not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)"))
            return None
        # DTEND is exclusive: a date, or a date-time at midnight, ends the day before.
        midnight = is_date or re.search(r"T0{6}Z?$", value) is not None
        end = got - dt.timedelta(days=1) if midnight and got > start else got
    elif "DURATION" in event:
        m = re.fullmatch(r"P(\d+)([DW])", event["DURATION"][0].strip())
        if m is None:
            problems.append(at("DURATION", "only whole days or weeks (P3D, P2W) are supported"))
            return None
        days = int(m.group(1)) * (7 if m.group(2) == "W" else 1)
        end = start + dt.timedelta(days=max(days - 1, 0))
    del start_is_date
    summary = _unescape(event.get("SUMMARY", ("", {}, line))[0])
    categories = [c for v in [event.get("CATEGORIES", ("", {}, line))[0]] for c in _unescape_list(v)]
    kind = classify(summary, categories)
    if kind is None:
        what = f"{summary!r}" if summary else "an event with no SUMMARY"
        problems.append(
            at(
                "SUMMARY",
                f"cannot tell whether {what} is a term, a holiday or a closure; "
                "add CATEGORIES:TERM, HOLIDAY or CLOSURE",
            )
        )
        return None
    source = _unescape(event.get("X-CME-SOURCE", ("", {}, line))[0])
    where = Problem(path, "", file, line, 1)
    return Entry(kind, start, end, where, source)


def _ics_date(value: str, params: dict[str, str]) -> tuple[dt.date | None, bool]:
    value = value.strip()
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(T\d{6}Z?)?", value)
    if m is None:
        return None, False
    try:
        day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None, False
    return day, m.group(4) is None or params.get("VALUE", "").upper() == "DATE"


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _unescape_list(text: str) -> list[str]:
    return [_unescape(p) for p in re.split(r"(?<!\\),", text) if p]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out, current = [], ""
    for ch in line:
        if len((current + ch).encode()) > (75 if not out else 74):
            out.append(current)
            current = ""
        current += ch
    out.append(current)
    return "\r\n ".join(out)


def to_ics(calendar: SchoolCalendar) -> str:
    """The calendar's terms and closure days as an iCalendar feed (CRLF line ends)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//cme_policy//term dates//EN",
             f"X-WR-CALNAME:{_escape(calendar.name)}"]  # fmt: skip

    def event(kind: str, summary: str, first: dt.date, last: dt.date, source: str) -> None:
        lines.extend([
            "BEGIN:VEVENT",
            f"UID:{kind}-{first:%Y%m%d}@cme-policy",
            f"DTSTAMP:{first:%Y%m%d}T000000Z",
            f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
            f"DTEND;VALUE=DATE:{last + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(summary)}",
            f"CATEGORIES:{kind.upper()}",
            *([f"X-CME-SOURCE:{_escape(source)}"] if source else []),
            "END:VEVENT",
        ])  # fmt: skip

    for year in sorted(calendar.years.values(), key=lambda y: y.start_year):
        for i, t in enumerate(year.terms, 1):
            event("term", f"{year.label} term {i}", t.start_on, t.end_on, year.source)
        for day in sorted(year.closures):
            event("closure", "Closure day", day, day, year.source)
    for day in sorted(calendar.closures()):
        event("closure", "Closure day", day, day, "")
    lines.append("END:VCALENDAR")
    return "".join(_fold(ln) + "\r\n" for ln in lines)


# -- CSV ----------------------------------------------------------------------------------------

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
            from .pack.check import did_you_mean

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
            from .pack.check import did_you_mean

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
