"""Term dates supplied once: iCalendar and CSV imports, load_policy(calendar=), --calendar."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from cme_policy import PolicyError, evaluate, load_policy
from cme_policy.calendar import SchoolCalendar, Term, TermYear
from cme_policy.calendar_import import classify, parse_csv, parse_ics, to_csv, to_ics
from cme_policy.cli import main

D = dt.date


def _ics(*events: str) -> str:
    body = "".join(f"BEGIN:VEVENT\r\n{e}END:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:St Example\r\n{body}END:VCALENDAR\r\n"


def _event(summary: str, start: str, end: str | None = None, extra: str = "") -> str:
    out = f"SUMMARY:{summary}\r\nDTSTART;VALUE=DATE:{start}\r\n"
    return out + (f"DTEND;VALUE=DATE:{end}\r\n" if end else "") + extra


COUNCIL_FEED = _ics(
    _event("Autumn Term", "20270901", "20271218"),  # DTEND is exclusive: term ends Fri 17 Dec
    _event("Half-Term", "20271025", "20271030"),
    _event("INSET Day", "20270901"),
    _event("Christmas holidays", "20271220", "20280104"),
    "SUMMARY:Spring term starts\r\nDTSTART:20280104T084500\r\nDTEND:20280104T151500\r\n",
    _event("Last day of spring term", "20280324"),
    _event("Sports day", "20280609", extra="CATEGORIES:CLOSURE\r\n"),
)


def test_a_council_feed_becomes_terms_minus_holidays_with_closures():
    cal = parse_ics(COUNCIL_FEED, "feed.ics")
    assert cal.name == "St Example" and cal.known_years() == (2027,)
    year = cal.years[2027]
    assert year.terms == (
        Term(D(2027, 9, 1), D(2027, 10, 22)),  # half term Mon 25 - Fri 29 Oct taken out
        Term(D(2027, 11, 1), D(2027, 12, 17)),
        Term(D(2028, 1, 4), D(2028, 3, 24)),  # paired start and end markers
    )
    assert year.closures == (D(2027, 9, 1), D(2028, 6, 9))  # CATEGORIES beat the summary words
    assert not cal.is_school_day(D(2027, 9, 1)) and cal.is_school_day(D(2027, 9, 2))


@pytest.mark.parametrize(
    ("summary", "kind"),
    [
        ("Autumn term", "term"),
        ("Term 1", "term"),
        ("Summer Term begins", "term_start"),
        ("Term ends", "term_end"),
        ("Half term", "holiday"),
        ("October half-term holiday", "holiday"),
        ("Easter break", "holiday"),
        ("INSET", "closure"),
        ("Staff Development Day", "closure"),
        ("May Day Bank Holiday", "closure"),
        ("School closed - polling station", "closure"),
        ("Parents' evening", None),
    ],
)
def test_summary_words_decide_the_kind(summary, kind):
    assert classify(summary) == kind


def test_closures_in_a_year_without_terms_apply_over_any_terms():
    cal = parse_ics(_ics(_event("INSET day", "20250224")), "inset.ics")
    assert cal.known_years() == () and cal.closures() == {D(2025, 2, 24)}
    kent = load_policy("kent", calendar=cal)
    assert not kent.calendar.is_school_day(D(2025, 2, 24))
    assert kent.calendar.years == load_policy("kent").calendar.years


def test_ics_problems_name_file_line_and_property():
    text = _ics(
        _event("Autumn term", "20270901", "20271218"),
        _event("Parents' evening", "20271005"),
        _event("Term 2", "2027-11-01"),
        _event("Term 3", "20280104", extra="RRULE:FREQ=WEEKLY\r\n"),
    )
    with pytest.raises(PolicyError) as err:
        parse_ics(text, "feed.ics")
    got = [str(p) for p in err.value.problems]
    assert got[0].startswith("feed.ics:10:1: VEVENT[2].SUMMARY: cannot tell whether")
    assert got[1].startswith("feed.ics:15:1: VEVENT[3].DTSTART: not a date")
    assert got[2].startswith("feed.ics:20:1: VEVENT[4].RRULE: repeating events are not supported")


def test_holidays_alone_cannot_give_a_year():
    with pytest.raises(PolicyError, match="holidays alone cannot say when term starts"):
        parse_ics(_ics(_event("Half term", "20271025", "20271030")), "feed.ics")


CSV = """\
academic_year,term,start_on,end_on,source
2027/28,Autumn,01/09/2027,17/12/2027,St Example's newsletter
# a comment row
2027/28,Spring,2028-01-04,2028-03-24,
"""


def test_csv_in_the_plain_column_layout():
    cal = parse_csv(CSV, "terms.csv")
    year = cal.years[2027]
    assert year.terms == (Term(D(2027, 9, 1), D(2027, 12, 17)), Term(D(2028, 1, 4), D(2028, 3, 24)))
    assert year.source == "St Example's newsletter"


def test_csv_with_holiday_and_closure_rows():
    text = (
        "kind,start_on,end_on\nterm,2027-09-01,2027-12-17\nholiday,2027-10-25,2027-10-29\n"
        "closure,2027-09-01,\nclosure,2028-09-04,\n"
    )
    cal = parse_csv(text, "x.csv")
    assert cal.years[2027].terms == (
        Term(D(2027, 9, 1), D(2027, 10, 22)),
        Term(D(2027, 11, 1), D(2027, 12, 17)),
    )
    assert cal.years[2027].closures == (D(2027, 9, 1),) and cal.closures() == {D(2028, 9, 4)}


def test_csv_problems_name_file_line_and_column():
    text = "academic_year,kind,start_on,end_on,sorce\n"
    with pytest.raises(PolicyError) as err:
        parse_csv(text, "x.csv")
    assert [str(p) for p in err.value.problems] == [
        "x.csv:1:5: sorce: unknown column (did you mean 'source'?)"
    ]
    text = (
        "academic_year,kind,start_on,end_on\n2027/28,term,2027-13-01,\n2027/28,trem,2027-09-01,\n"
        "2026/27,term,2027-09-01,2027-12-17\n2027/28,term,2027-09-01,17.12.2027\n"
    )
    with pytest.raises(PolicyError) as err:
        parse_csv(text, "x.csv")
    assert [str(p) for p in err.value.problems] == [
        "x.csv:2:3: start_on: not a date: write YYYY-MM-DD or DD/MM/YYYY",
        "x.csv:3:2: kind: unknown kind (did you mean 'term'?)",
        "x.csv:4:1: academic_year: start_on falls in 2027/28, not 2026/27",
        "x.csv:5:4: end_on: not a date: write YYYY-MM-DD or DD/MM/YYYY",
    ]


def _sample() -> SchoolCalendar:
    school = TermYear(
        2027,
        (Term(D(2027, 9, 2), D(2027, 10, 22)), Term(D(2027, 11, 1), D(2027, 12, 17))),
        (D(2027, 9, 2), D(2027, 11, 26)),
        "St Example, governors' minutes; term dates, 2027",
    )
    return SchoolCalendar("Kent + St Example", [*load_policy("kent").calendar.years.values(), school],
                          closures=[D(2029, 1, 8)])  # fmt: skip


@pytest.mark.parametrize(("write", "read"), [(to_ics, parse_ics), (to_csv, parse_csv)])
def test_export_then_import_gives_the_same_calendar(write, read):
    cal = _sample()
    back = read(write(cal), "exported")
    assert back.years == cal.years
    assert back.closures() == cal.closures()
    assert write(back) == write(cal)


def test_long_ics_lines_are_folded_and_unfolded():
    text = to_ics(_sample())
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert parse_ics(text).years == _sample().years


# -- supplying a calendar once -------------------------------------------------------------------


ABSENT = {
    "child": {"date_of_birth": "2015-06-14"},
    "school": {"on_roll": True},
    "absence": {"first_day_on": "2027-10-11", "explained": False},
    "whereabouts": {"known": False},
    "history": [],
}


def _referral_due(pack, case=ABSENT, on="2027-10-12"):
    result = evaluate(pack, case, on=on)
    return {a.rule_id: a.due_on for a in result.actions if a.due_on is not None}, result


@pytest.mark.parametrize("fmt", ["ics", "csv", "yaml"])
def test_load_policy_takes_a_calendar_file_in_each_format(tmp_path, fmt):
    path = tmp_path / f"school.{fmt}"
    if fmt == "yaml":
        path.write_text(
            "name: St Example\nyears:\n  - academic_year: 2027/28\n    source: the school\n"
            "    terms:\n      - {start_on: 2027-09-01, end_on: 2027-10-22}\n"
            "      - {start_on: 2027-11-01, end_on: 2027-12-17}\n",
            encoding="utf-8",
        )
    else:
        path.write_text((to_ics if fmt == "ics" else to_csv)(parse_ics(COUNCIL_FEED)), encoding="utf-8")
    kent = load_policy("kent", calendar=str(path))
    assert kent.calendar.is_known(D(2027, 10, 11))
    assert not load_policy("kent").calendar.is_known(D(2027, 10, 11))
    assert load_policy("kent", calendar=path) is kent  # cached per file
    # Day 1 Mon 11 Oct 2027; days 2-10 Tue 12 - Fri 22 Oct; half term 25-29 Oct; day 11 Mon 1 Nov.
    due, _ = _referral_due(kent)
    assert D(2027, 11, 1) in due.values()
    assert D(2027, 10, 25) in _referral_due(load_policy("kent"))[0].values()  # unknown year: no half term


def test_a_changed_calendar_file_is_read_again(tmp_path):
    path = tmp_path / "school.csv"
    path.write_text("start_on,end_on\n2027-09-01,2027-10-22\n", encoding="utf-8")
    first = load_policy("kent", calendar=path)
    path.write_text("start_on,end_on\n2027-09-01,2027-10-15\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    second = load_policy("kent", calendar=path)
    assert second is not first
    assert second.calendar.years[2027].terms == (Term(D(2027, 9, 1), D(2027, 10, 15)),)


def test_a_calendar_object_is_overlaid_and_the_case_still_wins():
    cal = parse_ics(COUNCIL_FEED)
    kent = load_policy("kent", calendar=cal)
    assert load_policy("kent", calendar=cal) is kent
    assert kent.calendar.years[2026] is load_policy("kent").calendar.years[2026]
    own = {
        **ABSENT,
        "school": {
            "on_roll": True,
            "term_dates": [
                {"academic_year": "2027/28", "terms": [{"start_on": "2027-09-01", "end_on": "2028-07-20"}]}
            ],
        },
    }
    # The case's own year has no half term: days 2-10 Tue 12 - Fri 22 Oct, day 11 Mon 25 Oct.
    assert D(2027, 10, 25) in _referral_due(kent, own)[0].values()


def test_an_unknown_calendar_file_is_an_input_error(tmp_path):
    with pytest.raises(PolicyError, match="no such calendar file"):
        load_policy("kent", calendar=tmp_path / "missing.ics")
    (tmp_path / "terms.txt").write_text("x", encoding="utf-8")
    with pytest.raises(PolicyError, match="unknown calendar format"):
        load_policy("kent", calendar=tmp_path / "terms.txt")


def test_cli_evaluate_takes_calendar(tmp_path, capsys):
    cal = tmp_path / "school.ics"
    cal.write_text(COUNCIL_FEED, encoding="utf-8")
    case = tmp_path / "case.json"
    case.write_text(json.dumps(ABSENT), encoding="utf-8")
    assert main(["evaluate", "--policy", "kent", "--on", "2027-10-12", "--format", "json",
                 "--calendar", str(cal), str(case)]) == 0  # fmt: skip
    assert "2027-11-01" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("start,finish\n", encoding="utf-8")
    assert (
        main(["evaluate", "--policy", "kent", "--on", "2027-10-12", "--calendar", str(bad), str(case)]) == 2
    )
    assert f"{bad}:1:2: finish: unknown column" in capsys.readouterr().err
