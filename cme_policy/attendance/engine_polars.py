"""The Polars engine: the same extract loaded, checked and scanned in Polars.

:class:`PolarsRegister` reads the extract as lazy frames and runs the scan on the streaming
engine; it computes the same :class:`~cme_policy.attendance.scan.PupilScan` rows as the DuckDB
engine and the plain-Python reference (tested equal). A separate admissions file is read with
DuckDB (:func:`~cme_policy.attendance.engine_duckdb.read_admissions`). ``polars`` is imported
only when a register is opened.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

from .codes import CODES_2024_FROM
from .engine_duckdb import _quote, _read_csv_sql, read_admissions
from .extract import (
    _ZERO,
    ADMISSION,
    MAX_PROBLEMS,
    MAX_REF,
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


class PolarsRegister:
    """The same extract in Polars (lazy frames; the scan runs on the streaming engine)."""

    engine = "polars"

    def __init__(self, source: Source, admissions: Source | None = None, *, threads: int = 1) -> None:
        os.environ.setdefault("POLARS_MAX_THREADS", str(threads))
        import polars as pl

        self.pl = pl
        self.source = source
        if source.format == "parquet":
            lf = pl.scan_parquet(source.path)
            cols = list(lf.collect_schema().names())
            lf = lf.select([pl.col(c).cast(pl.String) for c in cols])
        else:
            cols = _header(source)
            lf = pl.scan_csv(source.path, schema=dict.fromkeys(cols, pl.String), encoding="utf8")
        _check_header(cols, REQUIRED, REQUIRED + ADMISSION, source)
        adm_cols = [c for c in ADMISSION if c in cols]
        codes = pl.DataFrame(
            {
                "code": [c for c, _, _ in _codes_table()],
                "kind": [k for _, k, _ in _codes_table()],
                "tab": [t for _, _, t in _codes_table()],
            },
            schema={"code": pl.String, "kind": pl.Int8, "tab": pl.Int8},
        )
        typed = (
            lf.with_row_index("row", offset=1)
            .with_columns(
                _pl_date(pl, "date").alias("date"),
                pl.col("date").alias("date_text"),
                pl.col("session")
                .str.to_uppercase()
                .replace_strict({"AM": 0, "PM": 1}, default=None, return_dtype=pl.Int8)
                .alias("session"),
                *[_pl_date(pl, c).alias(c) for c in adm_cols],
                *[pl.col(c).alias(f"{c}_text") for c in adm_cols],
            )
            .with_columns(
                pl.when(pl.col("date") >= CODES_2024_FROM).then(1).otherwise(0).cast(pl.Int8).alias("tab")
            )
            .join(codes.lazy(), on=["code", "tab"], how="left")
        )
        raw = typed.collect(engine="streaming")
        ref = pl.col("pupil_ref")
        checks = [
            (
                "pupil_ref",
                ref.is_null()
                | (ref.str.len_chars() == 0)
                | (ref.str.len_chars() > MAX_REF)
                | ref.str.contains(r"[\x00-\x1f\x7f]"),
                "missing, or not a reference of 1-64 printable characters",
            ),
            ("date", pl.col("date").is_null(), "not a date (YYYY-MM-DD, 1990-2099)"),
            ("session", pl.col("session").is_null(), "not a session (AM or PM)"),
            (
                "code",
                pl.col("date").is_not_null() & pl.col("kind").is_null(),
                "not an attendance code in force on the row's date (2024 Regulations reg 10 from "
                "19 Aug 2024; the 2006 codes before)",
            ),
        ] + [
            (
                c,
                pl.col(c).is_null() & (pl.col(f"{c}_text").fill_null("").str.len_chars() > 0),
                "not a date (YYYY-MM-DD)",
            )
            for c in adm_cols
        ]
        found: list[tuple[int, str, str]] = []
        total = 0
        for column, cond, message in checks:
            bad = raw.lazy().filter(cond).select("row").collect()
            total += bad.height
            found += [(int(r), column, message) for r in bad["row"].head(MAX_PROBLEMS)]
        dup = (
            raw.lazy()
            .filter(pl.col("date").is_not_null() & pl.col("session").is_not_null())
            .group_by("pupil_ref", "date", "session")
            .agg(pl.len().alias("n"), pl.col("row").max())
            .filter(pl.col("n") > 1)
            .select("row")
            .sort("row")
            .collect()
        )
        total += dup.height
        found += [
            (int(r), "session", "a second mark for the same pupil, date and session")
            for r in dup["row"].head(MAX_PROBLEMS)
        ]
        _raise(found, total, source)
        self.admissions: dict[str, Admission] = {}
        if adm_cols:
            g = (
                raw.lazy()
                .group_by("pupil_ref")
                .agg(
                    pl.col("row").min(),
                    *[pl.col(f"{c}_text").n_unique().alias(f"{c}_n") for c in adm_cols],
                    *[pl.col(c).first() for c in adm_cols],
                )
                .collect()
            )
            conflict = g.filter(pl.any_horizontal([pl.col(f"{c}_n") > 1 for c in adm_cols])).sort("row")
            _raise(
                [
                    (int(r), "admitted_on", "admission details differ between this pupil's rows")
                    for r in conflict["row"].head(MAX_PROBLEMS)
                ],
                conflict.height,
                source,
            )
            self.admissions = _admissions(g.select("pupil_ref", *adm_cols).rows(), adm_cols)
        self.reg = raw.select("row", "pupil_ref", "date", "session", "code", "kind")
        del raw
        if admissions is not None:
            import duckdb

            con = duckdb.connect()
            try:
                self.admissions.update(read_admissions(admissions, con, self._read))
            finally:
                con.close()

    def _read(self, source: Source) -> str:  # used for the admissions file (small) only
        if source.format == "parquet":
            return f"read_parquet({_quote(source.path)})"
        return _read_csv_sql(source)

    def frame_inputs(self, on: dt.date) -> tuple[list[dt.date], tuple[dt.date, int] | None]:
        pl = self.pl
        within = self.reg.lazy().filter(pl.col("date") <= on)
        days = within.select(pl.col("date").unique()).collect()["date"].to_list()
        last = (
            within.filter(pl.col("date") == pl.col("date").max())
            .select(pl.col("date").first(), pl.col("session").max())
            .collect()
        )
        if last.height == 0 or last["date"][0] is None:
            return days, None
        return days, (last["date"][0], int(last["session"][0]))

    def rows(self) -> Iterator[tuple[str, dt.date, int, str]]:
        yield from self.reg.select("pupil_ref", "date", "session", "code").iter_rows()

    def scan(self, frame: Frame) -> dict[str, PupilScan]:
        pl = self.pl
        col = pl.col
        fdays = pl.DataFrame(
            {"date": list(frame.days), "d": list(range(len(frame.days)))},
            schema={"date": pl.Date, "d": pl.Int32},
        ).lazy()
        bounded = _bounds(self.admissions, frame)
        fadm = pl.DataFrame(
            bounded, schema={"pupil_ref": pl.String, "admitted_on": pl.Date, "left_on": pl.Date}, orient="row"
        ).lazy()
        before_on = frame.school_days_before_on
        year_from = frame.first_index_from(frame.year_start)
        last_k = frame.last_k
        m = (
            self.reg.lazy()
            .filter((col("date") <= frame.on) & (col("kind") != OFF_ROLL_KIND))
            .join(fdays, on="date", how="inner")
            .join(fadm, on="pupil_ref", how="left")
            .filter(
                (col("admitted_on").is_null() | (col("date") >= col("admitted_on")))
                & (col("left_on").is_null() | (col("date") <= col("left_on")))
            )
            .select(
                col("pupil_ref").alias("p"),
                (2 * col("d") + col("session")).cast(pl.Int32).alias("k"),
                "code",
                "kind",
            )
        )
        pa = col("kind").is_in(PRESENT_OR_AUTHORISED)
        sick = (col("code") == "I") & (col("k") // 2 >= year_from)
        b = m.group_by("p").agg(
            col("k").min().alias("first_k"),
            col("k").max().alias("last_k"),
            col("k").filter(pa).max().alias("barrier_k"),
            col("code").filter(pa).sort_by(col("k").filter(pa)).last().alias("barrier_code"),
            (col("code") == "N").sum().cast(pl.Int64).alias("n_count"),
            col("k").filter(col("code") == "N").min().alias("n_first_k"),
            ((col("code") == "N") & (col("k") // 2 + N_REPLACE_SCHOOL_DAYS + 1 <= before_on))
            .sum()
            .cast(pl.Int64)
            .alias("n_overdue"),
            sick.sum().cast(pl.Int64).alias("sick_sessions"),
            col("k").filter(sick).sort().get(SICK_SESSIONS_15_DAYS - 1, null_on_oob=True).alias("sick_15_k"),
        )
        after = (
            m.join(b.select("p", "barrier_k"), on="p")
            .filter(col("k") > col("barrier_k").fill_null(-1))
            .drop("barrier_k")
        )
        firsts = after.filter(col("kind") == UNAUTH).group_by("p").agg(col("k").min().alias("run_first_k"))
        e = col("code").is_in(["G", "U"])
        slots = (
            after.join(firsts, on="p")
            .filter(col("k") >= col("run_first_k"))
            .sort("p", "k")
            .with_columns(
                col("k").shift(1).over("p").alias("prev_k"), e.alias("e"), (col("kind") == UNAUTH).alias("u")
            )
        )
        slots = slots.with_columns(pl.when(col("u")).then(col("e")).otherwise(None).alias("eu")).with_columns(
            col("eu").shift(1).over(["p", "u"]).alias("prev_e")
        )
        u = col("u")
        run = slots.group_by("p").agg(
            col("run_first_k").first(),
            col("k").filter(u).max().alias("run_last_k"),
            col("code").filter(u).sort_by(col("k").filter(u)).last().alias("run_last_code"),
            u.sum().cast(pl.Int64).alias("run_sessions"),
            (col("k").filter(u) // 2).n_unique().cast(pl.Int64).alias("run_days"),
            *[(col("code") == c).sum().cast(pl.Int64).alias(f"run_{c.lower()}") for c in "GNOU"],
            pl.max_horizontal(pl.lit(0), last_k - col("run_first_k").first() + 1 - (col("k") <= last_k).sum())
            .cast(pl.Int64)
            .alias("run_unmarked"),
            pl.coalesce(
                (col("prev_k") + 1).filter(col("k") > col("prev_k") + 1).min(),
                pl.when(col("k").max() < last_k).then(col("k").max() + 1),
            ).alias("first_unmarked_k"),
            col("k").filter(u & ~col("code").is_in(["G", "N", "O"])).min().alias("first_non_gno_k"),
            col("e").filter(u).sort_by(col("k").filter(u)).first().alias("expl_first"),
            col("k")
            .filter(u & col("prev_e").is_not_null() & (col("e") != col("prev_e")))
            .sort()
            .alias("expl_flips"),
        )
        out_lf = b.join(run, on="p", how="left").rename({"p": "pupil_ref"})
        got = out_lf.collect(engine="streaming")
        out = {}
        fields = PupilScan.__dataclass_fields__
        for row in got.iter_rows(named=True):
            row = {k: v for k, v in row.items() if k in fields}
            row["expl_flips"] = tuple(row["expl_flips"] or ())
            out[row["pupil_ref"]] = PupilScan(
                **{k: (0 if v is None and k in _ZERO else v) for k, v in row.items()}
            )
        return out

    def close(self) -> None:
        self.reg = None  # type: ignore[assignment]


def _pl_date(pl: Any, column: str) -> Any:
    c = pl.col(column)
    parsed = c.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    ok = c.str.contains(r"^\d{4}-\d{2}-\d{2}$") & parsed.is_between(
        dt.date(1990, 1, 1), dt.date(2099, 12, 31)
    )
    return pl.when(ok).then(parsed).otherwise(None)
