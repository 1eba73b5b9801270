"""Compulsory school age, Education Act 1996 s8.

Starts (s8(2) and the Education (Start of Compulsory School Age) Order 1998) on the first of
31 December, 31 March or 31 August on or after the fifth birthday. Ends (s8(3)-(4), Education
(School Leaving Date) Order 1997) at the end of the last Friday in June of the school year in
which the child turns 16 (a child who turns 16 between that Friday and 31 August leaves on it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

_PRESCRIBED = ((3, 31), (8, 31), (12, 31))


def _birthday(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # born 29 February: the anniversary in a common year is 1 March
        return dt.date(born.year + years, 3, 1)


def last_friday_in_june(year: int) -> dt.date:
    day = dt.date(year, 6, 30)
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


@dataclass(frozen=True)
class SchoolAge:
    starts_on: dt.date
    ends_on: dt.date  # last day of compulsory school age (inclusive)

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def describe(self, day: dt.date) -> str:
        if day < self.starts_on:
            return (
                f"not yet of compulsory school age: it starts on {self.starts_on} (Education Act 1996 s8(2))"
            )
        if day > self.ends_on:
            return (
                f"past compulsory school age: it ended on {self.ends_on}, the last Friday in "
                "June of the school year in which the child turned 16 (Education Act 1996 s8(3))"
            )
        return f"of compulsory school age ({self.starts_on} to {self.ends_on}, EA 1996 s8)"


@lru_cache(maxsize=8192)  # a caseload asks again for each rule and day; a SchoolAge is immutable
def compulsory_school_age(date_of_birth: dt.date) -> SchoolAge:
    fifth = _birthday(date_of_birth, 5)
    start = next(dt.date(fifth.year, m, d) for m, d in _PRESCRIBED if dt.date(fifth.year, m, d) >= fifth)
    sixteenth = _birthday(date_of_birth, 16)
    leaving_year = sixteenth.year + 1 if sixteenth.month >= 9 else sixteenth.year
    return SchoolAge(start, last_friday_in_june(leaving_year))
