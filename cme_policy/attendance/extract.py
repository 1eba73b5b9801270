"""A register extract as both engines see it: where it is, its columns and how a problem
with it is reported.

:class:`Source` (a path and its format) and :class:`RegisterError`; the extract's columns
(:data:`REQUIRED`, :data:`ADMISSION`) and the check of a header against them; the code table
each engine joins (each code's kind, by number); problems reported by row and column, never by
value, at most :data:`MAX_PROBLEMS` of them; and what the DuckDB and Polars engines
(:mod:`~cme_policy.attendance.engine_duckdb`, :mod:`~cme_policy.attendance.engine_polars`)
share around the scan: admission dates as :class:`~cme_policy.attendance.scan.Admission`, the
pupils whose days on roll cut the frame, and the :class:`~cme_policy.attendance.scan.PupilScan`
fields that count from 0. Nothing here imports an engine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, Problem
from ..suggest import did_you_mean
from .codes import AUTHORISED, CODES_2006, CODES_2024, KINDS, OFF_ROLL, PRESENT, UNAUTHORISED
from .scan import Admission, Frame

#: Columns of the extract; the admission ones may instead come from a separate file.
REQUIRED = ("pupil_ref", "date", "session", "code")
ADMISSION = ("date_of_birth", "admitted_on", "left_on")
#: Problems reported before the reading stops (the count of all of them is given too).
MAX_PROBLEMS = 20
MAX_REF = 64
#: Kind number of each code (the two tables never give one code two kinds: tested).
KIND_NUMBER = {
    code: KINDS.index(kind) for table in (CODES_2006, CODES_2024) for code, (kind, _) in table.items()
}
#: Kind numbers the engines test. A closed session needs none: after the last present or
#: authorised session, the run is the unauthorised sessions, so a closed one is passed over.
PRESENT_OR_AUTHORISED = (KINDS.index(PRESENT), KINDS.index(AUTHORISED))
UNAUTH = KINDS.index(UNAUTHORISED)
OFF_ROLL_KIND = KINDS.index(OFF_ROLL)


class RegisterError(InputError):
    """A register extract or admissions file that cannot be read. Problems give the row
    (``line``, counting the header as line 1 in a CSV) and the column, never a value."""


@dataclass(frozen=True)
class Source:
    """Where an extract is: a path (standard input is first copied to a private file) and its
    format (``csv`` or ``parquet``)."""

    path: str
    format: str
    name: str

    @classmethod
    def of(cls, path: str, fmt: str | None = None) -> Source:
        name = "<stdin>" if path == "-" else path
        if fmt is None:
            low = path.lower()
            fmt = "parquet" if low.endswith((".parquet", ".pq")) else "csv"
        if fmt not in ("csv", "parquet"):
            raise RegisterError([Problem("--input-format", "give csv or parquet")], "bad argument")
        if path != "-" and not os.path.isfile(path):
            raise RegisterError([Problem("", "no such file (or not a regular file)", name)], "cannot read")
        return cls(path, fmt, name)


def _codes_table() -> list[tuple[str, int, int]]:
    """(code, kind number, table) rows: table 0 = 2006 codes, 1 = 2024 codes."""
    return [(c, KIND_NUMBER[c], 0) for c in CODES_2006] + [(c, KIND_NUMBER[c], 1) for c in CODES_2024]


def _problem(column: str, message: str, row: int, source: Source) -> Problem:
    line = row + 1 if source.format == "csv" else row
    return Problem(column, f"row {row}: {message}", source.name, line, None)


def _raise(found: list[tuple[int, str, str]], total: int, source: Source) -> None:
    if not total:
        return
    problems = [_problem(col, msg, row, source) for row, col, msg in sorted(found)[:MAX_PROBLEMS]]
    more = f" (the first {len(problems)} shown)" if total > len(problems) else ""
    raise RegisterError(problems, f"{total} problem(s) in the register extract{more}")


def _bounds(admissions: dict[str, Admission], frame: Frame) -> list[tuple[str, Any, Any]]:
    """(pupil_ref, admitted_on, left_on) of the pupils whose days on roll leave out some of the
    frame's school days: the rest need no join (a year's extract: 1 pupil in 97, not 50,000)."""
    if not frame.days:
        return []
    first, last = frame.days[0], frame.days[-1]
    return [
        (p, a.admitted_on, a.left_on)
        for p, a in admissions.items()
        if (a.admitted_on is not None and a.admitted_on > first)
        or (a.left_on is not None and a.left_on < last)
    ]


_ZERO = frozenset(
    {
        "run_sessions",
        "run_days",
        "run_g",
        "run_n",
        "run_o",
        "run_u",
        "run_unmarked",
        "n_count",
        "n_overdue",
        "sick_sessions",
    }
)


def _header(source: Source) -> list[str]:
    import csv

    with open(source.path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), [])


def _check_header(
    cols: list[str], required: tuple[str, ...], allowed: tuple[str, ...], source: Source
) -> None:
    problems = []
    seen = set()
    for i, c in enumerate(cols, 1):
        if c in seen:
            problems.append(Problem(c[:40], "column given twice", source.name, 1, i))
        elif c not in allowed:
            problems.append(
                Problem(
                    c[:40], f"not a column of a register extract{did_you_mean(c, allowed)}", source.name, 1, i
                )
            )
        seen.add(c)
    problems += [Problem(c, "missing column", source.name, 1, None) for c in required if c not in seen]
    if problems:
        raise RegisterError(problems, "the header does not map")


def _admissions(rows: list[tuple[Any, ...]], cols: list[str]) -> dict[str, Admission]:
    return {r[0]: Admission(**dict(zip(cols, r[1:], strict=True))) for r in rows}
