from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE. "dev" (the default) draws new random examples
# on every run; "ci" (set by .ci/run) draws the same ones every run, so a failure in CI can be
# reproduced, and prints the blob that replays a failing example. Neither changes deadlines or
# health checks: a test's own @settings still decides those. Loaded here, before any test module
# builds its settings, because a settings object takes its defaults from the profile in force
# when it is made.
settings.register_profile("dev")
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def kent_case() -> dict:
    """A Year 4 pupil absent without explanation from Mon 10 Feb 2025 (half term 17-21 Feb)."""
    return {
        "child": {
            "date_of_birth": "2015-06-14",
            "looked_after": False,
            "child_protection_plan": False,
            "safeguarding_concerns": [],
            "serious_concern_for_safety": False,
            "in_immediate_danger": False,
        },
        "school": {"on_roll": True, "phase": "primary"},
        "absence": {"first_day_on": "2025-02-10", "explained": False},
        "whereabouts": {"known": False, "believed_abroad": False},
        "history": [],
    }


D = dt.date


@pytest.fixture
def spill_runs(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``spill_runs(rows, block)`` makes the worklist spill sorted runs of ``rows`` lines, in
    pickled blocks of ``block``, and returns the run files as they are opened (to check that
    every one is closed afterwards)."""
    from cme_policy import worklist

    def spill(rows: int, block: int) -> list[IO[bytes]]:
        monkeypatch.setattr(worklist, "RUN_ROWS", rows)
        monkeypatch.setattr(worklist, "RUN_BLOCK", block)
        opened: list[IO[bytes]] = []
        real = worklist.tempfile.TemporaryFile

        def temporary(*args: Any, **kwargs: Any) -> IO[bytes]:
            run = real(*args, **kwargs)
            opened.append(run)
            return run

        monkeypatch.setattr(worklist.tempfile, "TemporaryFile", temporary)
        return opened

    return spill
