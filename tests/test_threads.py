"""Evaluation is deterministic under threads: packs are immutable once loaded and each
evaluation builds its own view of the case (README, "Untrusted input and limits")."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from cme_policy import evaluate, load_policy, shipped_policies

CASES = [
    {
        "case_ref": f"T-{i}",
        "child": {"date_of_birth": "2013-05-01", "child_protection_plan": i % 3 == 0},
        "school": {"on_roll": i % 4 != 0},
        "absence": {"first_day_on": (dt.date(2025, 1, 6) + dt.timedelta(days=i)).isoformat(),
                    "explained": False, "authorised": False, "every_session_coded_g_n_o": i % 2 == 0},
        "whereabouts": {"known": i % 5 == 0},
        "history": [{"event": "cme_referral_made", "on": "2025-02-03"}] if i % 2 else [],
    }
    for i in range(24)
]


def test_eight_threads_give_the_same_answers_as_one():
    packs = [load_policy(p) for p in shipped_policies()]
    jobs = [(p, c) for p in packs for c in CASES]
    one = [evaluate(p, c, on="2025-03-10").to_json() for p, c in jobs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(2):
            many = list(pool.map(lambda job: evaluate(job[0], job[1], on="2025-03-10").to_json(), jobs))
            assert many == one
