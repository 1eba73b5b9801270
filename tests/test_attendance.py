"""Register extracts to facts: hand-worked registers per rule, properties, and the engines
against the plain-Python reference (cme_policy.attendance; docs/attendance.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cme_policy import load_policy
from cme_policy.attendance import (
    CODES_2006,
    CODES_2024,
    Admission,
    Frame,
    RegisterError,
    derive_register,
    evaluate_register,
    kind_of,
    open_extract,
    scan_reference,
)
from cme_policy.attendance.codes import KINDS

pytest.importorskip("duckdb")
pytest.importorskip("polars")

KENT = load_policy("kent").calendar  # 2024/25 terms: T3 6 Jan-14 Feb 2025, half term 17-21 Feb
ON = dt.date(2025, 3, 10)
START = dt.date(2025, 1, 6)


def school_days(first: dt.date = START, last: dt.date = ON) -> list[dt.date]:
    out, day = [], first
    while day <= last:
        if day.weekday() < 5 and KENT.is_school_day(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def present(session: int) -> str:
    return "/" if session == 0 else "\\"


def write(
    tmp_path: Path,
    pupils: dict[str, object],
    admissions: list[tuple] | None = None,
    days: list[dt.date] | None = None,
) -> tuple[Path, Path | None]:
    """A register: ``pupils`` maps a reference to a function (day, session) -> code or None."""
    path = tmp_path / "register.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["pupil_ref", "date", "session", "code"])
        for day in days or school_days():
            for s in (0, 1):
                for ref, fn in pupils.items():
                    code = fn(day, s)  # type: ignore[operator]
                    if code is not None:
                        w.writerow([ref, day.isoformat(), "AM" if s == 0 else "PM", code])
    adm = None
    if admissions is not None:
        adm = tmp_path / "admissions.csv"
        with open(adm, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["pupil_ref", "date_of_birth", "admitted_on", "left_on"])
            w.writerows(admissions)
    return path, adm


def derived(
    tmp_path: Path,
    pupils: dict[str, object],
    admissions: list[tuple] | None = None,
    engine: str = "duckdb",
    days: list[dt.date] | None = None,
) -> dict:
    path, adm = write(tmp_path, pupils, admissions, days)
    with open_extract(path, admissions=adm, engine=engine) as reg:
        d = derive_register(reg, on=ON, calendar=KENT)
    return {p.case_ref: p for p in d.pupils}


def absent_from(first: dt.date, code: str = "N", first_session: int = 0):
    def fn(day: dt.date, s: int) -> str:
        return code if (day, s) >= (first, first_session) else present(s)

    return fn


# -- hand-worked registers, one per rule -----------------------------------------------------------


def test_a_present_mark_ends_the_run(tmp_path: Path) -> None:
    def fn(day: dt.date, s: int) -> str:
        if day == dt.date(2025, 2, 6) and s == 0:
            return "/"  # seen on Thursday morning
        return "N" if day >= dt.date(2025, 2, 3) else present(s)

    p = derived(tmp_path, {"A": fn})["A"]
    assert p.case["absence"]["first_day_on"] == "2025-02-06"
    assert "Thu 06 Feb 2025 AM, is coded /" in p.fact("absence.first_day_on").because
    assert p.case["absence"]["follows_school_holiday"] is False  # began in the afternoon


def test_a_holiday_neither_ends_nor_counts_in_the_run(tmp_path: Path) -> None:
    p = derived(tmp_path, {"A": absent_from(dt.date(2025, 2, 10))})["A"]
    first = p.fact("absence.first_day_on")
    assert first.value == dt.date(2025, 2, 10)  # the half term 17-21 Feb is inside the run
    assert "5 weekday(s) in between are not school days" in first.because
    assert p.case["absence"]["every_session_coded_g_n_o"] is True
    assert p.case["absence"]["follows_school_holiday"] is False


def test_a_run_that_begins_after_half_term_follows_a_holiday(tmp_path: Path) -> None:
    p = derived(tmp_path, {"A": absent_from(dt.date(2025, 2, 24), "O")})["A"]
    assert p.case["absence"]["first_day_on"] == "2025-02-24"
    assert p.case["absence"]["follows_school_holiday"] is True
    assert "Mon 17 Feb 2025 to Fri 21 Feb 2025" in p.fact("absence.follows_school_holiday").because


def test_an_authorised_code_ends_the_run(tmp_path: Path) -> None:
    def fn(day: dt.date, s: int) -> str:
        if dt.date(2025, 2, 3) <= day <= dt.date(2025, 2, 7):
            return "I"
        return "O" if day >= dt.date(2025, 2, 10) else present(s)

    p = derived(tmp_path, {"A": fn})["A"]
    assert p.case["absence"]["first_day_on"] == "2025-02-10"
    assert p.case["absence"]["authorised"] is False
    assert "coded I (illness: authorised absence, which ends a run)" in p.fact("absence.first_day_on").because
    assert p.case["absence"]["expected_sickness_school_days"] == 5


def test_mixed_n_and_o_is_every_session_g_n_o_and_unexplained(tmp_path: Path) -> None:
    def fn(day: dt.date, s: int) -> str:
        if day < dt.date(2025, 2, 3):
            return present(s)
        return "N" if (day.toordinal() + s) % 2 else "O"

    p = derived(tmp_path, {"A": fn})["A"]
    assert p.case["absence"]["every_session_coded_g_n_o"] is True
    assert p.case["absence"]["explained"] is False
    assert "changes" not in p.case  # nothing varies within the run


def test_a_u_code_ends_the_ground_from_its_day_dated(tmp_path: Path) -> None:
    def fn(day: dt.date, s: int) -> str:
        if day < dt.date(2025, 2, 3):
            return present(s)
        return "U" if day == dt.date(2025, 2, 12) and s == 1 else "N"

    p = derived(tmp_path, {"A": fn})["A"]
    assert p.case["absence"]["every_session_coded_g_n_o"] is False
    assert {"field": "absence.every_session_coded_g_n_o", "on": "2025-02-12", "value": False} in p.case[
        "changes"
    ]
    assert {"field": "absence.every_session_coded_g_n_o", "on": "2025-02-03", "value": True} in p.case[
        "changes"
    ]
    assert p.case["absence"]["explained"] is False  # the latest session is N


def test_explained_follows_the_latest_code_dated(tmp_path: Path) -> None:
    def fn(day: dt.date, s: int) -> str:
        if day < dt.date(2025, 2, 3):
            return present(s)
        return "O" if day < dt.date(2025, 2, 10) else "G"  # then known: a holiday not granted

    p = derived(tmp_path, {"A": fn})["A"]
    assert p.case["absence"]["explained"] is True
    expl = [c for c in p.case["changes"] if c["field"] == "absence.explained"]
    assert expl == [
        {"field": "absence.explained", "on": "2025-02-03", "value": False},
        {"field": "absence.explained", "on": "2025-02-10", "value": True},
    ]


def test_an_inset_day_without_marks_is_not_a_school_day(tmp_path: Path) -> None:
    inset = dt.date(2025, 3, 7)
    days = [d for d in school_days() if d != inset]  # nobody has a mark that day
    p = derived(tmp_path, {"A": absent_from(dt.date(2025, 2, 24)), "B": lambda d, s: present(s)}, days=days)[
        "A"
    ]
    assert p.case["school"]["closure_days"] == ["2025-03-07"]
    assert p.case["absence"]["every_session_coded_g_n_o"] is True
    assert any("Fri 07 Mar 2025" in n for n in p.notes)


def test_a_closure_code_neither_ends_nor_counts(tmp_path: Path) -> None:
    def fn(day: dt.date, s: int) -> str:
        if day == dt.date(2025, 2, 26):
            return "#"
        return "N" if day >= dt.date(2025, 2, 24) else present(s)

    p = derived(tmp_path, {"A": fn})["A"]
    assert p.case["absence"]["first_day_on"] == "2025-02-24"
    assert p.case["absence"]["every_session_coded_g_n_o"] is True


def test_a_session_with_no_mark_makes_the_ground_unknown(tmp_path: Path) -> None:
    def fn(day: dt.date, s: int) -> str | None:
        if day == dt.date(2025, 2, 26) and s == 1:
            return None  # the register has no mark; other pupils have one
        return "N" if day >= dt.date(2025, 2, 24) else present(s)

    p = derived(tmp_path, {"A": fn, "B": lambda d, s: present(s)})["A"]
    assert p.case["absence"]["first_day_on"] == "2025-02-24"
    assert "every_session_coded_g_n_o" not in p.case["absence"]
    assert p.fact("absence.every_session_coded_g_n_o").value is None
    assert "Wed 26 Feb 2025 PM" in p.fact("absence.every_session_coded_g_n_o").because


def test_a_mid_run_admission_starts_the_run_on_the_admission_day(tmp_path: Path) -> None:
    admitted = dt.date(2025, 2, 5)

    def fn(day: dt.date, s: int) -> str:
        return "N" if day >= admitted else "/"  # marks before admission belong to no roll

    p = derived(tmp_path, {"A": fn}, [("A", "2014-03-01", admitted.isoformat(), "")])["A"]
    assert p.case["absence"]["first_day_on"] == "2025-02-05"
    assert "since the pupil's admission on Wed 05 Feb 2025" in p.fact("absence.first_day_on").because
    assert p.case["child"]["date_of_birth"] == "2014-03-01"
    assert not p.notes


def test_a_run_reaching_the_extract_start_may_have_begun_earlier(tmp_path: Path) -> None:
    p = derived(tmp_path, {"A": lambda d, s: "O"})["A"]
    assert p.case["absence"]["first_day_on"] == START.isoformat()
    assert any("may have begun before" in n for n in p.notes)


def test_code_n_and_sickness_for_a_pupil_not_absent_now(tmp_path: Path) -> None:
    def fn(day: dt.date, s: int) -> str:
        if day == dt.date(2025, 2, 27) and s == 0:
            return "N"  # an unresolved N, more than 5 school days old on 10 Mar
        if dt.date(2025, 1, 13) <= day <= dt.date(2025, 1, 31):
            return "I"  # 15 school days of illness
        return present(s)

    p = derived(tmp_path, {"A": fn})["A"]
    assert not p.absent_now
    assert "absence" not in p.case or "first_day_on" not in p.case["absence"]
    assert p.case["history"] == [{"event": "session_coded_n", "on": "2025-02-27"}]
    assert "1 of them older than 5 school days" in p.fact("history.session_coded_n").because
    assert p.case["absence"]["expected_sickness_school_days"] == 15


def test_a_pupil_present_throughout_is_not_derived(tmp_path: Path) -> None:
    assert derived(tmp_path, {"A": lambda d, s: present(s)}) == {}


def test_the_derived_case_is_evaluated_under_the_pack(tmp_path: Path) -> None:
    path, adm = write(
        tmp_path, {"A": absent_from(dt.date(2025, 2, 3))}, [("A", "2014-03-01", "2020-09-01", "")]
    )
    with open_extract(path, admissions=adm) as reg:
        ((result, pupil),) = list(evaluate_register(reg, on=ON, policy="derbyshire"))
    assert result.case_ref == "A" == pupil.case_ref
    refer = result.action("refer_to_cme")
    assert (
        refer.status.value == "overdue"
    )  # Derbyshire: by absence day 11, Mon 17 Feb... counted by the engine
    assert result.action("replace_code_n").status.value == "overdue"
    assert result.action("remove_from_roll").status.value == "not_yet_permitted"


# -- reading and refusing ------------------------------------------------------------------------


def test_an_unknown_code_is_refused_with_row_and_column_never_the_value(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "pupil_ref,date,session,code\nSECRET1,2025-02-03,AM,/\nSECRET1,2025-02-03,PM,QQ\n"
        "SECRET1,2025-02-04,AM,J\nSECRET1,2024-03-04,AM,J\n"
    )
    with pytest.raises(RegisterError) as err, open_extract(path):
        pass
    text = str(err.value)
    assert [(p.path, p.line) for p in err.value.problems] == [("code", 3), ("code", 4)]  # J is a 2006 code
    assert "SECRET1" not in text and "QQ" not in text


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_bad_rows_are_located(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "pupil_ref,date,session,code\nA,2025-02-03,AM,/\nA,03/02/2025,AM,/\nA,2025-02-03,EVE,/\n"
        "A,2025-02-03,AM,N\n"
    )
    with pytest.raises(RegisterError) as err, open_extract(path, engine=engine):
        pass
    assert sorted((p.path, p.line) for p in err.value.problems) == [
        ("date", 3),
        ("session", 4),
        ("session", 5),
    ]


def test_a_header_that_does_not_map_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("pupil_ref,dat,session,code\n")
    with pytest.raises(RegisterError) as err, open_extract(path):
        pass
    assert "did you mean" in str(err.value) and "missing column" in str(err.value)


def test_no_code_has_two_kinds() -> None:
    for code in set(CODES_2006) & set(CODES_2024):
        assert CODES_2006[code][0] == CODES_2024[code][0], code
    assert kind_of("J", dt.date(2024, 8, 18)) == "present" and kind_of("J", dt.date(2024, 8, 19)) is None
    assert {k for _, (k, _) in CODES_2024.items()} <= set(KINDS)


# -- properties and the engines against the reference -------------------------------------------

CODES = ["/", "\\", "L", "N", "O", "G", "U", "I", "M", "#", "Z", "B", None]
DAYS = school_days(dt.date(2025, 1, 27), ON)
ALL_DAYS = [dt.date(2025, 1, 27) + dt.timedelta(days=i) for i in range((ON - dt.date(2025, 1, 27)).days + 1)]


def random_rows(rng: random.Random, pupils: int, days: list[dt.date]) -> list[tuple[str, dt.date, int, str]]:
    rows = []
    for p in range(pupils):
        ref = f"P{p}"
        absent_from_i = rng.randrange(len(days))
        for i, day in enumerate(days):
            for s in (0, 1):
                if i >= absent_from_i and rng.random() < 0.8:
                    code = rng.choice(["N", "O", "G", "N", "U"])
                else:
                    code = rng.choice(CODES)
                if code is not None:
                    rows.append((ref, day, s, code))
    return rows


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(ALL_DAYS), st.integers(0, 1), st.sampled_from(CODES)),
        max_size=80,
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_the_run_never_holds_a_present_session_or_a_non_school_day(marks: list) -> None:
    rows = [("A", d, s, c) for d, s, c in marks if c is not None]
    frame = Frame.build(
        KENT, ON, [d for _, d, _, _ in rows], max(((d, s) for _, d, s, _ in rows), default=None)
    )
    got = scan_reference(rows, {}, frame).get("A")
    if got is None or not got.run_sessions:
        return
    first = frame.session_date(got.run_first_k)
    assert KENT.is_school_day(first)
    for _, day, s, code in rows:
        if day in frame.index and 2 * frame.index[day] + s >= got.run_first_k:
            assert kind_of(code, day) not in ("present", "authorised"), (day, s, code)


def _write_rows(path: Path, rows: list[tuple[str, dt.date, int, str]]) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["pupil_ref", "date", "session", "code"])
        for ref, day, s, code in rows:
            w.writerow([ref, day.isoformat(), "AM" if s == 0 else "PM", code])


@pytest.mark.parametrize("seed", range(4))
def test_the_engines_equal_the_reference_on_generated_registers(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    rows = random_rows(rng, 25, DAYS if seed % 2 else ALL_DAYS)
    rng.shuffle(rows)
    path = tmp_path / "r.csv"
    _write_rows(path, rows)
    admissions = {
        "P1": Admission(admitted_on=dt.date(2025, 2, 12)),
        "P2": Admission(left_on=dt.date(2025, 3, 3)),
        "P3": Admission(admitted_on=dt.date(2025, 2, 24), left_on=dt.date(2025, 3, 5)),
    }
    adm = tmp_path / "a.csv"
    adm.write_text(
        "pupil_ref,admitted_on,left_on\nP1,2025-02-12,\nP2,,2025-03-03\nP3,2025-02-24,2025-03-05\n"
    )
    for on in (ON, dt.date(2025, 2, 19), dt.date(2025, 2, 28)):
        got = {}
        for engine in ("duckdb", "polars"):
            with open_extract(path, admissions=adm, engine=engine) as reg:
                assert reg.admissions == admissions
                marked, last = reg.frame_inputs(on)
                frame = Frame.build(KENT, on, marked, last)
                got[engine] = reg.scan(frame)
        want = scan_reference([r for r in rows if r[1] <= on], admissions, frame)
        assert got["duckdb"] == want
        assert got["polars"] == want


def test_the_command_reads_standard_input(tmp_path: Path) -> None:
    path, _ = write(tmp_path, {"A": absent_from(dt.date(2025, 2, 3))})
    got = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cme_policy.cli import main; raise SystemExit(main())",
            "attendance",
            "-",
            "--policy",
            "kent",
            "--on",
            ON.isoformat(),
            "--format",
            "csv",
        ],
        input=path.read_bytes(),
        capture_output=True,
        check=False,
    )
    assert got.returncode == 0, got.stderr
    rows = list(csv.DictReader(io.StringIO(got.stdout.decode())))
    assert {r["action"] for r in rows} >= {"replace_code_n", "remove_from_roll", "notify_la_of_absence"}
    assert any(r["section"] == "removal" and r["case_ref"] == "A" for r in rows)


# -- the caseload merged into the derived cases (--cases) ----------------------------------------


def test_a_recorded_referral_drops_the_referral_duty(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Hand-worked: A and B are absent (N) from Mon 3 Feb 2025; Derbyshire's referral is due by
    absence day 11. The case system recorded A's referral on Fri 14 Feb, so A has no referral
    duty; B, with no record, still has it, overdue on 10 Mar. A's record also gives a first day
    of absence the register contradicts (the register's is used, and the conflict named without
    either value) and a fact the register cannot know (kept)."""
    from cme_policy.cli import main

    both = absent_from(dt.date(2025, 2, 3))
    path, adm = write(
        tmp_path, {"A": both, "B": both}, [("A", "2014-03-01", "2020-09-01", ""), ("B", "2014-03-01", "", "")]
    )
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "case_ref,history,absence.first_day_on,whereabouts.known\n"
        "A,cme_referral_made@2025-02-14,2025-01-20,false\n"
        "GONE,parents_contacted@2025-01-08,,\n"
    )
    argv = [
        "attendance",
        str(path),
        "--admissions",
        str(adm),
        "--policy",
        "derbyshire",
        "--on",
        ON.isoformat(),
    ]
    assert main([*argv, "--cases", str(cases), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)["policies"][0]
    refer = {(r["case_ref"], r["status"]) for r in report["worklist"] if r["action"] == "refer_to_cme"}
    assert refer == {("B", "overdue")}
    a = next(p for p in report["pupils"] if p["case_ref"] == "A")
    assert a["case"]["history"] == [
        {"event": "cme_referral_made", "on": "2025-02-14"},
        {"event": "session_coded_n", "on": "2025-02-03"},
    ]
    assert a["case"]["absence"]["first_day_on"] == "2025-02-03"  # the register's
    assert a["case"]["whereabouts"] == {"known": False}  # the caseload's
    assert report["stats"]["caseload"]["matched"] == 1
    assert report["stats"]["caseload"]["not_derived"] == 1
    assert report["stats"]["caseload"]["conflicts"] == [
        {"case_ref": "A", "field": "absence.first_day_on", "used": "register"}
    ]
    assert "case A: absence.first_day_on" in err
    assert "2025-01-20" not in err + out  # the caseload's contradicted value is never echoed
    # A record that cannot be matched is reported by position and field, and the exit code says so.
    cases.write_text("case_ref,history\nA,cme_referral_made@2025-02-14\n,parents_contacted@2025-01-08\n")
    assert main([*argv, "--cases", str(cases), "--format", "json"]) == 2
    assert "case_ref" in capsys.readouterr().err
    # Without --cases, A's referral is listed as it was before.
    assert main([*argv, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)["policies"][0]
    assert {r["case_ref"] for r in report["worklist"] if r["action"] == "refer_to_cme"} == {"A", "B"}


def test_merging_keeps_the_caseload_and_lets_the_register_win_for_absence() -> None:
    from cme_policy.attendance import merge_caseload
    from cme_policy.attendance.merge import merge_case

    derived_case = {
        "case_ref": "A",
        "child": {"date_of_birth": "2014-03-01"},
        "school": {"on_roll": True, "closure_days": ["2025-03-07"]},
        "absence": {"first_day_on": "2025-02-03", "explained": False},
        "history": [{"event": "session_coded_n", "on": "2025-02-03"}],
        "changes": [{"field": "absence.explained", "on": "2025-02-03", "value": False}],
    }
    record = {
        "case_ref": "A",
        "policy": "kent",
        "child": {"date_of_birth": "2014-04-01", "looked_after": True},
        "school": {"closure_days": ["2025-01-06"]},
        "absence": {"explained": True, "authorised": True},
        "history": [
            {"event": "session_coded_n", "on": "2025-01-10"},
            {"event": "home_visit_made", "on": "2025-02-20"},
        ],
        "changes": [
            {"field": "absence.explained", "on": "2025-01-01", "value": True},
            {"field": "whereabouts.known", "on": "2025-02-20", "value": False},
        ],
    }
    before = repr(record)
    case, found = merge_case(derived_case, record)
    assert repr(record) == before  # the record is not changed
    assert "policy" not in case
    assert case["child"] == {"date_of_birth": "2014-04-01", "looked_after": True}
    assert case["school"] == {"on_roll": True, "closure_days": ["2025-01-06", "2025-03-07"]}
    assert case["absence"] == derived_case["absence"]  # authorised: unknown from the register
    assert case["history"] == [
        {"event": "home_visit_made", "on": "2025-02-20"},
        {"event": "session_coded_n", "on": "2025-02-03"},
    ]
    assert case["changes"] == [
        {"field": "whereabouts.known", "on": "2025-02-20", "value": False},
        {"field": "absence.explained", "on": "2025-02-03", "value": False},
    ]
    assert sorted(found) == [
        ("absence.authorised", "register"),
        ("absence.explained", "register"),
        ("changes (absence)", "register"),
        ("child.date_of_birth", "caseload"),
        ("history (session_coded_n)", "register"),
    ]
    from cme_policy.attendance import Caseload

    caseload = Caseload.read([record, {"case_ref": "A"}, {"case_ref": "\x00SECRET"}, {"history": []}])
    assert list(caseload.records) == ["A"]
    assert [p.position for p in caseload.problems] == [2, 3, 4]
    assert "SECRET" not in " ".join(str(p) for p in caseload.problems)
    merged = merge_caseload([], caseload)
    assert (merged.matched, merged.not_derived) == (0, 1)
