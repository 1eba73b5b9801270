"""The DuckDB engine (the default): a register extract loaded, checked and scanned in DuckDB.

:class:`DuckDBRegister` materialises the checked extract in one pass, the attendance codes
joined in it, and computes every pupil's :class:`~cme_policy.attendance.scan.PupilScan` in one
query (``_DUCKDB_SCAN``). :func:`read_admissions` reads a separate admissions file with DuckDB
for either engine (the Polars engine too: the file is small), with the SQL that reads a CSV or
Parquet file as text and tests its dates. ``duckdb`` is imported only when a register is opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from .codes import CODES_2024_FROM
from .extract import (
    _ZERO,
    ADMISSION,
    MAX_PROBLEMS,
    OFF_ROLL_KIND,
    PRESENT_OR_AUTHORISED,
    REQUIRED,
    UNAUTH,
    Source,
    _admissions,
    _bounds,
    _check_header,
    _codes_table,
    _header,
    _raise,
)
from .scan import N_REPLACE_SCHOOL_DAYS, SICK_SESSIONS_15_DAYS, Admission, Frame, PupilScan

#: Sessions (two a day) up to which a second mark is found with one bit per session per pupil
#: (about 5.6 years of dates in an extract; 512 bytes a pupil).
MAX_BITSET_SESSIONS = 4096


class DuckDBRegister:
    """A register extract loaded into DuckDB: table ``reg(row, pupil_ref, date, session, code)``
    and ``adm(pupil_ref, date_of_birth, admitted_on, left_on)``."""

    engine = "duckdb"

    def __init__(
        self, source: Source, admissions: Source | None = None, *, threads: int = 1, memory_limit: str = "2GB"
    ) -> None:
        import duckdb

        self.source = source
        self.con = duckdb.connect(
            config={"threads": threads, "memory_limit": memory_limit, "preserve_insertion_order": True}
        )
        self._load(source, admissions)

    def _read(self, source: Source) -> str:
        if source.format == "parquet":
            return f"read_parquet({_quote(source.path)})"
        return _read_csv_sql(source)

    def _load(self, source: Source, admissions: Source | None) -> None:
        con = self.con
        cols = _columns_duckdb(con, source, self._read)
        _check_header(cols, REQUIRED, REQUIRED + ADMISSION, source)
        adm_cols = [c for c in ADMISSION if c in cols]
        extra = "".join(f", {_date_sql(c)} AS {c}, {c} AS {c}_text" for c in adm_cols)
        con.execute("CREATE TABLE codes(code VARCHAR, kind TINYINT, tab TINYINT)")
        con.executemany("INSERT INTO codes VALUES (?, ?, ?)", _codes_table())
        # One pass materialises the checked table: the codes joined here (kind NULL: not in
        # force on the row's date) rather than in a second copy of 19 million rows.
        tab = f"CASE WHEN r.date >= DATE '{CODES_2024_FROM}' THEN 1 ELSE 0 END"
        con.execute(
            f"""CREATE TABLE reg AS SELECT r.*, c.kind FROM (
                    SELECT row_number() OVER () AS row,
                        CAST(pupil_ref AS VARCHAR) AS pupil_ref, {_date_sql("date")} AS date,
                        CASE upper(CAST(session AS VARCHAR)) WHEN 'AM' THEN 0 WHEN 'PM' THEN 1 END::TINYINT
                            AS session,
                        CAST(code AS VARCHAR) AS code{extra}
                    FROM {self._read(source)}) r
                LEFT JOIN codes c ON c.code = r.code AND c.tab = {tab}"""
        )
        bad_ref = (
            "pupil_ref IS NULL OR length(pupil_ref) = 0 OR length(pupil_ref) > 64 "
            "OR regexp_matches(pupil_ref, '[\\x00-\\x1f\\x7f]')"
        )
        checks = [
            ("date", "date IS NULL", "not a date (YYYY-MM-DD, 1990-2099)"),
            ("session", "session IS NULL", "not a session (AM or PM)"),
            (
                "code",
                "date IS NOT NULL AND kind IS NULL",
                "not an attendance code in force on the row's date (2024 Regulations reg 10 from "
                "19 Aug 2024; the 2006 codes before)",
            ),
        ] + [
            (c, f"{c} IS NULL AND {c}_text IS NOT NULL AND length({c}_text) > 0", "not a date (YYYY-MM-DD)")
            for c in adm_cols
        ]
        got = con.execute(
            "SELECT "
            + ", ".join(
                f"count(*) FILTER (WHERE {w}), list(row ORDER BY row) FILTER (WHERE {w})[1:{MAX_PROBLEMS}]"
                for _, w, _ in checks
            )
            + " FROM reg"
        ).fetchone()
        found: list[tuple[int, str, str]] = []
        total = 0
        for i, (column, _, message) in enumerate(checks):
            total += got[2 * i]
            found += [(r, column, message) for r in got[2 * i + 1] or []]
        bad_refs, doubled = self._per_pupil_checks(bad_ref)
        if bad_refs:
            n, rows = con.execute(
                f"SELECT count(*), list(row ORDER BY row)[1:{MAX_PROBLEMS}] FROM reg WHERE {bad_ref}"
            ).fetchone()
            total += n
            found += [
                (r, "pupil_ref", "missing, or not a reference of 1-64 printable characters")
                for r in rows or []
            ]
        if doubled:
            n, rows = con.execute(
                f"""SELECT count(*), list(r ORDER BY r)[1:{MAX_PROBLEMS}] FROM (
                        SELECT max(row) AS r FROM reg WHERE date IS NOT NULL AND session IS NOT NULL
                        GROUP BY pupil_ref, date, session HAVING count(*) > 1)"""
            ).fetchone()
            total += n
            found += [
                (r, "session", "a second mark for the same pupil, date and session") for r in rows or []
            ]
        _raise(found, total, source)
        if adm_cols:
            sel = ", ".join(f"any_value({c}) AS {c}" for c in adm_cols)
            n, rows = con.execute(
                f"""SELECT count(*), list(r ORDER BY r)[1:{MAX_PROBLEMS}] FROM (
                        SELECT min(row) AS r FROM reg GROUP BY pupil_ref HAVING """
                + " OR ".join(f"count(DISTINCT {c}_text) > 1" for c in adm_cols)
                + ")"
            ).fetchone()
            _raise(
                [
                    (r, "admitted_on", "admission details differ between this pupil's rows")
                    for r in rows or []
                ],
                n,
                source,
            )
            self.admissions = _admissions(
                con.execute(f"SELECT pupil_ref, {sel} FROM reg GROUP BY pupil_ref").fetchall(), adm_cols
            )
            for c in adm_cols:
                con.execute(f"ALTER TABLE reg DROP COLUMN {c}")
                con.execute(f"ALTER TABLE reg DROP COLUMN {c}_text")
        else:
            self.admissions = {}
        if admissions is not None:
            self.admissions.update(read_admissions(admissions, self.con, self._read))

    def _per_pupil_checks(self, bad_ref: str) -> tuple[int, int]:
        """(pupils with a bad reference, pupils with two marks for one session), in one
        aggregate over the pupils: the rows are located only when there is something to report.

        A second mark is found by setting one bit per (date, session) from the extract's first
        date: fewer bits set than marks means a session marked twice. Grouping the 19 million
        (pupil, date, session) keys of a year took 4 s; this takes under 1 s. An extract over
        more than :data:`MAX_BITSET_SESSIONS` sessions is grouped by key instead.
        """
        con = self.con
        lo, hi = con.execute("SELECT min(date), max(date) FROM reg").fetchone()
        lo = lo or dt.date(1990, 1, 1)
        width = 2 * ((hi - lo).days + 1) if hi is not None else 0
        k = f"((date - DATE '{lo}') * 2 + session)::INTEGER"  # NULL for a row without either
        if width <= MAX_BITSET_SESSIONS:
            doubled = f"count({k}) > bit_count(bitstring_agg({k}, 0, {max(width - 1, 0)}))"
        else:
            doubled = f"count({k}) > count(DISTINCT {k})"
        got = con.execute(
            f"""SELECT count(*) FILTER (WHERE {bad_ref}), count(*) FILTER (WHERE doubled) FROM (
                    SELECT pupil_ref, {doubled} AS doubled FROM reg GROUP BY pupil_ref)"""
        ).fetchone()
        return got[0], got[1]

    def frame_inputs(self, on: dt.date) -> tuple[list[dt.date], tuple[dt.date, int] | None]:
        days = [
            d for (d,) in self.con.execute("SELECT DISTINCT date FROM reg WHERE date <= ?", [on]).fetchall()
        ]
        last = self.con.execute(
            "SELECT date, max(session) FROM reg "
            "WHERE date = (SELECT max(date) FROM reg WHERE date <= ?) GROUP BY date",
            [on],
        ).fetchone()
        return days, (last[0], int(last[1])) if last else None

    def rows(self) -> Iterator[tuple[str, dt.date, int, str]]:
        """Every validated row, for the plain-Python reference (small extracts only)."""
        cur = self.con.execute("SELECT pupil_ref, date, session, code FROM reg ORDER BY row")
        while batch := cur.fetchmany(10_000):
            yield from batch

    def scan(self, frame: Frame) -> dict[str, PupilScan]:
        con = self.con
        _table(con, "fdays", ("date DATE", "d INTEGER"), [(d, i) for i, d in enumerate(frame.days)])
        bounded = _bounds(self.admissions, frame)
        _table(con, "fadm", ("pupil_ref VARCHAR", "admitted_on DATE", "left_on DATE"), bounded)
        year_from = frame.first_index_from(frame.year_start)
        sql = _DUCKDB_SCAN.format(
            on=f"DATE '{frame.on}'",
            last_k=frame.last_k,
            before_on=frame.school_days_before_on,
            n_days=N_REPLACE_SCHOOL_DAYS + 1,
            year_from=year_from,
            sick=SICK_SESSIONS_15_DAYS,
            off_roll=OFF_ROLL_KIND,
            present_or_authorised=", ".join(map(str, PRESENT_OR_AUTHORISED)),
            unauth=UNAUTH,
        )
        cur = con.execute(sql)
        names = [c[0] for c in cur.description]
        out = {}
        while batch := cur.fetchmany(10_000):
            for values in batch:
                row = dict(zip(names, values, strict=True))
                row["expl_flips"] = tuple(row["expl_flips"] or ())
                out[row["pupil_ref"]] = PupilScan(
                    **{k: (0 if v is None and k in _ZERO else v) for k, v in row.items()}
                )
        return out

    def close(self) -> None:
        self.con.close()


def _table(con: Any, name: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """A temporary table filled in one statement: each column passed as one list parameter.

    ``executemany`` inserts row by row (about 0.4 ms a row): 50,000 pupils' admission dates
    took 20 s of a 24 s scan, four times the scan query itself.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}({', '.join(columns)})")
    if rows:
        types = [c.split()[1] for c in columns]
        unnest = ", ".join(f"unnest(${i}::{t}[])" for i, t in enumerate(types, 1))
        con.execute(f"INSERT INTO {name} SELECT {unnest}", [list(c) for c in zip(*rows, strict=True)])


