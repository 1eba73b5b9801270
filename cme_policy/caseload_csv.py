"""The CSV reader of a caseload and its column mapping: a header row, then one case per row.

:func:`csv_columns` lists every column a caseload may have (``case_ref``, ``policy``,
``history`` and ``SECTION.FIELD`` for each case field) with how its cells are read;
:func:`read_csv` checks the header against it, then reads each row into a case, an empty cell
unknown. The mapping, as a user writes it, is documented in :mod:`cme_policy.caseload` (and
README "The CSV column mapping").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from .batch import POLICY_KEY, Record, RecordError, readable_ref
from .caseload_lines import _lines, _too_long, _TooLong
from .errors import CaseError, Problem
from .suggest import did_you_mean

_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})
_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_INT = re.compile(r"-?[0-9]{1,9}")
_EVENT = re.compile(r"([a-z_]+)@([0-9/-]+)((?::[a-z_]+=[A-Za-z_]+)*)")


def csv_columns() -> dict[str, str]:
    """Every CSV column a caseload may have, and how its cells are read: ``text``, ``bool``,
    ``int``, ``date``, ``list``, ``date_list`` or ``history``."""
    from .case import SECTIONS

    out = {"case_ref": "text", POLICY_KEY: "text", "history": "history"}
    for section, model in SECTIONS.items():
        for field_name, info in model.model_fields.items():
            if field_name == "term_dates":
                continue
            shown = str(info.annotation)
            if shown.startswith("list["):
                kind = "date_list" if "datetime.date" in shown else "list"
            elif "bool" in shown:
                kind = "bool"
            elif "datetime.date" in shown:
                kind = "date"
            elif shown.startswith("int"):
                kind = "int"
            else:
                kind = "text"
            out[f"{section}.{field_name}"] = kind
    return out


def _csv_date(cell: str) -> str | None:
    m = _DMY.fullmatch(cell)
    if m:
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return cell if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cell) else None


def _cell(kind: str, cell: str) -> tuple[Any, str | None]:
    """The JSON value of a non-empty cell, or why it does not fit (without the cell's text)."""
    low = cell.lower()
    if kind == "text":
        return cell, None
    if kind == "bool":
        if low in _TRUE:
            return True, None
        if low in _FALSE:
            return False, None
        return None, "expected true or false (or yes/no, y/n, 1/0)"
    if kind == "int":
        return (int(cell), None) if _INT.fullmatch(cell) else (None, "expected a whole number")
    if kind == "date":
        got = _csv_date(cell)
        return (got, None) if got else (None, "expected a date, YYYY-MM-DD or DD/MM/YYYY")
    if low == "none":
        return [], None
    parts = [p.strip() for p in cell.split(";") if p.strip()]
    if kind == "list":
        return parts, None
    if kind == "date_list":
        dates = [_csv_date(p) for p in parts]
        if any(d is None for d in dates):
            n = next(i for i, d in enumerate(dates) if d is None) + 1
            return None, f"item {n}: expected a date, YYYY-MM-DD or DD/MM/YYYY"
        return dates, None
    events = []
    for n, part in enumerate(parts, 1):
        m = _EVENT.fullmatch(part)
        day = _csv_date(m.group(2)) if m else None
        if m is None or day is None:
            return None, f"item {n}: expected event@YYYY-MM-DD (optionally :level=... or :in_writing=...)"
        event: dict[str, Any] = {"event": m.group(1), "on": day}
        for extra in filter(None, m.group(3).split(":")):
            key, value = extra.split("=", 1)
            if key == "level":
                event["level"] = value
            elif key == "in_writing" and value.lower() in _TRUE | _FALSE:
                event["in_writing"] = value.lower() in _TRUE
            else:
                return None, f"item {n}: expected :level=LEVEL or :in_writing=true|false"
        events.append(event)
    return events, None


class _BoundedLines:
    """Decoded lines for the csv module, each at most :data:`MAX_RECORD_BYTES`; an overlong or
    undecodable line raises (and reading goes on with the next line when asked again)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.lines = _lines(stream)
        self.number = 0
        self.first = True

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        self.number, raw = next(self.lines)
        if raw is None:
            raise _TooLong
        text = raw.decode("utf-8")
        if self.first:
            self.first = False
            text = text.removeprefix("\ufeff")
        return text


def read_csv(stream: BinaryIO, name: str) -> Iterator[Record | RecordError]:
    from .yaml_io import shown_key

    lines = _BoundedLines(stream)
    rows = csv.reader(lines, strict=True)
    columns = csv_columns()
    header: list[str] | None = None
    while header is None:
        try:
            got = next(rows)
        except StopIteration:
            raise CaseError([Problem("", "the caseload file is empty: expected a header row", name, 1, 1)],
                            "bad caseload") from None
        except (_TooLong, UnicodeDecodeError, csv.Error):
            raise CaseError([Problem("", "cannot read the header row", name, lines.number, 1)],
                            "bad caseload") from None
        if got and any(c.strip() for c in got) and not got[0].startswith("#"):
            header = [c.strip() for c in got]
    header_line = lines.number
    problems = []
    seen: set[str] = set()
    for i, col in enumerate(header, 1):
        if col not in columns:
            hint = did_you_mean(col, columns) if col else ""
            what = f"unknown column {shown_key(col)!r}{hint}" if col else "a column with no name"
            problems.append(Problem(f"column {i}", what, name, header_line, 1))
        elif col in seen:
            problems.append(Problem(f"column {i}", f"column {col!r} given twice", name, header_line, 1))
        seen.add(col)
    if problems:
        raise CaseError(problems, "the CSV header does not map to case fields")
    kinds = [columns[c] for c in header]
    position = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except _TooLong:
            position += 1
            yield _too_long(position, name, lines.number)
            continue
        except UnicodeDecodeError as exc:
            position += 1
            problem = Problem("", f"not UTF-8 text (byte {exc.start})", name, lines.number, 1)
            yield RecordError(position, None, (problem,))
            continue
        except csv.Error:
            position += 1
            yield RecordError(position, None, (Problem("", "not a valid CSV row", name, lines.number, 1),))
            continue
        if not row or not any(c.strip() for c in row) or row[0].startswith("#"):
            continue
        position += 1
        line = lines.number
        if len(row) != len(header):
            yield RecordError(
                position, None,
                (Problem("", f"the row has {len(row)} cells; the header has {len(header)}", name, line, 1),),
            )
            continue
        data: dict[str, Any] = {}
        bad: list[Problem] = []
        for col, kind, cell in zip(header, kinds, row, strict=True):
            cell = cell.strip()
            if not cell:
                continue  # empty: unknown
            value, why = _cell(kind, cell)
            if why is not None:
                bad.append(Problem(col, f"column {col!r}: {why}", name, line, 1))
                continue
            if "." in col:
                section, field_name = col.split(".", 1)
                data.setdefault(section, {})[field_name] = value
            else:
                data[col] = value
        if bad:
            yield RecordError(position, readable_ref(data), tuple(bad))
            continue
        yield Record(data, name, line)
