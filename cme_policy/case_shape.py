"""Limits on a case as plain data (decoded JSON or YAML), checked before any model is built.

They bound the work and memory of validation and keep pathological values (deep nesting, a
list that contains itself, megabyte strings, millions of entries) away from the models: a case
breaking one is refused with the field path of each value at fault, never the value itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from typing import Any

# Input limits, checked on the plain data before any model is built (README, "Untrusted input
# and limits"). Each is far above what a real case needs: the deepest field,
# school.term_dates[i].terms[j].start_on, is five levels down.
MAX_HISTORY = 10_000
MAX_TEXT = 200
MAX_DEPTH = 8
MAX_FIELDS = 32
MAX_VALUES = 200_000

Loc = tuple[str | int, ...]


def shape_problems(data: Any) -> list[tuple[Loc, str]]:
    """Limits on the plain data, checked with an explicit stack before pydantic sees it.

    Bounds the work and memory of validation and keeps pathological values (deep nesting, a
    list that contains itself, megabyte strings, millions of entries) away from the models.
    A case well inside every limit (nearly all of them) is passed by :func:`_values_within`
    without building a field path for each value; any other is walked here, path by path.
    """
    if 0 <= _values_within(data, 0) <= MAX_VALUES:
        return []
    return walk_shape(data)


def walk_shape(data: Any) -> list[tuple[Loc, str]]:
    """Every limit the plain data breaks, with its field path (see :func:`shape_problems`)."""
    problems: list[tuple[Loc, str]] = []
    stack: list[tuple[Any, Loc]] = [(data, ())]
    count = 0
    while stack:
        value, loc = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return [((), f"the case has more than {MAX_VALUES} values")]
        if len(loc) > MAX_DEPTH:
            problems.append((loc, f"nested more than {MAX_DEPTH} levels deep"))
            continue
        if isinstance(value, str | bytes | bytearray):
            if len(value) > MAX_TEXT:
                problems.append((loc, f"text longer than {MAX_TEXT} characters"))
        elif isinstance(value, Mapping):
            if len(value) > MAX_FIELDS:
                problems.append((loc, f"more than {MAX_FIELDS} fields"))
                continue
            for key, item in value.items():
                if not isinstance(key, str):
                    problems.append((loc, "field names must be text"))
                    continue
                stack.append((item, (*loc, key)))
        elif isinstance(value, list | tuple | Set):
            if len(value) > MAX_HISTORY:
                problems.append((loc, f"more than {MAX_HISTORY} entries"))
                continue
            stack.extend((item, (*loc, i)) for i, item in enumerate(value))
        elif isinstance(value, Iterator):
            problems.append((loc, "expected a list, not an iterator"))
    return problems


#: Values that are never a problem in themselves (counted, not looked into).
_SCALARS = frozenset({bool, int, float, type(None)})


def _values_within(value: Any, depth: int) -> int:
    """How many values ``value`` holds (itself included), or -1 where :func:`shape_problems`
    could find anything to report: it says no more than that the walk would find nothing.
    Recursion is bounded by :data:`MAX_DEPTH`."""
    if depth > MAX_DEPTH:
        return -1
    kind = type(value)
    # Decoded JSON holds plain dicts and lists: asked of exactly those types first, since an
    # isinstance check against Mapping or Set goes through the ABC machinery.
    if kind is dict:
        if len(value) > MAX_FIELDS or not all(type(k) is str for k in value):
            return -1  # (a key of a str subclass is left to the walk, which reports exactly)
        items: Any = value.values()
    elif kind is list:
        if len(value) > MAX_HISTORY:
            return -1
        items = value
    elif isinstance(value, str | bytes | bytearray):
        return 1 if len(value) <= MAX_TEXT else -1
    elif isinstance(value, Mapping):
        if len(value) > MAX_FIELDS:
            return -1
        items = value.values()
        if not all(isinstance(k, str) for k in value):
            return -1
    elif isinstance(value, list | tuple | Set):
        if len(value) > MAX_HISTORY:
            return -1
        items = value
    elif isinstance(value, Iterator):
        return -1
    else:
        return 1
    n = 1
    for item in items:
        if depth >= MAX_DEPTH:  # the item itself is nested too deep
            return -1
        if type(item) in _SCALARS:
            n += 1
        elif type(item) is str:
            if len(item) > MAX_TEXT:
                return -1
            n += 1
        else:
            got = _values_within(item, depth + 1)
            if got < 0:
                return -1
            n += got
    return n
