"""A caseload at once: evaluate_many, the caseload readers (JSON Lines, JSON, YAML, CSV) and
the worklist command."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from cme_policy import CaseError, evaluate, evaluate_many, load_policy, worklist
from cme_policy.batch import RecordError
from cme_policy.caseload import read_caseload
from cme_policy.cli import main

ON = dt.date(2026, 3, 2)
SENTINEL = "ZZSENTINELZZ"


def kent_case(i: int, first: dt.date, **history: str) -> dict:
    return {
        "case_ref": f"T-{i:04d}",
        "child": {"date_of_birth": "2014-05-01", "looked_after": False, "safeguarding_concerns": []},
        "school": {"on_roll": True},
        "absence": {"first_day_on": first.isoformat(), "explained": False},
        "whereabouts": {"known": False},
        "history": [{"event": k, "on": v} for k, v in history.items()],
    }


def generated(n: int) -> Iterator[dict]:
    """Made-up cases, one at a time, with absences starting over the previous two months."""
    for i in range(n):
        first = ON - dt.timedelta(days=i % 60)
        history = {"parents_contacted": first.isoformat()} if i % 3 else {}
        yield kent_case(i, first, **history)


def test_evaluate_many_equals_evaluate_per_case() -> None:
    cases = list(generated(12))
    cases[4] = {**cases[4], "policy": "derbyshire"}
    got = list(evaluate_many(cases, on=ON, policy="kent"))
    assert len(got) == len(cases)
    for case, result in zip(cases, got, strict=True):
        name = case.get("policy", "kent")
        plain = {k: v for k, v in case.items() if k != "policy"}
        assert result.to_dict() == evaluate(load_policy(name), plain, on=ON).to_dict()
        assert result.case_ref == case["case_ref"]
    assert got[4].policy == "derbyshire"


def test_a_bad_record_is_reported_and_the_batch_carries_on() -> None:
    cases = list(generated(5))
    cases[2] = {"case_ref": "BAD-1", "child": {"date_of_birth": SENTINEL}}
    cases[3] = {**cases[3], "policy": "nowhere", "case_ref": "BAD-2"}
    got = list(evaluate_many(cases, on=ON, policy="kent"))
    errors = [g for g in got if isinstance(g, RecordError)]
    assert [(e.position, e.case_ref) for e in errors] == [(3, "BAD-1"), (4, "BAD-2")]
    assert [p.path for p in errors[0].problems] == ["child.date_of_birth"]
    assert [p.path for p in errors[1].problems] == ["policy"]
    assert SENTINEL not in str(errors[0])
    assert [g.case_ref for g in got if not isinstance(g, RecordError)] == ["T-0000", "T-0001", "T-0004"]


def test_a_record_never_names_a_file_to_read(tmp_path: Path) -> None:
    (item,) = evaluate_many([{"policy": "/etc/passwd", **kent_case(1, ON)}], on=ON)
    assert isinstance(item, RecordError)
    assert item.problems[0].path == "policy"


def test_bad_date_or_pack_raises_before_any_record_is_read() -> None:
    def never() -> Iterator[dict]:
        raise AssertionError("read")
        yield {}

    with pytest.raises(ValueError, match="on"):
        evaluate_many(never(), on="2026-3-2", policy="kent")
    with pytest.raises(ValueError, match="unknown authority"):
        evaluate_many(never(), on=ON, policy="atlantis")


def test_streaming_memory_stays_flat_as_the_caseload_grows() -> None:
    def peak(n: int) -> int:
        gc.collect()
        tracemalloc.start()
        for _ in evaluate_many(generated(n), on=ON, policy="kent"):
            pass
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    list(evaluate_many(generated(60), on=ON, policy="kent"))  # packs, calendar, caches built
    small, large = peak(60), peak(240)
    # Four times the cases, the same peak: nothing is kept from one case to the next.
    assert large < small * 1.25 + 256 * 1024, (small, large)


# -- reading caseloads -------------------------------------------------------------------------


def test_a_corrupt_line_in_the_middle_of_a_json_lines_file(tmp_path: Path) -> None:
    path = tmp_path / "caseload.jsonl"
    lines = [json.dumps(c) for c in generated(5)]
    lines[2] = '{"case_ref": "' + SENTINEL + '", "child": {'  # cut off
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    got = list(evaluate_many(read_caseload(path), on=ON, policy="kent"))
    assert len(got) == 5
    bad = got[2]
    assert isinstance(bad, RecordError)
    assert bad.position == 3
    assert bad.problems[0].file == str(path) and bad.problems[0].line == 3
    assert SENTINEL not in str(bad)
    refs = [g.case_ref for g in got if not isinstance(g, RecordError)]
    assert refs == ["T-0000", "T-0001", "T-0003", "T-0004"]


def test_json_list_and_yaml_list_are_read_one_record_at_a_time(tmp_path: Path) -> None:
    cases = list(generated(4))
    cases[1]["child"]["looked_after"] = "yes"  # a string where a boolean goes
    (tmp_path / "c.json").write_text(json.dumps(cases, indent=1), encoding="utf-8")
    yaml_text = "\n".join(f"- {json.dumps(c)}" for c in cases) + "\n"
    (tmp_path / "c.yaml").write_text(yaml_text, encoding="utf-8")
    for name in ("c.json", "c.yaml"):
        got = list(evaluate_many(read_caseload(tmp_path / name), on=ON, policy="kent"))
        assert [type(g).__name__ for g in got] == [
            "EvaluationResult", "RecordError", "EvaluationResult", "EvaluationResult"
        ], name
        assert got[1].problems[0].path == "child.looked_after"
        assert got[1].problems[0].line is not None


CSV_HEADER = "case_ref,policy,child.date_of_birth,school.on_roll,absence.first_day_on,absence.explained," \
    "whereabouts.known,child.safeguarding_concerns,history\n"


def test_csv_maps_columns_to_case_fields(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        CSV_HEADER
        + "R1,kent,14/05/2014,yes,2026-01-05,false,n,none,"
        + "parents_contacted@2026-01-05;cme_referral_made@2026-01-20\n"
        + "# a comment row\n"
        + "R2,,2014-05-14,true,2026-01-05,false,false,,\n",
        encoding="utf-8",
    )
    records = list(read_caseload(path))
    assert [r.line for r in records] == [2, 4]
    first = records[0].data
    assert first["child"] == {"date_of_birth": "2014-05-14", "safeguarding_concerns": []}
    assert first["school"] == {"on_roll": True}
    assert first["history"][1] == {"event": "cme_referral_made", "on": "2026-01-20"}
    assert "history" not in records[1].data  # an empty cell is unknown
    got = list(evaluate_many(records, on=ON, policy="kent"))
    assert [g.case_ref for g in got] == ["R1", "R2"]
    expected = evaluate("kent", {k: v for k, v in first.items() if k != "policy"}, on=ON)
    assert got[0].to_dict() == expected.to_dict()


def test_csv_header_errors_name_the_column(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("case_ref,school.onroll,absence.first_day_on,case_ref\nR1,true,2026-01-05,R1\n")
    with pytest.raises(CaseError) as info:
        list(read_caseload(path))
    text = str(info.value)
    assert "unknown column 'school.onroll' (did you mean 'school.on_roll'?)" in text
    assert "column 'case_ref' given twice" in text


def test_csv_cell_errors_name_the_column_never_the_value(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        CSV_HEADER
        + f"R1,kent,2014-05-14,{SENTINEL},2026-01-05,false,false,,none\n"
        + f"R2,kent,2014-05-14,true,2026-01-05,false,false,,parents_contacted@{SENTINEL}\n"
        + "R3,kent,2014-05-14,true,2026-01-05,false,false,,none\n"
        + "R4,kent,2014-05-14,true\n",
        encoding="utf-8",
    )
    got = list(evaluate_many(read_caseload(path), on=ON))
    errors = [g for g in got if isinstance(g, RecordError)]
    assert [e.position for e in errors] == [1, 2, 4]
    assert errors[0].problems[0].path == "school.on_roll"
    assert "column 'school.on_roll': expected true or false" in str(errors[0])
    assert "column 'history': item 1: expected event@YYYY-MM-DD" in str(errors[1])
    assert "the row has 4 cells; the header has 9" in str(errors[2])
    assert all(SENTINEL not in str(e) for e in errors)
    assert got[2].case_ref == "R3"


# -- the worklist command ----------------------------------------------------------------------


def _ordering_caseload(tmp_path: Path) -> Path:
    kent = load_policy("kent")
    # First days chosen so that the day-11 referral (10 school days after) falls before, on
    # and after the evaluation date.
    def first_for(due: dt.date) -> dt.date:
        day = due
        while kent.calendar.add_school_days(day, 10).date > due:
            day -= dt.timedelta(days=1)
        return day

    dues = {
        "A": kent.calendar.add_school_days(ON, 3).date,
        "B": ON,
        "C": first_for(ON - dt.timedelta(days=20)),
        "D": kent.calendar.add_school_days(ON, 8).date,
        "E": first_for(ON - dt.timedelta(days=40)),
    }
    lines = []
    for ref, due in dues.items():
        first = first_for(due) if ref in "ABD" else due
        case = kent_case(0, first, parents_contacted=first.isoformat())
        case["case_ref"] = ref
        lines.append(json.dumps(case))
    path = tmp_path / "caseload.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _worklist(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict], str]:
    code = main(["worklist", *args, "--format", "csv"])
    out, err = capsys.readouterr()
    return code, list(csv.DictReader(io.StringIO(out))), err


def test_worklist_order_and_within(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _ordering_caseload(tmp_path)
    args = [str(path), "--on", ON.isoformat(), "--policy", "kent"]
    code, rows, err = _worklist(capsys, *args, "--within", "5")
    assert code == 0
    referrals = [(r["status"], r["case_ref"]) for r in rows if r["action"] == "refer_to_cme"]
    # Overdue (oldest first), due today, then upcoming within 5 school days; D is 8 days off.
    assert referrals == [("overdue", "E"), ("overdue", "C"), ("due", "B"), ("upcoming", "A")]
    rank = {"overdue": 0, "due": 1, "upcoming": 2}
    keys = [(rank[r["status"]], r["due_on"]) for r in rows]
    assert keys == sorted(keys)
    window = load_policy("kent").calendar.add_school_days(ON, 5).date.isoformat()
    assert all(r["due_on"] <= window for r in rows if r["status"] == "upcoming")
    assert "5 case(s) read, 0 with errors" in err

    _, rows, _ = _worklist(capsys, str(path), "--on", ON.isoformat(), "--policy", "kent")
    assert {r["status"] for r in rows} <= {"overdue", "due"}

    _, rows, _ = _worklist(capsys, str(path), "--on", ON.isoformat(), "--policy", "kent", "--within", "10",
                           "--by-actor")
    actors = [r["actor"] for r in rows]
    assert actors == sorted(actors)
    assert ("upcoming", "D") in [(r["status"], r["case_ref"]) for r in rows if r["action"] == "refer_to_cme"]


def test_worklist_reports_bad_records_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.jsonl"
    good = [json.dumps(c) for c in generated(3)]
    path.write_text(good[0] + "\n" + '{"child": {"date_of_birth": "' + SENTINEL + '"}}\n' + good[1] + "\n")
    code, rows, err = _worklist(capsys, str(path), "--on", ON.isoformat(), "--policy", "kent")
    assert code == 2
    assert "record 2:" in err and "child.date_of_birth" in err and SENTINEL not in err
    assert "3 case(s) read, 1 with errors" in err
    assert {r["case_ref"] for r in rows} <= {"T-0000", "T-0001"}


def test_worklist_reads_standard_input(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = _ordering_caseload(tmp_path)
    _, from_file, _ = _worklist(capsys, str(path), "--on", ON.isoformat(), "--policy", "kent")
    stdin = io.TextIOWrapper(io.BytesIO(path.read_bytes()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    _, from_stdin, _ = _worklist(capsys, "-", "--on", ON.isoformat(), "--policy", "kent")
    assert from_stdin == from_file and from_file


def _parse_ics(text: str) -> list[dict[str, str]]:
    """A small RFC 5545 reader: unfold, then one dict of properties per VEVENT."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    raw = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in raw)
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        elif line:
            lines.append(line)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name] = value
    return events


