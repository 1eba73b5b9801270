"""Strict, bounded YAML reading that remembers where every value came from.

Packs and case files may come from people we do not trust, so this refuses, with file, line and
column and before any large structure is built, what PyYAML's safe loader accepts or chokes on:
anything but a regular file, more than ``MAX_BYTES``, control and bidirectional-override
characters, duplicate keys, anchors, aliases and merge keys, any explicit tag, YAML 1.1 scalars
whose meaning surprises people (``no``, ``010``, ``1:20``), dates not written ``YYYY-MM-DD`` in
the supported range, more than ``MAX_DEPTH`` levels or ``MAX_NODES`` values. Messages never
repeat a value from the file; key names in paths are cut to ``MAX_KEY_SHOWN`` characters.
"""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)
from yaml.resolver import BaseResolver

from .dates import parse_date
from .errors import Problem

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000
MAX_KEY_SHOWN = 40
MAX_MESSAGE = 200
# Integers beyond this many digits are no count, year or index any file here needs, and
# Python refuses to parse more than 4300 digits anyway.
MAX_INT_DIGITS = 18

Loc = tuple[str | int, ...]

_AMBIGUOUS_BOOL = "tag:cme-policy:ambiguous-bool"
_AMBIGUOUS_NUMBER = "tag:cme-policy:ambiguous-number"


class _Resolver(BaseResolver):
    """YAML 1.2 core scalars, plus tags that flag YAML 1.1 spellings we refuse to guess at."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(
        r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
        r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$"
    ),
    list("0123456789"),
)
# YAML 1.1 booleans, octal-looking and sexagesimal numbers, .inf/.nan: refuse, ask to quote.
_Resolver.add_implicit_resolver(
    _AMBIGUOUS_BOOL,
    re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$"),
    list("yYnNoO"),
)
_Resolver.add_implicit_resolver(
    _AMBIGUOUS_NUMBER,
    re.compile(
        r"^(?:[-+]?0[0-9_]+|[-+]?0[xob][0-9a-fA-F_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?[0-9][0-9_]*_[0-9_]*)$"
    ),
    list("-+0123456789."),
)

_IMPLICIT = _Resolver.yaml_implicit_resolvers
_STRICT_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)

# C0 controls but tab, LF and CR; DEL; C1 controls (NEL included: tools disagree on whether
# it ends a line); the Unicode line and paragraph separators; bidirectional embeddings,
# overrides and isolates (they make text display other than it reads); a byte order mark
# anywhere but the start; lone surrogates; the non-characters U+FFFE and U+FFFF.
_FORBIDDEN_CHAR = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
    "\ud800-\udfff\ufffe\uffff]"
)

try:  # libyaml parses about twenty times faster; the pure-Python parser gives the same events.
    from yaml.cyaml import CParser as _EventParser
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _EventParser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class _Refused(Exception):
    """Reading stops here: the rest of the file is not looked at."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


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


def shown_key(key: str) -> str:
    """A key name as it may appear in a message: printable, at most ``MAX_KEY_SHOWN`` characters.

    Keys come from the file, so a message may name them, but never at length: a 100,000
    character key must not become a 100 KB message, nor a newline a forged output line.
    """
    if len(key) > MAX_KEY_SHOWN:
        key = key[:MAX_KEY_SHOWN] + "…"
    return key if key.isprintable() else "".join(c if c.isprintable() else "?" for c in key)


