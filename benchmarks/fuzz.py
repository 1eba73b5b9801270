"""Coverage-guided fuzzing of the pack loader and the case reader (atheris, i.e. libFuzzer).

    pip install ".[fuzz]"
    python benchmarks/fuzz.py --seconds 60                # both targets, 60 s each
    python benchmarks/fuzz.py --target case --seconds 600 --keep fuzz-corpus/

Each input is written to a file and read the way a user's file is: ``load_case`` for the case
target; ``validate_file`` and ``load_policy`` for the pack target. The library's own
``InputError`` is the expected answer to a bad input; any other exception, an input taking over
2 s or a process over 1 GB is a crash: libFuzzer saves the input as ``crash-*`` and stops.
Put each crash in ``tests/hostile/`` with the message it should give, so it stays fixed.
Seeds are the shipped packs, the examples and the hostile corpus. The figures at the end:
executions and time per target.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = {
    "case": ["examples", "tests/hostile/cases"],
    "pack": ["policies", "tests/hostile/packs", "tests/fixtures/broken"],
}


def _scratch() -> Path:
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(prefix="cme-fuzz-", dir=shm if shm.is_dir() else None))


def run_target(target: str) -> None:
    """Runs in the child process: set up atheris for ``target`` and fuzz until the time is up."""
    import atheris

    # Only our code and the YAML reader are instrumented: instrumenting pydantic and holidays
    # too costs a quarter of a minute at start-up and guides nothing we own.
    with atheris.instrument_imports(include=["cme_policy", "yaml"]):
        from cme_policy import InputError, load_case, load_policy
        from cme_policy.pack.load import validate_file

    scratch = Path(os.environ["CME_FUZZ_SCRATCH"])
    counter = iter(range(1 << 62))

    def one_input(data: bytes) -> None:
        # A fresh name each time: load_policy caches packs by path and modification time.
        path = scratch / f"input-{next(counter)}.yaml"
        path.write_bytes(data)
        try:
            if target == "case":
                load_case(path)
            else:
                validate_file(path)
                load_policy(str(path))
        except InputError:
            pass
        finally:
            path.unlink()

    atheris.Setup(sys.argv[:1] + sys.argv[sys.argv.index("--") + 1 :], one_input)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=["case", "pack", "all"], default="all")
    parser.add_argument("--seconds", type=int, default=10, help="time budget per target")
    parser.add_argument("--keep", type=Path, help="keep the grown corpus in this folder")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.child:
        run_target(args.child)
        return 0
    try:
        import atheris  # noqa: F401 - only checking that it is installed
    except ImportError:
        print('atheris is not installed: pip install ".[fuzz]"', file=sys.stderr)
        return 2
    targets = ["case", "pack"] if args.target == "all" else [args.target]
    figures = []
    worst = 0
    for target in targets:
        corpus = (args.keep / target) if args.keep else _scratch()
        corpus.mkdir(parents=True, exist_ok=True)
        for folder in SEEDS[target]:
            for seed in sorted((ROOT / folder).rglob("*.yaml")):
                shutil.copy(seed, corpus / f"seed-{seed.parent.name}-{seed.name}")
        flags = [
            f"-max_total_time={args.seconds}", "-timeout=2", "-rss_limit_mb=1024",
            "-max_len=65536", f"-artifact_prefix={Path.cwd()}/fuzz-{target}-", *rest, str(corpus),
        ]
        scratch = _scratch()
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, __file__, "--child", target, "--", *flags],
            capture_output=True, text=True, check=False, cwd=ROOT,
            env={**os.environ, "CME_FUZZ_SCRATCH": str(scratch)},
        )
        elapsed = time.monotonic() - started
        shutil.rmtree(scratch, ignore_errors=True)
        runs = re.findall(r"Done (\d+) runs", proc.stderr)
        figures.append((target, int(runs[-1]) if runs else 0, elapsed, proc.returncode))
        if proc.returncode != 0:
            print(proc.stderr[-4000:], file=sys.stderr)
            worst = 1
        if not args.keep:
            shutil.rmtree(corpus, ignore_errors=True)
    print(f"{'target':8} {'executions':>11} {'seconds':>8}  result")
    for target, runs_done, elapsed, code in figures:
        print(f"{target:8} {runs_done:>11} {elapsed:>8.1f}  {'ok' if code == 0 else 'CRASH'}")
    return worst


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
