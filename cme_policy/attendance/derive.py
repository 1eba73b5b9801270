"""From a pupil's register scan to the case facts the engine needs, each cited and explained.

The rules, written once (docs/attendance.md repeats them with examples):

* **School days only.** Sessions are counted on the school days of the authority's calendar
  (term dates, bank holidays, closure days; EA 1996 s579(1): a school day is a day the school
  meets). A holiday, a weekend, a session coded ``#`` or ``Y4`` (the school did not meet) and
  a day on which no pupil in the extract has any mark (taken as a day the school did not meet,
  and passed to the engine as a closure day) **neither end nor count in** a run: absence on the
  last school day before half term and the first after it is one continuous absence.
* **The run** is the current run of *unauthorised* absence: the sessions coded G, N, O or U
  (reg 10 Table 3, unauthorised absence) after the pupil's last **present** mark (Tables 1 and
  2: at school, late before the register closed, or at an approved place) or **authorised**
  mark. An authorised code (leave of absence, other authorised reasons, an unavoidable cause:
  Table 3) **ends the run**: the 20-day deletion ground counts only a period in which every
  session is coded G, N or O (2024 Regulations reg 9(1)(i); 2006 reg 8(1)(h): "at no time
  authorised"), the attendance return counts continuous *unauthorised* absence (reg 13), and
  a pupil the school has authorised to be away is not missing. A later run starts afresh.
* A **school session with no mark** for the pupil (reg 10(1) requires one for every session)
  neither ends nor counts in the run, but makes "every session is coded G, N or O" unknown from
  that session. Marks before the admission day or after the leaving day, and code Z, are not
  the pupil's sessions.
* **Absence day 1** is the day of the run's first session (a run that begins in the afternoon
  begins that day). Where the run reaches back to the first day of the extract and the pupil
  was admitted before it, the absence may have begun earlier: the explanation says so.
* **Explained** follows the run's latest session: G (a holiday not granted) and U (arrived
  after the register closed) give a reason; N (not yet established) and O (other or unknown
  circumstances) do not. Dated: the value changes on the days the codes do.
* **Authorised** is false for every run (it is made of unauthorised codes).
* **Follows a school holiday**: the run begins with a morning session on the first school day
  after a run of weekdays outside the calendar's terms (a half term or holiday; a lone bank
  holiday or closure day inside a term is not a holiday). Unknown where the term dates of that
  year are not known.
* **Sickness**: sessions coded I since 1 September of the school year, halved and rounded down
  to school days: a lower bound of the days the school expects the pupil to miss (the return
  is due at 15: reg 13).
* **Code N**: the register shows the current code, so every N in it is unresolved. The oldest
  is recorded as a ``session_coded_n`` event (the pack counts 5 school days from it: reg 10
  Table 3; WTISA); the explanation counts those older than 5 school days.

A derived case's history holds only what the register shows (``session_coded_n``): the
register records no referral, contact or enquiry, so a duty done in a case system is still
listed until it is recorded there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .codes import CODES_2024_FROM, PRESENT, kind_of, meaning
from .scan import SICK_SESSIONS_15_DAYS, Admission, Frame, PupilScan


@dataclass(frozen=True)
class DerivedFact:
    """One fact of a derived case: the case field, its value, the regulation, and why."""

    field: str
    value: Any
    cites: str
    because: str

    def sentence(self) -> str:
        shown = self.value.isoformat() if isinstance(self.value, dt.date) else self.value
        if isinstance(shown, bool) or shown is None:
            shown = {True: "yes", False: "no", None: "unknown"}[shown]
        return f"{self.field} = {shown}: {self.because} [{self.cites}]"

    def as_dict(self) -> dict[str, Any]:
        v = self.value.isoformat() if isinstance(self.value, dt.date) else self.value
        return {"field": self.field, "value": v, "cites": self.cites, "because": self.because}


@dataclass(frozen=True)
class PupilFacts:
    """A pupil's derived facts, the case built from them, and the explanation in words."""

    case_ref: str
    absent_now: bool
    facts: tuple[DerivedFact, ...]
    case: dict[str, Any]
    notes: tuple[str, ...] = ()

    def fact(self, field: str) -> DerivedFact | None:
        return next((f for f in self.facts if f.field == field), None)

    def explanation(self) -> list[str]:
        """The derivation in words, one line per fact, then any caveats."""
        return [f.sentence() for f in self.facts] + list(self.notes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_ref": self.case_ref,
            "absent_now": self.absent_now,
            "facts": [f.as_dict() for f in self.facts],
            "notes": list(self.notes),
            "case": self.case,
        }


