"""Strict, safe YAML reading that remembers where every value came from.

Packs may come from people we do not fully trust and are edited by hand, so this refuses what
PyYAML's safe loader silently accepts: duplicate keys (it keeps the last), anchors and aliases
(they can multiply work), any explicit tag, YAML 1.1 scalars whose meaning surprises people
(``no`` read as false, ``010`` read as 8, ``1:20`` read as 80), over-deep nesting and huge files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .errors import Problem

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000

Loc = tuple[str | int, ...]

_AMBIGUOUS = "tag:cme-policy:ambiguous"


class _Resolver(BaseResolver):
    """YAML 1.2 core scalars, plus a tag that flags YAML 1.1 spellings we refuse to guess at."""


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
    _AMBIGUOUS,
    re.compile(
        r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"
        r"|[-+]?0[0-9_]+|[-+]?0[xob][0-9a-fA-F_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?[0-9][0-9_]*_[0-9_]*)$"
    ),
    list("yYnNoO-+0123456789."),
)


class _Loader(Reader, Scanner, Parser, Composer, _Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Resolver.__init__(self)

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused("aliases (*name) are not allowed: write the value out", event.start_mark)
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused("anchors (&name) are not allowed: write the value out", event.start_mark)
        return super().compose_node(parent, index)


class _Refused(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


@dataclass
class Document:
    """Plain data read from YAML, with the line and column of every path in it."""

    data: Any
    file: str | None
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Loc) -> tuple[int, int]:
        """Line and column of ``loc``, or of its longest prefix that has one."""
        for end in range(len(loc), -1, -1):
            hit = self.positions.get(tuple(loc[:end]))
            if hit is not None:
                return hit
        return (1, 1)

    def problem(self, loc: Loc, message: str, severity: str = "error") -> Problem:
        line, col = self.position(loc)
        return Problem(format_loc(loc), message, self.file, line, col, severity)


def format_loc(loc: Loc) -> str:
    """``("rules", 2, "then")`` -> ``rules[2].then``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Builder:
    def __init__(self, file: str | None) -> None:
        self.file = file
        self.positions: dict[Loc, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.count = 0

    def fail(self, node: Node, loc: Loc, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(format_loc(loc), message, self.file, mark.line + 1, mark.column + 1))

    def build(self, node: Node, loc: Loc, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Refused(f"document has more than {MAX_NODES} values", node.start_mark)
        if depth > MAX_DEPTH:
            raise _Refused(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
        self.positions.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, SequenceNode):
            self._plain_tag(node, loc, "tag:yaml.org,2002:seq")
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, loc)

    def _plain_tag(self, node: Node, loc: Loc, expected: str) -> None:
        if node.tag != expected:
            self.fail(node, loc, f"explicit tag {node.tag!r} is not allowed")

    def _mapping(self, node: MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        self._plain_tag(node, loc, "tag:yaml.org,2002:map")
        out: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, loc, "keys must be plain names")
                continue
            if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
                self.fail(key_node, loc, "merge keys (<<) are not allowed")
                continue
            # Keys are names, always text: `on:` and `no:` are keys, never booleans.
            key = key_node.value
            child = (*loc, key)
            if key in seen:
                self.fail(key_node, child, f"duplicate key {key!r} (first defined on line {seen[key]})")
                continue
            seen[key] = key_node.start_mark.line + 1
            self.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, child, depth + 1)
            # The value's own position is more useful for type errors on scalars.
            if isinstance(value_node, ScalarNode):
                self.positions[child] = (
                    value_node.start_mark.line + 1,
                    value_node.start_mark.column + 1,
                )
        return out

    def _scalar(self, node: ScalarNode, loc: Loc) -> Any:
        tag, text = node.tag, node.value
        if tag == _AMBIGUOUS:
            self.fail(
                node,
                loc,
                f"{text!r} is ambiguous in YAML (1.1 readers take it as a boolean or an octal or "
                "base-60 number): quote it, or write true/false or a plain decimal",
            )
            return None
        if tag == "tag:yaml.org,2002:str":
            return text
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() == "true"
        if tag == "tag:yaml.org,2002:int":
            return int(text)
        if tag == "tag:yaml.org,2002:float":
            return float(text)
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:timestamp":
            return _timestamp(self, node, loc)
        self.fail(node, loc, f"explicit tag {tag!r} is not allowed")
        return None


def _timestamp(builder: _Builder, node: ScalarNode, loc: Loc) -> Any:
    from yaml.constructor import ConstructorError, SafeConstructor

    try:
        return SafeConstructor().construct_yaml_timestamp(node)
    except (ValueError, ConstructorError):
        builder.fail(node, loc, "not a real calendar date")
        return None


def parse_yaml(text: str, file: str | None = None) -> tuple[Document, list[Problem]]:
    """Parse one YAML document strictly. Returns the document and every problem found."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return Document(None, file), [Problem("", f"file is larger than {MAX_BYTES // 1024} KiB", file, 1, 1)]
    loader = _Loader(text)
    builder = _Builder(file)
    try:
        root = loader.get_single_node()
        data = builder.build(root, ()) if root is not None else None
    except _Refused as exc:
        mark = exc.mark
        return Document(None, file), [
            *builder.problems,
            Problem("", exc.message, file, mark.line + 1, mark.column + 1),
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        return Document(None, file), [Problem("", f"YAML syntax error: {message}", file, line, col)]
    except yaml.YAMLError as exc:
        return Document(None, file), [Problem("", f"YAML error: {exc}", file, 1, 1)]
    finally:
        loader.dispose()
    return Document(data, file, builder.positions), builder.problems


def read_yaml_file(path: str | Path) -> tuple[Document, list[Problem]]:
    """Read a file (size-capped before reading it all) and parse it strictly."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            return Document(None, name), [
                Problem("", f"file is larger than {MAX_BYTES // 1024} KiB", name, 1, 1)
            ]
        raw = p.read_bytes()
    except OSError as exc:
        return Document(None, name), [Problem("", f"cannot read file: {exc.strerror}", name)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Document(None, name), [Problem("", f"not UTF-8 text (byte {exc.start})", name, 1, 1)]
    return parse_yaml(text, name)
