"""School-day arithmetic: worked examples and properties (through the public API)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cme_policy import EvaluationDateError, load_policy
from cme_policy.calendar import SchoolCalendar, Term, TermYear, missing_years_warning

KENT = load_policy("kent").calendar
KNOWN = st.dates(dt.date(2024, 9, 1), dt.date(2026, 6, 30))
ANY = st.dates(dt.date(2010, 1, 1), dt.date(2040, 1, 1))


def test_half_term_is_skipped_and_explained():
    span = KENT.add_school_days(dt.date(2025, 2, 10), 10)
    assert span.date == dt.date(2025, 3, 3)
    assert [(s.start_on, s.end_on) for s in span.skipped] == [(dt.date(2025, 2, 17), dt.date(2025, 2, 21))]
    assert "school holiday" in span.skipped[0].reason
    assert span.assumed_years == ()


def test_bank_holidays_come_from_england():
    # Easter 2025: Good Friday 18 Apr and Easter Monday 21 Apr are in the Kent Easter holiday;
    # May Day (5 May 2025) falls in term 5 and is not a school day.
    assert not KENT.is_school_day(dt.date(2025, 5, 5))
    span = KENT.add_school_days(dt.date(2025, 5, 2), 1)
    assert span.date == dt.date(2025, 5, 6)
    assert "May Day" in span.skipped[0].reason


def test_working_days_skip_bank_holidays_not_school_holidays():
    # 20 Dec 2024 (last day of term) + 1 working day: Christmas week days are working days.
    assert KENT.add_working_days(dt.date(2024, 12, 20), 1).date == dt.date(2024, 12, 23)
    assert KENT.add_working_days(dt.date(2024, 12, 24), 1).date == dt.date(2024, 12, 27)


def test_count_is_inclusive_and_empty_when_reversed():
    c = KENT.count_school_days(dt.date(2025, 2, 10), dt.date(2025, 3, 3))
    assert (c.low, c.high) == (11, 11)
    assert KENT.count_school_days(dt.date(2025, 3, 3), dt.date(2025, 2, 10)).high == 0


def test_unknown_term_years_are_counted_conservatively_and_said():
    # Kent's shipped years end with 2026/27 (policies/calendars/kent.yaml); 2027/28 is unknown.
    c = KENT.count_school_days(dt.date(2027, 7, 1), dt.date(2027, 9, 30))
    assert c.low < c.high and c.assumed_years == ("2027/28",)
    span = KENT.add_school_days(dt.date(2027, 9, 1), 5)
    assert span.assumed_years == ("2027/28",)


def test_dates_outside_the_supported_span_are_refused():
    with pytest.raises(EvaluationDateError):
        KENT.add_school_days(dt.date(1999, 1, 1), 1)


@settings(max_examples=200, deadline=None)
@given(ANY, st.integers(1, 120))
def test_adding_then_counting_back_gives_n(start, n):
    end = KENT.add_school_days(start, n).date
    got = KENT.count_school_days(start + dt.timedelta(days=1), end)
    assert got.high == n


@settings(max_examples=200, deadline=None)
@given(ANY, st.integers(1, 120))
def test_results_land_on_school_days(start, n):
    end = KENT.add_school_days(start, n).date
    assert end > start
    assert KENT.is_school_day(end)


@settings(max_examples=200, deadline=None)
@given(ANY, st.integers(1, 60), st.integers(1, 60))
def test_adding_is_monotone_and_composes(start, m, n):
    a = KENT.add_school_days(start, m).date
    b = KENT.add_school_days(start, m + n).date
    assert a < b
    assert KENT.add_school_days(a, n).date == b


@settings(max_examples=100, deadline=None)
@given(KNOWN, KNOWN)
def test_known_years_have_exact_counts(a, b):
    c = KENT.count_school_days(min(a, b), max(a, b))
    assert c.low == c.high and c.assumed_years == ()


@settings(max_examples=100, deadline=None)
@given(ANY, st.integers(1, 60))
def test_skipped_days_are_exactly_the_non_school_weekdays(start, n):
    span = KENT.add_school_days(start, n)
    skipped = set()
    for s in span.skipped:
        d = s.start_on
        while d <= s.end_on:
            if d.weekday() < 5:
                skipped.add(d)
            d += dt.timedelta(days=1)
    day, weekdays = start + dt.timedelta(days=1), set()
    while day < span.date:
        if day.weekday() < 5:
            weekdays.add(day)
        day += dt.timedelta(days=1)
    school = {d for d in weekdays if KENT.is_school_day(d)}
    assert skipped == weekdays - school
    assert len(school) == n - 1


# -- overlays: a school's years or closure days over the authority's -----------------------------

SCHOOL_2024 = TermYear(
    2024,
    (Term(dt.date(2024, 9, 4), dt.date(2024, 12, 18)), Term(dt.date(2025, 1, 7), dt.date(2025, 7, 18))),
    (dt.date(2025, 3, 14),),
    "a school's own dates",
)
SHUT = (dt.date(2025, 2, 24), dt.date(2027, 11, 8))


def test_an_overlay_counts_exactly_as_a_calendar_built_whole():
    whole = SchoolCalendar("Kent + school calendar", [*KENT.years.values(), SCHOOL_2024], closures=SHUT)
    over = KENT.overlaid([SCHOOL_2024], SHUT)
    assert over.years == whole.years and over.known_years() == whole.known_years()
    day = dt.date(2024, 8, 1)
    while day < dt.date(2028, 9, 1):
        assert over.is_school_day(day) == whole.is_school_day(day), day
        assert over.add_school_days(day, 15) == whole.add_school_days(day, 15), day
        assert over.count_school_days(day, day + dt.timedelta(days=40)) == whole.count_school_days(
            day, day + dt.timedelta(days=40)
        ), day
        day += dt.timedelta(days=3)


def test_an_overlay_leaves_the_calendar_beneath_it_unchanged():
    days = (dt.date(2024, 9, 2), dt.date(2025, 2, 24), dt.date(2025, 3, 14))
    before = [KENT.is_school_day(d) for d in days]
    over = KENT.overlaid([SCHOOL_2024], SHUT)
    assert not over.is_school_day(dt.date(2024, 9, 2))  # the school starts on the 4th
    assert not over.is_school_day(dt.date(2025, 2, 24)) and not over.is_school_day(dt.date(2025, 3, 14))
    assert [KENT.is_school_day(d) for d in days] == before
    assert KENT.overlaid([], []) is KENT


def test_a_supplied_calendar_overlays_the_years_it_has_and_keeps_the_rest():
    school = SchoolCalendar("St Example", [SCHOOL_2024], closures=[dt.date(2025, 10, 3)])
    got = KENT.overlay(school)
    assert got.name == "Kent + St Example"
    assert got.years[2024] is SCHOOL_2024 and got.years[2025] is KENT.years[2025]
    assert not got.is_school_day(dt.date(2025, 10, 3)) and KENT.is_school_day(dt.date(2025, 10, 3))


def test_known_and_missing_years_are_named():
    assert KENT.known_years() == tuple(sorted(KENT.years))
    assert KENT.missing_years(dt.date(2027, 10, 1), dt.date(2029, 1, 1)) == ("2027/28", "2028/29")
    assert KENT.missing_years(dt.date(2025, 1, 1), dt.date(2025, 6, 1)) == ()


def test_one_warning_names_every_missing_year_and_how_to_supply_them():
    text = missing_years_warning(["2028/29", "2027/28", 2027, "2027/28"], KENT)
    assert "2027/28 and 2028/29" in text and text.count("2027/28") == 1
    assert "Kent" in text
    for way in ("--calendar FILE", "load_policy(..., calendar=", "school.term_dates"):
        assert way in text
    assert missing_years_warning([]) == ""
    assert "2027/28, 2028/29 and 2029/30" in missing_years_warning([2029, 2027, 2028])
    with pytest.raises(ValueError, match="2026/27"):
        missing_years_warning(["27/28"])


def test_an_academic_year_given_twice_is_refused(tmp_path):
    from cme_policy import CaseError, PolicyError, parse_case
    from cme_policy.pack.calendars import load_calendar_file

    path = tmp_path / "twice.yaml"
    path.write_text(
        "name: Twice\nyears:\n"
        "  - {academic_year: 2024/25, source: one, terms: [{start_on: 2024-09-02, end_on: 2024-10-25}]}\n"
        "  - {academic_year: 2024/25, source: two, terms: [{start_on: 2024-09-03, end_on: 2024-10-25}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as info:
        load_calendar_file(path)
    assert [(p.path, p.line) for p in info.value.problems] == [("years[1].academic_year", 4)]
    year = {"academic_year": "2024/25", "terms": [{"start_on": "2024-09-02", "end_on": "2024-10-01"}]}
    with pytest.raises(CaseError) as info:
        parse_case({"school": {"term_dates": [year, year]}})
    assert [p.path for p in info.value.problems] == ["school.term_dates[1].academic_year"]
