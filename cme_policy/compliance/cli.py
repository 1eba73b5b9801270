"""``cme-policy check`` and ``cme-policy compare`` (registered on import by cme_policy.cli)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from cme_policy.cli import EXIT_FAIL, EXIT_OK, command

from .render import FORMATS, render_comparison, render_report


def _today() -> str:
    return dt.date.today().isoformat()


def _setup_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("pack", help="authority id (e.g. kent) or pack file")
    p.add_argument("--on", default=None, help="date to check on, YYYY-MM-DD (default: today)")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--baseline", default="england", help="national baseline pack (default: england)")
    p.add_argument("-o", "--output", default=None, help="write the report to this file")


def _emit(text: str, path: str | None) -> None:
    if path is None:
        sys.stdout.write(text)
    else:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)


@command(
    "check",
    "check a pack against the national baseline (exit 1 when a rule is weaker than required)",
    _setup_check,
)
def cmd_check(args: argparse.Namespace) -> int:
    from .check import check_compliance

    report = check_compliance(args.pack, on=args.on or _today(), baseline=args.baseline)
    _emit(render_report(report, args.format), args.output)
    return EXIT_FAIL if report.weaker_found else EXIT_OK


def _setup_compare(p: argparse.ArgumentParser) -> None:
    p.add_argument("packs", nargs="*", help="authority ids or pack files (default: every shipped LA pack)")
    p.add_argument("--on", default=None, help="date, YYYY-MM-DD (default: today)")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("-o", "--output", default=None, help="write the comparison to this file")


@command(
    "compare",
    "authorities side by side: referral, off-roll, notifications, closure, escalation",
    _setup_compare,
)
def cmd_compare(args: argparse.Namespace) -> int:
    from .compare import compare_packs

    comparison = compare_packs(args.packs, on=args.on or _today())
    _emit(render_comparison(comparison, args.format), args.output)
    return EXIT_OK
