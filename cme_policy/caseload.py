"""Reading a caseload, one record at a time: JSON Lines, a JSON or YAML list, or CSV.

:func:`read_caseload` takes a path or ``-`` (standard input) and yields a
:class:`~cme_policy.batch.Record` per case, or a :class:`~cme_policy.batch.RecordError` for a
record that cannot be read, and reads on. A problem with the file as a whole (it cannot be
opened, its CSV header does not map) raises :class:`~cme_policy.errors.CaseError` before any
record is yielded. Every record is a case (README "Python API") with an optional ``policy``
key naming its authority (:mod:`cme_policy.batch`).

Formats, by suffix (``--input-format`` overrides; standard input is recognised by its first
character: ``[`` JSON list, ``{`` JSON Lines, ``-`` YAML list, else CSV if the first line holds
a comma):

* **JSON Lines** (``.jsonl``, ``.ndjson``): one JSON object per line; blank lines skipped. A
  line that is not valid JSON is reported with its line number and the next line is read.
  With ``undecoded=True`` the lines come as :class:`RawLine` items, their bytes as read, to be
  decoded (:meth:`RawLine.decoded`) where the record is evaluated: ``cme-policy worklist``
  sends them so to its worker processes, and the reading process decodes nothing.
* **JSON** (``.json``): a list of objects, read one element at a time. An element that is not
  valid JSON ends the reading (a JSON list cannot be resynchronised), after the records before
  it.
* **YAML** (``.yaml``, ``.yml``): a list of mappings, read by the strict reader
  (:mod:`cme_policy.yaml_io`) with its limits (2 MiB, 100,000 values): for small caseloads;
  use JSON Lines or CSV for large ones.
* **CSV** (``.csv``): a header row, then one case per row. The column mapping:

  - ``case_ref``; ``policy`` (the authority id for the row);
  - ``SECTION.FIELD`` for any case field: ``child.date_of_birth``, ``child.looked_after``,
    ``school.on_roll``, ``absence.first_day_on``, ``absence.explained``, ``whereabouts.known``,
    ``education.suitable`` ... (the fields of README "Python API" and :mod:`cme_policy.case`;
    ``school.term_dates`` cannot be a column: supply term dates with ``--calendar``);
  - ``history``: the dated events, ``event@YYYY-MM-DD`` separated by ``;``, each optionally
    followed by ``:level=high`` or ``:in_writing=true``, e.g.
    ``parents_contacted@2025-02-10;cme_referral_made@2025-02-24``.

  An **empty cell is unknown** (the field is left out), for every column, ``history``
  included; write ``none`` for a known empty list (no events recorded, no concerns known).
  Booleans are ``true``/``false`` (also ``yes``/``no``, ``y``/``n``, ``1``/``0``, any case);
  dates ``YYYY-MM-DD`` or ``DD/MM/YYYY``; lists (``child.safeguarding_concerns``,
  ``school.closure_days``) separated by ``;``. Rows starting with ``#`` are comments. A header
  that names no known column, or names one twice, is refused naming the column (with a
  did-you-mean); a cell that does not fit its column is reported with the row's line and the
  column's name, never the cell's text.

Limits: a record (a line, a list element, a row) of at most :data:`MAX_RECORD_BYTES`; the case
limits of :func:`cme_policy.parse_case`. Text must be UTF-8; JSON with a duplicate key,
``NaN`` or ``Infinity``, or nested more than :data:`MAX_NESTING` levels deep, is refused.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from .batch import POLICY_KEY, Record, RecordError, readable_ref
from .errors import CaseError, Problem
from .json_io import STRICT

#: The most bytes one record (a JSON line, a list element, a CSV row) may take.
MAX_RECORD_BYTES = 1 << 20
FORMATS = ("jsonl", "json", "yaml", "csv")
_SUFFIXES = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".yaml": "yaml", ".yml": "yaml", ".csv": "csv"
}
STDIN = "-"
_UNREADABLE = "cannot read caseload"


# -- opening -------------------------------------------------------------------------------------


class _Prefixed(io.RawIOBase):
    """A binary stream with the bytes already read to recognise its format put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read1(len(buffer)) if hasattr(self.rest, "read1") else self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_caseload(path: str) -> tuple[BinaryIO, str]:
    """A buffered binary stream for ``path`` (``-``: standard input) and the name to report."""
    if path == STDIN:
        return sys.stdin.buffer, "<stdin>"
    try:
        if stat.S_ISDIR(os.stat(path).st_mode):
            raise CaseError([Problem("", "is a directory, not a caseload file", path)], _UNREADABLE)
        return open(path, "rb"), path
    except OSError as exc:
        raise CaseError([Problem("", f"cannot read file: {exc.strerror}", path)], _UNREADABLE) from None


