"""The register scan: what one pass over a pupil's sessions yields, and the plain-Python reference.

The scan is the heavy part of the derivation (an authority's year is about 20 million session
rows). It turns each pupil's marks into one :class:`PupilScan` row of integers and codes; the
columnar engines (:mod:`cme_policy.attendance.engines`) compute exactly the same rows, and
:func:`scan_reference` is the specification they are tested against (on generated registers).

Sessions are numbered on the school days of the authority's calendar from the first school
day of the extract: school day ``d`` (0-based) has the sessions ``k = 2d`` (AM) and ``2d + 1``
(PM). Days that are not school days have no number, so a holiday between two school days is
invisible to the run: it neither ends it nor counts in it. The rules, with the regulations they
follow, are written once in :mod:`cme_policy.attendance.derive`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .codes import (
    AUTHORISED,
    CLOSED,
    EXPLAINING_CODES,
    GROUND_CODES,
    NOT_YET_ESTABLISHED,
    OFF_ROLL,
    PRESENT,
    SICKNESS_CODE,
    kind_of,
)

#: Sessions coded I that make 15 school days (the sickness return, 2024 Regulations reg 13).
SICK_SESSIONS_15_DAYS = 30
#: School days within which code N must be replaced (2024 Regulations reg 10, Table 3; WTISA).
N_REPLACE_SCHOOL_DAYS = 5


@dataclass(frozen=True)
class Admission:
    """A pupil's admission details: the first and last day on roll (inclusive) and birth date."""

    date_of_birth: dt.date | None = None
    admitted_on: dt.date | None = None
    left_on: dt.date | None = None


