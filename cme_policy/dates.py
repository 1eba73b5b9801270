"""The one way a date enters cme_policy: strict ISO ``YYYY-MM-DD`` inside the supported range.

Every date in a case, the evaluation date and every date in a YAML file is checked here. The
range is chosen so that every date the library computes from it (deadlines of up to 120 months
or 400 school days, ages, monthly reviews) stays well inside what ``datetime`` can represent.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

MIN_DATE = dt.date(1990, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)
SUPPORTED_RANGE = f"{MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}"

# ASCII digits only: ``\d`` would also match other scripts' digits, and ``fromisoformat`` on
# Python 3.11+ accepts week dates (2013-W29-5) and compact forms (20130719) we do not want.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_NOT_A_DATE = "expected a real date written YYYY-MM-DD"


def in_range(day: dt.date) -> dt.date:
    """``day`` if it lies in the supported range, else :class:`ValueError` (without the date)."""
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(f"date outside the supported range ({SUPPORTED_RANGE})")
    return day


def parse_date(value: Any) -> dt.date:
    """A date from a ``date`` or strict ``YYYY-MM-DD`` text, in the supported range.

    Raises :class:`ValueError` with a message that never repeats ``value``: a date and time,
    a number, any other ISO spelling or an impossible day (``2015-02-30``) are all refused.
    """
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return in_range(value)
    if not isinstance(value, str) or len(value) != 10 or not _ISO_DATE.fullmatch(value):
        raise ValueError(_NOT_A_DATE)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(_NOT_A_DATE) from None
    return in_range(day)


__all__ = ["MAX_DATE", "MIN_DATE", "SUPPORTED_RANGE", "in_range", "parse_date"]


@lru_cache(maxsize=8192)
def long_date(day: dt.date) -> str:
    """A date as results write it, ``Mon 03 Feb 2025`` (remembered: a caseload names the same
    few hundred days again and again, and ``strftime`` is slow)."""
    return f"{day:%a %d %b %Y}"
