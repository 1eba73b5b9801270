"""Speed and memory of cme_policy, each figure printed beside a baseline measured in the same run.

    python benchmarks/bench.py [--cases N]

* Loading: strict pack loading (YAML with positions, pydantic models, fact checks) against
  PyYAML's plain ``safe_load`` of the same file.
* Evaluation: ``evaluate()`` of the whole Kent pack (every rule, explained) against two
  baselines on the same cases: pydantic validation of the case alone (the floor any API taking
  JSON pays), and hand-written Python computing only the Kent referral date and status.
* Memory: peak traced allocation while evaluating all cases, against the same for validation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import yaml

from cme_policy import Case, evaluate, load_policy, parse_case
from cme_policy.pack.load import _load_path_uncached, shipped_policy_path


def make_cases(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    start = dt.date(2024, 9, 2)
    cases = []
    for _ in range(n):
        first = start + dt.timedelta(days=rng.randrange(0, 600))
        history = []
        if rng.random() < 0.5:
            history.append({"event": "school_checks_completed", "on": str(first + dt.timedelta(days=5))})
        if rng.random() < 0.4:
            history.append({"event": "cme_referral_made", "on": str(first + dt.timedelta(days=15))})
        cases.append(
            {
                "child": {
                    "date_of_birth": str(dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(0, 3000))),
                    "looked_after": rng.random() < 0.1,
                    "safeguarding_concerns": [],
                    "child_protection_plan": False,
                    "serious_concern_for_safety": False,
                    "in_immediate_danger": False,
                },
                "school": {"on_roll": True},
                "absence": {"first_day_on": str(first), "explained": rng.random() < 0.2},
                "whereabouts": {"known": rng.random() < 0.3, "believed_abroad": False},
                "history": history,
            }
        )
    return cases


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    best = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best.append(time.perf_counter() - t)
    return min(best)


def hand_written_referral(case: Case, on: dt.date, calendar) -> tuple[dt.date, str] | None:
    """The Kent §6.1 referral, written by hand: the baseline for one rule."""
    if not (case.school.on_roll and case.absence.explained is False and case.whereabouts.known is False):
        return None
    due = calendar.add_school_days(case.absence.first_day_on, 10).date
    done = any(e.event == "cme_referral_made" and e.on <= on for e in case.history or ())
    status = "done" if done else "upcoming" if on < due else "due" if on == due else "overdue"
    return due, status


def peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2000)
    n = ap.parse_args().cases
    path = str(shipped_policy_path("kent").resolve())
    text = Path(path).read_text(encoding="utf-8")

    strict = timed(lambda: _load_path_uncached(path, ()))
    plain = timed(lambda: yaml.safe_load(text))
    print(
        f"load kent pack        strict {strict * 1e3:8.2f} ms   | yaml.safe_load {plain * 1e3:8.2f} ms"
        f"   ({strict / plain:.1f}x)"
    )

    kent = load_policy("kent")
    raw = make_cases(n)
    parsed = [parse_case(c) for c in raw]
    on = dt.date(2025, 6, 2)
    kent.calendar.add_school_days(on, 1)  # build the calendar once, outside the timings

    engine = timed(lambda: [evaluate(kent, c, on=on) for c in parsed], repeat=3)
    validate = timed(lambda: [parse_case(c) for c in raw], repeat=3)
    hand = timed(lambda: [hand_written_referral(c, on, kent.calendar) for c in parsed], repeat=3)
    per = lambda s: s / n * 1e6  # noqa: E731
    print(f"evaluate {n} cases    engine {per(engine):8.1f} us/case ({len(kent.rules)} rules, explained)")
    print(
        f"  baseline            case validation only {per(validate):8.1f} us/case"
        f"   (engine {engine / validate:.1f}x)"
    )
    print(
        f"  baseline            hand-written referral rule only {per(hand):8.1f} us/case"
        f"   (engine {engine / hand:.1f}x for {len(kent.rules)}x the rules)"
    )

    samples = [timed(lambda c=c: evaluate(kent, c, on=on), repeat=1) for c in parsed[:300]]
    print(
        f"  latency             median {statistics.median(samples) * 1e6:.1f} us,"
        f" p99 {sorted(samples)[int(len(samples) * 0.99)] * 1e6:.1f} us"
    )

    mem_engine = peak(lambda: [evaluate(kent, c, on=on) for c in parsed])
    mem_validate = peak(lambda: [parse_case(c) for c in raw])
    print(
        f"peak memory           engine {mem_engine / 2**20:6.2f} MiB   | case validation"
        f" {mem_validate / 2**20:6.2f} MiB"
    )


if __name__ == "__main__":
    main()