@dataclass(frozen=True)
class Frame:
    """The school days the scan numbers sessions on, and the evaluation date.

    ``days`` are the school days of the calendar from the extract's first date to ``on``,
    except days up to the extract's last date on which no pupil has any mark (the school did
    not meet: EA 1996 s579(1)), which are listed in ``unmet``. ``last_k`` is the last session
    marked for any pupil: a pupil's sessions up to it without a mark are *unmarked*.
    """

    days: tuple[dt.date, ...]
    on: dt.date
    first_date: dt.date
    last_k: int
    unmet: tuple[dt.date, ...] = ()
    index: Mapping[dt.date, int] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        calendar: object,
        on: dt.date,
        marked: Iterable[dt.date],
        last_marked: tuple[dt.date, int] | None,
    ) -> Frame:
        """The frame for an extract whose marks fall on the days ``marked`` (any order, each
        once or more) and whose last mark is ``last_marked`` = (date, session)."""
        marked_days = {d for d in marked if d <= on}
        is_school = calendar.is_school_day  # type: ignore[attr-defined]
        first = min(marked_days) if marked_days else on
        last = max(marked_days) if marked_days else first
        days, unmet = [], []
        day = first
        while day <= on:
            if day.weekday() < 5 and is_school(day):
                if day <= last and day not in marked_days:
                    unmet.append(day)
                else:
                    days.append(day)
            day += dt.timedelta(days=1)
        index = {d: i for i, d in enumerate(days)}
        last_k = -1
        if last_marked is not None and last_marked[0] in index:
            last_k = 2 * index[last_marked[0]] + last_marked[1]
        elif days:
            last_k = 2 * bisect.bisect_right(days, last) - 1
        return cls(tuple(days), on, first, last_k, tuple(unmet), index)

    @property
    def year_start(self) -> dt.date:
        """1 September of the academic year of the evaluation date (sickness counts from it)."""
        return dt.date(self.on.year if self.on.month >= 9 else self.on.year - 1, 9, 1)

    def first_index_from(self, day: dt.date) -> int:
        """The number of the first school day on or after ``day`` (``len(days)`` if none)."""
        return bisect.bisect_left(self.days, day)

    @property
    def school_days_before_on(self) -> int:
        """School days strictly before the evaluation date."""
        return bisect.bisect_left(self.days, self.on)

    def session_date(self, k: int) -> dt.date:
        return self.days[k // 2]


@dataclass(frozen=True)
class PupilScan:
    """One pupil's register, reduced to what the facts need (session numbers ``k``, see above).

    The run is the current run of unauthorised absence: the marked unauthorised sessions after
    the last *barrier*, a present or authorised mark. Closed sessions (#, Y4) and school
    sessions with no mark neither end nor count in it; the unmarked ones are counted.
    """

    pupil_ref: str
    first_k: int | None = None  # the pupil's first and last marked session considered
    last_k: int | None = None
    barrier_k: int | None = None  # the last present or authorised mark
    barrier_code: str | None = None
    run_first_k: int | None = None
    run_last_k: int | None = None
    run_last_code: str | None = None
    run_sessions: int = 0
    run_days: int = 0
    run_g: int = 0
    run_n: int = 0
    run_o: int = 0
    run_u: int = 0
    run_unmarked: int = 0  # school sessions from the run's first to the frame's last, no mark
    first_unmarked_k: int | None = None
    first_non_gno_k: int | None = None  # first session of the run not coded G, N or O
    expl_first: bool | None = None  # is the first session of the run an explaining code?
    expl_flips: tuple[int, ...] = ()  # sessions of the run where that changes
    n_count: int = 0  # sessions still coded N
    n_first_k: int | None = None
    n_overdue: int = 0  # of those, sessions whose 5 school days have passed
    sick_sessions: int = 0  # sessions coded I this school year
    sick_15_k: int | None = None  # the session that made 15 school days of sickness


def considered(
    ref: str, day: dt.date, code: str, admissions: Mapping[str, Admission], frame: Frame
) -> int | None:
    """The school-day number of a mark the scan reads, or ``None`` for one it leaves out: after
    the evaluation date, not on a school day, outside the pupil's days on roll, or code Z."""
    if day > frame.on:
        return None
    d = frame.index.get(day)
    if d is None:
        return None
    adm = admissions.get(ref)
    if adm is not None and (
        (adm.admitted_on is not None and day < adm.admitted_on)
        or (adm.left_on is not None and day > adm.left_on)
    ):
        return None
    if kind_of(code, day) == OFF_ROLL:
        return None
    return d


def scan_reference(
    rows: Iterable[tuple[str, dt.date, int, str]],
    admissions: Mapping[str, Admission],
    frame: Frame,
) -> dict[str, PupilScan]:
    """The scan in plain Python, one pupil at a time: the specification of the engines.

    ``rows`` are validated ``(pupil_ref, date, session, code)`` with session 0 (AM) or 1 (PM).
    """
    by_pupil: dict[str, list[tuple[int, str]]] = {}
    for ref, day, session, code in rows:
        d = considered(ref, day, code, admissions, frame)
        if d is not None:
            by_pupil.setdefault(ref, []).append((2 * d + session, code))
    out = {}
    for ref, marks in by_pupil.items():
        marks.sort()
        out[ref] = _scan_one(ref, marks, frame)
    return out


def _scan_one(ref: str, marks: Sequence[tuple[int, str]], frame: Frame) -> PupilScan:
    barrier: int | None = None
    barrier_code: str | None = None
    kinds = [kind_of(code, frame.session_date(k)) for k, code in marks]
    for (k, code), kind in zip(marks, kinds, strict=True):
        if kind in (PRESENT, AUTHORISED):
            barrier, barrier_code = k, code
    after = [
        (k, code, kind)
        for (k, code), kind in zip(marks, kinds, strict=True)
        if barrier is None or k > barrier
    ]
    run = [(k, code) for k, code, kind in after if kind != CLOSED]
    fields: dict[str, object] = {}
    if run:
        codes = [c for _, c in run]
        expl = [c in EXPLAINING_CODES for c in codes]
        first = run[0][0]
        slots = [k for k, _, _ in after if k >= first]  # marked sessions from the run's first
        unmarked = None
        previous = first - 1
        for k in [*slots, frame.last_k + 1]:
            if k > previous + 1:
                unmarked = previous + 1
                break
            previous = k
        fields = {
            "run_first_k": first,
            "run_last_k": run[-1][0],
            "run_last_code": run[-1][1],
            "run_sessions": len(run),
            "run_days": len({k // 2 for k, _ in run}),
            "run_g": codes.count("G"),
            "run_n": codes.count("N"),
            "run_o": codes.count("O"),
            "run_u": codes.count("U"),
            "run_unmarked": max(0, frame.last_k - first + 1 - len([k for k in slots if k <= frame.last_k])),
            "first_unmarked_k": unmarked,
            "first_non_gno_k": next((k for k, c in run if c not in GROUND_CODES), None),
            "expl_first": expl[0],
            "expl_flips": tuple(run[i][0] for i in range(1, len(run)) if expl[i] != expl[i - 1]),
        }
    before_on = frame.school_days_before_on
    n_ks = [k for k, c in marks if c == NOT_YET_ESTABLISHED]
    year_from = frame.first_index_from(frame.year_start)
    sick = [k for k, c in marks if c == SICKNESS_CODE and k // 2 >= year_from]
    return PupilScan(
        pupil_ref=ref,
        first_k=marks[0][0],
        last_k=marks[-1][0],
        barrier_k=barrier,
        barrier_code=barrier_code,
        n_count=len(n_ks),
        n_first_k=n_ks[0] if n_ks else None,
        # Overdue once the 5th school day after the session's day is before the evaluation date.
        n_overdue=sum(1 for k in n_ks if k // 2 + N_REPLACE_SCHOOL_DAYS + 1 <= before_on),
        sick_sessions=len(sick),
        sick_15_k=sick[SICK_SESSIONS_15_DAYS - 1] if len(sick) >= SICK_SESSIONS_15_DAYS else None,
        **fields,  # type: ignore[arg-type]
    )


__all__ = ["Admission", "Frame", "PupilScan", "considered", "scan_reference"]
