"""Strict, bounded YAML reading that remembers where every value came from.

Packs and case files may come from people we do not trust, so this refuses, with file, line and
column and before any large structure is built, what PyYAML's safe loader accepts or chokes on:
anything but a regular file, more than ``MAX_BYTES``, control and bidirectional-override
characters, duplicate keys, anchors, aliases and merge keys, any explicit tag, YAML 1.1 scalars
whose meaning surprises people (``no``, ``010``, ``1:20``), dates not written ``YYYY-MM-DD`` in
the supported range, more than ``MAX_DEPTH`` levels or ``MAX_NODES`` values. Messages never
repeat a value from the file; key names in paths are cut to ``MAX_KEY_SHOWN`` characters.

This module reads a file or text within those limits and returns a :class:`Document`; the
event-by-event builder that types and refuses values is :mod:`.yaml_strict`, and syntax errors
are put into an author's words by :mod:`.yaml_syntax`.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem
from .yaml_strict import (
    MAX_DEPTH,
    MAX_KEY_SHOWN,
    MAX_NODES,
    Builder,
    EventParser,
    Loc,
    Refused,
    format_loc,
    shown_key,
)
from .yaml_syntax import syntax_problem

MAX_BYTES = 2 * 1024 * 1024
MAX_MESSAGE = 200

# C0 controls but tab, LF and CR; DEL; C1 controls (NEL included: tools disagree on whether
# it ends a line); the Unicode line and paragraph separators; bidirectional embeddings,
# overrides and isolates (they make text display other than it reads); a byte order mark
# anywhere but the start; lone surrogates; the non-characters U+FFFE and U+FFFF.
_FORBIDDEN_CHAR = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
    "\ud800-\udfff\ufffe\uffff]"
)


@dataclass
class Document:
    """Plain data read from YAML, with the line and column of every path in it."""

    data: Any
    file: str | None
    # line << 32 | column, 1-based: one int per value keeps a 100,000-value file small.
    positions: dict[Loc, int] = field(default_factory=dict)

    def position(self, loc: Loc) -> tuple[int, int]:
        """Line and column of ``loc``, or of its longest prefix that has one."""
        for end in range(len(loc), -1, -1):
            hit = self.positions.get(tuple(loc[:end]))
            if hit is not None:
                return hit >> 32, hit & 0xFFFFFFFF
        return (1, 1)

    def problem(self, loc: Loc, message: str, severity: str = "error") -> Problem:
        line, col = self.position(loc)
        return Problem(format_loc(loc), message, self.file, line, col, severity)


def _forbidden_character(text: str, file: str | None) -> Problem | None:
    found = _FORBIDDEN_CHAR.search(text)
    if found is None:
        return None
    at = found.start()
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    code = ord(found.group())
    if code == 0xFEFF:
        what = "a byte order mark (U+FEFF) is only allowed at the very start of a file"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        what = (
            f"bidirectional control character U+{code:04X} is not allowed: it makes text "
            "display other than it reads"
        )
    else:
        what = f"control character U+{code:04X} is not allowed in a YAML file"
    return Problem("", what, file, line, column)


def parse_yaml(
    text: str, file: str | None = None, *, show_lines: bool = False
) -> tuple[Document, list[Problem]]:
    """Parse one YAML document strictly. Returns the document and every problem found.

    ``show_lines``: a syntax error carries the offending line of the file with a caret
    (:attr:`Problem.excerpt`). Only for files an author writes (packs, calendars, scenarios):
    never for a case file, whose lines hold a child's data.
    """
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return Document(None, file), [_too_large(file)]
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = _forbidden_character(text, file)
    if bad is not None:
        return Document(None, file), [bad]
    parser = EventParser(text)
    builder = Builder(file)
    try:
        data = builder.document(parser)
    except Refused as exc:
        mark = exc.mark
        return Document(None, file), [
            *builder.problems,
            Problem("", exc.message, file, mark.line + 1, mark.column + 1),
        ]
    except yaml.MarkedYAMLError as exc:
        return Document(None, file), [syntax_problem(exc, text, file, show_lines)]
    except yaml.YAMLError:
        return Document(None, file), [Problem("", "YAML error: cannot read this file", file, 1, 1)]
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    return Document(data, file, builder.positions), builder.problems


def _too_large(file: str | None) -> Problem:
    return Problem("", f"file is larger than {MAX_BYTES // 1024} KiB", file, 1, 1)


def _read_bounded(path: str) -> bytes | Problem:
    """At most ``MAX_BYTES + 1`` bytes of a regular file; never blocks on a FIFO or device."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return Problem("", "not a regular file", path)
        # O_NONBLOCK: if the path is swapped for a FIFO after the check, opening does not hang;
        # fstat on the open file then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return Problem("", f"cannot read file: {exc.strerror}", path)
    with os.fdopen(fd, "rb", buffering=0) as f:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return Problem("", "not a regular file", path)
            chunks: list[bytes] = []
            left = MAX_BYTES + 1
            while left > 0:
                chunk = f.read(min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
        except OSError as exc:
            return Problem("", f"cannot read file: {exc.strerror}", path)
    if left <= 0:
        return _too_large(path)
    return b"".join(chunks)


_WRONG_ENCODING = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def read_yaml_file(path: str | Path, *, show_lines: bool = False) -> tuple[Document, list[Problem]]:
    """Read a regular file (at most ``MAX_BYTES``, never more) and parse it strictly
    (``show_lines``: see :func:`parse_yaml`)."""
    name = str(path)
    raw = _read_bounded(name)
    if isinstance(raw, Problem):
        return Document(None, name), [raw]
    for bom, encoding in _WRONG_ENCODING:
        if raw.startswith(bom):
            return Document(None, name), [Problem("", f"{encoding} text: save the file as UTF-8", name, 1, 1)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Document(None, name), [Problem("", f"not UTF-8 text (byte {exc.start})", name, 1, 1)]
    return parse_yaml(text, name, show_lines=show_lines)


#: The reader's own names, and the limits, locations and key formatting of :mod:`.yaml_strict`
#: that callers have always imported from here.
__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_KEY_SHOWN",
    "MAX_NODES",
    "Document",
    "Loc",
    "format_loc",
    "parse_yaml",
    "read_yaml_file",
    "shown_key",
]
