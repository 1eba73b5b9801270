# durable-rules builds its conditions from `m.fact == True` (its DSL overloads ==): E712 does not apply.
# ruff: noqa: E712
"""Speed and memory of cme_policy, every figure beside a baseline measured in the same run.

    pip install ".[bench]" && python benchmarks/bench.py [--cases N] [--worklist N]

All on one seeded generated Kent caseload (benchmarks/caseload.py: newly absent, referred,
dormant, traced, off roll, safeguarding and sparse records), evaluated on 2026-03-02:

1. ``evaluate()`` per case (Kent on the national floor: validation, then the engine), against
   pydantic validation of the same case alone (``parse_case``), and the engine alone on the
   already validated cases (``cme_policy.engine.evaluate.evaluate_parsed``).
2. Four Kent rules (the school's checks and day-11 referral, §5.1 and §6.1; the monthly review
   of a dormant case and the bar on closing an untraced case, §7) as a pack of their own,
   evaluated by the engine, against the same four rules written by hand in Python (the floor).
3. The same four rules in ``durable-rules`` and in GoRules ``zen-engine`` (the ``bench`` extra;
   durable-rules builds on CPython 3.11 and 3.12 only: where it cannot be imported the script
   says so and goes on). Dates (school days, months) are counted in Python for every peer, with
   the same calendar; the peers decide which duties apply. Every peer's outstanding answers are
   checked equal to the engine's.
4. Pack load (uncached) against ``yaml.safe_load`` of the same file; ``import cme_policy``
   against ``import pydantic, yaml`` (fresh interpreters); peak traced memory streaming cases
   through ``evaluate_many`` at two caseload sizes; and ``cme-policy worklist`` on a generated
   caseload of ``--worklist`` cases (default 150,000) from a JSON Lines file, in worker
   processes (``--jobs auto``): wall time and peak resident memory of every process, beside the
   same command on a quarter of the cases, in worker processes and in one.

Targets (as ratios in this run): full evaluation within 3.5x of validation; the engine on the
four rules within 2x of the hand-written function; the engine at least 10x faster than
durable-rules; 150,000 cases as a worklist within 10 s with flat memory; import under 0.2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta

sys.path.insert(0, str(Path(__file__).parent))
from caseload import ON, generate

import cme_policy
from cme_policy import evaluate, load_policy, parse_case
from cme_policy.engine.evaluate import evaluate_parsed, national_floor
from cme_policy.pack.load import shipped_policy_path

CORE_RULES = (
    "school_checks_before_referral",
    "school_referral_after_10_days",
    "dormant_case_reviewed_monthly",
    "never_close_untraced_case",
)
OUTSTANDING = {"overdue", "due", "upcoming", "forbidden"}
TRACING = {
    "whereabouts_confirmed",
    "found_on_roll_elsewhere",
    "found_home_educated",
    "confirmed_in_other_la",
    "confirmed_abroad",
    "new_school_admitted",
}


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def core_pack(tmp: Path) -> Any:
    """Kent's pack cut down to the four rules, as a pack file of its own."""
    text = shipped_policy_path("kent").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["rules"] = [r for r in data["rules"] if r["id"] in CORE_RULES]
    data["id"] = "kent_core"
    data.pop("not_encoded", None)
    path = tmp / "kent_core.yaml"
    # Keep the calendar: a shipped calendar is found by the pack's `calendar: kent`.
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_policy(str(path))


# -- the four rules, as plain facts for the peers -------------------------------------------------


def status_by(on: dt.date, due: dt.date, done: bool) -> str:
    if done:
        return "done"
    return "upcoming" if on < due else "due" if on == due else "overdue"


