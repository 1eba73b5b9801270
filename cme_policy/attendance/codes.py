"""The national attendance codes, 2006 and 2024, and what each means for a run of absence.

The 2024 codes are those of the School Attendance (Pupil Registration) (England) Regulations
2024, reg 10: Table 1 (present), Table 2 (attending a place other than the school; both read in
the primary text), Table 3 (absence: leave of absence, other authorised reasons, unable to attend
through an unavoidable cause, unauthorised) and the administrative codes Z and # (Table 3's
rows and the administrative codes read in DfE's *Working together to improve school attendance*
2024 and MIS restatements, not the regulation text). The 2006 codes are those used under the
Education (Pupil Registration) (England) Regulations 2006 (DfE attendance-code guidance, 2009
edition, with F and H kept for old registers). A register dated before 19 Aug 2024 is read
with the 2006 codes, from that day with the 2024 codes (:data:`CODES_2024_FROM`).

Each code has a **kind**, which is all the derivation looks at:

* ``present``: the pupil attended, at the school or at an approved place (Tables 1 and 2).
  It ends any run of absence.
* ``authorised``: absence the school authorised or that has an unavoidable cause (Table 3:
  leave of absence, other authorised reasons, Q and Y1-Y7 but Y4). It ends a run of absence:
  see :mod:`cme_policy.attendance.derive` for why.
* ``unauthorised``: G, N, O, U (Table 3, unauthorised absence): the codes a run is made of.
* ``closed``: # (planned closure) and Y4 (whole school site unexpectedly closed): the school did
  not meet, so the session is not a school session (EA 1996 s579(1)); it neither ends nor
  counts in a run.
* ``off_roll``: Z (prospective pupil not on the admission register): not the pupil's session.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

PRESENT, AUTHORISED, UNAUTHORISED, CLOSED, OFF_ROLL = (
    "present",
    "authorised",
    "unauthorised",
    "closed",
    "off_roll",
)
KINDS: Final = (PRESENT, AUTHORISED, UNAUTHORISED, CLOSED, OFF_ROLL)

#: The first day the 2024 Regulations (and their codes) are in force.
CODES_2024_FROM: Final = dt.date(2024, 8, 19)

#: Code -> (kind, meaning), 2024 Regulations reg 10.
CODES_2024: Final[dict[str, tuple[str, str]]] = {
    "/": (PRESENT, "present (morning)"),
    "\\": (PRESENT, "present (afternoon)"),
    "L": (PRESENT, "late, before the register closed"),
    "K": (PRESENT, "attending provision arranged by the local authority"),
    "V": (PRESENT, "educational visit or trip"),
    "P": (PRESENT, "approved sporting activity"),
    "W": (PRESENT, "work experience"),
    "B": (PRESENT, "other approved educational activity"),
    "C1": (AUTHORISED, "leave of absence: regulated performance or employment abroad"),
    "M": (AUTHORISED, "leave of absence: medical or dental appointment"),
    "J1": (AUTHORISED, "leave of absence: interview"),
    "S": (AUTHORISED, "leave of absence: study leave"),
    "X": (AUTHORISED, "not required to attend (not of compulsory school age)"),
    "C2": (AUTHORISED, "leave of absence: part-time timetable"),
    "C": (AUTHORISED, "leave of absence: exceptional circumstances"),
    "T": (AUTHORISED, "parent travelling for occupational purposes"),
    "R": (AUTHORISED, "religious observance"),
    "I": (AUTHORISED, "illness"),
    "E": (AUTHORISED, "suspended or excluded, no alternative provision"),
    "Q": (AUTHORISED, "unable to attend: lack of access arrangements"),
    "Y1": (AUTHORISED, "unable to attend: transport not available"),
    "Y2": (AUTHORISED, "unable to attend: widespread disruption to travel"),
    "Y3": (AUTHORISED, "unable to attend: part of the school premises closed"),
    "Y4": (CLOSED, "whole school site unexpectedly closed"),
    "Y5": (AUTHORISED, "unable to attend: criminal justice detention"),
    "Y6": (AUTHORISED, "unable to attend: public health guidance or law"),
    "Y7": (AUTHORISED, "unable to attend: other unavoidable cause"),
    "G": (UNAUTHORISED, "holiday not granted by the school"),
    "N": (UNAUTHORISED, "reason not yet established"),
    "O": (UNAUTHORISED, "absent in other or unknown circumstances"),
    "U": (UNAUTHORISED, "arrived after the register closed"),
    "Z": (OFF_ROLL, "prospective pupil, not on the admission register"),
    "#": (CLOSED, "planned whole or partial school closure"),
}

#: Code -> (kind, meaning), as used under the 2006 Regulations.
CODES_2006: Final[dict[str, tuple[str, str]]] = {
    "/": (PRESENT, "present (morning)"),
    "\\": (PRESENT, "present (afternoon)"),
    "L": (PRESENT, "late, before the register closed"),
    "B": (PRESENT, "educated off site"),
    "D": (PRESENT, "dual registered: at another school"),
    "J": (PRESENT, "interview"),
    "P": (PRESENT, "approved sporting activity"),
    "V": (PRESENT, "educational visit or trip"),
    "W": (PRESENT, "work experience"),
    "C": (AUTHORISED, "other authorised circumstances"),
    "E": (AUTHORISED, "excluded, no alternative provision"),
    "F": (AUTHORISED, "agreed extended family holiday"),
    "H": (AUTHORISED, "agreed family holiday"),
    "I": (AUTHORISED, "illness"),
    "M": (AUTHORISED, "medical or dental appointment"),
    "R": (AUTHORISED, "religious observance"),
    "S": (AUTHORISED, "study leave"),
    "T": (AUTHORISED, "traveller absence"),
    "X": (AUTHORISED, "not required to be in school"),
    "Y": (AUTHORISED, "unable to attend: exceptional circumstances"),
    "G": (UNAUTHORISED, "family holiday not agreed"),
    "N": (UNAUTHORISED, "no reason yet provided"),
    "O": (UNAUTHORISED, "unauthorised absence not covered by another code"),
    "U": (UNAUTHORISED, "arrived after the register closed"),
    "Z": (OFF_ROLL, "pupil not on roll"),
    "#": (CLOSED, "planned whole school closure"),
}

#: The codes the 20-day deletion ground counts (2024 Regulations reg 9(1)(i)).
GROUND_CODES: Final = frozenset({"G", "N", "O"})
#: Unauthorised codes that say why the pupil is absent (G: a holiday; U: the pupil came, late).
EXPLAINING_CODES: Final = frozenset({"G", "U"})
SICKNESS_CODE: Final = "I"
NOT_YET_ESTABLISHED: Final = "N"


def table_for(day: dt.date) -> dict[str, tuple[str, str]]:
    """The code table in force on ``day``."""
    return CODES_2024 if day >= CODES_2024_FROM else CODES_2006


def kind_of(code: str, day: dt.date) -> str | None:
    """The kind of ``code`` on ``day``, or ``None`` if it is not a code in force then."""
    got = table_for(day).get(code)
    return None if got is None else got[0]


def meaning(code: str, day: dt.date) -> str:
    got = table_for(day).get(code)
    return got[1] if got else "unknown code"


def regulations_for(day: dt.date) -> str:
    return "2024 Regulations" if day >= CODES_2024_FROM else "2006 Regulations"


__all__ = [
    "AUTHORISED",
    "CLOSED",
    "CODES_2006",
    "CODES_2024",
    "CODES_2024_FROM",
    "EXPLAINING_CODES",
    "GROUND_CODES",
    "KINDS",
    "NOT_YET_ESTABLISHED",
    "OFF_ROLL",
    "PRESENT",
    "SICKNESS_CODE",
    "UNAUTHORISED",
    "kind_of",
    "meaning",
    "regulations_for",
    "table_for",
]