def sniff(stream: BinaryIO) -> tuple[str, BinaryIO]:
    """The format of a stream whose name does not say, from its first characters."""
    head = b""
    while len(head) < 4096:
        chunk = stream.read1(4096) if hasattr(stream, "read1") else stream.read(4096)
        if not chunk:
            break
        head += chunk
        if head.lstrip(b"\xef\xbb\xbf \t\r\n") and b"\n" in head:
            break
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"["):
        kind = "json"
    elif text.startswith(b"{"):
        kind = "jsonl"
    elif text.startswith((b"-", b"#", b"---")) or b"," not in text.split(b"\n", 1)[0]:
        kind = "yaml" if not (text.startswith(b"#") and b"," in text.split(b"\n", 1)[0]) else "csv"
    else:
        kind = "csv"
    return kind, io.BufferedReader(_Prefixed(head, stream), buffer_size=1 << 16)


def read_caseload(
    path: str | Path,
    input_format: str | None = None,
    *,
    on_open: Callable[[BinaryIO], None] | None = None,
    undecoded: bool = False,
) -> Iterator[Record | RecordError | RawLine]:
    """Every record of a caseload file (``-``: standard input), one at a time.

    ``input_format`` is one of :data:`FORMATS` (default: from the suffix, else recognised from
    the first characters). ``on_open`` is called with the binary stream once it is open (a
    progress bar reads its position). With ``undecoded``, a JSON Lines record comes as a
    :class:`RawLine`, for its evaluator to decode (other formats are decoded here, as always).
    Raises :class:`~cme_policy.errors.CaseError` for a file that cannot be read at all, when
    the first record is asked for.
    """
    stream, name = open_caseload(str(path))
    if on_open is not None:
        on_open(stream)
    try:
        kind = input_format or _SUFFIXES.get(Path(str(path)).suffix.lower())
        if kind is None:
            kind, stream = sniff(stream)
        elif not isinstance(stream, io.BufferedReader):
            stream = io.BufferedReader(stream)  # type: ignore[arg-type]
        if kind not in FORMATS:
            raise CaseError([Problem("", f"unknown caseload format {kind!r}", name)], "cannot read caseload")
        if undecoded and kind == "jsonl":
            yield from jsonl_lines(stream, name)
        else:
            yield from _READERS[kind](stream, name)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


# -- line-based reading ----------------------------------------------------------------------------


