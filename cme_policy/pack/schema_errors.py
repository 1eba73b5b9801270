"""Pydantic's validation errors in a pack author's words.

A misspelt key or value gets a did-you-mean from what is allowed at that spot, a key indented
one level too far or not far enough is named as an indentation slip, and validator jargon is
replaced by plain messages that never repeat a value.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from ..suggest import did_you_mean
from ..yaml_io import Document, shown_key
from . import model as m
from .model import CONDITION_TAGS, Policy

#: What a value of each enum-typed key is called in messages.
_ENUM_WORDS = {
    "kind": "action kind",
    "actor": "actor",
    "completed_by": "history event",
    "type": "deadline type",
    "pack_format": "pack format",
}


def model_problems(
    exc: ValidationError, doc: Document, root: type[BaseModel], base: tuple[str | int, ...] = ()
) -> list[Problem]:
    """Pydantic's errors for ``root`` (read from ``doc`` at ``base``) in an author's words.

    A misspelt key or enum value gets a short did-you-mean from the keys allowed at that very
    spot, instead of the list of every allowed value; a key that is allowed one level down
    (inside a sibling left empty) or one level up is named as an indentation slip; a missing
    key that a misspelt or misplaced one was meant to be is reported once, at the misspelling.
    """
    out: list[Problem] = []
    hinted: set[tuple[tuple[Any, ...], str]] = set()
    moved_into: set[tuple[Any, ...]] = set()
    errors = exc.errors(include_url=False)
    for err in errors:
        raw = tuple(err["loc"])
        loc = (*base, *(p for p in raw if p not in CONDITION_TAGS))
        if err["type"] == "extra_forbidden" and loc and isinstance(loc[-1], str):
            key = loc[-1]
            names = _field_names_at(raw[:-1], root)
            misplaced = _misplaced(doc, raw, loc, root)
            if misplaced is not None:
                message, meant, emptied_key = misplaced
                if meant is not None:
                    hinted.add(meant)
                if emptied_key is not None:
                    moved_into.add(emptied_key)
                out.append(doc.problem(loc, message))
                continue
            close = difflib.get_close_matches(key, sorted(names), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            if close:
                hinted.add((loc[:-1], close[0]))
            allowed = f"; allowed here: {', '.join(sorted(names))}" if names and not close else ""
            out.append(doc.problem(loc, f"unknown key {shown_key(key)!r}{hint}{allowed}"))
            continue
        if err["type"] in ("enum", "literal_error") and isinstance(err.get("input"), str):
            expected = _enum_values(err)
            field = next((p for p in reversed(loc) if isinstance(p, str)), "value")
            word = _ENUM_WORDS.get(field, field.replace("_", " "))
            value = err["input"]
            hint = did_you_mean(value, expected)
            more = (
                ""
                if hint
                else f"; expected one of {', '.join(expected)}"
                if len(expected) <= 8
                else ("; see the schema (cme-policy schema) for the full list")
            )
            out.append(doc.problem(loc, f"unknown {word} {shown_key(value)!r}{hint}{more}"))
            continue
        msg = plain_message(err, " here" if base else " at the top of the file")
        if err["type"] == "condition" and isinstance(err.get("input"), dict):
            for key in err["input"]:
                close = difflib.get_close_matches(str(key), ["all", "any", "not", "fact"], n=1, cutoff=0.6)
                if close:
                    msg += f" (did you mean {close[0]!r} for {shown_key(str(key))!r}?)"
                    break
        if err["type"].endswith(("_type", "_parsing")) and "input" in err:
            msg += f" (got {_yaml_kind(err['input'])})"
        out.append(doc.problem(loc, msg))
    # A required key reported missing right where a misspelling of it was found: say it once.
    missing = {
        ((*base, *(p for p in e["loc"][:-1] if p not in CONDITION_TAGS)), str(e["loc"][-1]))
        for e in errors
        if e["type"] == "missing" and e["loc"]
    }
    drop = {doc.problem((*parent, name), "").path for parent, name in missing & hinted}
    # A key left empty because what belongs in it was dedented: the dedented keys say it all.
    emptied = {doc.problem(spot, "").path for spot in moved_into}
    return [
        p
        for p in out
        if not (p.path in drop and p.message.startswith("required key"))
        and not (p.path in emptied and "(got nothing (null))" in p.message)
    ]


#: Pydantic's messages by error type, in an author's words (no "Field required", "Input
#: should be", "Value error"). ``{}`` fields come from the error's context.
_PLAIN = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list (lines starting '- ' under the key, or [a, b])",
    "tuple_type": "expected a list (lines starting '- ' under the key, or [a, b])",
    "dict_type": "expected a mapping ('key: value' lines indented under the key)",
    "model_type": "expected a mapping ('key: value' lines indented under the key)",
    "model_attributes_type": "expected a mapping ('key: value' lines indented under the key)",
    "date_type": "expected a date written YYYY-MM-DD",
    "date_parsing": "expected a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "expected a date written YYYY-MM-DD, without a time",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "string_too_long": "too long: at most {max_length} characters",
    "too_long": "too many entries: at most {max_length}",
}

#: Patterns of the pack language, as an author would write to match them.
_PATTERNS = {
    r"^[a-z][a-z0-9_]*$": "must be lower-case letters, digits and underscores, starting with a letter",
    r"^\d{4}/\d{2}$": "must be an academic year written like 2024/25",
}


def plain_message(err: Any, top: str = " at the top of the file") -> str:
    """One pydantic error's message in plain words (never the value: inputs are hidden)."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        loc = [p for p in err["loc"] if p not in CONDITION_TAGS]
        name = loc[-1] if loc else "value"
        parent = next((p for p in reversed(loc[:-1]) if isinstance(p, str)), None)
        if parent is None:
            under = top
        elif isinstance(loc[-2], int):
            under = f" to this entry of {parent!r}"
        else:
            under = f" under {parent!r}"
        return f"required key {shown_key(str(name))!r} is missing: add it{under}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return "must not be empty: give at least one entry" if n == 1 else f"needs at least {n} entries"
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(str(ctx.get("pattern")), "is not written in the expected form")
    if kind in _PLAIN:
        try:
            return _PLAIN[kind].format(**ctx)
        except (KeyError, IndexError):
            return _PLAIN[kind].split(":")[0]
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    if msg.startswith("Assertion failed, "):
        return msg[len("Assertion failed, ") :]
    return msg.replace("Input should be", "should be")


