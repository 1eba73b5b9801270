"""A case seen on one day: its history cut at that day and indexed, its dated changes, and
``UNKNOWN``, the value of whatever the case does not say.

:class:`CaseView` is what every fact (:mod:`cme_policy.facts`) and the engine read a case
through. Views of the same case on different days share its indexes, so a question such as
"was a referral recorded by then, and when first?" is answered by bisection, never by a scan.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .calendar import SchoolCalendar
from .case import Case, Change, Event
from .vocabulary import IMPLIED_BY, EventKind


class _Unknown:
    _instance = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value: use three-valued logic")


UNKNOWN: Any = _Unknown()


class HistoryIndex:
    """A case's history sorted once and indexed by event kind, so that a view of the case on any
    day answers "was X recorded by then, and when first/last?" by bisection, never by a scan."""

    def __init__(self, history: Iterable[Event]) -> None:
        ordered = sorted(history, key=lambda e: e.on)  # stable: same-day events keep their order
        self.events = ordered
        self.dates = [e.on for e in ordered]
        self.by_kind: dict[EventKind, list[tuple[int, Event]]] = {}
        for pos, e in enumerate(ordered):
            self.by_kind.setdefault(e.event, []).append((pos, e))
        self.kind_dates = {k: [e.on for _, e in v] for k, v in self.by_kind.items()}


class ChangeIndex:
    """A case's dated changes, per fact, oldest first (see :class:`cme_policy.case_model.Change`)."""

    def __init__(self, changes: Iterable[Change]) -> None:
        per: dict[str, list[Change]] = {}
        for c in sorted(changes, key=lambda c: c.on):
            per.setdefault(c.field, []).append(c)
        self.dates = {f: [c.on for c in cs] for f, cs in per.items()}
        self.values = {f: [c.value for c in cs] for f, cs in per.items()}

    def days(self) -> set[dt.date]:
        return {d for ds in self.dates.values() for d in ds}


class CaseView:
    """A case seen on one evaluation date: history cut at that date, calendar attached."""

    def __init__(
        self,
        case: Case,
        on: dt.date,
        calendar: SchoolCalendar,
        index: HistoryIndex | None = None,
        changes: ChangeIndex | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.case = case
        self.on = on
        self.today = today if today is not None else on  # the evaluation date of the run
        self.calendar = calendar
        self.history_known = case.history is not None
        self.index = index if index is not None else HistoryIndex(case.history or ())
        self.changes = changes if changes is not None else ChangeIndex(case.changes)
        self._cut = bisect_right(self.index.dates, on)
        self.ignored_future_events = len(self.index.dates) - self._cut

    def as_of(self, day: dt.date) -> CaseView:
        """The same case seen on another day (history cut there), sharing the indexes."""
        return CaseView(self.case, day, self.calendar, self.index, self.changes, self.today)

    def field(self, section: str, name: str) -> Any:
        """A case field as it stood on the view's day: the field's own value when it has no
        dated change; otherwise its latest change on or before that day, and unknown
        (``None``) before its first change."""
        path = f"{section}.{name}"
        dates = self.changes.dates.get(path)
        if dates:
            i = bisect_right(dates, self.on)
            return self.changes.values[path][i - 1] if i else None
        return getattr(getattr(self.case, section), name)

    @property
    def events(self) -> list[Event]:
        """Every event recorded on or before the evaluation date, oldest first."""
        return self.index.events[: self._cut]

    def of_kind(self, kind: EventKind) -> list[tuple[int, Event]]:
        """(position, event) of each ``kind`` event on or before the evaluation date."""
        found = self.index.by_kind.get(kind)
        if not found:
            return []
        return found[: bisect_right(self.index.kind_dates[kind], self.on)]

    def first(self, kind: EventKind) -> dt.date | None:
        found = self.index.by_kind.get(kind)
        return found[0][1].on if found and found[0][1].on <= self.on else None

    def latest(self, kind: EventKind) -> dt.date | None:
        found = self.of_kind(kind)
        return found[-1][1].on if found else None

    def dates_of(self, kinds: Iterable[EventKind], since: dt.date | None = None) -> list[dt.date]:
        """Sorted dates of the events of these kinds, on or after ``since``, up to the view date."""
        out: list[dt.date] = []
        for kind in kinds:
            dates = self.index.kind_dates.get(kind)
            if dates:
                lo = 0 if since is None else bisect_left(dates, since)
                out.extend(dates[lo : bisect_right(dates, self.on)])
        out.sort()
        return out

    def implied(self, kind: EventKind) -> Implied | None:
        """When ``kind`` is not recorded but a later record proves it happened (an assigned
        referral was made): the earliest such record, on or before which it happened."""
        proofs = IMPLIED_BY.get(kind)
        if not proofs:
            return None
        found = [(d, by) for by in proofs if (d := self.first(by)) is not None]
        if not found:
            return None
        day, by = min(found)
        return Implied(kind, by, day)

    def has(self, kind: EventKind) -> Any:
        found = self.index.by_kind.get(kind)
        if found and found[0][1].on <= self.on:
            return True
        if kind in IMPLIED_BY and self.implied(kind) is not None:
            return True
        return False if self.history_known else UNKNOWN


@dataclass(frozen=True)
class Implied:
    """An event known to have happened on or before ``latest`` (implied by ``by``), undated."""

    kind: EventKind
    by: EventKind
    latest: dt.date