def label(frame: Frame, k: int) -> str:
    return f"{frame.session_date(k):%a %d %b %Y} {'AM' if k % 2 == 0 else 'PM'}"


def _day(d: dt.date) -> str:
    return f"{d:%a %d %b %Y}"


def _regs(day: dt.date) -> tuple[str, str, str]:
    """(instrument, deletion ground, attendance return) in force on ``day``."""
    if day >= CODES_2024_FROM:
        return "2024 Regulations", "reg 9(1)(i)", "reg 13"
    return "2006 Regulations", "reg 8(1)(h)", "reg 12(1)"


def is_of_interest(scan: PupilScan) -> bool:
    """A pupil the engine is asked about: absent now, with a code N, or 15 days' sickness."""
    return scan.run_sessions > 0 or scan.n_count > 0 or scan.sick_sessions >= SICK_SESSIONS_15_DAYS


def derive(scan: PupilScan, adm: Admission | None, frame: Frame, calendar: Any) -> PupilFacts | None:
    """The facts of one pupil as of ``frame.on``; ``None`` for a pupil with nothing to act on
    (not absent now, no code N, under 15 days' sickness) or no longer on roll that day."""
    if not is_of_interest(scan):
        return None
    if adm is not None and adm.left_on is not None and adm.left_on < frame.on:
        return None
    facts: list[DerivedFact] = []
    notes: list[str] = []
    case: dict[str, Any] = {"case_ref": scan.pupil_ref}
    child: dict[str, Any] = {}
    if adm is not None and adm.date_of_birth is not None:
        child["date_of_birth"] = adm.date_of_birth.isoformat()
        facts.append(
            DerivedFact(
                "child.date_of_birth",
                adm.date_of_birth,
                "admission register, 2024 Regulations reg 8",
                "from the admission details",
            )
        )
    school: dict[str, Any] = {"on_roll": True}
    since = f"admitted on {_day(adm.admitted_on)}" if adm and adm.admitted_on else "in the extract"
    facts.append(
        DerivedFact(
            "school.on_roll",
            True,
            "2024 Regulations reg 8 (admission register)",
            f"{since} and not recorded as having left by {_day(frame.on)}",
        )
    )
    absence: dict[str, Any] = {}
    changes: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    absent_now = scan.run_sessions > 0 and scan.run_first_k is not None
    if absent_now:
        _run_facts(scan, adm, frame, calendar, facts, notes, absence, changes, school)
    elif scan.last_k is not None:
        notes.append(
            f"not absent now: the latest session before the evaluation date on which the pupil "
            f"has a present or authorised mark is {label(frame, scan.barrier_k)}"
            if scan.barrier_k is not None
            else "not absent now"
        )
    sick_days = scan.sick_sessions // 2
    absence["expected_sickness_school_days"] = min(sick_days, 400)
    why = (
        f"{scan.sick_sessions} session(s) coded I (illness) since {_day(frame.year_start)}, "
        f"{sick_days} school day(s); what the register shows so far, a lower bound of what the school "
        f"expects the pupil to miss"
    )
    if scan.sick_15_k is not None:
        why += f"; 15 school days were reached on {label(frame, scan.sick_15_k)}"
    facts.append(
        DerivedFact(
            "absence.expected_sickness_school_days",
            sick_days,
            "2024 Regulations reg 13 sickness return (paragraph UNCONFIRMED); reg 10 Table 3 code I",
            why,
        )
    )
    if scan.n_count and scan.n_first_k is not None:
        first_n = frame.session_date(scan.n_first_k)
        history.append({"event": "session_coded_n", "on": first_n.isoformat()})
        facts.append(
            DerivedFact(
                "history.session_coded_n",
                first_n,
                "2024 Regulations reg 10 Table 3 code N; WTISA 2024 (replace within 5 school days)",
                f"{scan.n_count} session(s) still coded N (the extract shows the current code, so a "
                f"replaced N "
                f"no longer appears), the oldest {label(frame, scan.n_first_k)}; {scan.n_overdue} of them "
                f"older than 5 school days on {_day(frame.on)}",
            )
        )
    if child:
        case["child"] = child
    case["school"] = school
    if absence:
        case["absence"] = absence
    case["history"] = history
    if changes:
        case["changes"] = changes
    return PupilFacts(scan.pupil_ref, absent_now, tuple(facts), case, tuple(notes))


