"""The worklist's evaluation: caseload records to worklist lines, a chunk at a time, in this
process or in worker processes (``cme-policy worklist --jobs N``).

The reading process reads the caseload and cuts it into chunks of :data:`CHUNK` records. It
decodes no JSON Lines: each line comes from the reader undecoded, a
:class:`~cme_policy.caseload.RawLine` (its bytes, file name and line number), and is decoded in
:meth:`Evaluator.tally`, with the record's evaluation, wherever that runs; a line that is not
JSON is reported there as the reader reports it, with its position and line. A JSON or YAML
list, and CSV, are decoded by the reader, in the reading process. Each chunk is evaluated
where it is sent (a worker process, or this one) into a :class:`Tally`:
the worklist lines of its cases, its verdicts counted by status, and its
:class:`~cme_policy.batch.RecordError` items, which name field paths, never values. Only that
comes back from a worker; a full evaluation result never crosses a process boundary. Tallies
are taken in input order, so errors are reported in record order with their positions, and at
most :data:`IN_FLIGHT` chunks per worker are out at once, so memory stays flat however long
the caseload. The lines are then sorted, so the output is the same byte for byte whatever the
number of workers.

Workers are started with ``forkserver`` (``spawn`` where there is none): each is forked from a
clean server process that has imported the evaluator but read nothing, never from the reading
process, which holds the open caseload, its read-ahead buffers and standard output, and may be
a host with threads of its own (a test run, a service) whose locks a fork could copy held.
Each worker loads its packs and calendar once, when it starts; ``--packs`` is handed over
explicitly, since the server's environment is the one it started with. Workers ignore Ctrl-C:
the reading process takes it, lets the chunks under way finish and stops them. A worker that
dies (killed, out of memory) breaks the pool and ends the run with :class:`WorkerError`,
never a hang. A caseload of fewer than :data:`SMALL` records, and ``--jobs 1``, are evaluated
in this process, with the same code.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

from .errors import CMEPolicyError, InputError, Problem

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .batch import Batch, Record, RecordError
    from .caseload import RawLine
    from .result import EvaluationResult

    #: What the reader gives: a record, one that could not be read, or a JSON line to decode.
    Read = Record | RecordError | RawLine

#: Records per chunk: large enough that sending it costs little beside evaluating it (about a
#: quarter of a second of work at 1 ms a case), small enough that the workers share the end.
CHUNK = 250
#: Chunks sent ahead per worker, so that none waits for the reading process.
IN_FLIGHT = 3
#: Fewer records than this are evaluated in this process: starting workers would cost more.
SMALL = 500
#: The most worker processes ``--jobs`` may ask for (each holds its own packs).
MAX_JOBS = 64

# One worklist line, a plain list of str and int so that it pickles small and fast (in chunks
# from the workers, in the sorted runs on disk) and sorts as the worklist is ordered:
# [group, urgency, due ordinal, case_ref, position, action, actor, status, policy, rule_id,
#  pack, citation section]; urgency 0 overdue, 1 due, 2 upcoming.
Row = list[Any]


class WorkerError(CMEPolicyError):
    """A worker process stopped or could not be started: the worklist is not written."""


def cpus() -> int:
    """The CPUs this process may run on (its affinity, where the system says)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def jobs_wanted(text: str) -> int:
    """The number of worker processes ``--jobs`` asks for: ``auto`` is one per CPU."""
    text = text.strip().lower()
    if text == "auto":
        return min(cpus(), MAX_JOBS)
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_JOBS:
        return int(text)
    raise InputError(
        [Problem("--jobs", f"give a number of worker processes from 1 to {MAX_JOBS}, or auto")],
        "bad argument",
    )


def window_end(calendar: Any, on: dt.date, within: int) -> dt.date:
    """The last day of the window: ``within`` school days after ``on`` (``on`` itself for 0)."""
    return calendar.add_school_days(on, within).date if within > 0 else on


class Lines:
    """Which of an evaluated case's duties go on the worklist, and the :data:`Row` of each:
    overdue, due, or upcoming and due by the end of the window (per authority's calendar).
    The one place this is decided, in this process and in the workers."""

    def __init__(self, batch: Batch, on: dt.date, within: int, by_actor: bool = False) -> None:
        from .vocabulary import Status

        self.batch = batch
        self.on = on
        self.within = within
        self.by_actor = by_actor
        self.windows: dict[str, dt.date] = {}
        self.urgency = {Status.OVERDUE: 0, Status.DUE: 1, Status.UPCOMING: 2}

    def of(self, item: EvaluationResult, position: int, verdicts: Counter[str]) -> Iterator[Row]:
        """The lines of one case (the ``position``-th record), counting every verdict."""
        end = self.windows.get(item.policy)
        if end is None:
            calendar = self.batch.calendar_of(item.policy)
            end = self.windows[item.policy] = window_end(calendar, self.on, self.within)
        for a in item.actions:
            verdicts[a.status.value] += 1
            urgency = self.urgency.get(a.status)
            if urgency is None or (urgency == 2 and (a.due_on is None or a.due_on > end)):
                continue
            yield [
                a.actor.value if self.by_actor else "",
                urgency,
                (a.due_on or self.on).toordinal(),
                item.case_ref or "",
                position,
                a.kind.value,
                a.actor.value,
                a.status.value,
                item.policy,
                a.rule_id,
                a.pack,
                a.citation.section,
            ]