def test_worklist_ics_parses_back(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    path = _ordering_caseload(tmp_path)
    args = [str(path), "--on", ON.isoformat(), "--policy", "kent", "--within", "5"]
    assert main(["worklist", *args, "--format", "ics"]) == 0
    events = _parse_ics(capsysbinary.readouterr().out.decode("utf-8"))
    assert main(["worklist", *args, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8"))))
    assert len(events) == len(rows) > 0
    assert len({e["UID"] for e in events}) == len(events)
    for event, row in zip(events, rows, strict=True):
        due = dt.date.fromisoformat(row["due_on"])
        assert event["DTSTART;VALUE=DATE"] == f"{due:%Y%m%d}"
        assert event["DTEND;VALUE=DATE"] == f"{due + dt.timedelta(days=1):%Y%m%d}"
        assert event["SUMMARY"].startswith(row["status"].upper() + ": ")
        assert f"case {row['case_ref']}" in event["SUMMARY"]
        assert event["DTSTAMP"] == f"{ON:%Y%m%d}T000000Z"


def test_worklist_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _ordering_caseload(tmp_path)
    assert main(["worklist", str(path), "--on", ON.isoformat(), "--policy", "kent", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["cases_read"] == 5 and doc["errors"] == []
    overdue = sum(i["status"] == "overdue" for i in doc["items"])
    assert doc["summary"]["worklist_by_status"]["overdue"] == overdue


def test_a_long_worklist_is_sorted_through_runs_on_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in generated(30)))
    args = [str(path), "--on", ON.isoformat(), "--policy", "kent", "--within", "5"]
    _, in_memory, _ = _worklist(capsys, *args)
    monkeypatch.setattr(worklist, "RUN_ROWS", 4)  # many runs, merged when written
    _, spilled, _ = _worklist(capsys, *args)
    assert len(in_memory) > 12
    assert spilled == in_memory
