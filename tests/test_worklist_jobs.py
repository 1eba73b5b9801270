"""``cme-policy worklist --jobs N``: the same worklist from worker processes as from one.

Chunks are made small (a few records) so that a caseload of a hundred cases goes through two
workers in many chunks, with bad records in the middle of them.
"""

from __future__ import annotations

import faulthandler
import importlib.util
import json
import multiprocessing
import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from cme_policy import caseload, worklist_jobs
from cme_policy.cli import main

ROOT = Path(__file__).resolve().parent.parent
ON = "2026-03-02"
SENTINEL = "1999-99-99-private"
# Positions (1-based records) of the bad records, and what is wrong with each.
BAD = {
    17: "{not json",
    18: json.dumps({"case_ref": "B-18", "child": {"date_of_birth": SENTINEL}}),
    49: "[1, 2]",
    50: json.dumps({"case_ref": "B-50", "policy": "nowhere", "child": {}}),
    97: json.dumps({"case_ref": "B-97", "child": {"date_of_birth": SENTINEL}, "school": 3}),
}
CASES = 120


def _generate() -> Any:
    spec = importlib.util.spec_from_file_location("caseload_generator", ROOT / "benchmarks" / "caseload.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


@pytest.fixture(scope="module")
def caseload_lines() -> list[str]:
    good = (json.dumps(c) for c in _generate()(CASES - len(BAD), seed=3))
    lines = []
    for position in range(1, CASES + 1):
        lines.append(BAD[position] if position in BAD else next(good))
        if position == 60:
            lines.append("")  # a blank line is not a record: positions do not move
    return lines


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Chunks of 7 records, workers from 20 records on; the pool starts recorded here."""
    monkeypatch.setattr(worklist_jobs, "CHUNK", 7)
    monkeypatch.setattr(worklist_jobs, "SMALL", 20)
    started: list[int] = []
    real = worklist_jobs._pool

    def pool(setup: Any, jobs: int) -> Any:
        started.append(jobs)
        return real(setup, jobs)

    monkeypatch.setattr(worklist_jobs, "_pool", pool)
    return started


@pytest.fixture
def spilled_runs(spill_runs: Any) -> list[IO[bytes]]:
    """Sorted runs of 5 lines, in blocks of 2: the run files, as they are opened."""
    return spill_runs(5, 2)


@pytest.fixture
def jsonl(tmp_path: Path, caseload_lines: list[str]) -> Path:
    path = tmp_path / "caseload.jsonl"
    path.write_text("\n".join(caseload_lines) + "\n", encoding="utf-8")
    return path


def _run(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, str]:
    code = main(["worklist", *args])
    got = capsysbinary.readouterr()
    return code, got.out, got.err.decode("utf-8")


@pytest.mark.parametrize("fmt", ["csv", "json", "ics", "table"])
def test_two_workers_write_what_one_process_writes(
    jsonl: Path, small_chunks: list[int], capsysbinary: pytest.CaptureFixture[bytes], fmt: str
) -> None:
    args = [str(jsonl), "--on", ON, "--policy", "kent", "--within", "5", "--format", fmt]
    one = _run(capsysbinary, *args, "--jobs", "1")
    assert small_chunks == []
    two = _run(capsysbinary, *args, "--jobs", "2")
    assert small_chunks == [2]
    assert two == one
    code, out, err = two
    assert code == 2
    assert len(out) > 1000
    assert f"{CASES} case(s) read, {len(BAD)} with errors" in err


@pytest.mark.parametrize("fmt", ["csv", "json", "ics", "table"])
def test_lines_spilled_to_runs_by_workers_merge_as_sorted_in_memory(
    jsonl: Path,
    small_chunks: list[int],
    spill_runs: Any,
    capsysbinary: pytest.CaptureFixture[bytes],
    fmt: str,
) -> None:
    args = [str(jsonl), "--on", ON, "--policy", "kent", "--within", "5", "--format", fmt, "--by-actor"]
    in_memory = _run(capsysbinary, *args, "--jobs", "1")
    runs = spill_runs(5, 2)
    spilled = _run(capsysbinary, *args, "--jobs", "2")
    assert small_chunks == [2]
    assert len(runs) > 10 and all(run.closed for run in runs)
    assert spilled == in_memory


def test_errors_come_in_record_order_with_their_positions(
    jsonl: Path, small_chunks: list[int], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    args = [str(jsonl), "--on", ON, "--policy", "kent", "--format", "json", "--jobs", "2"]
    code, out, err = _run(capsysbinary, *args)
    assert code == 2 and small_chunks == [2]
    reported = [int(n) for n in re.findall(r"^record (\d+)", err, flags=re.MULTILINE)]
    assert reported == sorted(BAD)
    doc = json.loads(out)
    assert [e["record"] for e in doc["errors"]] == sorted(BAD)
    assert doc["summary"]["cases_read"] == CASES
    assert doc["summary"]["cases_with_errors"] == len(BAD)
    assert "child.date_of_birth" in err and "policy: not a shipped authority id" in err
    assert SENTINEL not in err and SENTINEL not in out.decode("utf-8")
    # Every line carries its record's position, counted past the bad records and not counting
    # the blank line: the n-th generated case is GEN-n.
    expected = {}
    for position in range(1, CASES + 1):
        if position not in BAD:
            expected[f"GEN-{len(expected) + 1:06d}"] = position
    assert doc["items"]
    assert all(item["record"] == expected[item["case_ref"]] for item in doc["items"])
    assert max(item["record"] for item in doc["items"]) > 61


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", "", "65", "²"])
def test_a_bad_jobs_value_is_refused(
    jsonl: Path, value: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, err = _run(capsysbinary, str(jsonl), "--on", ON, "--policy", "kent", f"--jobs={value}")
    assert code == 2 and out == b""
    assert err.startswith("--jobs: ")


@pytest.mark.parametrize("jobs", ["auto", "2"])
def test_a_tiny_caseload_stays_in_this_process(
    tmp_path: Path,
    caseload_lines: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
    jobs: str,
) -> None:
    def no_pool(setup: Any, jobs: int) -> Any:
        raise AssertionError("workers started for a tiny caseload")

    monkeypatch.setattr(worklist_jobs, "_pool", no_pool)
    monkeypatch.setattr(worklist_jobs, "cpus", lambda: 2)
    path = tmp_path / "tiny.jsonl"
    path.write_text("\n".join(caseload_lines[:10]) + "\n", encoding="utf-8")
    code, out, err = _run(capsysbinary, str(path), "--on", ON, "--policy", "kent", "--jobs", jobs)
    assert code == 0 and b"refer" in out
    assert "10 case(s) read, 0 with errors" in err


def test_one_cpu_stays_in_this_process(
    jsonl: Path,
    small_chunks: list[int],
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    monkeypatch.setattr(worklist_jobs, "cpus", lambda: 1)
    code, _, err = _run(capsysbinary, str(jsonl), "--on", ON, "--policy", "kent")
    assert code == 2 and small_chunks == []
    assert f"{CASES} case(s) read" in err


def test_a_yaml_list_is_evaluated_here_in_its_turn(
    tmp_path: Path,
    caseload_lines: list[str],
    small_chunks: list[int],
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    # Its records locate their fields through the parsed document, which stays in this process.
    good = [json.loads(line) for line in caseload_lines[:30] if line.startswith("{") and "GEN-" in line]
    path = tmp_path / "caseload.yaml"
    path.write_text("".join(f"- {json.dumps(c)}\n" for c in good), encoding="utf-8")
    args = [str(path), "--on", ON, "--policy", "kent", "--format", "csv"]
    assert _run(capsysbinary, *args, "--jobs", "2") == _run(capsysbinary, *args, "--jobs", "1")
    assert small_chunks == []


def test_workers_find_local_packs_by_id(
    tmp_path: Path,
    jsonl: Path,
    small_chunks: list[int],
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    from cme_policy.pack.load import PACKS_ENV

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(PACKS_ENV, raising=False)
    # Workers are forked from a server that keeps the environment it started with: start it
    # (if no test has yet) before the pack folder is set.
    assert main(["worklist", str(jsonl), "--on", ON, "--policy", "kent", "--jobs", "2"]) == 2
    assert main(["new", "northshire", "--name", "Northshire County Council"]) == 0
    capsysbinary.readouterr()
    # A relative folder, set for this run only: the workers are given it, and this directory.
    args = ["--packs", "policies", "worklist", str(jsonl), "--on", ON, "--policy", "northshire"]
    one = main([*args, "--jobs", "1"]), capsysbinary.readouterr()
    two = main([*args, "--jobs", "2"]), capsysbinary.readouterr()
    assert small_chunks == [2, 2]
    assert two == one
    assert f"{CASES} case(s) read" in one[1].err.decode("utf-8")


def _stopping(after: int, stop: Any) -> Any:
    real = caseload.read_caseload

    def read(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for n, record in enumerate(real(*args, **kwargs), 1):
            if n == after:
                stop()
            yield record

    return read


@pytest.fixture
def watchdog() -> Iterator[None]:
    faulthandler.dump_traceback_later(60, exit=True)  # a hang fails the run, loudly
    yield
    faulthandler.cancel_dump_traceback_later()
    assert multiprocessing.active_children() == []  # no worker left behind


def test_a_worker_that_dies_ends_the_run_with_an_error(
    jsonl: Path,
    small_chunks: list[int],
    watchdog: None,
    spilled_runs: list[IO[bytes]],
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    def kill_workers() -> None:
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)

    monkeypatch.setattr(caseload, "read_caseload", _stopping(80, kill_workers))
    code, out, err = _run(capsysbinary, str(jsonl), "--on", ON, "--policy", "kent", "--jobs", "2")
    assert small_chunks == [2]
    assert code == 2 and out == b""
    assert "error: a worker process stopped" in err and "nothing was written" in err
    assert spilled_runs and all(run.closed for run in spilled_runs)  # the runs are gone


def test_ctrl_c_stops_the_workers_and_writes_nothing(
    jsonl: Path,
    small_chunks: list[int],
    watchdog: None,
    spilled_runs: list[IO[bytes]],
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    def interrupt() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(caseload, "read_caseload", _stopping(80, interrupt))
    code, out, err = _run(capsysbinary, str(jsonl), "--on", ON, "--policy", "kent", "--jobs", "2")
    assert small_chunks == [2]
    assert code == 130 and out == b""
    assert "interrupted: no worklist written" in err
    assert spilled_runs and all(run.closed for run in spilled_runs)  # the runs are gone


# -- JSON lines are decoded where they are evaluated ---------------------------------------------


def _nested(depth: int) -> str:
    """A case whose child is a value nested ``depth`` levels deep (the record: one more)."""
    return '{"case_ref": "DEEP", "child": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.fixture
def odd_jsonl(tmp_path: Path, caseload_lines: list[str]) -> tuple[Path, dict[int, tuple[int, str]]]:
    """JSON lines as a file may hold them, among good ones: each odd line with what its report
    says, keyed by record position, with its line number (blank lines are not records)."""
    good = iter(line.encode() for line in caseload_lines if line.startswith('{"case_ref": "GEN-'))
    odd: list[tuple[bytes, str | None]] = [
        (b"{not json", "not valid JSON: Expecting property name enclosed in double quotes"),
        (b"", None),
        (b" \t\r", None),
        (b"\xef\xbb\xbf" + next(good), ""),  # a byte order mark before a good record: read
        (b'{"case_ref": "U8", "x": "\xff"}', "not UTF-8 text (byte 25)"),
        (b"[1, 2]", "a case must be a mapping of fields"),
        (b'{"case_ref": "TWICE", "case_ref": "TWICE"}', "not valid JSON: duplicate key in an object"),
        (next(good).rstrip() + b"\r", ""),  # a Windows line end: read
        (_nested(64).encode(), "child[0][0][0][0][0][0][0][0]: nested more than 8 levels deep"),
        (_nested(65).encode(), "nested too deeply"),
        # Nested as deep as the recursion limit lets a process decode, give or take its stack:
        # the same answer in a worker and here.
        *((_nested(depth).encode(), "nested too deeply") for depth in range(900, 1001, 4)),
        (b"[" * 100_000, "nested too deeply"),
    ]
    lines: list[bytes] = []
    expected: dict[int, tuple[int, str]] = {}
    position = 0
    for text, report in odd:
        for _ in range(2):
            lines.append(next(good))
            position += 1
        lines.append(text)
        if report is not None:
            position += 1
            if report:
                expected[position] = (len(lines), report)
    lines.extend(next(good) for _ in range(25))
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, expected


def test_odd_lines_are_reported_alike_from_workers_and_from_one_process(
    odd_jsonl: tuple[Path, dict[int, tuple[int, str]]],
    small_chunks: list[int],
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    path, expected = odd_jsonl
    decoded_here: list[int] = []
    real = caseload.RawLine.decoded

    def decoded(self: caseload.RawLine, position: int) -> Any:
        decoded_here.append(position)
        return real(self, position)

    monkeypatch.setattr(caseload.RawLine, "decoded", decoded)
    for fmt in ("json", "csv"):
        args = [str(path), "--on", ON, "--policy", "kent", "--within", "5", "--format", fmt]
        one = _run(capsysbinary, *args, "--jobs", "1")
        records = len(decoded_here)
        assert records > 80  # in one process, every line is decoded here
        two = _run(capsysbinary, *args, "--jobs", "2")
        assert len(decoded_here) == records  # with workers, none is: they decode their own
        assert two == one
        decoded_here.clear()
    assert small_chunks == [2, 2]
    code, _, err = two
    assert code == 2
    reports = re.findall(r"^record (\d+)(?: \(\w+\))?: (\S+?):(\d+):\d+: (.*)$", err, flags=re.MULTILINE)
    assert [(int(p), int(line), what) for p, _, line, what in reports] == [
        (p, line, what) for p, (line, what) in sorted(expected.items())
    ]
    assert {file for _, file, _, _ in reports} == {str(path)}
    assert f"{records} case(s) read, {len(expected)} with errors" in err


def test_undecoded_lines_decode_as_the_reader_decodes_them(
    odd_jsonl: tuple[Path, dict[int, tuple[int, str]]],
) -> None:
    path, _ = odd_jsonl
    raw = list(caseload.read_caseload(path, undecoded=True))
    assert all(isinstance(item, caseload.RawLine) for item in raw)
    assert [item.decoded(n) for n, item in enumerate(raw, 1)] == list(caseload.read_caseload(path))


def test_other_formats_are_decoded_by_the_reader(tmp_path: Path, caseload_lines: list[str]) -> None:
    path = tmp_path / "caseload.json"
    path.write_text("[" + ",".join(caseload_lines[:5]) + "]", encoding="utf-8")
    assert list(caseload.read_caseload(path, undecoded=True)) == list(caseload.read_caseload(path))


def test_a_json_list_nested_too_deep_is_a_record_error_not_a_crash(
    tmp_path: Path,
    caseload_lines: list[str],
    small_chunks: list[int],
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    # Decoded, it was too deep to send to a worker: the run stopped with a RecursionError.
    good = [line for line in caseload_lines if line.startswith('{"case_ref": "GEN-')]
    path = tmp_path / "caseload.json"
    path.write_text("[\n" + ",\n".join([*good[:10], _nested(600), *good[10:40]]) + "\n]\n", encoding="utf-8")
    args = [str(path), "--on", ON, "--policy", "kent", "--format", "csv"]
    one = _run(capsysbinary, *args, "--jobs", "1")
    assert _run(capsysbinary, *args, "--jobs", "2") == one
    assert small_chunks == [2]
    assert one[0] == 2 and f"record 11: {path}:12:1: nested too deeply\n" in one[2]
