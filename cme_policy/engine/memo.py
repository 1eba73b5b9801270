"""Remembering pure functions of immutable engine objects: packs, rules, dates, findings.

Across a caseload the engine meets the same situation again and again: the same deadline
counted from the same day, the same rule finding the same thing, the same findings combined
into the same verdict. Each of those is a pure function of what it is given, so it is
remembered here and the very same (immutable) object is returned each time.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any


class Remembered:
    """A bounded memo for a pure function of some objects (by identity) and plain values.

    The key holds the objects' ids and the entry holds the objects, so an id is never reused
    while its entry lives; a hit is checked to be the very same objects. Past ``kept`` entries
    the memo starts again (a long run over many dates stays bounded). Safe under threads: a
    lost race only computes a value twice.
    """

    def __init__(self, kept: int) -> None:
        self.kept = kept
        self._entries: dict[Hashable, tuple[tuple[object, ...], Any]] = {}

    def get(self, key: Hashable, objects: tuple[object, ...]) -> Any:
        hit = self._entries.get(key)
        if hit is None:
            return None
        held, value = hit
        # The key holds the objects' ids and the entry keeps those objects alive, so the ones
        # held are the ones given; checked all the same, in one tuple comparison in C (each
        # element is compared by identity first: no __eq__ runs for the very same object).
        return value if held == objects else None

    def put(self, key: Hashable, objects: tuple[object, ...], value: Any) -> Any:
        if len(self._entries) >= self.kept:
            self._entries.clear()
        self._entries[key] = (objects, value)
        return value
