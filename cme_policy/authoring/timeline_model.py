"""What a case's timeline is made of: its days, each of a kind, the dated marks, and the whole.

A :class:`Day` is one day of the span, of one kind (:data:`SCHOOL`, :data:`WEEKEND`,
:data:`HOLIDAY`, :data:`BANK_HOLIDAY`, :data:`CLOSURE` or :data:`ASSUMED`, in words
:data:`DAY_WORDS`), numbered when it is a day of absence; a :class:`Mark` is something dated on
it (the first day of absence, a recorded event, a deadline, the evaluation date); a
:class:`Timeline` holds both. :func:`~cme_policy.authoring.timeline.build_timeline` makes one;
:mod:`.timeline_text` and :mod:`.timeline_svg` write it out, both writing dates with :func:`fmt`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

SCHOOL, WEEKEND, HOLIDAY, BANK_HOLIDAY, CLOSURE, ASSUMED = (
    "school", "weekend", "holiday", "bank_holiday", "closure", "assumed",
)
DAY_WORDS = {
    SCHOOL: "school day", WEEKEND: "weekend", HOLIDAY: "school holiday",
    BANK_HOLIDAY: "bank holiday", CLOSURE: "school closed",
    ASSUMED: "weekday assumed a school day (term dates not known)",
}


@dataclass(frozen=True)
class Day:
    on: dt.date
    kind: str
    absence_day: int | None = None  # school days numbered from the first day of absence
    reason: str = ""


@dataclass(frozen=True)
class Mark:
    on: dt.date
    kind: str  # start, event, due, from, evaluation (a verdict is drawn at its dates, any status)
    label: str
    detail: str = ""
    status: str = ""


@dataclass
class Timeline:
    title: str
    on: dt.date
    state: str
    start: dt.date
    end: dt.date
    days: list[Day] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


def fmt(d: dt.date) -> str:
    return f"{d:%a %d %b %Y}"
