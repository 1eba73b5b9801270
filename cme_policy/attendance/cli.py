"""``cme-policy attendance``: a register extract to the day's CME worklist under a pack.

    cme-policy attendance EXTRACT --policy ID [--policy ID ...] --on DATE [--admissions FILE]
                          [--cases FILE] [--format table|csv|json] [--within N] [--explain]
                          [--engine duckdb|polars]

For each pack: the worklist (what is overdue, due, or due within N school days, as
``cme-policy worklist`` gives it), every verdict on removal from roll (permitted, not yet
permitted with its earliest date, forbidden, or needing information), and with ``--explain``
(always in JSON) every derived fact of every pupil listed, with the regulation it follows and
why. With ``--cases``, the case system's caseload is merged into the derived cases by
``case_ref`` (its history kept, the register's absence facts winning: see
:mod:`cme_policy.attendance.merge`), so a duty already recorded there is not listed. Problems
with the extract name rows and columns, never values; exit 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from typing import IO, Any

from ..cli import EXIT_INPUT, EXIT_OK, command

REMOVAL = "remove_from_roll"


def _setup(p: argparse.ArgumentParser) -> None:
    p.add_argument("extract", help="register extract (.csv or .parquet), or - for standard input")
    p.add_argument(
        "--policy",
        action="append",
        required=True,
        help="authority id (e.g. kent) or pack file; give it again for more packs",
    )
    p.add_argument("--on", required=True, help="evaluation date, YYYY-MM-DD")
    p.add_argument(
        "--admissions",
        metavar="FILE",
        help="admission details: pupil_ref, date_of_birth, admitted_on, left_on (CSV or Parquet)",
    )
    p.add_argument(
        "--cases",
        metavar="FILE",
        help="caseload to merge by case_ref = pupil_ref: its history (referrals, enquiries) and other "
        "known facts kept, the register's absence facts winning (JSON Lines, JSON, YAML or CSV)",
    )
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument(
        "--within",
        type=int,
        default=0,
        metavar="N",
        help="also list duties due within the next N school days",
    )
    p.add_argument("--explain", action="store_true", help="print every listed pupil's derived facts")
    p.add_argument("--engine", choices=["duckdb", "polars"], default="duckdb")
    p.add_argument(
        "--input-format", choices=["csv", "parquet"], help="the extract's format, when its name does not say"
    )
    p.add_argument("--calendar", metavar="FILE", help="term dates over each pack's own (YAML, .ics or CSV)")
    p.add_argument(
        "--own-text", action="store_true", help="each pack's own text alone, without the national floor"
    )


@command("attendance", "a register extract to the day's CME worklist, every derived fact explained", _setup)
def cmd_attendance(args: argparse.Namespace) -> int:
    from ..batch import Batch, RecordError
    from ..engine.evaluate import parse_on
    from ..errors import InputError, Problem
    from ..worklist import build
    from ..worklist_formats import as_dict, shown
    from .merge import Caseload
    from .run import derive_register, open_extract

    if not 0 <= args.within <= 400:
        raise InputError([Problem("--within", "give 0 to 400 school days")], "bad argument")
    on = parse_on(args.on)
    if args.cases == "-" and args.extract == "-":
        raise InputError([Problem("--cases", "the extract already reads standard input")], "bad argument")
    caseload = Caseload.read(args.cases) if args.cases is not None else None
    batches = [Batch(p, calendar=args.calendar, statutory_floor=not args.own_text) for p in args.policy]
    started = time.perf_counter()
    out = sys.stdout
    report: dict[str, Any] = {"on": on.isoformat(), "policies": []}
    errors = 0
    with open_extract(
        args.extract, admissions=args.admissions, engine=args.engine, input_format=args.input_format
    ) as register:
        loaded = time.perf_counter()
        for batch in batches:
            assert batch.default is not None
            pack = batch.default[0]
            t0 = time.perf_counter()
            derivation = derive_register(register, on=on, calendar=pack.calendar, cases=caseload)
            t1 = time.perf_counter()
            pupils = {p.case_ref: p for p in derivation.pupils}
            removals: list[dict[str, Any]] = []
            listed: set[str] = set()

            def seen(items: Any, removals: list[dict[str, Any]] = removals) -> Any:
                for item in items:
                    if not isinstance(item, RecordError):
                        a = item.action(REMOVAL)
                        if a is not None:
                            removals.append(
                                {
                                    "status": a.status.value,
                                    "not_before": a.not_before.isoformat() if a.not_before else None,
                                    "case_ref": item.case_ref,
                                    "actor": a.actor.value,
                                    "rule_id": a.rule_id,
                                    "pack": a.pack,
                                    "citation": a.citation.section,
                                    "policy": item.policy,
                                }
                            )
                    yield item

            def on_error(err: Any) -> None:
                print(str(err), file=sys.stderr)

            items = batch.run((p.case for p in derivation.pupils), on=on)
            work, summary = build(seen(items), batch, on, args.within, on_error=on_error)
            errors += summary.cases_with_errors
            try:
                lines = [as_dict(r) for r in work]
            finally:
                work.close()
            t2 = time.perf_counter()
            removals.sort(
                key=lambda r: (_REMOVAL_ORDER.get(r["status"], 9), r["not_before"] or "", r["case_ref"])
            )
            listed = {r["case_ref"] for r in lines if r["case_ref"]} | {
                r["case_ref"] for r in removals if r["status"] in ("permitted", "breached")
            }
            stats = {
                "pupils_scanned": len(derivation.scans),
                "pupils_derived": len(derivation.pupils),
                "absent_now": sum(1 for p in derivation.pupils if p.absent_now),
                "school_days": len(derivation.frame.days),
                "scan_seconds": round(t1 - t0, 3),
                "evaluate_seconds": round(t2 - t1, 3),
                "summary": summary.as_dict(),
            }
            if derivation.caseload is not None:
                stats["caseload"] = derivation.caseload.as_dict()
            report["policies"].append(
                {
                    "policy": pack.id,
                    "stats": stats,
                    "worklist": lines,
                    "removals": removals,
                    "pupils": [pupils[r].as_dict() for r in sorted(listed) if r in pupils]
                    if args.format == "json" or args.explain
                    else [],
                }
            )
            if args.format == "table":
                _table(
                    out,
                    pack.id,
                    lines,
                    removals,
                    stats,
                    [pupils[r] for r in sorted(listed) if r in pupils] if args.explain else [],
                    shown,
                )
    report["read_seconds"] = round(loaded - started, 3)
    if caseload is not None:
        errors += len(caseload.problems)
        _caseload_report(report)
    if args.format == "json":
        json.dump(report, out, indent=2)
        out.write("\n")
    elif args.format == "csv":
        _csv(out, report)
    print(
        f"register read in {report['read_seconds']} s; "
        + "; ".join(
            f"{p['policy']}: {p['stats']['pupils_scanned']} pupils scanned, "
            f"{p['stats']['absent_now']} absent now, {len(p['worklist'])} worklist line(s), "
            f"{len(p['removals'])} removal verdict(s)"
            for p in report["policies"]
        ),
        file=sys.stderr,
    )
    return EXIT_INPUT if errors else EXIT_OK


def _caseload_report(report: dict[str, Any]) -> None:
    """What merging the caseload found, on standard error: the case and the field, no value."""
    first = report["policies"][0]["stats"]["caseload"] if report["policies"] else None
    if first is None:
        return
    for problem in first["problems"][:MAX_SHOWN]:
        print(f"caseload: {problem}", file=sys.stderr)
    conflicts = first["conflicts"]
    for c in conflicts[:MAX_SHOWN]:
        print(
            f"caseload: case {c['case_ref']}: {c['field']}: the caseload and the register differ; "
            f"the {c['used']}'s value is used",
            file=sys.stderr,
        )
    more = len(conflicts) - MAX_SHOWN
    print(
        f"caseload: {first['matched']} derived case(s) matched a record, {first['not_derived']} record(s) "
        f"not derived from the register, {len(conflicts)} conflict(s)"
        + (f" ({more} more in --format json)" if more > 0 else "")
        + f", {len(first['problems'])} record(s) not used",
        file=sys.stderr,
    )


MAX_SHOWN = 20

_REMOVAL_ORDER = {
    "breached": 0,
    "permitted": 1,
    "not_yet_permitted": 2,
    "needs_information": 3,
    "forbidden": 4,
}


def _table(
    out: IO[str],
    policy: str,
    lines: list[dict[str, Any]],
    removals: list[dict[str, Any]],
    stats: dict[str, Any],
    pupils: list[Any],
    shown: Any,
) -> None:
    out.write(
        f"== {policy}: worklist ({stats['absent_now']} pupil(s) absent now of "
        f"{stats['pupils_scanned']} scanned) ==\n"
    )
    for d in lines:
        out.write(
            f"{d['status']:<9} {d['due_on']:<10}  {shown(d['case_ref'] or ''):<14} {d['actor']:<22} "
            f"{d['action']:<30} {d['rule_id']} ({d['pack']} {d['citation']})\n"
        )
    if not lines:
        out.write("nothing overdue, due or due within the window\n")
    out.write(f"\n== {policy}: removal from roll ==\n")
    for r in removals:
        when = f"from {r['not_before']}" if r["not_before"] else ""
        out.write(
            f"{r['status']:<18} {when:<16} {shown(r['case_ref'] or ''):<14} {r['rule_id']} "
            f"({r['pack']} {r['citation']})\n"
        )
    if not removals:
        out.write("no removal verdicts\n")
    for p in pupils:
        out.write(f"\n-- {shown(p.case_ref)} --\n")
        for line in p.explanation():
            out.write(f"  {line}\n")
    out.write("\n")


def _csv(out: IO[str], report: dict[str, Any]) -> None:
    from ..worklist_formats import csv_safe

    cols = (
        "section",
        "policy",
        "status",
        "due_on",
        "not_before",
        "case_ref",
        "actor",
        "action",
        "rule_id",
        "pack",
        "citation",
    )
    w = csv.writer(out, lineterminator="\n")
    w.writerow(cols)
    for p in report["policies"]:
        for d in p["worklist"]:
            w.writerow(
                [
                    "worklist",
                    p["policy"],
                    d["status"],
                    d["due_on"],
                    "",
                    csv_safe(d["case_ref"] or ""),
                    d["actor"],
                    d["action"],
                    d["rule_id"],
                    d["pack"],
                    d["citation"],
                ]
            )
        for r in p["removals"]:
            w.writerow(
                [
                    "removal",
                    p["policy"],
                    r["status"],
                    "",
                    r["not_before"] or "",
                    csv_safe(r["case_ref"] or ""),
                    r["actor"],
                    REMOVAL,
                    r["rule_id"],
                    r["pack"],
                    r["citation"],
                ]
            )


__all__ = ["cmd_attendance"]