def _run_facts(
    scan: PupilScan,
    adm: Admission | None,
    frame: Frame,
    calendar: Any,
    facts: list[DerivedFact],
    notes: list[str],
    absence: dict[str, Any],
    changes: list[dict[str, Any]],
    school: dict[str, Any],
) -> None:
    first_k, last_k = scan.run_first_k, scan.run_last_k
    assert first_k is not None and last_k is not None
    first = frame.session_date(first_k)
    instrument, ground, ret = _regs(first)
    counts = ", ".join(
        f"{c} ({n})"
        for c, n in (("G", scan.run_g), ("N", scan.run_n), ("O", scan.run_o), ("U", scan.run_u))
        if n
    )
    why = (
        f"absence day 1 is {_day(first)} because the {scan.run_sessions} session(s) from "
        f"{label(frame, first_k)} to {label(frame, last_k)} ({scan.run_days} school day(s)) are coded "
        f"{counts}, unauthorised absence"
    )
    if scan.barrier_k is not None:
        code = scan.barrier_code or "?"
        on_day = frame.session_date(scan.barrier_k)
        kind = (
            "present or at an approved place"
            if kind_of(code, on_day) == PRESENT
            else "authorised absence, which ends a run"
        )
        why += (
            f", and the session before them, {label(frame, scan.barrier_k)}, is coded {code} "
            f"({meaning(code, on_day)}: {kind})"
        )
    elif adm is not None and adm.admitted_on is not None and adm.admitted_on >= frame.first_date:
        why += (
            f", and no session on roll precedes them since the pupil's admission on {_day(adm.admitted_on)}"
        )
    else:
        why += (
            f"; no present or authorised mark precedes them in the extract, which begins "
            f"{_day(frame.first_date)}"
        )
        notes.append(
            f"the absence may have begun before the extract's first day, {_day(frame.first_date)}: "
            "absence day 1 is then later than the true one, and dates counted from it are late"
        )
    skipped = sum(
        1
        for n in range(first.toordinal(), frame.session_date(last_k).toordinal() + 1)
        if dt.date.fromordinal(n).weekday() < 5 and dt.date.fromordinal(n) not in frame.index
    )
    if skipped:
        why += (
            f"; {skipped} weekday(s) in between are not school days (holidays, bank holidays, "
            "closures) and neither end nor count in it"
        )
    facts.append(
        DerivedFact(
            "absence.first_day_on",
            first,
            f"{instrument} {ground} and {ret} (continuous absence in school days); "
            "EA 1996 s579(1) (school day)",
            why,
        )
    )
    absence["first_day_on"] = first.isoformat()
    closures = [d for d in frame.unmet if d >= first]
    if closures:
        school["closure_days"] = [d.isoformat() for d in closures]
        notes.append(
            "no pupil in the extract has a mark on "
            + ", ".join(_day(d) for d in closures[:5])
            + (" ..." if len(closures) > 5 else "")
            + ": taken as day(s) the school did not meet (EA 1996 s579(1)) and given to the engine "
            "as closure days"
        )

    absence["authorised"] = False
    facts.append(
        DerivedFact(
            "absence.authorised",
            False,
            f"{instrument} reg 10 Table 3 (unauthorised codes)",
            "every session of the run is coded G, N, O or U; an authorised code ends a run",
        )
    )

    # every_session_coded_g_n_o, dated: true, then unknown from an unmarked session, false from a U.
    timeline: list[tuple[int, bool | None]] = [(first_k, True)]
    if scan.first_unmarked_k is not None and (
        scan.first_non_gno_k is None or scan.first_unmarked_k < scan.first_non_gno_k
    ):
        timeline.append((scan.first_unmarked_k, None))
    if scan.first_non_gno_k is not None:
        timeline.append((scan.first_non_gno_k, False))
    gno = timeline[-1][1]
    if gno is True:
        because = f"all {scan.run_sessions} session(s) of the run are coded G, N or O"
    elif gno is False:
        because = (
            f"from {label(frame, scan.first_non_gno_k)} a session of the run is coded U "  # type: ignore[arg-type]
            "(arrived after the register closed), which the ground does not count"
        )
    else:
        because = (
            f"{scan.run_unmarked} school session(s) from {label(frame, scan.first_unmarked_k)} have no "  # type: ignore[arg-type]
            "mark for the pupil (reg 10(1) requires one for every session), so whether every session "
            "is coded G, N or O is not known"
        )
    if scan.first_unmarked_k is not None and gno is False:
        because += f"; {scan.run_unmarked} school session(s) have no mark"
    absence["every_session_coded_g_n_o"] = gno
    if gno is None:
        del absence["every_session_coded_g_n_o"]
    facts.append(
        DerivedFact(
            "absence.every_session_coded_g_n_o", gno, f"{instrument} {ground}; reg 10 Table 3", because
        )
    )
    changes += _dated("absence.every_session_coded_g_n_o", timeline, frame)

    # explained, dated by the run's codes: the latest session decides.
    expl_timeline: list[tuple[int, bool | None]] = []
    value = bool(scan.expl_first)
    expl_timeline.append((first_k, value))
    for k in scan.expl_flips:
        value = not value
        expl_timeline.append((k, value))
    explained = expl_timeline[-1][1]
    last_code = scan.run_last_code or "?"
    absence["explained"] = explained
    facts.append(
        DerivedFact(
            "absence.explained",
            explained,
            f"{instrument} reg 10 Table 3 (N: not yet established; O: other or unknown circumstances)",
            f"the run's latest session, {label(frame, last_k)}, is coded {last_code} "
            f"({meaning(last_code, frame.session_date(last_k))})"
            + (
                f"; the reason changed {len(scan.expl_flips)} time(s) during the run"
                if scan.expl_flips
                else ""
            ),
        )
    )
    changes += _dated("absence.explained", expl_timeline, frame)

    follows, why_hol = _follows_holiday(first, first_k, frame, calendar)
    if follows is not None:
        absence["follows_school_holiday"] = follows
    facts.append(
        DerivedFact(
            "absence.follows_school_holiday",
            follows,
            f"the authority's term dates ({getattr(calendar, 'name', 'calendar')})",
            why_hol,
        )
    )


