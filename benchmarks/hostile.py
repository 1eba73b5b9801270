"""The long hostile-input profile: every refused file, its CPU time and peak memory, the worst.

    python benchmarks/hostile.py [--fuzz SECONDS]

Reads every file in tests/hostile/ and the big ones made here (a million list items, 100,000
keys, 10,001 history events, 3 MB, 100,000 nested brackets, /dev/zero, a FIFO) as a case and as
a pack, each once for CPU time and once under tracemalloc for peak memory, and prints the
figures; ``--fuzz`` then runs benchmarks/fuzz.py for that many seconds per target.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cme_policy import InputError, load_case, load_policy

ROOT = Path(__file__).resolve().parent.parent


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(load: Callable[[], Any]) -> tuple[bool, float, int]:
    """(refused, CPU seconds, peak traced bytes) for one read."""
    start = _cpu()
    try:
        load()
        refused = False
    except InputError:
        refused = True
    cpu = _cpu() - start
    tracemalloc.start()
    with contextlib.suppress(InputError):
        load()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return refused, cpu, peak


def made_files(d: Path) -> list[Path]:
    files = {
        "million_items.yaml": "history: [" + "a," * 1_000_000 + "]\n",
        "many_keys.yaml": "".join(f"k{i}: 1\n" for i in range(100_010)),
        "history_10001.yaml": "history:\n"
        + "  - {event: cme_referral_made, on: 2025-02-20}\n" * 10_001,
        "oversized.yaml": "#" + "x" * (3 * 1024 * 1024) + "\n",
        "deep_100k.yaml": "child: " + "[" * 100_000 + "]" * 100_000 + "\n",
    }
    out = []
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
        out.append(d / name)
    if hasattr(os, "mkfifo"):
        os.mkfifo(d / "fifo.yaml")
        out += [d / "fifo.yaml", Path("/dev/zero")]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzz", type=int, default=0, help="seconds of fuzzing per target")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        files = sorted((ROOT / "tests" / "hostile").rglob("*.yaml")) + made_files(Path(tmp))
        for path in files:
            for kind, load in (("case", load_case), ("pack", lambda p: load_policy(str(p)))):
                refused, cpu, peak = measure(lambda load=load, path=path: load(path))
                rows.append((path.name, kind, refused, cpu, peak))
    print(f"{'file':36} {'as':5} {'refused':8} {'CPU ms':>8} {'peak MB':>8}")
    for name, kind, refused, cpu, peak in sorted(rows, key=lambda r: -r[3])[:15]:
        print(f"{name:36} {kind:5} {'yes' if refused else 'NO':8} {cpu * 1000:8.1f} {peak / 1e6:8.1f}")
    accepted = [r for r in rows if not r[2]]
    print(f"\n{len(rows)} reads of {len(rows) // 2} files: {len(rows) - len(accepted)} refused")
    worst_cpu, worst_peak = max(r[3] for r in rows), max(r[4] for r in rows)
    print(f"worst CPU: {worst_cpu * 1000:.0f} ms; worst peak: {worst_peak / 1e6:.1f} MB")
    if accepted:
        print("ACCEPTED (should have been refused):", ", ".join(f"{r[0]} as {r[1]}" for r in accepted))
    code = 1 if accepted else 0
    if args.fuzz:
        fuzz = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "fuzz.py"), "--seconds", str(args.fuzz)], check=False
        )
        code = code or fuzz.returncode
    return code


if __name__ == "__main__":
    sys.exit(main())