class _TooLong(Exception):
    pass


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; ``None`` for a line over :data:`MAX_RECORD_BYTES`, whose
    rest is skipped without being kept."""
    number = 0
    while True:
        line = stream.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            while True:
                more = stream.readline(1 << 16)
                if not more or more.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def _too_long(position: int, name: str, line: int) -> RecordError:
    return RecordError(
        position, None, (Problem("", f"record longer than {MAX_RECORD_BYTES // 1024} KiB", name, line, 1),)
    )


_DECODER = STRICT
#: The most levels of objects and lists a JSON record may nest, as for a YAML one (a case nests
#: 8 at most). Deeper is refused, "nested too deeply", whatever the stack of the process that
#: decodes it (left to the recursion limit, a worker and the reading process would answer
#: differently near it) and before such a record could be too deep to send to a worker.
MAX_NESTING = 64
_TOO_DEEP = "nested too deeply"


def _nested_deeper(data: Any, limit: int = MAX_NESTING) -> bool:
    """Whether decoded JSON nests objects and lists more than ``limit`` levels deep."""
    level = [data]  # the values at one depth, a depth at a time
    for _ in range(limit):
        below: list[Any] = []
        for value in level:
            if isinstance(value, dict):
                below.extend(value.values())
            elif isinstance(value, list):
                below.extend(value)
        if not below:
            return False
        level = below
    return any(isinstance(value, dict | list) for value in level)


def _json_problem(exc: Exception, name: str, line: int, column: int = 1) -> Problem:
    if isinstance(exc, json.JSONDecodeError):
        return Problem("", f"not valid JSON: {exc.msg}", name, line, column + exc.colno - 1)
    if isinstance(exc, RecursionError):
        return Problem("", _TOO_DEEP, name, line, column)
    if isinstance(exc, UnicodeDecodeError):
        return Problem("", f"not UTF-8 text (byte {exc.start})", name, line, column)
    return Problem("", f"not valid JSON: {str(exc)[:80]}", name, line, column)


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8").removeprefix("\ufeff")


class RawLine(NamedTuple):
    """A JSON Lines record as read, not yet decoded: the line's bytes, the file's name and the
    line's number. A few hundred bytes that cost next to nothing to send to a worker process."""

    text: bytes
    file: str
    line: int

    def decoded(self, position: int) -> Record | RecordError:
        """The record, or why the line is not one (``position``: the record's place in the
        caseload). Where a JSON line is decoded, in whichever process evaluates it."""
        try:
            data = _DECODER.decode(_decode(self.text))
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            return RecordError(position, None, (_json_problem(exc, self.file, self.line),))
        if self.text.count(b"[") + self.text.count(b"{") > MAX_NESTING and _nested_deeper(data):
            # As when the decoder itself gives up (RecursionError): no case_ref either way.
            return RecordError(position, None, (Problem("", _TOO_DEEP, self.file, self.line, 1),))
        return Record(data, self.file, self.line)


def jsonl_lines(stream: BinaryIO, name: str) -> Iterator[RawLine | RecordError]:
    """Each non-blank line of JSON Lines, undecoded; a :class:`RecordError` for one too long."""
    position = 0
    for number, raw in _lines(stream):
        if raw is None:
            position += 1
            yield _too_long(position, name, number)
        elif not raw.isspace():  # a blank line is not a record
            position += 1
            yield RawLine(raw, name, number)


def read_jsonl(stream: BinaryIO, name: str) -> Iterator[Record | RecordError]:
    for position, item in enumerate(jsonl_lines(stream, name), 1):
        yield item if isinstance(item, RecordError) else item.decoded(position)


_SPACE = re.compile(r"[ \t\r\n]*")