def _dated(field: str, timeline: list[tuple[int, bool | None]], frame: Frame) -> list[dict[str, Any]]:
    """Dated changes for a fact that varies within the run (none when it holds throughout)."""
    by_day: dict[dt.date, bool | None] = {}
    for k, v in timeline:
        by_day[frame.session_date(k)] = v  # the value at the end of the day
    out: list[tuple[dt.date, bool | None]] = []
    for d, v in by_day.items():
        if not out or out[-1][1] != v:
            out.append((d, v))
    if len(out) < 2:
        return []
    return [{"field": field, "on": d.isoformat(), "value": v} for d, v in out]


def _follows_holiday(first: dt.date, first_k: int, frame: Frame, calendar: Any) -> tuple[bool | None, str]:
    if first_k % 2:
        return False, "the run begins with an afternoon session: the pupil was marked that morning"
    from ..calendar import academic_year_of

    day = first - dt.timedelta(days=1)
    holiday: list[dt.date] = []
    for _ in range(70):
        year = calendar.years.get(academic_year_of(day))
        if day.weekday() < 5:
            if year is None:
                return None, f"the term dates for the school year of {_day(day)} are not known"
            in_term = any(t.start_on <= day <= t.end_on for t in year.terms)
            if not in_term:
                holiday.append(day)
            elif calendar.is_school_day(day):
                break
        day -= dt.timedelta(days=1)
    if holiday:
        return True, (
            f"absence day 1 is the first school day after the holiday from {_day(min(holiday))} "
            f"to {_day(max(holiday))}"
        )
    return False, f"the school day before absence day 1, {_day(day)}, is in the same term"


__all__ = ["DerivedFact", "PupilFacts", "derive", "is_of_interest", "label"]
