"""The register scan in an embedded columnar engine: DuckDB (the default) or Polars.

Both read a register extract (CSV or Parquet), check every row, and compute the
:class:`~cme_policy.attendance.scan.PupilScan` rows that :func:`~cme_policy.attendance.scan.
scan_reference` specifies, in one query plan each. They are imported only when used (the
``attendance`` extra: ``pip install "cme_policy[attendance]"``). Figures for both on the same
workload are printed by ``python benchmarks/attendance.py``; why DuckDB is the default is in
docs/attendance.md.

:func:`open_register` opens an extract in the engine named. Each engine is a module of its
own: :mod:`~cme_policy.attendance.engine_duckdb` (:class:`DuckDBRegister`, and
:func:`read_admissions`, which reads an admissions file for either engine) and
:mod:`~cme_policy.attendance.engine_polars` (:class:`PolarsRegister`). What both share, the
:class:`Source`, :class:`RegisterError`, the extract's columns and constants, the code table and
the header check, is in :mod:`~cme_policy.attendance.extract`. Their public names are all
importable from here.
"""

from __future__ import annotations

from ..errors import Problem
from .engine_duckdb import MAX_BITSET_SESSIONS as MAX_BITSET_SESSIONS
from .engine_duckdb import DuckDBRegister, read_admissions
from .engine_polars import PolarsRegister
from .extract import ADMISSION as ADMISSION
from .extract import KIND_NUMBER as KIND_NUMBER
from .extract import MAX_PROBLEMS as MAX_PROBLEMS
from .extract import MAX_REF as MAX_REF
from .extract import OFF_ROLL_KIND as OFF_ROLL_KIND
from .extract import PRESENT_OR_AUTHORISED as PRESENT_OR_AUTHORISED
from .extract import REQUIRED as REQUIRED
from .extract import UNAUTH as UNAUTH
from .extract import RegisterError, Source

ENGINES = ("duckdb", "polars")


def open_register(
    source: Source, admissions: Source | None = None, engine: str = "duckdb", threads: int = 1
) -> DuckDBRegister | PolarsRegister:
    """Load and check an extract in the named engine (raises :class:`RegisterError`)."""
    if engine == "duckdb":
        return DuckDBRegister(source, admissions, threads=threads)
    if engine == "polars":
        return PolarsRegister(source, admissions, threads=threads)
    raise RegisterError([Problem("--engine", "give duckdb or polars")], "bad argument")


__all__ = [
    "ENGINES",
    "DuckDBRegister",
    "PolarsRegister",
    "RegisterError",
    "Source",
    "open_register",
    "read_admissions",
]
