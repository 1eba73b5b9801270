"""A register extract to derived cases and verdicts: the library's way in.

    with open_extract("register.csv", admissions="admissions.csv") as register:
        for result, pupil in evaluate_register(register, on="2025-03-10", policy="kent"):
            print(result.case_ref, pupil.explanation())

Standard input (``-``) is first copied to a private temporary file (deleted on close), so the
engines read it like a file, in bounded memory.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .derive import PupilFacts, derive
from .engines import Source, open_register
from .merge import Caseload, Merged, merge_caseload
from .scan import Frame, PupilScan


@contextmanager
def open_extract(
    extract: str | os.PathLike[str],
    *,
    admissions: str | os.PathLike[str] | None = None,
    engine: str = "duckdb",
    input_format: str | None = None,
    threads: int = 1,
) -> Iterator[Any]:
    """A checked register extract loaded into ``engine`` (``duckdb`` or ``polars``).

    Raises :class:`~cme_policy.attendance.engines.RegisterError` (an ``InputError``) naming
    rows and columns, never values, for an extract that does not map or holds a bad row.
    """
    path = os.fspath(extract)
    spool = None
    try:
        if path == "-":
            spool = tempfile.NamedTemporaryFile(prefix="cme-register-", delete=False)  # noqa: SIM115
            os.chmod(spool.name, 0o600)
            shutil.copyfileobj(sys.stdin.buffer, spool, 1 << 20)
            spool.close()
            if input_format is None:
                with open(spool.name, "rb") as f:
                    input_format = "parquet" if f.read(4) == b"PAR1" else "csv"
            source = Source(spool.name, input_format, "<stdin>")
        else:
            source = Source.of(path, input_format)
        adm = Source.of(os.fspath(admissions)) if admissions is not None else None
        register = open_register(source, adm, engine=engine, threads=threads)
        try:
            yield register
        finally:
            register.close()
    finally:
        if spool is not None:
            os.unlink(spool.name)


@dataclass(frozen=True)
class Derivation:
    """A register as of one day under one calendar: the frame, every pupil's scan, and the
    derived facts of the pupils with something to act on (in ``case_ref`` order); with a
    caseload, what merging it found (:mod:`cme_policy.attendance.merge`)."""

    frame: Frame
    scans: dict[str, PupilScan]
    pupils: tuple[PupilFacts, ...]
    caseload: Merged | None = None


CasesArg = Caseload | str | os.PathLike[str] | None


def _caseload(cases: Any) -> Caseload | None:
    if cases is None or isinstance(cases, Caseload):
        return cases
    return Caseload.read(cases)


def derive_register(
    register: Any, *, on: dt.date | str, calendar: Any, cases: CasesArg | Any = None
) -> Derivation:
    """Scan the register as of ``on`` on ``calendar`` (a :class:`~cme_policy.SchoolCalendar`,
    e.g. ``load_policy("kent").calendar``) and derive each pupil's facts.

    ``cases``: a caseload to merge into the derived cases by ``case_ref`` (a
    :class:`~cme_policy.attendance.merge.Caseload`, a caseload file, or an iterable of case
    mappings): its history is kept, the register's absence facts win."""
    from ..engine.evaluate import parse_on

    day = parse_on(on)
    marked, last = register.frame_inputs(day)
    frame = Frame.build(calendar, day, marked, last)
    scans = register.scan(frame)
    pupils = []
    for ref in sorted(scans):
        got = derive(scans[ref], register.admissions.get(ref), frame, calendar)
        if got is not None:
            pupils.append(got)
    caseload = _caseload(cases)
    if caseload is None:
        return Derivation(frame, scans, tuple(pupils))
    merged = merge_caseload(pupils, caseload)
    return Derivation(frame, scans, merged.pupils, merged)


def evaluate_register(
    register: Any,
    *,
    on: dt.date | str,
    policy: Any,
    calendar: Any = None,
    statutory_floor: bool = True,
    cases: CasesArg | Any = None,
) -> Iterator[tuple[Any, PupilFacts]]:
    """``(result, pupil)`` for every pupil with something to act on: the derived case
    evaluated by :func:`cme_policy.evaluate_many` under ``policy`` (an authority id, a pack
    file or a loaded pack), with the pupil's facts and explanation beside it; ``cases`` as in
    :func:`derive_register`."""
    from ..batch import Batch

    batch = Batch(policy, calendar=calendar, statutory_floor=statutory_floor)
    assert batch.default is not None
    derivation = derive_register(register, on=on, calendar=batch.default[0].calendar, cases=cases)
    items = batch.run((p.case for p in derivation.pupils), on=on)
    yield from zip(items, derivation.pupils, strict=True)


def policy_calendar(policy: str | Path, calendar: Any = None) -> Any:
    from ..pack.load import load_policy

    return load_policy(policy, calendar=calendar).calendar


__all__ = ["Derivation", "derive_register", "evaluate_register", "open_extract", "policy_calendar"]