def flat_facts(case: Any, on: dt.date, cal: Any) -> dict[str, Any]:
    """What the four rules read, from a validated case, with their dates counted."""
    kinds: dict[str, list[dt.date]] = {}
    for e in case.history or ():
        if e.on <= on:
            kinds.setdefault(e.event.value, []).append(e.on)
    for v in kinds.values():
        v.sort()
    first = case.absence.first_day_on
    traced = any(k in kinds for k in TRACING)
    known = True if traced else case.whereabouts.known
    f: dict[str, Any] = {
        "on_roll": case.school.on_roll,
        "explained": case.absence.explained,
        "known": known,
        "returned": "returned_to_school" in kinds,
        "referred": "cme_referral_made" in kinds,
        "dormant": "case_made_dormant" in kinds,
        "closed": "case_closed" in kinds,
    }
    if first is not None:
        f["day11"] = cal.add_school_days(first, 10).date
        f["checks_done"] = any(d >= first for d in kinds.get("school_checks_completed", ()))
        f["referral_done"] = any(d >= first for d in kinds.get("cme_referral_made", ()))
    if f["dormant"]:
        since = kinds["case_made_dormant"][0]
        reviews = [d for d in kinds.get("dormant_review_held", ()) if d >= since]
        f["review_due"] = (reviews[-1] if reviews else since) + relativedelta(months=1)
    return f


def hand_written(case: Any, on: dt.date, cal: Any) -> list[tuple[str, str, dt.date | None]]:
    """The four Kent rules, written by hand: the floor."""
    f = flat_facts(case, on, cal)
    out = []
    absent = f["on_roll"] is True and f["explained"] is False and "day11" in f
    if absent and f["known"] is not True and not f["returned"]:
        out.append(("school_checks", status_by(on, f["day11"], f["checks_done"]), f["day11"]))
    if absent and f["known"] is False and not f["returned"]:
        out.append(("refer_to_cme", status_by(on, f["day11"], f["referral_done"]), f["day11"]))
    if f["dormant"] and f["known"] is False:
        out.append(("review_dormant_case", status_by(on, f["review_due"], False), f["review_due"]))
    if f["known"] is False and (f["referred"] or f["on_roll"] is False):
        out.append(("close_case", "breached" if f["closed"] else "forbidden", None))
    return out


def engine_answers(result: Any) -> set[tuple[str, str, Any]]:
    return {(a.kind.value, a.status.value, a.due_on) for a in result.actions if a.status.value in OUTSTANDING}


def outstanding(rows: list[tuple[str, str, Any]]) -> set[tuple[str, str, Any]]:
    return {r for r in rows if r[1] in OUTSTANDING}


class DurableRules:
    """The four rules in durable-rules: conditions in its ruleset, dates in Python."""

    def __init__(self) -> None:
        from durable.lang import assert_fact, m, retract_fact, ruleset, when_all

        self.assert_fact, self.retract_fact = assert_fact, retract_fact
        self.fired: list[str] = []
        fired = self.fired
        with ruleset("kent_core"):

            @when_all(
                (m.on_roll == True)
                & (m.explained == False)
                & (m.known != True)
                & (m.returned == False)
                & (m.has_day11 == True)
            )
            def checks(c: Any) -> None:
                fired.append("school_checks")

            @when_all(
                (m.on_roll == True)
                & (m.explained == False)
                & (m.known == False)
                & (m.returned == False)
                & (m.has_day11 == True)
            )
            def referral(c: Any) -> None:
                fired.append("refer_to_cme")

            @when_all((m.dormant == True) & (m.known == False))
            def review(c: Any) -> None:
                fired.append("review_dormant_case")

            @when_all((m.known == False) & ((m.referred == True) | (m.on_roll == False)))
            def no_close(c: Any) -> None:
                fired.append("close_case")

            @when_all(+m.ref)
            def any_case(c: Any) -> None:  # durable-rules raises when no rule matches a fact
                pass

        self.ref = itertools.count()

    def __call__(self, case: Any, on: dt.date, cal: Any) -> list[tuple[str, str, Any]]:
        f = flat_facts(case, on, cal)
        message = {k: v for k, v in f.items() if isinstance(v, bool)}
        message["known"] = {True: True, False: False, None: "unknown"}[f["known"]]
        message["on_roll"] = {True: True, False: False, None: "unknown"}[f["on_roll"]]
        message["explained"] = {True: True, False: False, None: "unknown"}[f["explained"]]
        message["has_day11"] = "day11" in f
        message["ref"] = next(self.ref)
        self.fired.clear()
        # A fact, not an event: a posted event is consumed by the first rule that matches it,
        # so the other rules would never see it. Retracted at once: one case at a time.
        self.assert_fact("kent_core", message)
        self.retract_fact("kent_core", message)
        return [_dated(kind, f, on) for kind in self.fired]


