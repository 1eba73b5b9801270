"""Writing a worklist: a table for people, CSV and JSON for machines, iCalendar for a team calendar.

Each writer takes the sorted worklist lines (:data:`~cme_policy.worklist_jobs.Row`) one at a
time, so a long worklist is written as it is merged, never held whole. Text from a case (its
reference) is shown with unprintable characters replaced, and CSV cells that a spreadsheet
would run as a formula are quoted.

A worklist of a large caseload has hundreds of thousands of lines but few distinct due dates
and rules: each writer renders what a line takes from its status and due date, and from its rule
(actor, action, policy, rule, pack, citation), once per distinct value, in caches that last as
long as the writer's call, and adds to it each line's case reference and record. The text is
the same as writing each line's :func:`as_dict` whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
from collections.abc import Iterable
from typing import IO, Any

from .calendar_ics import fold_line
from .worklist_jobs import Row

COLUMNS = (
    "status",
    "due_on",
    "case_ref",
    "actor",
    "action",
    "policy",
    "rule_id",
    "pack",
    "citation",
    "record",
)


def shown(text: str) -> str:
    """Text from a caseload as it may be written to a terminal or file: printable only."""
    return text if text.isprintable() else "".join(c if c.isprintable() else "?" for c in text)


def as_dict(row: Row) -> dict[str, Any]:
    _, _, due, ref, position, kind, actor, status, policy, rule, pack, section = row
    return {
        "status": status,
        "due_on": dt.date.fromordinal(due).isoformat(),
        "case_ref": shown(ref) or None,
        "actor": actor,
        "action": kind,
        "policy": policy,
        "rule_id": rule,
        "pack": pack,
        "citation": section,
        "record": position,
    }


def write_table(rows: Iterable[Row], out: IO[str], by_actor: bool) -> None:
    lead, rest = functools.cache(_table_lead), functools.cache(_table_rest)
    group = None
    wrote = False
    for _, _, due, ref, position, kind, actor, status, policy, rule, pack, section in rows:
        if by_actor and actor != group:
            group = actor
            out.write(("\n" if wrote else "") + f"== {group} ==\n")
        ref = shown(ref) or f"record {position}"
        out.write(f"{lead(status, due)}{ref:<20} {rest(actor, kind, policy, rule, pack, section)}\n")
        wrote = True
    if not wrote:
        out.write("nothing overdue, due or due within the window\n")


def _table_lead(status: str, due: int) -> str:
    return f"{status:<9} {_iso_day(due):<10}  "


def _table_rest(actor: str, kind: str, policy: str, rule: str, pack: str, section: str) -> str:
    return f"{actor:<26} {kind:<28} {policy}: {rule} ({pack} {section})"


def write_csv(rows: Iterable[Row], out: IO[str]) -> None:
    out.write(_csv_cells(*COLUMNS) + "\n")
    lead, rest = functools.cache(_csv_lead), functools.cache(_csv_cells)
    for _, _, due, ref, position, kind, actor, status, policy, rule, pack, section in rows:
        ref = csv_safe(shown(ref))
        if "," in ref or '"' in ref:  # quoted, as csv quotes these (and line ends: shown() left none)
            ref = _csv_cells(ref)
        out.write(f"{lead(status, due)},{ref},{rest(actor, kind, policy, rule, pack, section)},{position}\n")


def _csv_lead(status: str, due: int) -> str:
    return _csv_cells(status, _iso_day(due))


def _csv_cells(*texts: str) -> str:
    """Cells of a CSV line, without its end: made safe, and quoted by the csv module."""
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow([csv_safe(t) for t in texts])
    return line.getvalue()[:-1]


def csv_safe(text: str) -> str:
    # A cell a spreadsheet would run as a formula (CSV injection) is written as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_json(rows: Iterable[Row], out: IO[str], head: dict[str, Any], tail: Any) -> None:
    out.write("{\n" + "".join(f"  {json.dumps(k)}: {json.dumps(v)},\n" for k, v in head.items()))
    out.write('  "items": [')
    lead, rest = functools.cache(_json_lead), functools.cache(_json_rest)
    first = True
    for _, _, due, ref, position, kind, actor, status, policy, rule, pack, section in rows:
        # json.dumps(as_dict(row)), with its members in the same order.
        out.write(
            ("\n    {" if first else ",\n    {")
            + f'{lead(status, due)}, "case_ref": {json.dumps(shown(ref) or None)}, '
            + f'{rest(actor, kind, policy, rule, pack, section)}, "record": {position}}}'
        )
        first = False
    out.write("\n  ],\n" if not first else "],\n")
    closing = tail()
    out.write(",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in closing.items()) + "\n}\n")


def _json_lead(status: str, due: int) -> str:
    return _json_members(status=status, due_on=_iso_day(due))


def _json_rest(actor: str, kind: str, policy: str, rule: str, pack: str, section: str) -> str:
    return _json_members(actor=actor, action=kind, policy=policy, rule_id=rule, pack=pack, citation=section)


def _json_members(**members: Any) -> str:
    """``"key": value, ...`` as :func:`json.dumps` writes them inside an object."""
    return json.dumps(members)[1:-1]


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def write_ics(rows: Iterable[Row], out: IO[str], on: dt.date) -> None:
    """An iCalendar file (RFC 5545) with one all-day event per worklist line."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//cme_policy//worklist//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:CME worklist {on.isoformat()}",
    ]
    out.write("".join(fold_line(x) + "\r\n" for x in lines))
    stamp = f"DTSTAMP:{on:%Y%m%d}T000000Z"
    today = on.isoformat()
    day, span = functools.cache(_iso_day), functools.cache(_ics_span)
    categories = functools.cache(_ics_categories)
    for _, _, due, ref, position, kind, actor, status, policy, rule, pack, section in rows:
        ref = shown(ref) or f"record {position}"
        uid = hashlib.sha256("|".join((ref, policy, kind, actor)).encode("utf-8")).hexdigest()[:32]
        summary = f"{status.upper()}: {kind.replace('_', ' ')} ({actor}), case {ref}"
        description = f"Due {day(due)}, {status} on {today}. Rule {rule} ({pack} {section}), policy {policy}."
        # The UID, DTSTAMP, DTSTART and DTEND lines are always shorter than a fold.
        out.write(
            f"BEGIN:VEVENT\r\nUID:{uid}@cme-policy\r\n{stamp}\r\n{span(due)}"
            f"{fold_line('SUMMARY:' + _ics_text(summary))}\r\n"
            f"{fold_line('DESCRIPTION:' + _ics_text(description))}\r\n"
            f"{categories(status, actor)}\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
        )
    out.write("END:VCALENDAR\r\n")


def _ics_span(due: int) -> str:
    first = dt.date.fromordinal(due)
    return f"DTSTART;VALUE=DATE:{first:%Y%m%d}\r\nDTEND;VALUE=DATE:{first + dt.timedelta(days=1):%Y%m%d}\r\n"


def _ics_categories(status: str, actor: str) -> str:
    return fold_line(f"CATEGORIES:{_ics_text(status.upper())},{_ics_text(actor)}")


def _iso_day(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()