_DUCKDB_SCAN = """
WITH m AS (
    SELECT r.pupil_ref AS p, 2 * f.d + r.session AS k, r.code, r.kind
    FROM reg r JOIN fdays f ON r.date = f.date
    LEFT JOIN fadm a ON a.pupil_ref = r.pupil_ref
    WHERE r.date <= {on} AND r.kind <> {off_roll}
      AND (a.admitted_on IS NULL OR r.date >= a.admitted_on)
      AND (a.left_on IS NULL OR r.date <= a.left_on)
),
b AS (
    SELECT p, min(k) AS first_k, max(k) AS last_k,
        max(k) FILTER (WHERE kind IN ({present_or_authorised})) AS barrier_k,
        arg_max(code, k) FILTER (WHERE kind IN ({present_or_authorised})) AS barrier_code,
        count(*) FILTER (WHERE code = 'N') AS n_count,
        min(k) FILTER (WHERE code = 'N') AS n_first_k,
        count(*) FILTER (WHERE code = 'N' AND k // 2 + {n_days} <= {before_on}) AS n_overdue,
        count(*) FILTER (WHERE code = 'I' AND k // 2 >= {year_from}) AS sick_sessions,
        list(k ORDER BY k) FILTER (WHERE code = 'I' AND k // 2 >= {year_from}) AS sick_ks
    FROM m GROUP BY p
),
after AS (
    SELECT m.p, m.k, m.code, m.kind FROM m JOIN b USING (p)
    WHERE m.k > coalesce(b.barrier_k, -1)
),
firsts AS (SELECT p, min(k) AS run_first_k FROM after WHERE kind = {unauth} GROUP BY p),
slots AS (
    SELECT a.p, a.k, a.code, a.kind, f.run_first_k,
        lag(a.k) OVER (PARTITION BY a.p ORDER BY a.k) AS prev_k,
        lag(a.code IN ('G', 'U')) OVER (PARTITION BY a.p, a.kind = {unauth} ORDER BY a.k) AS prev_e
    FROM after a JOIN firsts f USING (p) WHERE a.k >= f.run_first_k
),
run AS (
    SELECT p, any_value(run_first_k) AS run_first_k,
        max(k) FILTER (WHERE kind = {unauth}) AS run_last_k,
        arg_max(code, k) FILTER (WHERE kind = {unauth}) AS run_last_code,
        count(*) FILTER (WHERE kind = {unauth}) AS run_sessions,
        count(DISTINCT k // 2) FILTER (WHERE kind = {unauth}) AS run_days,
        count(*) FILTER (WHERE code = 'G') AS run_g,
        count(*) FILTER (WHERE code = 'N') AS run_n,
        count(*) FILTER (WHERE code = 'O') AS run_o,
        count(*) FILTER (WHERE code = 'U') AS run_u,
        greatest(0, {last_k} - any_value(run_first_k) + 1 - count(*) FILTER (WHERE k <= {last_k}))
            AS run_unmarked,
        coalesce(min(prev_k + 1) FILTER (WHERE k > prev_k + 1),
                 CASE WHEN max(k) < {last_k} THEN max(k) + 1 END) AS first_unmarked_k,
        min(k) FILTER (WHERE kind = {unauth} AND code NOT IN ('G', 'N', 'O')) AS first_non_gno_k,
        arg_min(code IN ('G', 'U'), k) FILTER (WHERE kind = {unauth}) AS expl_first,
        list(k ORDER BY k)
            FILTER (WHERE kind = {unauth} AND prev_e IS NOT NULL AND (code IN ('G', 'U')) <> prev_e)
            AS expl_flips
    FROM slots GROUP BY p
)
SELECT b.p AS pupil_ref, b.first_k, b.last_k, b.barrier_k, b.barrier_code,
    run.run_first_k, run.run_last_k, run.run_last_code, run.run_sessions, run.run_days,
    run.run_g, run.run_n, run.run_o,
    run.run_u, run.run_unmarked, run.first_unmarked_k, run.first_non_gno_k, run.expl_first,
    run.expl_flips, b.n_count, b.n_first_k, b.n_overdue, b.sick_sessions,
    CASE WHEN len(b.sick_ks) >= {sick} THEN b.sick_ks[{sick}] END AS sick_15_k
FROM b LEFT JOIN run USING (p)
"""


