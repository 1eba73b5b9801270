"""Writing a worklist: a table for people, CSV and JSON for machines, iCalendar for a team calendar.

Each writer takes the sorted worklist lines (:data:`~cme_policy.worklist_jobs.Row`) one at a
time, so a long worklist is written as it is merged, never held whole. Text from a case (its
reference) is shown with unprintable characters replaced, and CSV cells that a spreadsheet
would run as a formula are quoted.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import IO, Any

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
    group = None
    wrote = False
    for row in rows:
        d = as_dict(row)
        if by_actor and d["actor"] != group:
            group = d["actor"]
            out.write(("\n" if wrote else "") + f"== {group} ==\n")
        ref = d["case_ref"] or f"record {d['record']}"
        out.write(
            f"{d['status']:<9} {d['due_on']:<10}  {ref:<20} {d['actor']:<26} {d['action']:<28} "
            f"{d['policy']}: {d['rule_id']} ({d['pack']} {d['citation']})\n"
        )
        wrote = True
    if not wrote:
        out.write("nothing overdue, due or due within the window\n")


def write_csv(rows: Iterable[Row], out: IO[str]) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for row in rows:
        d = as_dict(row)
        w.writerow([csv_safe(d[c]) if isinstance(d[c], str) else d[c] for c in COLUMNS])


def csv_safe(text: str) -> str:
    # A cell a spreadsheet would run as a formula (CSV injection) is written as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_json(rows: Iterable[Row], out: IO[str], head: dict[str, Any], tail: Any) -> None:
    out.write("{\n" + "".join(f"  {json.dumps(k)}: {json.dumps(v)},\n" for k, v in head.items()))
    out.write('  "items": [')
    first = True
    for row in rows:
        out.write(("\n    " if first else ",\n    ") + json.dumps(as_dict(row)))
        first = False
    out.write("\n  ],\n" if not first else "],\n")
    rest = tail()
    out.write(",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in rest.items()) + "\n}\n")


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines of at most 75 octets, continued with a leading space."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


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
    out.write("".join(_fold(x) + "\r\n" for x in lines))
    stamp = f"{on:%Y%m%d}T000000Z"
    for row in rows:
        d = as_dict(row)
        due = dt.date.fromisoformat(d["due_on"])
        ref = d["case_ref"] or f"record {d['record']}"
        key = "|".join((ref, d["policy"], d["action"], d["actor"]))
        uid = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@cme-policy"
        summary = f"{d['status'].upper()}: {d['action'].replace('_', ' ')} ({d['actor']}), case {ref}"
        description = (
            f"Due {due.isoformat()}, {d['status']} on {on.isoformat()}. Rule {d['rule_id']} "
            f"({d['pack']} {d['citation']}), policy {d['policy']}."
        )
        event = [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{due + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(summary)}",
            f"DESCRIPTION:{_ics_text(description)}",
            f"CATEGORIES:{_ics_text(d['status'].upper())},{_ics_text(d['actor'])}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
        out.write("".join(_fold(x) + "\r\n" for x in event))
    out.write("END:VCALENDAR\r\n")
