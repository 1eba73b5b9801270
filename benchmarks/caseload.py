"""A generated Kent caseload, seeded, with the mix of stages (and so of statuses) a CME team has.

    python benchmarks/caseload.py N OUT.jsonl [--seed S] [--on YYYY-MM-DD]

Every case is made up: references are ``GEN-000001`` and so on, dates of birth random. The mix:
newly absent pupils before and after their day-11 referral, referred cases under enquiry,
untraced cases made dormant and reviewed, traced and closed cases, children off roll and out of
education, safeguarding concerns, children in care, and a few records that say little (so
that some verdicts need information).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections.abc import Iterator
from typing import Any

ON = dt.date(2026, 3, 2)


def _day(on: dt.date, rng: random.Random, lo: int, hi: int) -> dt.date:
    return on - dt.timedelta(days=rng.randrange(lo, hi))


def generate(n: int, seed: int = 7, on: dt.date = ON) -> Iterator[dict[str, Any]]:
    """``n`` case records, one at a time (nothing is kept)."""
    rng = random.Random(seed)
    for i in range(n):
        born = on - dt.timedelta(days=rng.randrange(6 * 365, 15 * 365))
        stage = rng.random()
        first = _day(on, rng, 0, 40)
        child: dict[str, Any] = {
            "date_of_birth": born.isoformat(),
            "looked_after": rng.random() < 0.06,
            "child_protection_plan": False,
            "safeguarding_concerns": [],
            "serious_concern_for_safety": False,
            "in_immediate_danger": False,
        }
        case: dict[str, Any] = {
            "case_ref": f"GEN-{i + 1:06d}",
            "child": child,
            "school": {"on_roll": True},
            "absence": {"first_day_on": first.isoformat(), "explained": False},
            "whereabouts": {"known": False, "believed_abroad": False},
            "history": [],
        }
        history = case["history"]

        def event(kind: str, day: dt.date, history: list = history, **extra: Any) -> None:
            history.append({"event": kind, "on": min(day, on).isoformat(), **extra})

        if stage < 0.35:  # newly absent: referral upcoming, due or overdue
            event("parents_contacted", first)
            if rng.random() < 0.4:
                event("school_checks_completed", first + dt.timedelta(days=rng.randrange(1, 12)))
        elif stage < 0.55:  # referred, enquiries under way
            first = _day(on, rng, 30, 120)
            case["absence"]["first_day_on"] = first.isoformat()
            event("school_checks_completed", first + dt.timedelta(days=7))
            event("cme_referral_made", first + dt.timedelta(days=14))
            if rng.random() < 0.6:
                event("referral_assessed", first + dt.timedelta(days=16))
            if rng.random() < 0.4:
                event("la_enquiries_started", first + dt.timedelta(days=18))
        elif stage < 0.65:  # untraced, risk-assessed and dormant
            first = _day(on, rng, 150, 400)
            case["absence"]["first_day_on"] = first.isoformat()
            case["school"]["on_roll"] = False
            event("cme_referral_made", first + dt.timedelta(days=14))
            event("la_enquiries_exhausted", first + dt.timedelta(days=60))
            level = rng.choice(["low", "medium"])
            event("risk_assessment_completed", first + dt.timedelta(days=62), level=level)
            event("case_made_dormant", first + dt.timedelta(days=64))
            for k in range(rng.randrange(0, 6)):
                event("dormant_review_held", first + dt.timedelta(days=94 + 30 * k))
        elif stage < 0.75:  # traced and closed
            first = _day(on, rng, 60, 300)
            case["absence"]["first_day_on"] = first.isoformat()
            case["whereabouts"]["known"] = True
            event("cme_referral_made", first + dt.timedelta(days=14))
            event("found_on_roll_elsewhere", first + dt.timedelta(days=30))
            event("case_closed", first + dt.timedelta(days=35))
        elif stage < 0.85:  # off roll, not in suitable education
            case["school"] = {"on_roll": False}
            case["absence"] = {}
            case["education"] = {"suitable": False}
        elif stage < 0.92:  # safeguarding concerns
            child["safeguarding_concerns"] = [rng.choice(["neglect", "domestic_abuse", "child_protection"])]
            child["serious_concern_for_safety"] = rng.random() < 0.5
            child["in_immediate_danger"] = rng.random() < 0.1
            child["concerns_identified_on"] = _day(on, rng, 0, 10).isoformat()
        elif stage < 0.97:  # believed abroad
            case["whereabouts"]["believed_abroad"] = True
            event("cme_referral_made", first + dt.timedelta(days=14))
        else:  # a record that says little
            case = {"case_ref": case["case_ref"], "child": {"date_of_birth": born.isoformat()},
                    "absence": {"first_day_on": first.isoformat()}}
        yield case


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--on", default=ON.isoformat())
    args = ap.parse_args()
    with open(args.out, "w", encoding="utf-8") as f:
        for case in generate(args.n, args.seed, dt.date.fromisoformat(args.on)):
            f.write(json.dumps(case) + "\n")


if __name__ == "__main__":
    main()
