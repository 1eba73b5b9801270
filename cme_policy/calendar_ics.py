"""iCalendar (``.ics``) term dates, read and written: one ``VEVENT`` per term, holiday or closure run.

What the kinds mean, and how a year's terms are assembled from them, is in
:mod:`cme_policy.calendar_import`; the iCalendar mapping is here.

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

:func:`to_ics` writes a calendar back out as such a feed; reading what it writes gives the same
calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .calendar import SchoolCalendar
from .calendar_entries import Entry, _read_text, build_calendar
from .errors import PolicyError, Problem


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


def fold_line(line: str) -> str:
    """RFC 5545 3.1: lines of at most 75 octets, continued with a leading space (so 74 octets
    of the line each), never cut inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, start, room = [], 0, 75
    while len(data) - start > room:
        cut = start + room
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: the character starts before it
            cut -= 1
        parts.append(data[start:cut])
        start, room = cut, 74
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


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
    return "".join(fold_line(ln) + "\r\n" for ln in lines)