def format_loc(loc: Loc) -> str:
    """``("rules", 2, "then")`` -> ``rules[2].then``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + shown_key(str(part))
    return out


# Sentinels for the key a mapping frame is waiting on.
_AWAIT = object()  # the next node is a key
_DROP = object()  # the next node is the value of a refused key: read it, keep nothing
_DROP_KEY = object()  # the node being read is itself a refused (non-scalar) key


class _Frame:
    __slots__ = ("container", "dash_hinted", "is_map", "keep", "key", "loc", "seen")

    def __init__(self, is_map: bool, loc: Loc, keep: bool) -> None:
        self.is_map = is_map
        self.container: Any = {} if is_map else []
        self.loc = loc
        self.keep = keep
        self.key: Any = _AWAIT
        self.seen: dict[str, int] = {}
        self.dash_hinted = False


class _Builder:
    """Plain data from parser events, one event at a time, counting values and depth as it goes.

    No node tree is built and nothing recurses, so a limit is hit as soon as it is passed:
    400 nested ``[`` stop at the 66th, a million list items at the 100,001st (keys count too).
    """

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.positions: dict[Loc, int] = {}
        self.problems: list[Problem] = []

    def fail(self, mark: Any, loc: Loc, message: str) -> None:
        self.problems.append(Problem(format_loc(loc), message, self.file, mark.line + 1, mark.column + 1))

    def document(self, parser: Any) -> Any:
        parser.get_event()  # StreamStartEvent
        event = parser.get_event()
        if isinstance(event, StreamEndEvent):
            return None
        if not isinstance(event, DocumentStartEvent):  # pragma: no cover - the parser ensures it
            raise _Refused("expected a YAML document", event.start_mark)
        data = self._node_tree(parser)
        parser.get_event()  # DocumentEndEvent
        event = parser.get_event()
        if not isinstance(event, StreamEndEvent):
            raise _Refused("a file holds one YAML document: remove the second '---'", event.start_mark)
        return data

    def _node_tree(self, parser: Any) -> Any:
        # One loop with its state in locals: this runs once per value, up to MAX_NODES times.
        get_event = parser.get_event
        positions = self.positions
        stack: list[_Frame] = []
        top: _Frame | None = None
        count = 0
        while True:
            event = get_event()
            kind = type(event)
            if kind is SequenceEndEvent or kind is MappingEndEvent:
                value = stack.pop().container
                top = stack[-1] if stack else None
            else:
                mark = event.start_mark
                count += 1
                if count > MAX_NODES:
                    raise _Refused(f"too many keys and values (more than {MAX_NODES})", mark)
                if kind is AliasEvent:
                    raise _Refused("aliases (*name) are not allowed: write the value out", mark)
                if event.anchor is not None:
                    raise _Refused("anchors (&name) are not allowed: write the value out", mark)
                if top is not None and top.is_map and top.key is _AWAIT:
                    key = event.value if kind is ScalarEvent and event.tag is None else None
                    if key is not None and key != "<<" and key not in top.seen:
                        # Keys are names, always text: `on:` and `no:` are keys, never booleans.
                        top.seen[key] = mark.line + 1
                        top.key = key
                        if top.keep:
                            positions[(*top.loc, key)] = (mark.line + 1) << 32 | (mark.column + 1)
                    else:
                        self._refused_key(event, top, stack)
                        top = stack[-1]
                    continue
                if len(stack) > MAX_DEPTH:
                    raise _Refused(f"nested too deeply (more than {MAX_DEPTH} levels)", mark)
                if top is None:
                    loc: Loc = ()
                    keep = True
                elif top.is_map:
                    keep = top.keep and top.key is not _DROP
                    loc = (*top.loc, top.key) if keep else top.loc
                else:
                    loc = (*top.loc, len(top.container))
                    keep = top.keep
                if event.tag is not None and keep:
                    self.fail(mark, loc, "explicit tags (!name) are not allowed: write the plain value")
                if kind is ScalarEvent:
                    if not keep or event.tag is not None:
                        value = None
                    else:
                        positions[loc] = (mark.line + 1) << 32 | (mark.column + 1)
                        value = event.value
                        if not event.style and value[:1] in _IMPLICIT:
                            value = self._plain(event, loc)
                else:
                    if keep:
                        positions.setdefault(loc, (mark.line + 1) << 32 | (mark.column + 1))
                    top = _Frame(kind is MappingStartEvent, loc, keep)
                    stack.append(top)
                    continue
            if top is None:
                return value
            if not top.is_map:
                top.container.append(value)
            elif top.key is _DROP_KEY:
                top.key = _DROP
            elif top.key is _DROP:
                top.key = _AWAIT
            else:
                top.container[top.key] = value
                top.key = _AWAIT

    def _refused_key(self, event: Any, top: _Frame, stack: list[_Frame]) -> None:
        """A key that is not a plain name, or repeated: report it; its value will be dropped."""
        mark = event.start_mark
        if type(event) is not ScalarEvent:
            if top.keep:
                self.fail(mark, top.loc, "keys must be plain names, not lists or mappings")
            if len(stack) > MAX_DEPTH:
                raise _Refused(f"nested too deeply (more than {MAX_DEPTH} levels)", mark)
            top.key = _DROP_KEY
            stack.append(_Frame(type(event) is MappingStartEvent, top.loc, False))
            return
        key = event.value
        if event.tag is not None:
            problem = "explicit tags (!name) are not allowed: write the plain value"
        elif key == "<<":
            problem = "merge keys (<<) are not allowed: write the values out"
        else:
            problem = f"duplicate key {shown_key(key)!r} (first defined on line {top.seen[key]})"
            if top.dash_hinted:
                # Already put down to a missing '- ': the item's other keys repeat it.
                top.key = _DROP
                return
            if top.loc and isinstance(top.loc[-1], int) and key == next(iter(top.seen)):
                # The item's first key again: most often a new list item whose '- ' was left out.
                problem += "; if a new item of the list starts here, begin it with '- '"
                top.dash_hinted = True
        if top.keep:
            self.fail(mark, (*top.loc, key), problem)
        top.key = _DROP

    def _plain(self, event: Any, loc: Loc) -> Any:
        """A plain (unquoted) scalar: YAML 1.2 core types, YAML 1.1 surprises refused."""
        text = event.value
        tag = "tag:yaml.org,2002:str"
        for candidate, regexp in _IMPLICIT[text[:1]]:
            if regexp.match(text):
                tag = candidate
                break
        mark = event.start_mark
        if tag == "tag:yaml.org,2002:str":
            return text
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() == "true"
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:int":
            if len(text.lstrip("+-")) > MAX_INT_DIGITS:
                self.fail(mark, loc, f"number too large (more than {MAX_INT_DIGITS} digits)")
                return None
            return int(text)
        if tag == "tag:yaml.org,2002:float":
            number = float(text)
            if not math.isfinite(number):
                self.fail(mark, loc, "number too large")
                return None
            return number
        if tag == "tag:yaml.org,2002:timestamp":
            return self._date(event, loc)
        if tag == _AMBIGUOUS_BOOL:
            self.fail(
                mark,
                loc,
                "this value is ambiguous in YAML (1.1 readers take yes/no/on/off/y/n as booleans): "
                "quote it, or write true/false",
            )
        else:
            self.fail(
                mark,
                loc,
                "this value is ambiguous in YAML (1.1 readers take a leading 0, 0x/0o/0b, "
                "underscores, base-60 such as 1:20, .inf and .nan as numbers): quote it, or write "
                "a plain decimal",
            )
        return None

    def _date(self, event: Any, loc: Loc) -> Any:
        text = event.value
        if not _STRICT_DATE.fullmatch(text):
            message = (
                "expected a real date written YYYY-MM-DD"
                if len(text) <= 10
                else "expected a date (YYYY-MM-DD), not a date and time"
            )
            self.fail(event.start_mark, loc, message)
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            self.fail(event.start_mark, loc, str(exc))
            return None


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


#: The usual YAML slips, for a syntax error the parser does not narrow down.
SYNTAX_HINT = (
    "check the line shown and the one above it: indentation (spaces only, lined up with the "
    "lines it belongs with), ': ' after each key, '- ' before each list item, and quotes "
    "around text containing ': ' or ' #'"
)


def _plain_syntax(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, Any]:
    """A parser error in an author's words, and the mark to point the caret at.

    libyaml's own wording (``while parsing a block collection did not find expected '-'
    indicator``) names parser states; this says what was found and what to do about it.
    """
    context, problem = str(exc.context or ""), str(exc.problem or "")
    pm, cm = exc.problem_mark, exc.context_mark
    opened = f" (opened on line {cm.line + 1})" if cm is not None else ""
    if "expected '-' indicator" in problem:
        return (
            "this line is indented differently from the list items above it"
            + (f" (the list starts on line {cm.line + 1})" if cm is not None else "")
            + ": line its '- ' up with the other items' dashes, or, if it belongs to the item "
            "above, indent it to line up with that item's keys",
            pm,
        )
    if "did not find expected key" in problem:
        found = _char_at(text, pm)
        if found == "-":
            return (
                "a list item ('- ') where a key was expected: a list goes under its own key "
                "(key:, then '- item' lines indented beneath it), or this line is indented wrongly",
                pm,
            )
        if pm is not None and cm is not None and pm.line == cm.line:
            return "more text after a closing quote: put the whole value inside the quotes", pm
        return (
            "this line is indented differently from the keys above it"
            + (f" (the mapping starts on line {cm.line + 1})" if cm is not None else "")
            + ": keys of one mapping line up in the same column; if it belongs inside the key "
            "above, indent it further, under that key",
            pm,
        )
    if "mapping values are not allowed" in problem:
        line = _line_at(text, pm)
        key = re.match(r"( *)[A-Za-z_][A-Za-z0-9_.-]*:", line)
        if key is not None and pm is not None and key.end() - 1 == pm.column:
            at_key = yaml.Mark("", pm.index, pm.line, len(key.group(1)), None, None)
            return (
                "this key is indented further than the keys above it: line it up with them, in "
                "the same column (or, if it belongs inside the key above, that key needs a colon "
                "and nothing after it)",
                at_key,
            )
        return (
            "a ': ' inside a value: a value containing a colon and a space goes in quotes "
            "(title: \"Note: this\")",
            pm,
        )
    if "could not find expected ':'" in problem:
        return (
            "this line is neither 'key: value' nor '- item': a colon after the key is missing "
            "(or the '- ' of a list item), or text carried over from the line above needs "
            "indenting under its key",
            cm or pm,
        )
    if "block sequence entries are not allowed" in problem:
        return (
            "a list item ('- ') cannot follow a key on the same line: put each '- item' on its "
            "own line, indented under the key",
            pm,
        )
    if "flow mapping" in context or "flow sequence" in context:
        close = "}" if "mapping" in context else "]"
        start = "{" if close == "}" else "["
        return (
            f"the '{start}'{opened} is not closed where expected: a ',' between entries or the "
            f"closing '{close}' is missing, or a value containing ': ', ',' or '{close}' needs quotes",
            pm,
        )
    if "quoted scalar" in context:
        return (
            "a quote opened here is never closed: add the closing quote (a ' inside '...' is "
            "written twice: 'it''s')",
            cm or pm,
        )
    if "cannot start any token" in problem:
        found = _char_at(text, pm)
        what = f"'{found}'" if found in ("@", "`", "%", "|", ">") else "this character"
        return f"a value cannot start with {what}: put the value in quotes", pm
    if "an alias" in context or "an anchor" in context:
        return (
            "'*' and '&' start YAML aliases and anchors, which are not allowed: put the value in "
            "quotes",
            cm or pm,
        )
    if "block scalar" in context:
        return (
            "after '|' or '>' the text goes on the following lines, indented: put nothing else "
            "on this line, or quote the value instead",
            pm,
        )
    if "directive" in context:
        return "a line starting with '%' is a YAML directive: remove it, or quote the value", cm or pm
    return f"YAML cannot read this line; {SYNTAX_HINT}", pm or cm


def _line_at(text: str, mark: Any) -> str:
    if mark is None:
        return ""
    lines = text.split("\n", mark.line + 1)
    return lines[mark.line][:500] if len(lines) > mark.line else ""


def _char_at(text: str, mark: Any) -> str:
    if mark is None:
        return ""
    index = getattr(mark, "index", None)
    if isinstance(index, int) and 0 <= index < len(text):
        return text[index]
    return ""


#: Widest slice of a line shown under a message, in characters.
EXCERPT_WIDTH = 100


def excerpt(text: str, line: int, column: int) -> str:
    """Line ``line`` (1-based) of ``text`` and the non-blank line above it, numbered, with a
    caret under ``column``: what an author needs to see an indentation slip. Bounded: a long
    line is shown as the ``EXCERPT_WIDTH`` characters around the column; characters that do
    not print are shown as '?', and a tab as '→', so the caret stays aligned."""
    lines = text.split("\n", line)
    if line < 1 or len(lines) < line:
        return ""
    shown: list[tuple[int, str]] = []
    above = next((n for n in range(line - 1, max(line - 4, 0), -1) if lines[n - 1].strip()), None)
    if above is not None:
        shown.append((above, lines[above - 1]))
    shown.append((line, lines[line - 1]))
    width = len(str(line))
    start = max(0, column - 1 - EXCERPT_WIDTH // 2)
    out = []
    for number, raw in shown:
        body = raw.rstrip("\r")[start : start + EXCERPT_WIDTH]
        body = "".join(c if c.isprintable() else "→" if c == "\t" else "?" for c in body)
        lead = "…" if start else ""
        tail = "…" if len(raw.rstrip("\r")) > start + EXCERPT_WIDTH else ""
        out.append(f"  {number:>{width}} | {lead}{body}{tail}")
    caret = " " * (column - 1 - start + (1 if start else 0)) + "^"
    out.append(f"  {'':>{width}} | {caret}")
    return "\n".join(out)


def _syntax_problem(
    exc: yaml.MarkedYAMLError, text: str, file: str | None, show_lines: bool
) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if mark is not None and ("tab" in str(exc.problem) or "cannot start any token" in str(exc.problem)):
        lines = text.split("\n", mark.line + 1)
        if len(lines) > mark.line and "\t" in lines[mark.line][: mark.column + 1]:
            shown = excerpt(text, line, col) if show_lines else None
            return Problem("", "a tab cannot indent YAML: use spaces", file, line, col, excerpt=shown)
    if "maximum nesting depth" in str(exc.problem):  # libyaml's own limit, 1000 levels
        return Problem("", f"nested too deeply (more than {MAX_DEPTH} levels)", file, line, col)
    message, at = _plain_syntax(exc, text)
    if at is not None:
        line, col = at.line + 1, at.column + 1
    shown = excerpt(text, line, col) if show_lines else None
    return Problem("", message, file, line, col, excerpt=shown)


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
    parser = _EventParser(text)
    builder = _Builder(file)
    try:
        data = builder.document(parser)
    except _Refused as exc:
        mark = exc.mark
        return Document(None, file), [
            *builder.problems,
            Problem("", exc.message, file, mark.line + 1, mark.column + 1),
        ]
    except yaml.MarkedYAMLError as exc:
        return Document(None, file), [_syntax_problem(exc, text, file, show_lines)]
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
            return Document(None, name), [
                Problem("", f"{encoding} text: save the file as UTF-8", name, 1, 1)
            ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Document(None, name), [Problem("", f"not UTF-8 text (byte {exc.start})", name, 1, 1)]
    return parse_yaml(text, name, show_lines=show_lines)