@dataclass
class Tally:
    """What a chunk of records gives the worklist: all that comes back from a worker."""

    records: int = 0
    rows: list[Row] = field(default_factory=list)
    verdicts: Counter[str] = field(default_factory=Counter)
    errors: list[RecordError] = field(default_factory=list)


@dataclass(frozen=True)
class Setup:
    """What a process needs to evaluate records for a worklist: the batch's arguments (a pack
    name or file, a calendar file, the floor), the date and window, and the pack folders
    (``CME_POLICY_PACKS``, set by ``--packs``) in force in the reading process."""

    policy: str | None
    calendar: str | None
    statutory_floor: bool
    on: dt.date
    within: int
    by_actor: bool
    packs: str | None = None


class Evaluator:
    """A batch and its :class:`Lines`: one per process, loaded once."""

    def __init__(self, setup: Setup, batch: Batch | None = None) -> None:
        from .batch import Batch

        self.day = setup.on
        self.batch = batch or Batch(
            setup.policy, calendar=setup.calendar, statutory_floor=setup.statutory_floor
        )
        self.lines = Lines(self.batch, setup.on, setup.within, setup.by_actor)

    def tally(self, records: list[Read], start: int) -> Tally:
        """The tally of records numbered from ``start`` (their positions in the caseload)."""
        from .batch import RecordError
        from .caseload import RawLine

        out = Tally(len(records))
        for position, record in enumerate(records, start):
            if isinstance(record, RawLine):
                record = record.decoded(position)  # a JSON line is decoded here, and only here
            item = record if isinstance(record, RecordError) else self.batch.one(record, self.day, position)
            if isinstance(item, RecordError):
                out.errors.append(item if item.position == position else replace(item, position=position))
            else:
                out.rows.extend(self.lines.of(item, position, out.verdicts))
        return out


# -- in a worker -------------------------------------------------------------------------------

_evaluator: Evaluator | None = None


def _start_worker(setup: Setup) -> None:
    global _evaluator
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the reading process's to handle
    from .pack.load import PACKS_ENV

    if setup.packs is None:
        os.environ.pop(PACKS_ENV, None)
    else:
        os.environ[PACKS_ENV] = setup.packs
    _evaluator = Evaluator(setup)


def _tally(records: list[Read], start: int) -> Tally:
    assert _evaluator is not None, "the worker was not started with its packs"
    return _evaluator.tally(records, start)


# -- in the reading process --------------------------------------------------------------------


def _chunks(records: Iterable[Read]) -> Iterator[list[Read]]:
    it = iter(records)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def tallies(records: Iterable[Read], setup: Setup, jobs: int, batch: Batch | None = None) -> Iterator[Tally]:
    """A :class:`Tally` per chunk of ``records``, in input order, evaluated by ``jobs`` worker
    processes (in this process for ``jobs`` 1 or a caseload under :data:`SMALL` records).
    ``batch``, already loaded from ``setup``, serves this process. Close the iterator to stop
    early: the workers are stopped with it."""
    local = Evaluator(setup, batch)
    it = iter(records)
    head = list(islice(it, SMALL))
    records = chain(head, it)
    if jobs <= 1 or len(head) < SMALL:
        start = 1
        for chunk in _chunks(records):
            yield local.tally(chunk, start)
            start += len(chunk)
        return
    yield from _pooled(records, setup, jobs, local)


def _pool(setup: Setup, jobs: int) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # Imported once in the server, before any fork: each worker starts with them loaded.
        context.set_forkserver_preload([__name__, "cme_policy.batch", "cme_policy.caseload"])
    else:
        context = multiprocessing.get_context("spawn")
    try:
        return ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(setup,))
    except OSError as exc:  # e.g. no shared memory for the queues' locks in a sandbox
        raise WorkerError(f"cannot start worker processes ({exc.strerror}): try --jobs 1") from None


def _pooled(records: Iterable[Read], setup: Setup, jobs: int, local: Evaluator) -> Iterator[Tally]:
    from concurrent.futures.process import BrokenProcessPool

    pool = None
    pending: deque[Future[Tally] | Tally] = deque()
    start = 1
    try:
        for chunk in _chunks(records):
            if any(getattr(r, "locate", None) is not None for r in chunk):
                # A YAML list's records locate their fields through the parsed document, which
                # stays here: evaluated in this process, in its turn.
                pending.append(local.tally(chunk, start))
            else:
                if pool is None:
                    pool = _pool(setup, jobs)
                pending.append(pool.submit(_tally, chunk, start))
            start += len(chunk)
            while len(pending) >= jobs * IN_FLIGHT:
                yield _taken(pending.popleft())
        while pending:
            yield _taken(pending.popleft())
    except BrokenProcessPool:
        raise WorkerError(
            "a worker process stopped before finishing its records (killed, or out of memory? "
            "From a script, call the worklist under if __name__ == '__main__': each worker "
            "imports the script again); nothing was written"
        ) from None
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _taken(pending: Future[Tally] | Tally) -> Tally:
    return pending if isinstance(pending, Tally) else pending.result()


__all__ = [
    "CHUNK",
    "IN_FLIGHT",
    "MAX_JOBS",
    "SMALL",
    "Evaluator",
    "Lines",
    "Row",
    "Setup",
    "Tally",
    "WorkerError",
    "cpus",
    "jobs_wanted",
    "tallies",
    "window_end",
]
