"""The JSON readers of a caseload: JSON Lines, undecoded lines (:class:`RawLine`), a JSON list.

JSON Lines are read a line at a time (:func:`jsonl_lines`) and decoded by
:meth:`RawLine.decoded`, in the reading process (:func:`read_jsonl`) or, for
``cme-policy worklist``, in the worker that evaluates the record. A JSON list is decoded one
element at a time from a bounded window of the text (:func:`read_json_list`). Both decode with
the one strict decoder (:mod:`cme_policy.json_io`) and refuse a record nested more than
:data:`MAX_NESTING` levels deep. The formats and their limits, as a user sees them, are in
:mod:`cme_policy.caseload`.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO, NamedTuple

from .batch import Record, RecordError
from .caseload_lines import MAX_RECORD_BYTES, _lines, _too_long
from .errors import CaseError, Problem
from .json_io import STRICT

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
