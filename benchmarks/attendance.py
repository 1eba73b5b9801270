"""Register scan figures: DuckDB and Polars side by side, and the plain-Python reference.

    python benchmarks/attendance.py [--pupils 50000] [--on 2025-07-18] [--policy kent]
                                    [--format csv|parquet] [--reference-pupils 2000] [--keep DIR]
                                    [--baseline REV]

Generates an authority's register extract (``--pupils`` x the school days of the pack's
2024/25 calendar x 2 sessions; 50,000 pupils is about 19 million rows) with DuckDB, then for
each engine, each in a fresh process so that peak memory (ru_maxrss) is its own: the time to
read and check the extract, the time of the scan as of ``--on``, rows per second and the peak
resident memory; the plain-Python reference on a slice of ``--reference-pupils`` pupils; and the
whole command (``cme-policy attendance``) for each shipped pack. Every figure comes from the
same run on the same file. ``--baseline REV`` also runs the DuckDB engine of an earlier commit
(its ``cme_policy`` taken with ``git archive``) on the same file, for a before-and-after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

GENERATE = r"""
COPY (
  WITH days AS (SELECT date, row_number() OVER (ORDER BY date) - 1 AS i FROM school_days),
  pupils AS (SELECT range AS p FROM range({pupils})),
  s AS (SELECT * FROM (VALUES (0, 'AM'), (1, 'PM')) t(sn, session))
  SELECT printf('P%07d', p) AS pupil_ref, strftime(date, '%Y-%m-%d') AS date, session,
    CASE
      -- about 2% go missing for good from a day in the year: N, O, some G
      WHEN p % 50 = 7 AND i >= hash(p) % {n_days} THEN
        CASE WHEN hash(p, i, sn) % 10 < 6 THEN 'N' WHEN hash(p, i, sn) % 10 < 9 THEN 'O' ELSE 'G' END
      -- a sickness spell of 20 school days for 1 in 37
      WHEN p % 37 = 3 AND i BETWEEN hash(p) % {n_days} AND hash(p) % {n_days} + 19 THEN 'I'
      WHEN hash(p, i, sn) % 1000 < 25 THEN 'I'
      -- code N is replaced within days, so only the last week's remain
      WHEN hash(p, i, sn) % 1000 < 31 THEN CASE WHEN i >= {n_days} - 7 THEN 'N' ELSE 'O' END
      WHEN hash(p, i, sn) % 1000 < 36 THEN 'O'
      WHEN hash(p, i, sn) % 1000 < 40 THEN 'M'
      WHEN hash(p, i, sn) % 1000 < 42 THEN 'L'
      WHEN hash(p, i, sn) % 1000 < 43 THEN 'U'
      ELSE CASE sn WHEN 0 THEN '/' ELSE '\' END
    END AS code
  FROM pupils, days, s
  -- 1 in 97 admitted mid-year: no marks before admission
  WHERE NOT (p % 97 = 5 AND i < hash(p) % {n_days})
  ORDER BY date, session, pupil_ref
) TO '{path}' (FORMAT {fmt}{opts});
COPY (
  SELECT printf('P%07d', range) AS pupil_ref,
    strftime(DATE '2009-09-01' + CAST(hash(range) % 3650 AS INTEGER), '%Y-%m-%d') AS date_of_birth,
    CASE WHEN range % 97 = 5 THEN strftime(
      (SELECT date FROM (SELECT date, row_number() OVER (ORDER BY date) - 1 AS i FROM school_days)
       WHERE i = hash(range) % {n_days}), '%Y-%m-%d') ELSE '2020-09-01' END AS admitted_on,
    NULL::VARCHAR AS left_on
  FROM range({pupils})
) TO '{adm}' (FORMAT csv, HEADER);
"""


def generate(directory: str, pupils: int, policy: str, fmt: str) -> tuple[str, str, int]:
    import duckdb

    from cme_policy import load_policy

    cal = load_policy(policy).calendar
    days = []
    day = dt.date(2024, 9, 2)
    while day <= dt.date(2025, 7, 22):
        if day.weekday() < 5 and cal.is_school_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    path = os.path.join(directory, f"register.{fmt}")
    adm = os.path.join(directory, "admissions.csv")
    con = duckdb.connect(config={"threads": 2})
    con.execute("CREATE TABLE school_days(date DATE)")
    con.executemany("INSERT INTO school_days VALUES (?)", [(d,) for d in days])
    opts = ", HEADER" if fmt == "csv" else ", COMPRESSION zstd"
    con.execute(GENERATE.format(pupils=pupils, n_days=len(days), path=path, fmt=fmt, opts=opts, adm=adm))
    rows = con.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0]
    con.close()
    return path, adm, rows


def measure(engine: str, path: str, adm: str, on: str, policy: str, reference_pupils: int) -> dict:
    """Run in a child process: read, scan, and (for 'reference') the plain-Python scan."""
    from cme_policy import load_policy
    from cme_policy.attendance import Frame, open_extract, scan_reference

    cal = load_policy(policy).calendar
    day = dt.date.fromisoformat(on)
    t0 = time.perf_counter()
    c0 = time.process_time()
    with open_extract(path, admissions=adm, engine="duckdb" if engine == "reference" else engine) as reg:
        t1 = time.perf_counter()
        marked, last = reg.frame_inputs(day)
        frame = Frame.build(cal, day, marked, last)
        if engine == "reference":
            keep = {f"P{n:07d}" for n in range(reference_pupils)}
            rows = [r for r in reg.rows() if r[0] in keep]
            t1 = time.perf_counter()
            scans = scan_reference(rows, reg.admissions, frame)
            n_rows = len(rows)
        else:
            scans = reg.scan(frame)
            n_rows = None
        t2 = time.perf_counter()
    cpu = time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "engine": engine,
        "read_s": t1 - t0,
        "scan_s": t2 - t1,
        "total_s": t2 - t0,
        "cpu_s": cpu,
        "peak_mb": peak,
        "pupils": len(scans),
        "rows": n_rows,
        "absent_now": sum(1 for s in scans.values() if s.run_sessions),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pupils", type=int, default=50_000)
    ap.add_argument("--on", default="2025-07-18")
    ap.add_argument("--policy", default="kent")
    ap.add_argument("--format", choices=["csv", "parquet"], default="parquet")
    ap.add_argument("--reference-pupils", type=int, default=2_000)
    ap.add_argument("--keep", metavar="DIR", help="write the extract here and keep it")
    ap.add_argument("--engines", default="duckdb,polars")
    ap.add_argument(
        "--commands",
        default="kent,derbyshire,havering,manchester",
        help="packs to run the whole cme-policy attendance command under ('' for none)",
    )
    ap.add_argument("--baseline", metavar="REV", help="also run the DuckDB engine as of this git commit")
    ap.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        engine, path, adm, on, policy, ref = args.child
        print(json.dumps(measure(engine, path, adm, on, policy, int(ref))))
        return
    directory = args.keep or tempfile.mkdtemp(prefix="cme-attendance-")
    os.makedirs(directory, exist_ok=True)
    t = time.perf_counter()
    path, adm, rows = generate(directory, args.pupils, args.policy, args.format)
    size = os.path.getsize(path) / 1e6
    print(
        f"extract: {rows:,} session rows, {args.pupils:,} pupils, {args.format} {size:,.0f} MB "
        f"(generated in {time.perf_counter() - t:.1f} s); evaluated on {args.on} under {args.policy}; "
        f"{os.cpu_count()} CPUs, each engine on 1 thread"
    )
    print(
        f"{'engine':<10} {'read+check s':>12} {'scan s':>8} {'total s':>8} {'CPU s':>7} {'rows/s':>12} "
        f"{'peak MB':>8} {'absent now':>10}"
    )
    runs = [(e, None) for e in [*args.engines.split(","), "reference"]]
    if args.baseline:
        runs.insert(0, ("duckdb", baseline_tree(args.baseline, directory)))
    for engine, tree in runs:
        env = dict(os.environ, PYTHONPATH=tree) if tree else None
        got = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                engine,
                path,
                adm,
                args.on,
                args.policy,
                str(args.reference_pupils),
            ],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        if got.returncode:
            print(f"{engine:<10} failed: {got.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(got.stdout)
        n = r["rows"] or rows
        label = engine if engine != "reference" else "python*"
        if tree:
            label = f"{engine}@{args.baseline[:7]}"
        print(
            f"{label:<10} {r['read_s']:>12.2f} {r['scan_s']:>8.2f} {r['total_s']:>8.2f} {r['cpu_s']:>7.1f} "
            f"{n / r['total_s'] if engine != 'reference' else n / r['scan_s']:>12,.0f} {r['peak_mb']:>8,.0f} "
            f"{r['absent_now']:>10,}"
        )
    print(
        f"* python: the plain-Python reference scan on the first {args.reference_pupils:,} pupils "
        "(rows/s of the scan alone; its read column is DuckDB's read of the whole extract)"
    )
    for policy in [p for p in args.commands.split(",") if p]:
        cmd = [
            "cme-policy",
            "attendance",
            path,
            "--admissions",
            adm,
            "--policy",
            policy,
            "--on",
            args.on,
            "--format",
            "json",
        ]
        t = time.perf_counter()
        got = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t
        peak = int(got.stderr.strip().splitlines()[-1]) / 1024 if got.stderr.strip() else float("nan")
        if got.returncode not in (0, 2):
            print(f"command under {policy}: failed ({got.returncode})")
            continue
        report = json.loads(got.stdout)
        p = report["policies"][0]
        print(
            f"cme-policy attendance --policy {policy}: {wall:.1f} s wall, {peak:,.0f} MB peak; "
            f"read {report['read_seconds']} s, scan {p['stats']['scan_seconds']} s, evaluate "
            f"{p['stats']['evaluate_seconds']} s for {p['stats']['pupils_derived']:,} derived cases; "
            f"{len(p['worklist']):,} worklist lines, {len(p['removals']):,} removal verdicts"
        )
    if not args.keep:
        shutil.rmtree(directory)


def baseline_tree(rev: str, directory: str) -> str:
    """The ``cme_policy`` package as of ``rev``, unpacked under ``directory`` (read-only use of
    git: ``git archive``), to put first on the child's ``PYTHONPATH``."""
    tree = os.path.join(directory, f"baseline-{rev[:12]}")
    os.makedirs(tree, exist_ok=True)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    archive = subprocess.run(
        ["git", "-C", root, "archive", rev, "cme_policy"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
    return tree


if __name__ == "__main__":
    main()
