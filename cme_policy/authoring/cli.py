"""Authoring commands: ``schema``, ``explain``, ``timeline``, and rule coverage for ``test``.

Registered on the main ``cme-policy`` command table (``cme_policy.cli`` imports this module).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import EXIT_FAIL, EXIT_INPUT, EXIT_OK, command

# -- schema -------------------------------------------------------------------------------------


def _setup_schema(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.add_argument(
        "--case", action="store_true",
        help="the schema of case files instead (shipped as schema/case.schema.json)",
    )
    p.add_argument(
        "--check", metavar="FILE",
        help="exit 1 if FILE differs from the generated schema (a stale shipped copy)",
    )


@command("schema", "print the JSON Schema of policy packs, or of cases (--case)", _setup_schema)
def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import case_schema_text, policy_pack_schema_text

    text = case_schema_text() if args.case else policy_pack_schema_text()
    again = "cme-policy schema --case" if args.case else "cme-policy schema"
    if args.check:
        try:
            current = Path(args.check).read_text(encoding="utf-8")
        except OSError as exc:
            print(f"{args.check}: cannot read: {exc.strerror}", file=sys.stderr)
            return EXIT_INPUT
        if current != text:
            print(f"{args.check}: stale; regenerate with {again} -o {args.check}",
                  file=sys.stderr)
            return EXIT_FAIL
        print(f"{args.check}: up to date")
        return EXIT_OK
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


# -- test --coverage: wraps the core ``test`` command --------------------------------------------


def _wrap_test_command() -> None:
    from ..cli import COMMANDS

    if "test" not in COMMANDS or getattr(COMMANDS["test"][2], "_with_coverage", False):
        return
    help_text, setup, run = COMMANDS["test"]

    def setup_with_coverage(p: argparse.ArgumentParser) -> None:
        setup(p)
        p.add_argument(
            "--coverage", action="store_true",
            help="also list the rules no scenario exercises (exit 1 if any rule has none)",
        )

    def run_with_coverage(args: argparse.Namespace) -> int:
        code = run(args)
        if not getattr(args, "coverage", False):
            return code
        from ..scenarios import scenario_files
        from .coverage import collect_coverage, render_coverage

        files = [f for p in args.paths for f in scenario_files(p)]
        packs, broken = collect_coverage(files)
        print(render_coverage(packs, broken))
        if any(cov.uncovered for cov in packs.values()) and code == EXIT_OK:
            return EXIT_FAIL
        return code

    run_with_coverage._with_coverage = True  # type: ignore[attr-defined]
    command("test", help_text, setup_with_coverage)(run_with_coverage)


_wrap_test_command()


# -- explain --------------------------------------------------------------------------------------


def _setup_explain(p: argparse.ArgumentParser) -> None:
    p.add_argument("policy", help="authority id (e.g. kent) or pack file")
    p.add_argument("--format", choices=["markdown", "html"], default="markdown")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")


@command("explain", "render a pack as a procedure document for caseworkers", _setup_explain)
def cmd_explain(args: argparse.Namespace) -> int:
    from ..pack.load import load_policy
    from .explain import explain

    text = explain(load_policy(args.policy), args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


# -- timeline -------------------------------------------------------------------------------------


def _setup_timeline(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policy", required=True, help="authority id (e.g. kent) or pack file")
    p.add_argument("--on", help="evaluation date, YYYY-MM-DD (default: today)")
    p.add_argument("--svg", metavar="OUT.svg", help="also draw the timeline to this SVG file")
    p.add_argument("--calendar", metavar="FILE", help="term dates over the pack's own (YAML, .ics or CSV)")
    p.add_argument("case", help="case file (YAML or JSON)")


@command("timeline", "a case's projected timeline: school days, holidays, deadlines", _setup_timeline)
def cmd_timeline(args: argparse.Namespace) -> int:
    import datetime as dt

    from ..cli import _read_case
    from ..engine.evaluate import parse_on
    from ..pack.load import load_policy
    from .timeline import build_timeline, render_svg, render_text

    pack = load_policy(args.policy, calendar=args.calendar)
    case = _read_case(args.case)
    on = parse_on(args.on) if args.on else dt.date.today()
    tl = build_timeline(pack, case, on)  # type: ignore[arg-type]
    sys.stdout.write(render_text(tl))
    if args.svg:
        Path(args.svg).write_text(render_svg(tl), encoding="utf-8")
        print(f"SVG written to {args.svg}")
    return EXIT_OK


# -- new ------------------------------------------------------------------------------------------


def _setup_new(p: argparse.ArgumentParser) -> None:
    p.add_argument("authority", help="the new pack's id: lower case and underscores (e.g. exampleshire)")
    p.add_argument("--name", help='the authority\'s name (default: from the id, e.g. "Exampleshire Council")')
    p.add_argument(
        "--dir", default=".", help="the folder to create policies/ and scenarios/ in (default: here)"
    )


@command("new", "start a pack: policies/ID.yaml, its calendar and its scenarios, with comments", _setup_new)
def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import write_scaffold

    try:
        written = write_scaffold(args.dir, args.authority, args.name)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except FileExistsError as exc:
        print(f"error: already there, nothing written: {exc}", file=sys.stderr)
        return EXIT_INPUT
    for path in written:
        print(f"wrote {path}")
    pack = f"policies/{args.authority}.yaml"
    print(
        "next: edit the pack and its scenarios, then\n"
        f"  cme-policy validate {pack}\n"
        f"  cme-policy test --coverage scenarios/{args.authority}.yaml\n"
        f"  cme-policy explain {pack}"
    )
    return EXIT_OK