Misplaced = tuple[str, tuple[tuple[Any, ...], str] | None, tuple[Any, ...] | None]


def _misplaced(
    doc: Document, raw: tuple[Any, ...], loc: tuple[Any, ...], root: type[BaseModel]
) -> Misplaced | None:
    """An unknown key that is a known key one level down (inside a sibling key left empty or
    holding a mapping) or one level up: an indentation slip, not a misspelling. Returns the
    message, (mapping, key) where it belongs when that is one level up (its "missing" there is
    then not reported again), and the sibling it belongs in when one level down."""
    key = loc[-1]
    parent = _data_at(doc.data, loc[:-1])
    if not isinstance(parent, dict):
        return None
    line = doc.position(loc)[0]
    # One level down: a sibling written just above it whose own keys include this one.
    candidates = []
    for sibling, value in parent.items():
        if sibling == key or not (value is None or isinstance(value, dict)):
            continue
        if key in _field_names_at((*raw[:-1], sibling), root):
            sline = doc.position((*loc[:-1], sibling))[0]
            if sline < line:
                candidates.append((sline, sibling))
    if candidates:
        sline, sibling = max(candidates)
        message = (
            f"{shown_key(key)!r} belongs inside {sibling!r} (line {sline}): it is indented as "
            f"if it were beside it; indent it further, under {sibling!r}"
        )
        return message, None, (*loc[:-1], sibling)
    # One level up: a key of the mapping that holds this one.
    up_raw = _parent_key_loc(raw[:-1])
    up_loc = _parent_key_loc(loc[:-1])
    if up_raw is None or up_loc is None or not loc[:-1]:
        return None
    holder = (
        loc[:-1][-1]
        if isinstance(loc[:-1][-1], str)
        else next((p for p in reversed(loc[:-1]) if isinstance(p, str)), None)
    )
    if holder is not None and key in _field_names_at(up_raw, root):
        message = (
            f"{shown_key(key)!r} belongs one level up, beside {holder!r}: it is indented as if "
            f"it were inside {holder!r}; indent it less, in line with {holder!r}"
        )
        return message, (up_loc, key), None
    return None


def _parent_key_loc(loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The location of the mapping holding the key that ``loc`` ends in (list indexes and
    union tags skipped), or None at the top."""
    rest = list(loc)
    while rest and (isinstance(rest[-1], int) or rest[-1] in CONDITION_TAGS):
        rest.pop()
    if not rest:
        return None
    rest.pop()
    while rest and rest[-1] in CONDITION_TAGS:
        rest.pop()
    return tuple(rest)


def _data_at(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_list or (isinstance(data, dict) and part in data):
            data = data[part]
        else:
            return None
    return data


def _yaml_kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


def _enum_values(err: Any) -> list[str]:
    expected = str((err.get("ctx") or {}).get("expected", ""))
    return re.findall(r"'([^']*)'", expected)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _field_names_at(raw_loc: tuple[Any, ...], root: type[BaseModel] = Policy) -> set[str]:
    """The keys allowed in the mapping at ``raw_loc`` (a pydantic error location)."""
    current: list[type[BaseModel]] = [root]
    for part in raw_loc:
        if isinstance(part, int):
            continue
        if part in CONDITION_TAGS:
            current = [getattr(m, str(part))]
            continue
        nxt: list[type[BaseModel]] = []
        for cls in current:
            for name, f in cls.model_fields.items():
                if part in (name, f.alias):
                    nxt.extend(_models_in(f.annotation))
        current = nxt
        if not current:
            return set()
    return {f.alias or name for cls in current for name, f in cls.model_fields.items()}
