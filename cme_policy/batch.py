"""Evaluating a caseload: :func:`evaluate_many` streams one item per case, in constant memory.

Each record is a case as :func:`cme_policy.parse_case` takes it, plus one optional top-level key,
``policy``, naming the authority whose procedure applies to that case (a shipped authority id
such as ``kent``, or the id of the pack passed as ``policy=``). It is taken out of the record
before the case is validated, so a case stays what it is everywhere else. A record without it
uses ``policy=``.

The items come back in input order, exactly one per record: an
:class:`~cme_policy.result.EvaluationResult` (carrying the record's ``case_ref``), or a
:class:`RecordError` for a record that could not be evaluated, with its position and every
problem's field path, never a value from the record. A bad record never stops the batch. Packs
are loaded once per batch; nothing is kept from one record to the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .calendar import SchoolCalendar
from .case import Case, check_case
from .engine.evaluate import evaluate_parsed, national_floor, parse_on
from .errors import InputError, Problem
from .pack.load import PolicyPack, load_policy, shipped_policies
from .result import EvaluationResult
from .yaml_io import format_loc

#: The record key that names a case's authority (taken out before the case is validated).
POLICY_KEY = "policy"

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Record:
    """One case record read from a file: the plain data and where it came from, so that a
    problem with it can be located. ``locate`` maps a field path inside the record to a line
    and column (a YAML list has one for every value); without it, problems get ``line``."""

    data: Any
    file: str | None = None
    line: int | None = None
    locate: Callable[[Loc], tuple[int, int]] | None = field(default=None, repr=False, compare=False)

    def problem(self, loc: Loc, message: str) -> Problem:
        if self.locate is not None:
            line, column = self.locate(loc)
            return Problem(format_loc(loc), message, self.file, line, column)
        return Problem(format_loc(loc), message, self.file, self.line, None if self.line is None else 1)


@dataclass(frozen=True)
class RecordError:
    """A record that could not be evaluated: yielded in its place, never raised.

    ``position`` is the record's 1-based place in the input (the n-th case read); ``case_ref``
    is the record's own reference when it could be read; ``problems`` name field paths (and
    file and line, for a file), never a value from the record.
    """

    position: int
    case_ref: str | None
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        ref = f" ({self.case_ref})" if self.case_ref else ""
        return f"record {self.position}{ref}: " + "; ".join(str(p) for p in self.problems)


Item = EvaluationResult | RecordError


def evaluate_many(
    cases: Iterable[Mapping[str, Any] | Case | Record | RecordError],
    *,
    on: dt.date | str,
    policy: PolicyPack | str | Path | None = None,
    calendar: SchoolCalendar | str | Path | None = None,
    statutory_floor: bool = True,
) -> Iterator[Item]:
    """One :class:`~cme_policy.result.EvaluationResult` or :class:`RecordError` per case, in
    input order, each evaluated as :func:`cme_policy.evaluate` would on the date ``on``.

    ``cases`` may be any iterable (a generator reading a file is read one record at a time):
    plain mappings (with an optional ``policy`` key naming the case's authority), :class:`Case`
    objects, :class:`Record` items from :mod:`cme_policy.caseload`, or a reader's
    :class:`RecordError` (passed through). ``policy`` is the pack for records that name none;
    ``calendar`` is laid over every pack's term dates, as in :func:`cme_policy.load_policy`.

    A bad date, pack or calendar raises here, before any record is read; a bad record only
    gives a :class:`RecordError`.
    """
    return Batch(policy, calendar=calendar, statutory_floor=statutory_floor).run(cases, on=on)


class Batch:
    """The packs of one batch, each loaded (with its calendar and floor) the first time a
    record names it, and the loop that evaluates records against them."""

    def __init__(
        self,
        policy: PolicyPack | str | Path | None = None,
        *,
        calendar: SchoolCalendar | str | Path | None = None,
        statutory_floor: bool = True,
    ) -> None:
        self.calendar = calendar
        self.statutory_floor = statutory_floor
        self._packs: dict[str, tuple[PolicyPack, PolicyPack | None]] = {}
        self.default: tuple[PolicyPack, PolicyPack | None] | None = None
        if policy is not None:
            self.default = self._load(policy)
            self._packs[self.default[0].id] = self.default

    def _load(self, name: PolicyPack | str | Path) -> tuple[PolicyPack, PolicyPack | None]:
        pack = load_policy(name, calendar=self.calendar)
        return pack, national_floor(pack) if self.statutory_floor else None

    def pack(self, name: str | None) -> tuple[PolicyPack, PolicyPack | None]:
        """The pack a record names (``None``: the batch's default), loaded once.

        Raises :class:`~cme_policy.errors.InputError` for a name that is neither a shipped
        authority id nor the id of the batch's own pack: a record never names a file to read.
        """
        if name is None:
            if self.default is None:
                raise InputError(
                    [Problem(POLICY_KEY, "missing: the record names no policy and none was given")]
                )
            return self.default
        hit = self._packs.get(name)
        if hit is not None:
            return hit
        shipped = shipped_policies()
        if name not in shipped:
            from .suggest import did_you_mean

            raise InputError(
                [Problem(POLICY_KEY, f"not a shipped authority id{did_you_mean(name, shipped)}")]
            )
        got = self._packs[name] = self._load(name)
        return got

    def calendar_of(self, pack_id: str) -> SchoolCalendar:
        """The calendar of a pack this batch has loaded, by the pack's id."""
        for pack, _ in self._packs.values():
            if pack.id == pack_id:
                return pack.calendar
        raise KeyError(pack_id)

    def run(
        self, cases: Iterable[Mapping[str, Any] | Case | Record | RecordError], *, on: dt.date | str
    ) -> Iterator[Item]:
        day = parse_on(on)  # raises now, not at the first record
        return self._stream(cases, day)

    def _stream(
        self, cases: Iterable[Mapping[str, Any] | Case | Record | RecordError], day: dt.date
    ) -> Iterator[Item]:
        for position, item in enumerate(cases, 1):
            if isinstance(item, RecordError):
                yield item if item.position == position else RecordError(
                    position, item.case_ref, item.problems
                )
                continue
            yield self.one(item, day, position)

    def one(self, item: Mapping[str, Any] | Case | Record, day: dt.date, position: int = 1) -> Item:
        """One record evaluated on ``day``, or the reasons it cannot be."""
        record = item if isinstance(item, Record) else Record(item)
        data = record.data
        ref = readable_ref(data)
        name: Any = None
        if isinstance(data, Mapping) and POLICY_KEY in data:
            name = data[POLICY_KEY]
            data = {k: v for k, v in data.items() if k != POLICY_KEY}
            if name is not None and not isinstance(name, str):
                problem = record.problem((POLICY_KEY,), "expected an authority id")
                return RecordError(position, ref, (problem,))
        case, problems = check_case(data)
        if case is None:
            return RecordError(position, ref, tuple(record.problem(loc, msg) for loc, msg in problems))
        try:
            pack, floor = self.pack(name)
            return evaluate_parsed(pack, case, day, floor=floor)
        except InputError as exc:
            located = tuple(
                p if p.file is not None else Problem(p.path, p.message, record.file, record.line)
                for p in exc.problems
            )
            return RecordError(position, ref, located)


def readable_ref(data: Any) -> str | None:
    """The record's ``case_ref``, when it is one (text of at most 64 printable characters)."""
    if isinstance(data, Case):
        return data.case_ref
    if not isinstance(data, Mapping):
        return None
    ref = data.get("case_ref")
    if isinstance(ref, str) and 0 < len(ref) <= 64 and ref.isprintable():
        return ref
    return None


__all__ = ["POLICY_KEY", "Batch", "Record", "RecordError", "evaluate_many", "readable_ref"]