def _quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def _read_csv_sql(source: Source) -> str:
    """DuckDB's CSV reader with every column read as text (checked and typed by the queries)."""
    names = _header(source)
    columns = "{" + ", ".join(f"{_quote(n)}: 'VARCHAR'" for n in names) + "}"
    return (
        f"read_csv({_quote(source.path)}, header=true, auto_detect=false, quote='\"', escape='\"', "
        f"delim=',', columns={columns})"
    )


def _columns_duckdb(con: Any, source: Source, read: Any) -> list[str]:
    if source.format == "csv":
        return _header(source)
    return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {read(source)}").fetchall()]


_DIGITS = "[0-9]"


def _date_sql(column: str) -> str:
    # GLOB, not a regular expression: the same YYYY-MM-DD test (ASCII digits), measured at
    # 0.12 s against 1.44 s for the dates of a year's extract (19 million rows, one thread).
    return (
        f"CASE WHEN CAST({column} AS VARCHAR) GLOB '{_DIGITS * 4}-{_DIGITS * 2}-{_DIGITS * 2}' "
        f"AND try_cast(CAST({column} AS VARCHAR) AS DATE) BETWEEN DATE '1990-01-01' AND DATE '2099-12-31' "
        f"THEN try_cast(CAST({column} AS VARCHAR) AS DATE) END"
    )