def read_json_list(stream: BinaryIO, name: str) -> Iterator[Record | RecordError]:
    """The elements of a JSON list, decoded one at a time from a bounded window of the text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    state = {"text": "", "eof": False, "line": 1}

    def fill() -> bool:
        if state["eof"]:
            return False
        chunk = stream.read(1 << 16)
        state["text"] += decoder.decode(chunk, final=not chunk)
        state["eof"] = not chunk
        return bool(chunk)

    def skip(chars: str) -> bool:
        """Skip spaces; then take one of ``chars`` if it comes next."""
        while True:
            text = state["text"]
            end = _SPACE.match(text).end()  # type: ignore[union-attr]
            state["line"] += text.count("\n", 0, end)
            state["text"] = text[end:]
            if state["text"] or not fill():
                break
        if state["text"][:1] and state["text"][0] in chars:
            state["text"] = state["text"][1:]
            return True
        return False

    def error(position: int, exc: Exception | None, message: str = "") -> RecordError:
        problem = (
            _json_problem(exc, name, state["line"]) if exc is not None
            else Problem("", message, name, state["line"], 1)
        )
        return RecordError(position, None, (problem,))

    try:
        fill()
        state["text"] = state["text"].removeprefix("\ufeff")
        if not skip("["):
            raise CaseError([Problem("", "expected a JSON list of cases ([ ... ])", name, state["line"], 1)],
                            "bad caseload")
    except UnicodeDecodeError as exc:
        raise CaseError([_json_problem(exc, name, 1)], "bad caseload") from None
    position = 0
    try:
        while not skip("]"):
            if position and not skip(","):
                if state["text"]:
                    yield error(position + 1, None, "not valid JSON: expected ',' or ']'")
                else:
                    yield error(position + 1, None, "not valid JSON: the list is not closed")
                return
            skip("")
            position += 1
            while True:
                try:
                    data, end = _DECODER.raw_decode(state["text"])
                    break
                except json.JSONDecodeError as exc:
                    # Perhaps only cut off at the window's end: decide on more text.
                    if len(state["text"]) <= MAX_RECORD_BYTES and fill():
                        continue
                    if len(state["text"]) > MAX_RECORD_BYTES:
                        yield _too_long(position, name, state["line"])
                    else:
                        yield error(position, exc)
                    return
                except (ValueError, RecursionError) as exc:
                    yield error(position, exc)
                    return
            text = state["text"]
            if text.count("[", 0, end) + text.count("{", 0, end) > MAX_NESTING and _nested_deeper(data):
                yield error(position, None, _TOO_DEEP)
            else:
                yield Record(data, name, state["line"])
            state["line"] += text.count("\n", 0, end)
            state["text"] = text[end:]
    except UnicodeDecodeError as exc:
        yield error(position or 1, exc)


# -- YAML --------------------------------------------------------------------------------------------


def read_yaml_list(stream: BinaryIO, name: str) -> Iterator[Record | RecordError]:
    from .yaml_io import MAX_BYTES, parse_yaml

    raw = stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise CaseError(
            [Problem("", f"a YAML caseload is at most {MAX_BYTES // 1024} KiB: use JSON Lines or CSV", name)],
            "caseload too large",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = Problem("", f"not UTF-8 text (byte {exc.start})", name, 1, 1)
        raise CaseError([problem], "bad caseload") from None
    doc, problems = parse_yaml(text, name)
    if doc.data is None:
        raise CaseError(problems or [Problem("", "the caseload file is empty", name, 1, 1)], "bad caseload")
    if not isinstance(doc.data, list):
        raise CaseError([doc.problem((), "expected a list of cases")], "bad caseload")
    refused: dict[int, list[Problem]] = {}
    for p in problems:  # values the reader refused, per record: "[3].child.date_of_birth"
        m = re.match(r"\[(\d+)\]", p.path)
        refused.setdefault(int(m.group(1)) if m else -1, []).append(p)
    if -1 in refused:
        raise CaseError(refused[-1], "bad caseload")
    for i, data in enumerate(doc.data):
        line, _ = doc.position((i,))
        if i in refused:
            yield RecordError(i + 1, readable_ref(data), tuple(refused[i]))
            continue
        yield Record(data, name, line, locate=lambda loc, i=i: doc.position((i, *loc)))


# -- CSV -------------------------------------------------------------------------------------------

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
    from .pack.check import did_you_mean
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


_READERS = {"jsonl": read_jsonl, "json": read_json_list, "yaml": read_yaml_list, "csv": read_csv}

__all__ = [
    "FORMATS", "MAX_NESTING", "MAX_RECORD_BYTES", "RawLine", "csv_columns", "jsonl_lines", "read_caseload"
]
