"""The strict YAML builder behind :mod:`cme_policy.yaml_io`: parser events turned into plain data
one at a time, with the line and column of every value.

YAML 1.2 core scalars only. YAML 1.1 spellings whose meaning surprises people (``no``, ``010``,
``1:20``), dates not written ``YYYY-MM-DD``, explicit tags, and duplicate, merge and non-scalar
keys are reported where they are; anchors, aliases, a second document, and passing
``MAX_DEPTH`` levels or ``MAX_NODES`` values stop the reading there. Messages name keys only as
:func:`shown_key` shows them, never a value.
"""

from __future__ import annotations

import math
import re
from typing import Any

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

MAX_DEPTH = 64
MAX_NODES = 100_000
MAX_KEY_SHOWN = 40
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


try:  # libyaml parses about twenty times faster; the pure-Python parser gives the same events.
    from yaml.cyaml import CParser as EventParser
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class EventParser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class Refused(Exception):
    """Reading stops here: the rest of the file is not looked at."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


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


class Builder:
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
            raise Refused("expected a YAML document", event.start_mark)
        data = self._node_tree(parser)
        parser.get_event()  # DocumentEndEvent
        event = parser.get_event()
        if not isinstance(event, StreamEndEvent):
            raise Refused("a file holds one YAML document: remove the second '---'", event.start_mark)
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
                    raise Refused(f"too many keys and values (more than {MAX_NODES})", mark)
                if kind is AliasEvent:
                    raise Refused("aliases (*name) are not allowed: write the value out", mark)
                if event.anchor is not None:
                    raise Refused("anchors (&name) are not allowed: write the value out", mark)
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
                    raise Refused(f"nested too deeply (more than {MAX_DEPTH} levels)", mark)
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
                raise Refused(f"nested too deeply (more than {MAX_DEPTH} levels)", mark)
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
