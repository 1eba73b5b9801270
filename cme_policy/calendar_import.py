"""Term dates in the formats councils publish, iCalendar (``.ics``) and CSV, read and written.

Both formats describe the same things, each a date or a run of dates:

* **term**: days the school meets (a whole term, a half term's worth of teaching, or a
  one-day marker such as "Autumn term starts" paired with the next "Autumn term ends");
* **holiday**: days inside a term span that are not school days (half terms, Easter);
* **closure**: single non-pupil days (INSET or training days, occasional days, polling days).

An academic year's terms are its term spans minus its holidays; its closure days are removed
from them. Closure days in a year with no term dates apply on top of whatever term dates are in
force there (a school's INSET days over the authority's terms). Holidays in a year with no term
dates are refused: they cannot say when term starts. Nothing is guessed: an event or row whose
kind cannot be told is refused with its file, line and column.

Each format is read and written by its own module; every name is importable from this one too:

* :mod:`cme_policy.calendar_ics`: iCalendar feeds (:func:`read_ics`, :func:`parse_ics`,
  :func:`to_ics`), and how an event's kind is told from its ``CATEGORIES`` or ``SUMMARY`` words
  (:func:`classify`);
* :mod:`cme_policy.calendar_csv`: CSV files (:func:`read_csv`, :func:`parse_csv`,
  :func:`to_csv`), and their columns;
* :mod:`cme_policy.calendar_entries`: what both are read into, one :class:`Entry` per term span,
  marker, holiday or closure run, and the calendar assembled from them (:func:`build_calendar`).

:func:`to_ics` and :func:`to_csv` write a calendar back out in these formats; reading what they
write gives the same calendar.
"""

from __future__ import annotations

from .calendar_csv import COLUMNS, parse_csv, read_csv, to_csv
from .calendar_entries import KINDS, MAX_BYTES, Entry, build_calendar
from .calendar_ics import (
    CLOSURE_WORDS,
    END_WORDS,
    HOLIDAY_WORDS,
    START_WORDS,
    TERM_WORDS,
    classify,
    parse_ics,
    read_ics,
    to_ics,
)

__all__ = [
    "CLOSURE_WORDS",
    "COLUMNS",
    "END_WORDS",
    "HOLIDAY_WORDS",
    "KINDS",
    "MAX_BYTES",
    "START_WORDS",
    "TERM_WORDS",
    "Entry",
    "build_calendar",
    "classify",
    "parse_csv",
    "parse_ics",
    "read_csv",
    "read_ics",
    "to_csv",
    "to_ics",
]