def read_admissions(source: Source, con: Any, read: Any) -> dict[str, Admission]:
    """An admissions file: ``pupil_ref`` and any of ``date_of_birth, admitted_on, left_on``."""
    cols = _columns_duckdb(con, source, read)
    _check_header(cols, ("pupil_ref",), ("pupil_ref", *ADMISSION), source)
    adm_cols = [c for c in ADMISSION if c in cols]
    sel = "".join(f", {_date_sql(c)} AS {c}, CAST({c} AS VARCHAR) AS {c}_text" for c in adm_cols)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE admraw AS SELECT row_number() OVER () AS row, "
        f"CAST(pupil_ref AS VARCHAR) AS pupil_ref{sel} FROM {read(source)}"
    )
    found: list[tuple[int, str, str]] = []
    total = 0
    checks = [
        (
            "pupil_ref",
            "pupil_ref IS NULL OR length(pupil_ref) = 0 OR length(pupil_ref) > 64",
            "missing, or longer than 64 characters",
        )
    ]
    checks += [
        (c, f"{c} IS NULL AND length(coalesce({c}_text, '')) > 0", "not a date (YYYY-MM-DD)")
        for c in adm_cols
    ]
    if "admitted_on" in adm_cols and "left_on" in adm_cols:
        checks.append(("left_on", "left_on < admitted_on", "before admitted_on"))
    checks.append(
        (
            "pupil_ref",
            "row IN (SELECT max(row) FROM admraw GROUP BY pupil_ref HAVING count(*) > 1)",
            "a second row for the same pupil",
        )
    )
    for column, where, message in checks:
        n, rows = con.execute(
            f"SELECT count(*), list(row ORDER BY row)[1:{MAX_PROBLEMS}] FROM admraw WHERE {where}"
        ).fetchone()
        total += n
        found += [(r, column, message) for r in rows or []]
    _raise(found, total, source)
    got = con.execute("SELECT pupil_ref" + "".join(f", {c}" for c in adm_cols) + " FROM admraw").fetchall()
    con.execute("DROP TABLE admraw")
    return _admissions(got, adm_cols)