def _dated(kind: str, f: dict[str, Any], on: dt.date) -> tuple[str, str, Any]:
    if kind == "school_checks":
        return kind, status_by(on, f["day11"], f["checks_done"]), f["day11"]
    if kind == "refer_to_cme":
        return kind, status_by(on, f["day11"], f["referral_done"]), f["day11"]
    if kind == "review_dormant_case":
        return kind, status_by(on, f["review_due"], False), f["review_due"]
    return kind, "breached" if f["closed"] else "forbidden", None


class Zen:
    """The four rules as a GoRules decision table (hit policy: collect); dates in Python."""

    def __init__(self) -> None:
        import zen

        inputs = ["on_roll", "explained", "known", "returned", "has_day11", "dormant", "referred"]
        cols = [{"id": f"i_{n}", "name": n, "field": n} for n in inputs]

        def row(i: int, kind: str, **tests: str) -> dict[str, str]:
            out = {"_id": f"r{i}", "o_kind": json.dumps(kind)}
            out.update({f"i_{n}": tests.get(n, "") for n in inputs})
            return out

        rules = [
            row(
                1,
                "school_checks",
                on_roll="true",
                explained="false",
                known="!= true",
                returned="false",
                has_day11="true",
            ),
            row(
                2,
                "refer_to_cme",
                on_roll="true",
                explained="false",
                known="false",
                returned="false",
                has_day11="true",
            ),
            row(3, "review_dormant_case", dormant="true", known="false"),
            row(4, "close_case", known="false", referred="true"),
            row(5, "close_case", known="false", on_roll="false", referred="false"),
        ]
        content = {
            "nodes": [
                {"id": "in", "type": "inputNode", "name": "case", "position": {"x": 0, "y": 0}},
                {
                    "id": "table",
                    "type": "decisionTableNode",
                    "name": "kent_core",
                    "position": {"x": 200, "y": 0},
                    "content": {
                        "hitPolicy": "collect",
                        "inputs": cols,
                        "outputs": [{"id": "o_kind", "name": "kind", "field": "kind"}],
                        "rules": rules,
                    },
                },
                {"id": "out", "type": "outputNode", "name": "duties", "position": {"x": 400, "y": 0}},
            ],
            "edges": [
                {"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
                {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"},
            ],
        }
        self.decision = zen.ZenEngine().create_decision(json.dumps(content))

    def __call__(self, case: Any, on: dt.date, cal: Any) -> list[tuple[str, str, Any]]:
        f = flat_facts(case, on, cal)
        facts = {k: v for k, v in f.items() if isinstance(v, bool) or v is None}
        facts["has_day11"] = "day11" in f
        got = self.decision.evaluate(facts)["result"]
        return [_dated(r["kind"], f, on) for r in got]


# -- where the engine's time goes ----------------------------------------------------------------

#: Profile groups, by the module a function is defined in (its own time, not its callees').
PHASES = (
    ("condition tests (engine/logic.py)", ("engine/logic.py",)),
    (
        "reading facts off the case (facts.py, fact_reader.py, case_view.py)",
        ("cme_policy/facts.py", "cme_policy/fact_reader.py", "cme_policy/case_view.py"),
    ),
    (
        "rules that apply: dates, completions, reasons (engine/reading.py, deadlines.py, findings.py)",
        ("engine/reading.py", "engine/deadlines.py", "engine/findings.py"),
    ),
    (
        "one verdict per duty (engine/verdict.py, permission.py, taken.py)",
        ("engine/verdict.py", "engine/permission.py", "engine/taken.py"),
    ),
    ("looking up what is remembered (engine/memo.py)", ("engine/memo.py",)),
    ("result models (pydantic)", ("pydantic", "copy.py")),
    ("calendar and school age", ("cme_policy/calendar.py", "cme_policy/school_age.py")),
)


def profile(fn: Callable[[], Any], cases: int) -> tuple[float, list[tuple[str, float]]]:
    """Python calls per case, and the share of profiled time in each of :data:`PHASES`."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    stats = pstats.Stats(prof)
    shares: dict[str, float] = {}
    total = 0.0
    for (file, _, function), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        total += own
        where = file if file != "~" else function  # a builtin: "<method 'validate_python' of ...>"
        name = next((n for n, parts in PHASES if any(p in where for p in parts)), "the rest (builtins, glue)")
        shares[name] = shares.get(name, 0.0) + own
    order = [n for n, _ in PHASES] + ["the rest (builtins, glue)"]
    return stats.total_calls / cases, [(n, shares.get(n, 0.0) / total) for n in order]  # type: ignore[attr-defined]


# -- whole-program figures ----------------------------------------------------------------------


def import_time(statement: str, repeat: int = 5) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    return min(
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(repeat)
    )


def _tree_rss(root: int) -> int:
    """Resident KiB of a process and all its descendants now (Linux /proc; 0 elsewhere)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        children.setdefault(int(fields.get("PPid", "0").strip() or 0), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


def run_sampled(argv: list[str], stdout: Any) -> tuple[float, float, str]:
    """Wall time, peak resident MiB of the whole process tree (the command and any worker
    processes, sampled ten times a second) and standard error of one command."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.1)
    wall = time.perf_counter() - t
    err = proc.stderr.read() if proc.stderr else ""
    return wall, peak / 1024, err


def worklist_run(path: Path, out: Path, jobs: str) -> tuple[float, float, str]:
    """Wall time, peak resident MiB (all processes) and the summary line of one worklist run."""
    args = [str(path), "--on", ON.isoformat(), "--policy", "kent", "--within", "5", "--format", "csv"]
    code = "import sys; from cme_policy.cli import main; sys.exit(main(sys.argv[1:]))"
    with open(out, "w") as sink:
        wall, peak, err = run_sampled([sys.executable, "-c", code, "worklist", *args, "--jobs", jobs], sink)
    lines = err.strip().splitlines()
    return wall, peak, lines[-1] if lines else ""


def stream_peak(n: int) -> float:
    """Peak resident MiB of a fresh interpreter streaming ``n`` generated cases through
    ``evaluate_many`` (its own high-water mark, so no tracing slows the run)."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[2]); from caseload import ON, generate; "
        "from cme_policy import evaluate_many; "
        "[None for _ in evaluate_many(generate(int(sys.argv[1]), seed=11), on=ON, policy='kent')]; "
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    here = str(Path(__file__).parent)
    argv = [sys.executable, "-c", code, str(n), here]
    got = subprocess.run(argv, capture_output=True, text=True, check=True)
    return int(got.stdout.strip()) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=2000, help="cases for the per-case timings")
    ap.add_argument("--worklist", type=int, default=150_000, help="cases for the worklist run (0: skip)")
    args = ap.parse_args()
    n = args.cases
    per = lambda s: s / n * 1e6  # noqa: E731
    print(f"cme_policy {cme_policy.__version__}, CPython {sys.version.split()[0]}, {os.cpu_count()} CPU(s)")
    print(f"caseload: {n} generated Kent cases (seed 7), evaluated on {ON}")

    kent = load_policy("kent")
    floor = national_floor(kent)
    raw = list(generate(n))
    parsed = [parse_case(c) for c in raw]
    for c in parsed[:50]:
        evaluate_parsed(kent, c, ON, floor=floor)  # build the calendar years and caches first

    statuses: dict[str, int] = {}
    for c in parsed:
        for a in evaluate_parsed(kent, c, ON, floor=floor).actions:
            statuses[a.status.value] = statuses.get(a.status.value, 0) + 1
    print("verdicts in the caseload: " + ", ".join(f"{v} {k}" for k, v in sorted(statuses.items())))

    print("\n1. Kent (26 rules) on the national floor (60 rules)")
    validate = best(lambda: [parse_case(c) for c in raw])
    full = best(lambda: [evaluate(kent, c, on=ON) for c in raw])
    engine = best(lambda: [evaluate_parsed(kent, c, ON, floor=floor) for c in parsed])
    print(f"   validation only (parse_case)        {per(validate):9.1f} us/case")
    print(
        f"   full evaluate()                     {per(full):9.1f} us/case"
        f"   {full / validate:5.1f}x validation"
        f"   (target <= 3.5x: {'met' if full / validate <= 3.5 else 'MISSED'})"
    )
    print(
        f"   engine alone (evaluate_parsed)      {per(engine):9.1f} us/case"
        f"   {engine / validate:5.1f}x validation"
    )
    samples = sorted(best(lambda c=c: evaluate_parsed(kent, c, ON, floor=floor), 1) for c in parsed[:400])
    print(
        f"   engine latency                      median {statistics.median(samples) * 1e6:.0f} us,"
        f" p99 {samples[int(len(samples) * 0.99)] * 1e6:.0f} us"
    )

    results = [evaluate_parsed(kent, c, ON, floor=floor) for c in parsed]
    verdicts = sum(len(r.actions) for r in results) / n
    beneath = sum(len(a.rules) for r in results for a in r.actions) / n
    words = sum(len(a.reason) + sum(len(b.reason) for b in a.rules) for r in results for a in r.actions) / n
    del results
    calls, shares = profile(lambda: [evaluate_parsed(kent, c, ON, floor=floor) for c in parsed], n)
    hand_calls, _ = profile(lambda: [hand_written(c, ON, kent.calendar) for c in parsed], n)
    print(
        f"   where the engine's time goes: {calls:,.0f} Python calls a case (the hand-written four"
        f" rules: {hand_calls:,.0f});\n   each case gets {verdicts:.1f} verdicts with {beneath:.1f} rules"
        f" beneath them and {words:,.0f} characters of reasons. Share of profiled time:"
    )
    for name, share in shares:
        print(f"     {share * 100:5.1f}%  {name}")

    print("\n2-3. Four Kent rules (§5.1, §6.1, §7 x2): the engine against the hand-written floor and peers")
    with tempfile.TemporaryDirectory() as tmp:
        core = core_pack(Path(tmp))
    cal = core.calendar
    reference = [engine_answers(evaluate_parsed(core, c, ON, floor=None)) for c in parsed]
    core_time = best(lambda: [evaluate_parsed(core, c, ON, floor=None) for c in parsed])
    hand_time = best(lambda: [hand_written(c, ON, cal) for c in parsed])
    agree = sum(outstanding(hand_written(c, ON, cal)) == r for c, r in zip(parsed, reference, strict=True))
    print(f"   engine, 4-rule pack                 {per(core_time):9.1f} us/case")
    print(
        f"   hand-written Python                 {per(hand_time):9.1f} us/case"
        f"   engine {core_time / hand_time:5.1f}x"
        f"   (target <= 2x: {'met' if core_time / hand_time <= 2 else 'MISSED'}); same answers {agree}/{n}"
    )
    peers: list[tuple[str, Callable[[], Any]]] = [("durable-rules", DurableRules), ("zen-engine", Zen)]
    for name, make in peers:
        try:
            peer = make()
        except ImportError as exc:
            why = "pip install '.[bench]'; durable-rules needs CPython 3.11 or 3.12"
            print(f"   {name:<35} not run: {exc} ({why})")
            continue
        m = min(n, 1000)
        for c in parsed[:50]:
            peer(c, ON, cal)  # warm up (zen-engine compiles its expressions on first use)
        t = best(lambda peer=peer, m=m: [peer(c, ON, cal) for c in parsed[:m]], 1) * n / m
        pairs = zip(parsed[:m], reference[:m], strict=True)
        agree = sum(outstanding(peer(c, ON, cal)) == r for c, r in pairs)
        verdict = ""
        if name == "durable-rules":
            verdict = f"   (target engine >= 10x faster: {'met' if t / core_time >= 10 else 'MISSED'})"
        print(
            f"   {name:<35} {per(t):9.1f} us/case   engine {t / core_time:5.1f}x faster{verdict};"
            f" same answers {agree}/{m}"
        )

    print("\n4. Loading, import, memory")
    kent_path = shipped_policy_path("kent")
    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        for i in range(5):  # a fresh path each time: load_policy caches by path
            p = Path(tmp) / f"kent_{i}.yaml"
            shutil.copy(kent_path, p)
            copies.append(p)
        it = iter(copies)
        strict = best(lambda: load_policy(str(next(it))), 5)
    text = kent_path.read_text(encoding="utf-8")
    plain = best(lambda: yaml.safe_load(text), 5)
    print(
        f"   load kent pack (uncached)           {strict * 1e3:9.1f} ms"
        f"   yaml.safe_load {plain * 1e3:.1f} ms"
        f"   ({strict / plain:.1f}x)"
    )
    ours = import_time("import cme_policy")
    base = import_time("import pydantic, yaml")
    first = import_time("from cme_policy import evaluate")
    print(
        f"   import cme_policy                    {ours * 1e3:9.1f} ms"
        f"   import pydantic, yaml {base * 1e3:.1f} ms"
        f"   (target < 200 ms: {'met' if ours < 0.2 else 'MISSED'})"
    )
    print(
        f"   from cme_policy import evaluate     {first * 1e3:9.1f} ms"
        f"   (the engine and models, on first use)"
    )
    sizes = (10_000, 40_000)  # past the point where the engine's bounded memos are full
    small, large = (stream_peak(k) for k in sizes)
    print(
        f"   evaluate_many peak resident memory  {small:6.0f} MiB at {sizes[0]:,} cases,"
        f" {large:.0f} MiB at {sizes[1]:,} ({large / small:.2f}x for 4x the cases; the engine's"
        " memos are bounded)"
    )

    if args.worklist:
        with tempfile.TemporaryDirectory() as tmp:
            sizes = [args.worklist // 4, args.worklist]
            paths = []
            for size in sizes:
                path = Path(tmp) / f"caseload_{size}.jsonl"
                with open(path, "w", encoding="utf-8") as f:
                    for case in generate(size, seed=3):
                        f.write(json.dumps(case) + "\n")
                paths.append(path)
            out = Path(tmp) / "out.csv"
            one = worklist_run(paths[0], out, "1")
            quarter = worklist_run(paths[0], out, "auto")
            full = worklist_run(paths[1], out, "auto")
            t2, m2, summary = full
            verdict = "met" if t2 <= 10 else "MISSED"
            if sizes[1] < 150_000:
                verdict = "set for 150,000 cases"
            print(
                f"   worklist {sizes[1]:,} cases (--within 5, csv)  {t2:7.1f} s  {sizes[1] / t2:,.0f} a"
                f" second, peak RSS {m2:.0f} MiB, every process   (target <= 10 s: {verdict})"
            )
            print(
                f"   worklist {sizes[0]:,} cases                    {quarter[0]:7.1f} s, peak RSS"
                f" {quarter[1]:.0f} MiB   (memory {m2 / quarter[1]:.2f}x for 4x the cases)"
            )
            print(
                f"   worklist {sizes[0]:,} cases, --jobs 1          {one[0]:7.1f} s, peak RSS {one[1]:.0f}"
                " MiB"
                f"   (worker processes: {one[0] / quarter[0]:.2f}x faster on {os.cpu_count()} CPU(s))"
            )
            print(f"   {summary}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nrun peak RSS of this process: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
