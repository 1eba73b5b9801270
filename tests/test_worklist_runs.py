"""The worklist's lines in bounded memory, and its writers: sorted runs spilled to disk merge to
the order of one sort in memory, and each writer writes, line for line, what rendering each
line's ``as_dict`` whole writes (the writers as they were before they rendered a rule's cells
once: kept here as the reference)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.util
import io
import json
import random
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import pytest

from cme_policy import worklist
from cme_policy.calendar_ics import fold_line
from cme_policy.cli import main
from cme_policy.worklist_formats import (
    COLUMNS,
    _ics_text,
    as_dict,
    csv_safe,
    write_csv,
    write_ics,
    write_json,
    write_table,
)
from cme_policy.worklist_jobs import Row

ROOT = Path(__file__).resolve().parent.parent
ON = dt.date(2026, 3, 2)
REFS = [
    "GEN-000001",
    "",
    "a,b",
    'say "hi"',
    "=SUM(A1:A9)",
    "-3",
    "+44",
    "@home",
    "\ttab",
    "line\nbreak\r",
    "back\\slash;semi,comma",
    "  spaced  ",
    "é" * 40,
    "x" * 60 + "é€🙂" * 8,
    "🙂" * 30,
    "\x00\x1b[31m",
    "GEN-000001",  # the same reference twice: ordered by position
]
RULES = [
    ("refer_to_la", "school", "kent", "day_11_referral", "kent", "§7"),
    ("review_dormant_case", "la_cme_team", "kent", "dormant_case_reviewed_monthly", "kent", "4.2"),
    ("notify", "la_cme_team", "derbyshire", "rule,with;odd\\text", "england", "=1\n2"),
    ("a_very_long_action_name_" * 3, "actor_é" * 6, "policy", "r" * 90, "pack", "§" * 40),
]
STATUSES = ("overdue", "due", "upcoming")


def _rows(n: int, seed: int, by_actor: bool = False) -> list[Row]:
    rng = random.Random(seed)
    rows = []
    for position in range(1, n + 1):
        kind, actor, policy, rule, pack, section = rng.choice(RULES)
        urgency = rng.randrange(3)
        due = ON.toordinal() + rng.randrange(-400, 20) if position != 5 else dt.date(5, 1, 1).toordinal()
        ref = rng.choice(REFS)
        group = actor if by_actor else ""
        rows.append(
            [group, urgency, due, ref, position, kind, actor, STATUSES[urgency], policy, rule, pack, section]
        )
    return rows


# -- sorted runs ---------------------------------------------------------------------------------


@pytest.fixture
def tiny_runs(spill_runs: Any) -> list[IO[bytes]]:
    """Runs of 7 lines in blocks of 3; the run files, as they are opened."""
    return spill_runs(7, 3)


@pytest.mark.parametrize("n", [0, 1, 6, 7, 8, 21, 50, 301])
def test_runs_merge_to_the_order_of_one_sort(tiny_runs: list[IO[bytes]], n: int) -> None:
    rows = _rows(n, seed=n, by_actor=n % 2 == 1)
    work = worklist.Worklist()
    for row in rows:
        work.add(list(row))
    assert len(tiny_runs) == n // 7 and len(work.rows) == n % 7  # never more than RUN_ROWS held
    assert list(work) == sorted(rows)
    assert list(work) == sorted(rows)  # read again, from the start of each run
    work.close()
    assert all(run.closed for run in tiny_runs) and work.runs == []


def test_the_command_writes_the_same_worklist_from_runs(
    tmp_path: Path,
    tiny_runs: list[IO[bytes]],
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    spec = importlib.util.spec_from_file_location("caseload_generator", ROOT / "benchmarks" / "caseload.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in generator.generate(60, seed=3)))
    for fmt in ("table", "csv", "json", "ics"):
        for extra in ([], ["--by-actor"]):
            args = ["worklist", str(path), "--on", ON.isoformat(), "--policy", "kent", "--within", "5"]
            args += ["--format", fmt, "--jobs", "1", *extra]
            monkeypatch.setattr(worklist, "RUN_ROWS", 7)
            spilled = main(args), capsysbinary.readouterr()
            runs = len(tiny_runs)
            assert runs > 3
            monkeypatch.setattr(worklist, "RUN_ROWS", 1_000_000)
            in_memory = main(args), capsysbinary.readouterr()
            assert len(tiny_runs) == runs  # nothing spilled
            assert spilled == in_memory
            assert all(run.closed for run in tiny_runs)
            tiny_runs.clear()


# -- the writers ---------------------------------------------------------------------------------


def _reference_table(rows: Iterable[Row], out: IO[str], by_actor: bool) -> None:
    group = None
    wrote = False
    for row in rows:
        d = as_dict(row)
        if by_actor and d["actor"] != group:
            group = d["actor"]
            out.write(("\n" if wrote else "") + f"== {group} ==\n")
        ref = d["case_ref"] or f"record {d['record']}"
        out.write(
            f"{d['status']:<9} {d['due_on']:<10}  {ref:<20} {d['actor']:<26} {d['action']:<28} "
            f"{d['policy']}: {d['rule_id']} ({d['pack']} {d['citation']})\n"
        )
        wrote = True
    if not wrote:
        out.write("nothing overdue, due or due within the window\n")


def _reference_csv(rows: Iterable[Row], out: IO[str]) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for row in rows:
        d = as_dict(row)
        w.writerow([csv_safe(d[c]) if isinstance(d[c], str) else d[c] for c in COLUMNS])


def _reference_json(rows: Iterable[Row], out: IO[str], head: dict[str, Any], tail: Any) -> None:
    out.write("{\n" + "".join(f"  {json.dumps(k)}: {json.dumps(v)},\n" for k, v in head.items()))
    out.write('  "items": [')
    first = True
    for row in rows:
        out.write(("\n    " if first else ",\n    ") + json.dumps(as_dict(row)))
        first = False
    out.write("\n  ],\n" if not first else "],\n")
    rest = tail()
    out.write(",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in rest.items()) + "\n}\n")


def _reference_fold(line: str) -> str:
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def _reference_ics(rows: Iterable[Row], out: IO[str], on: dt.date) -> None:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//cme_policy//worklist//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:CME worklist {on.isoformat()}",
    ]
    out.write("".join(_reference_fold(x) + "\r\n" for x in lines))
    stamp = f"{on:%Y%m%d}T000000Z"
    for row in rows:
        d = as_dict(row)
        due = dt.date.fromisoformat(d["due_on"])
        ref = d["case_ref"] or f"record {d['record']}"
        key = "|".join((ref, d["policy"], d["action"], d["actor"]))
        uid = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@cme-policy"
        summary = f"{d['status'].upper()}: {d['action'].replace('_', ' ')} ({d['actor']}), case {ref}"
        description = (
            f"Due {due.isoformat()}, {d['status']} on {on.isoformat()}. Rule {d['rule_id']} "
            f"({d['pack']} {d['citation']}), policy {d['policy']}."
        )
        event = [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{due + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(summary)}",
            f"DESCRIPTION:{_ics_text(description)}",
            f"CATEGORIES:{_ics_text(d['status'].upper())},{_ics_text(d['actor'])}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
        out.write("".join(_reference_fold(x) + "\r\n" for x in event))
    out.write("END:VCALENDAR\r\n")


def _written(write: Any, rows: list[Row], *args: Any) -> str:
    out = io.StringIO(newline="")
    write(iter(rows), out, *args)
    return out.getvalue()


@pytest.mark.parametrize("n", [0, 1, 400])
@pytest.mark.parametrize("by_actor", [False, True])
def test_each_writer_writes_what_rendering_each_line_whole_writes(n: int, by_actor: bool) -> None:
    rows = sorted(_rows(n, seed=7, by_actor=by_actor))
    head = {"on": ON.isoformat(), "within_school_days": 5, "by_actor": by_actor}

    def tail() -> dict[str, Any]:
        return {"summary": {"cases_read": n}, "errors": []}

    assert _written(write_table, rows, by_actor) == _written(_reference_table, rows, by_actor)
    assert _written(write_csv, rows) == _written(_reference_csv, rows)
    assert _written(write_json, rows, head, tail) == _written(_reference_json, rows, head, tail)
    assert _written(write_ics, rows, ON) == _written(_reference_ics, rows, ON)
    # and the CSV reads back as the lines' cells
    assert list(csv.reader(io.StringIO(_written(write_csv, rows))))[1:] == [
        [csv_safe(v) if isinstance(v, str) else "" if v is None else str(v) for v in as_dict(row).values()]
        for row in rows
    ]


def test_folding_cuts_at_75_octets_between_characters() -> None:
    rng = random.Random(5)
    alphabet = ["a", " ", ",", "é", "€", "🙂"]
    lines = ["", "a" * 75, "a" * 76, "a" * 149, "a" * 150, "é" * 38, "a" * 74 + "é", "a" * 73 + "🙂" * 3]
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(300))) for _ in range(500)]
    for line in lines:
        folded = fold_line(line)
        assert folded == _reference_fold(line)
        assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
        assert folded.replace("\r\n ", "") == line
