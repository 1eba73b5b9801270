"""School-day arithmetic: worked examples and properties (through the public API)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cme_policy import EvaluationDateError, load_policy

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
