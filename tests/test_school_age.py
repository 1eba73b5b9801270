"""Compulsory school age, Education Act 1996 s8."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cme_policy import compulsory_school_age, evaluate, load_policy


@pytest.mark.parametrize(
    ("born", "starts", "ends"),
    [
        # IPSEA's worked example: born 23 Sep 2007, CSA ends Fri 28 Jun 2024.
        (dt.date(2007, 9, 23), dt.date(2012, 12, 31), dt.date(2024, 6, 28)),
        # Fifth birthday on a prescribed day: CSA starts that day.
        (dt.date(2019, 3, 31), dt.date(2024, 3, 31), dt.date(2035, 6, 29)),
        # Turns 16 on 1 Aug, after the leaving date: leaves on the last Friday in June before.
        (dt.date(2008, 8, 1), dt.date(2013, 8, 31), dt.date(2024, 6, 28)),
        # Born 29 Feb: anniversary in a common year taken as 1 Mar; starts 31 Mar.
        (dt.date(2020, 2, 29), dt.date(2025, 3, 31), dt.date(2036, 6, 27)),
    ],
)
def test_worked_examples(born, starts, ends):
    age = compulsory_school_age(born)
    assert (age.starts_on, age.ends_on) == (starts, ends)


@given(st.dates(dt.date(1995, 1, 1), dt.date(2030, 12, 31)))
def test_start_is_a_prescribed_day_within_four_months_of_the_fifth_birthday(born):
    age = compulsory_school_age(born)
    assert (age.starts_on.month, age.starts_on.day) in {(3, 31), (8, 31), (12, 31)}
    fifth = dt.date(born.year + 5, born.month, min(born.day, 28))
    assert dt.timedelta(0) <= age.starts_on - fifth <= dt.timedelta(days=153)
    assert age.ends_on.weekday() == 4 and age.ends_on.month == 6 and age.ends_on.day >= 24
    assert age.ends_on.year - born.year in (16, 17)


def test_a_child_past_compulsory_school_age_gets_no_duties(kent_case):
    kent_case["child"]["date_of_birth"] = "2008-08-01"  # CSA ended Fri 28 Jun 2024
    result = evaluate(load_policy("kent"), kent_case, on="2025-03-03")
    assert result.state == "not_applicable"
    assert result.actions == []
    assert "2024-06-28" in result.state_reason


def test_unknown_date_of_birth_is_not_assumed_away(kent_case):
    del kent_case["child"]["date_of_birth"]
    result = evaluate(load_policy("kent"), kent_case, on="2025-03-03")
    assert "child.date_of_birth" in result.facts_needed
    assert any(a.kind == "refer_to_cme" for a in result.actions)
