"""Load on the HTTP service, beside the library in-process (not a timed test).

    pip install ".[service,test]" && python benchmarks/service_load.py [--seconds 10] [--clients 8]

Starts ``cme-policy serve`` on a free loopback port (a separate process, so client and server
do not share a GIL), then reports, in one run on one machine:

* ``/v1/evaluate``: requests/s and p50/p99 latency with ``--clients`` concurrent keep-alive
  clients, each sending the shipped Kent example as JSON;
* ``/v1/evaluate/batch``: per-case cost for batches of ``--batch`` cases;
* in-process ``evaluate_many`` per case on the same cases, and the ratio batch / in-process
  (the target is at most 1.5).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from cme_policy import evaluate_many, load_case

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples/kent/absent_over_half_term.yaml"
ON = "2025-03-03"
TOKEN = "load-test-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, CME_POLICY_TOKENS=TOKEN)
    code = "import sys; from cme_policy.cli import main; sys.exit(main())"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load_evaluate(url: str, case: dict, seconds: float, clients: int) -> tuple[int, list[float]]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    stop = time.monotonic() + seconds
    body = {"policy": "kent", "on": ON, "case": case}

    def client(i: int) -> None:
        with httpx.Client(base_url=url, headers={"authorization": f"Bearer {TOKEN}"}, timeout=30) as c:
            while time.monotonic() < stop:
                t = time.perf_counter()
                r = c.post("/v1/evaluate", json=body)
                latencies[i].append(time.perf_counter() - t)
                if r.status_code != 200:
                    raise SystemExit(f"status {r.status_code}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = [x for xs in latencies for x in xs]
    return len(flat), flat


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()

    case = load_case(CASE).model_dump(mode="json", exclude_none=True)
    cases = [dict(case, case_ref=f"load-{i}") for i in range(args.batch)]

    # In-process first: evaluate_many on the same cases (results built, not serialised).
    list(evaluate_many(cases[:20], on=ON, policy="kent"))  # packs loaded, caches warm
    inproc = []
    for _ in range(args.rounds):
        t = time.perf_counter()
        for _item in evaluate_many(cases, on=ON, policy="kent"):
            pass
        inproc.append((time.perf_counter() - t) / len(cases))

    port = free_port()
    proc = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, headers={"authorization": f"Bearer {TOKEN}"}, timeout=120) as c:
            c.post("/v1/evaluate/batch", json={"on": ON, "policy": "kent", "cases": cases[:20]})  # warm
            batch = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                r = c.post("/v1/evaluate/batch", json={"on": ON, "policy": "kent", "cases": cases})
                batch.append((time.perf_counter() - t) / len(cases))
                assert r.status_code == 200 and r.json()["errors"] == 0
        n, lat = load_evaluate(url, case, args.seconds, args.clients)
    finally:
        proc.terminate()
        proc.wait(30)

    best_in, best_batch = min(inproc), min(batch)
    print(f"machine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}; server: one uvicorn process")
    print(
        f"POST /v1/evaluate, {args.clients} clients, {args.seconds:.0f} s: "
        f"{n / args.seconds:.0f} requests/s, "
        f"p50 {percentile(lat, 0.5) * 1000:.1f} ms, p99 {percentile(lat, 0.99) * 1000:.1f} ms, "
        f"mean {statistics.fmean(lat) * 1000:.1f} ms"
    )
    print(
        f"in-process evaluate_many: {best_in * 1000:.2f} ms/case ({1 / best_in:.0f} cases/s), "
        f"best of {args.rounds} x {args.batch}"
    )
    print(
        f"POST /v1/evaluate/batch ({args.batch} cases): {best_batch * 1000:.2f} ms/case "
        f"({1 / best_batch:.0f} cases/s), best of {args.rounds}"
    )
    print(f"batch / in-process per case: {best_batch / best_in:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
