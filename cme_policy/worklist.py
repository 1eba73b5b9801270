"""``cme-policy worklist``: what is overdue, due, or due soon across a whole caseload.

    cme-policy worklist CASELOAD --on DATE [--policy ID] [--within N] [--by-actor]
                        [--format table|csv|json|ics] [--calendar FILE] [--own-text] [--jobs N]

Reads the caseload a record at a time (JSON Lines, a JSON or YAML list, or CSV, from a file
or ``-`` for standard input; formats and the CSV column mapping are in
:mod:`cme_policy.caseload`), evaluates each case as :func:`cme_policy.evaluate_many` does, and
writes one line per duty that is **overdue**, **due** on the date, or (with ``--within N``)
**upcoming** and due within the next N school days, counted with each authority's calendar
(``--calendar`` lays term dates over it). Lines are sorted by urgency (overdue, due,
upcoming), then due date (oldest first), then case reference; ``--by-actor`` groups them by who
must act first. Output is a table, CSV, JSON, or an iCalendar file of the deadlines (one
all-day event per duty on its due date, with a UID stable from day to day, so a team calendar
that re-imports it updates rather than duplicates).

``--jobs N`` evaluates the cases in N worker processes (default ``auto``: one per CPU; one CPU,
or a caseload of a few hundred records, stays in this process), a chunk of records at a time,
taken back in input order: the output is the same for any N (:mod:`cme_policy.worklist_jobs`).
Memory stays flat: a few chunks are in flight at once, and the lines kept for sorting are
spilled to sorted runs in private temporary files past :data:`RUN_ROWS` lines, merged when
written. Records that cannot be evaluated are reported on standard error, in record order,
with their position and field paths (never values) and the rest are processed; the exit code
is then 2. A summary (cases read, cases with errors, verdicts by status, worklist lines by
status) goes to standard error, and a progress bar too when standard error is a terminal.
Ctrl-C stops the run without writing a worklist (exit 130); so does a worker process that dies
(exit 2, saying so).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import heapq
import io
import os
import pickle
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from .cli import EXIT_INPUT, EXIT_OK, command
from .worklist_formats import as_dict, shown, write_csv, write_ics, write_json, write_table
from .worklist_jobs import Row, Tally, window_end

#: Lines kept in memory before a sorted run is written to a temporary file.
RUN_ROWS = 50_000
#: Lines pickled together in a run, and so held per run while the runs are merged.
RUN_BLOCK = 1_000
#: Errors kept for the JSON output (all are printed to standard error as they are met).
ERRORS_KEPT = 1_000
URGENCY = ("overdue", "due", "upcoming")
#: The exit code of a run stopped by Ctrl-C (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130


@dataclass
class Summary:
    cases_read: int = 0
    cases_with_errors: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    lines: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases_read": self.cases_read,
            "cases_evaluated": self.cases_read - self.cases_with_errors,
            "cases_with_errors": self.cases_with_errors,
            "verdicts_by_status": dict(sorted(self.verdicts.items())),
            "worklist_by_status": {u: self.lines.get(u, 0) for u in URGENCY},
        }

    def text(self) -> str:
        verdicts = ", ".join(f"{n} {s}" for s, n in sorted(self.verdicts.items())) or "none"
        lines = ", ".join(f"{self.lines.get(u, 0)} {u}" for u in URGENCY)
        return (
            f"{self.cases_read} case(s) read, {self.cases_with_errors} with errors; "
            f"worklist: {lines}; all verdicts: {verdicts}"
        )


class Worklist:
    """The lines of a worklist, sorted, in bounded memory (see the module docstring).

    Past :data:`RUN_ROWS` lines, the lines are sorted and written to a run: a private temporary
    file of pickled blocks of :data:`RUN_BLOCK` lines, read back a block at a time when the runs
    are merged. Only this process writes and reads them (lines are lists of str and int)."""

    def __init__(self, by_actor: bool = False) -> None:
        self.by_actor = by_actor
        self.rows: list[Row] = []
        self.runs: list[tuple[IO[bytes], int]] = []  # one sorted run per file, and its blocks

    def add(self, row: Row) -> None:
        self.rows.append(row)
        if len(self.rows) >= RUN_ROWS:
            self._write_run()

    def _write_run(self) -> None:
        # Private (0600) and deleted when closed; holds case references, not case facts. One
        # file per run, so that each run is read back with its own file position.
        run = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self.rows.sort()
        blocks = range(0, len(self.rows), RUN_BLOCK)
        self.runs.append((run, len(blocks)))
        for start in blocks:
            pickle.dump(self.rows[start : start + RUN_BLOCK], run, pickle.HIGHEST_PROTOCOL)
        run.flush()
        self.rows = []

    def __iter__(self) -> Iterator[Row]:
        self.rows.sort()
        if not self.runs:
            yield from self.rows
            return
        yield from heapq.merge(*(self._read(run, blocks) for run, blocks in self.runs), iter(self.rows))

    @staticmethod
    def _read(run: IO[bytes], blocks: int) -> Iterator[Row]:
        run.seek(0)
        for _ in range(blocks):
            yield from pickle.load(run)

    def close(self) -> None:
        for run, _ in self.runs:
            run.close()
        self.runs = []


def build(
    items: Iterable[Any],
    batch: Any,
    on: dt.date,
    within: int,
    by_actor: bool = False,
    on_error: Any = None,
) -> tuple[Worklist, Summary]:
    """A worklist from evaluated items (:func:`cme_policy.evaluate_many`'s output)."""
    from .batch import RecordError
    from .worklist_jobs import Lines

    lines = Lines(batch, on, within, by_actor)
    work, summary = Worklist(by_actor), Summary()
    for position, item in enumerate(items, 1):
        tally = Tally(1)
        if isinstance(item, RecordError):
            tally.errors.append(item)
        else:
            tally.rows.extend(lines.of(item, position, tally.verdicts))
        collect(tally, work, summary, on_error)
    return work, summary


def collect(tally: Tally, work: Worklist, summary: Summary, on_error: Any = None) -> None:
    """Add a tally of records (one case's, or a chunk's from a worker) to a worklist and its
    summary; ``on_error`` is called with each record error, in record order."""
    summary.cases_read += tally.records
    summary.verdicts.update(tally.verdicts)
    for err in tally.errors:
        summary.cases_with_errors += 1
        if on_error is not None:
            on_error(err)
    for row in tally.rows:
        summary.lines[URGENCY[row[1]]] += 1
        work.add(row)


# -- progress ----------------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on standard error, only when it is a terminal."""

    def __init__(self, stream: Any = None, size: int | None = None, fd: int | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.on = bool(getattr(self.stream, "isatty", lambda: False)())
        self.size = size
        self.fd = fd
        self.count = 0
        self.start = self.last = time.monotonic()

    def wrap(self, items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            self.count += 1
            if self.on and self.count % 64 == 0:
                now = time.monotonic()
                if now - self.last >= 0.2:
                    self.last = now
                    self.show(now)
            yield item
        self.clear()

    def show(self, now: float) -> None:
        rate = self.count / max(now - self.start, 1e-9)
        bar = ""
        if self.size and self.fd is not None:
            try:
                done = min(1.0, os.lseek(self.fd, 0, os.SEEK_CUR) / self.size)
                bar = f"[{'#' * int(done * 30):<30}] {done:4.0%}  "
            except OSError:
                bar = ""
        self.stream.write(f"\r{bar}{self.count:,} cases  {rate:,.0f}/s ")
        self.stream.flush()

    def clear(self) -> None:
        if self.on and self.count >= 64:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def note(self, text: str) -> None:
        """A line of its own (an error report) without breaking the bar."""
        if self.on:
            self.stream.write("\r\x1b[K")
        self.stream.write(text + "\n")


# -- the command -----------------------------------------------------------------------------------


def _setup(p: argparse.ArgumentParser) -> None:
    p.add_argument("caseload", help="caseload file (.jsonl, .json, .yaml, .csv), or - for standard input")
    p.add_argument("--on", required=True, help="evaluation date, YYYY-MM-DD")
    p.add_argument("--policy", help="authority id (e.g. kent) or pack file, for records that name none")
    p.add_argument(
        "--within",
        type=int,
        default=0,
        metavar="N",
        help="also list duties due within the next N school days (each authority's calendar)",
    )
    p.add_argument("--by-actor", action="store_true", help="group the lines by who must act")
    p.add_argument("--format", choices=["table", "csv", "json", "ics"], default="table")
    p.add_argument("--calendar", metavar="FILE", help="term dates over each pack's own (YAML, .ics or CSV)")
    p.add_argument(
        "--own-text",
        action="store_true",
        help="each pack's own text alone, without the national baseline beneath it",
    )
    p.add_argument(
        "--input-format",
        choices=["jsonl", "json", "yaml", "csv"],
        help="the caseload's format, when its name does not say (standard input is recognised)",
    )
    p.add_argument(
        "--jobs",
        default="auto",
        metavar="N",
        help="worker processes evaluating the cases (default auto: one per CPU; a caseload of a "
        "few hundred records stays in this process); the output is the same for any N",
    )


@command("worklist", "what is overdue, due or due soon across a caseload", _setup)
def cmd_worklist(args: argparse.Namespace) -> int:
    from .batch import Batch
    from .caseload import read_caseload
    from .engine.evaluate import parse_on
    from .errors import InputError, Problem
    from .pack.load import PACKS_ENV
    from .worklist_jobs import Setup, jobs_wanted, tallies

    if not 0 <= args.within <= 400:
        raise InputError([Problem("--within", "give 0 to 400 school days")], "bad argument")
    jobs = jobs_wanted(args.jobs)
    on = parse_on(args.on)
    setup = Setup(
        args.policy,
        args.calendar,
        not args.own_text,
        on,
        args.within,
        args.by_actor,
        os.environ.get(PACKS_ENV),
    )
    batch = Batch(setup.policy, calendar=setup.calendar, statutory_floor=setup.statutory_floor)
    size = None
    if args.caseload != "-":
        try:
            size = os.stat(args.caseload).st_size
        except OSError:
            size = None
    progress = Progress(size=size)

    def opened(stream: Any) -> None:
        try:
            progress.fd = stream.fileno()  # how far the reader is into the file, for the bar
        except (OSError, ValueError, AttributeError):
            progress.fd = None

    # JSON lines come undecoded: they are decoded where they are evaluated (worklist_jobs).
    records = read_caseload(args.caseload, args.input_format, on_open=opened, undecoded=True)
    shown_errors = []

    def report(err: Any) -> None:
        progress.note(str(err))
        if len(shown_errors) < ERRORS_KEPT:
            shown_errors.append(err)

    work, summary = Worklist(args.by_actor), Summary()
    try:
        with contextlib.closing(tallies(progress.wrap(records), setup, jobs, batch)) as chunks:
            for tally in chunks:
                collect(tally, work, summary, on_error=report)
    except KeyboardInterrupt:
        work.close()
        progress.note("interrupted: no worklist written")
        return EXIT_INTERRUPTED
    except BaseException:
        work.close()
        raise
    try:
        out = sys.stdout
        if args.format == "ics":
            out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
        if args.format == "table":
            write_table(work, out, args.by_actor)
        elif args.format == "csv":
            write_csv(work, out)
        elif args.format == "json":
            head = {"on": on.isoformat(), "within_school_days": args.within, "by_actor": args.by_actor}
            write_json(
                work,
                out,
                head,
                lambda: {
                    "summary": summary.as_dict(),
                    "errors": [
                        {
                            "record": e.position,
                            "case_ref": shown(e.case_ref) if e.case_ref else None,
                            "problems": [str(p) for p in e.problems],
                        }
                        for e in shown_errors
                    ],
                },
            )
        else:
            write_ics(work, out, on)
        out.flush()
        if out is not sys.stdout:
            out.detach()  # leave standard output open
    finally:
        work.close()
    print(summary.text(), file=sys.stderr)
    return EXIT_INPUT if summary.cases_with_errors else EXIT_OK


__all__ = [
    "Progress",
    "Row",
    "Summary",
    "Worklist",
    "as_dict",
    "build",
    "cmd_worklist",
    "collect",
    "shown",
    "window_end",
    "write_ics",
]
