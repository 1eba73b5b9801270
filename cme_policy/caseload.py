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
    ``education.suitable`` ... (the fields of README "Python API" and :mod:`cme_policy.case_model`;
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

Where the code is: :func:`read_caseload`, opening the file, recognising its format and the
YAML list reader here; the JSON Lines and JSON list readers, :class:`RawLine` included, in
:mod:`cme_policy.caseload_json`; the CSV reader and its column mapping in
:mod:`cme_policy.caseload_csv`; the line reading they share, within the record limit, in
:mod:`cme_policy.caseload_lines`. Their public names are all importable from here.
"""

from __future__ import annotations

import io
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from .batch import Record, RecordError, readable_ref
from .caseload_csv import csv_columns, read_csv
from .caseload_json import MAX_NESTING, RawLine, jsonl_lines, read_json_list, read_jsonl
from .caseload_lines import MAX_RECORD_BYTES
from .errors import CaseError, Problem

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


_READERS = {"jsonl": read_jsonl, "json": read_json_list, "yaml": read_yaml_list, "csv": read_csv}

__all__ = [
    "FORMATS", "MAX_NESTING", "MAX_RECORD_BYTES", "RawLine", "csv_columns", "jsonl_lines", "read_caseload"
]
