"""``cme-policy``: evaluate a case, validate a pack, run scenario tests.

Errors are printed compiler-style, ``file:line:col: path: message``, all at once, never a
traceback and never a case's values. Exit codes, the same for every command: 0 done; 1 a check
or test ran and failed (``test``, ``check``); 2 bad input (an unreadable, empty or invalid case
or pack file, an unknown authority, a bad date or argument).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence

from .errors import CMEPolicyError, InputError

EXIT_OK, EXIT_FAIL, EXIT_INPUT = 0, 1, 2
#: Stopped by Ctrl-C (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130


def _print_problems(exc: InputError) -> int:
    for p in exc.problems:
        print(p.display(), file=sys.stderr)
    if not exc.problems:
        print(str(exc), file=sys.stderr)
    return EXIT_INPUT


# -- evaluate -----------------------------------------------------------------------------------


def _read_case(path: str) -> object:
    from .case import load_case

    return load_case(path)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .engine.evaluate import evaluate
    from .pack.load import load_policy
    from .render import render_table

    pack = load_policy(args.policy, calendar=args.calendar)
    case = _read_case(args.case)
    result = evaluate(pack, case, on=args.on, statutory_floor=not args.own_text)
    if args.format == "json":
        print(result.to_json())
    else:
        print(render_table(result))
    return EXIT_OK


# -- validate -----------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from .pack.load import validate_file

    worst = EXIT_OK
    for path in args.packs:
        problems = validate_file(path)
        for p in problems:
            print(p.display(), file=sys.stderr)
        if any(p.severity == "error" for p in problems):
            worst = EXIT_INPUT
        else:
            print(f"{path}: ok" + (f" ({len(problems)} warning(s))" if problems else ""))
    return worst


# -- test ---------------------------------------------------------------------------------------


def cmd_test(args: argparse.Namespace) -> int:
    from .scenarios import run_file, scenario_files

    outcomes = [o for p in args.paths for f in scenario_files(p) for o in run_file(f)]
    failed = [o for o in outcomes if not o.passed]
    for o in failed:
        print(f"FAIL {o.file}: {o.name}")
        for text in ([o.error] if o.error else []) + o.failures:
            for line in text.splitlines():
                print(f"    {line}")
    print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    if any(o.error is not None for o in failed):  # a scenario file or case could not be read
        return EXIT_INPUT
    return EXIT_FAIL if failed or not outcomes else EXIT_OK


# -- the command table --------------------------------------------------------------------------

Setup = Callable[[argparse.ArgumentParser], None]
COMMANDS: dict[str, tuple[str, Setup, Callable[[argparse.Namespace], int]]] = {}


def command(
    name: str, help: str, setup: Setup
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """Register a subcommand: ``setup`` adds its arguments, the decorated function runs it."""

    def register(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = (help, setup, fn)
        return fn

    return register


def _setup_evaluate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policy", required=True, help="authority id (e.g. kent) or pack file")
    p.add_argument("--on", required=True, help="evaluation date, YYYY-MM-DD")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument(
        "--own-text",
        action="store_true",
        help="the pack's own text alone, without the national baseline beneath it (for analysis)",
    )
    p.add_argument(
        "--calendar",
        metavar="FILE",
        help="term dates to use over the pack's own (YAML, iCalendar .ics or CSV; see README)",
    )
    p.add_argument("case", help="case file (YAML or JSON)")


command("evaluate", "the actions a policy requires of a case on a date", _setup_evaluate)(cmd_evaluate)
command(
    "validate",
    "check pack files and report every problem",
    lambda p: p.add_argument("packs", nargs="+", help="pack files"),
)(cmd_validate)
command(
    "test",
    "run YAML scenario tests",
    lambda p: p.add_argument("paths", nargs="+", help="scenario files or folders"),
)(cmd_test)


def _load_plugins() -> None:
    """Modules that register further commands (each owns its command)."""
    import importlib

    for module in (
        "cme_policy.compliance.cli", "cme_policy.authoring.cli", "cme_policy.worklist",
        "cme_policy.service.cli", "cme_policy.attendance.cli",
    ):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


_PACKS_HELP = (
    "a folder of local pack files, found by authority id like the shipped ones "
    "(or set CME_POLICY_PACKS once)"
)


@contextlib.contextmanager
def _pack_folder(folder: str | None) -> Iterator[None]:
    """``--packs DIR`` for one run: searched first, before CME_POLICY_PACKS and the shipped packs."""
    import os

    from .pack.locate import PACKS_ENV

    if folder is None:
        yield
        return
    before = os.environ.get(PACKS_ENV)
    os.environ[PACKS_ENV] = os.pathsep.join(x for x in (folder, before) if x)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(PACKS_ENV, None)
        else:
            os.environ[PACKS_ENV] = before


def main(argv: Sequence[str] | None = None) -> int:
    _load_plugins()
    parser = argparse.ArgumentParser(prog="cme-policy", description=__doc__.splitlines()[0])
    parser.add_argument("--packs", dest="pack_folder", metavar="DIR", default=None, help=_PACKS_HELP)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, setup, _) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        setup(p)
        p.add_argument(
            "--packs", dest="pack_folder", metavar="DIR", default=argparse.SUPPRESS, help=_PACKS_HELP
        )
    args = parser.parse_args(argv)
    try:
        with _pack_folder(args.pack_folder):
            return COMMANDS[args.command][2](args)
    except InputError as exc:
        return _print_problems(exc)
    except CMEPolicyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # an output file that cannot be written (inputs never raise it)
        print(f"error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    # Run as ``python -m cme_policy.cli``, this file is the module ``__main__``, while the
    # command modules register with ``cme_policy.cli``: run that module's main, which has them.
    from cme_policy.cli import main as _main

    sys.exit(_main())

__all__ = ["COMMANDS", "EXIT_INTERRUPTED", "command", "main"]
