"""The catalogue of facts a rule's condition may test, each typed and documented.

A fact is read from a case *as of* an evaluation date. It is ``UNKNOWN`` when the case does not
say; rules then report it as needed rather than treating it as false. Conditions are checked
against this catalogue when a pack is loaded, so a misspelt fact or a wrongly typed value is a
load error, never a silent false at evaluation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum
from operator import methodcaller
from typing import Any

from .calendar import Count
from .case_view import UNKNOWN, CaseView
from .school_age import compulsory_school_age
from .vocabulary import (
    EventKind,
    RiskLevel,
    SafeguardingConcern,
    SchoolPhase,
    SchoolType,
)


class FactType(StrEnum):
    BOOL = "boolean"
    INT = "integer"
    ENUM = "one of"
    ENUM_SET = "set of"
    SCHOOL_DAY_COUNT = "school-day count"


#: Events whose record means the child's whereabouts are established.
TRACING_EVENTS = frozenset(
    {
        EventKind.WHEREABOUTS_CONFIRMED,
        EventKind.FOUND_ON_ROLL_ELSEWHERE,
        EventKind.FOUND_HOME_EDUCATED,
        EventKind.CONFIRMED_IN_OTHER_LA,
        EventKind.CONFIRMED_ABROAD,
        EventKind.NEW_SCHOOL_ADMITTED,
    }
)


@dataclass(frozen=True)
class Fact:
    name: str
    type: FactType
    description: str
    read: Callable[[CaseView], Any]
    enum: type[Enum] | None = None

    @property
    def type_text(self) -> str:
        if self.enum is not None:
            return f"{self.type.value} {', '.join(m.value for m in self.enum)}"
        return self.type.value


def _value(x: Any) -> Any:
    return UNKNOWN if x is None else x


def _csa(v: CaseView) -> Any:
    born = v.case.child.date_of_birth
    return UNKNOWN if born is None else compulsory_school_age(born).covers(v.on)


def _concern_set(v: CaseView) -> Any:
    got = v.field("child", "safeguarding_concerns")
    return UNKNOWN if got is None else frozenset(got)


def _has_concerns(v: CaseView) -> Any:
    got = v.field("child", "safeguarding_concerns")
    if got:
        return True
    if v.field("child", "child_protection_plan"):
        return True
    return UNKNOWN if got is None else False


def _whereabouts_known(v: CaseView) -> Any:
    if not TRACING_EVENTS.isdisjoint(v.index.by_kind) and any(
        v.first(kind) is not None for kind in TRACING_EVENTS
    ):
        return True
    first = v.case.absence.first_day_on
    if (
        first is not None
        and v.on < first
        and "whereabouts.known" not in v.changes.dates
        and v.field("school", "on_roll") is True
    ):
        return True  # before the current absence began the pupil was attending, not missing
    today = v.field("whereabouts", "known")
    if today is True and "whereabouts.known" not in v.changes.dates:
        later = [d for k in TRACING_EVENTS if (d := v.index.kind_dates.get(k))]
        if later:
            return UNKNOWN  # known now because of a later tracing record: not evidence for then
    return _value(today)


def _absence_days(v: CaseView) -> Any:
    first = v.case.absence.first_day_on
    if first is None:
        return UNKNOWN
    returned = v.latest(EventKind.RETURNED_TO_SCHOOL)
    if returned is not None and returned >= first:
        return Count(0, 0)
    return v.calendar.count_school_days(first, v.on)


def _home_education_notice_in_writing(v: CaseView) -> Any:
    notices = [e for _, e in v.of_kind(EventKind.HOME_EDUCATION_NOTIFIED)]
    if any(e.in_writing is True for e in notices):
        return True
    if not v.history_known or any(e.in_writing is None for e in notices):
        return UNKNOWN
    return False


def _risk_level(v: CaseView) -> Any:
    levels = [e.level for _, e in v.of_kind(EventKind.RISK_ASSESSMENT_COMPLETED)]
    levels = [lv for lv in levels if lv is not None]
    if levels:
        return levels[-1]
    return "not_assessed" if v.history_known else UNKNOWN


def _other_la_in_writing(v: CaseView) -> Any:
    got = [e.in_writing for _, e in v.of_kind(EventKind.CONFIRMED_IN_OTHER_LA)]
    if any(w is True for w in got):
        return True
    if any(w is None for w in got) or not v.history_known:
        return UNKNOWN
    return False


def _information_after_closure(v: CaseView) -> Any:
    if not v.history_known:
        return UNKNOWN
    closed = v.of_kind(EventKind.CASE_CLOSED)
    if not closed:
        return False
    news = v.of_kind(EventKind.NEW_INFORMATION_RECEIVED)
    return bool(news) and news[-1][0] > closed[-1][0]


def _days_since_leave(v: CaseView) -> Any:
    """School days after the last day of leave (deletion ground 2006 reg 8(1)(f), 2024 reg
    9(1)(h)): the first school day after the leave is day 1."""
    ended = v.first(EventKind.LEAVE_OF_ABSENCE_ENDED)
    if ended is None:
        return UNKNOWN if not v.history_known else Count(0, 0)
    returned = v.latest(EventKind.RETURNED_TO_SCHOOL)
    if returned is not None and returned > ended:
        return Count(0, 0)
    return v.calendar.count_school_days(ended + dt.timedelta(days=1), v.on)


def _on_roll(v: CaseView) -> Any:
    today = v.field("school", "on_roll")
    if today is not True and "school.on_roll" not in v.changes.dates:
        removals = v.index.kind_dates.get(EventKind.REMOVED_FROM_ROLL)
        if removals and removals[-1] > v.on and v.first(EventKind.REMOVED_FROM_ROLL) is None:
            return True  # removed later: on roll until then
    return _value(today)


def _address_known(v: CaseView) -> Any:
    """An address is known when the case says so, or once the whereabouts are established."""
    given = v.field("whereabouts", "address_known")
    if given is not None:
        return given
    return True if _whereabouts_known(v) is True else UNKNOWN


def _registered_elsewhere_on(view: CaseView) -> Any:
    """The first record that the pupil is registered at another school, for anchors."""
    got = [d for d in (view.first(EventKind.NEW_SCHOOL_ADMITTED),
                       view.first(EventKind.FOUND_ON_ROLL_ELSEWHERE)) if d is not None]
    if got:
        return min(got)
    return None if view.history_known else UNKNOWN


def _catalogue() -> dict[str, Fact]:
    def c(section: str, name: str) -> Callable[[CaseView], Any]:
        path = f"{section}.{name}"

        def read(v: CaseView) -> Any:
            # CaseView.field, inlined for a field with no dated change (the commonest read).
            if path in v.changes.dates:
                got = v.field(section, name)
            else:
                got = getattr(getattr(v.case, section), name)
            return UNKNOWN if got is None else got

        read.case_field = (section, name)  # type: ignore[attr-defined]  # see is_case_field
        return read

    facts = [
        Fact("child.of_compulsory_school_age", FactType.BOOL,
             "Of compulsory school age on the evaluation date (EA 1996 s8), from date of birth.",
             _csa),
        Fact("child.year_group", FactType.INT, "National curriculum year; 0 is Reception.",
             c("child", "year_group")),
        Fact("child.looked_after", FactType.BOOL, "A child in care (looked after).",
             c("child", "looked_after")),
        Fact("child.child_protection_plan", FactType.BOOL, "Subject to a child protection plan.",
             c("child", "child_protection_plan")),
        Fact("child.child_in_need_plan", FactType.BOOL, "Subject to a child in need plan.",
             c("child", "child_in_need_plan")),
        Fact("child.privately_fostered", FactType.BOOL, "Privately fostered.",
             c("child", "privately_fostered")),
        Fact("child.safeguarding_concerns", FactType.ENUM_SET,
             "Known safeguarding or welfare concerns (empty: none known).", _concern_set,
             SafeguardingConcern),
        Fact("child.has_safeguarding_concerns", FactType.BOOL,
             "Any safeguarding concern is known, or the child has a child protection plan.",
             _has_concerns),
        Fact("child.serious_concern_for_safety", FactType.BOOL,
             "A serious or significant concern for the child's safety or wellbeing.",
             c("child", "serious_concern_for_safety")),
        Fact("child.in_immediate_danger", FactType.BOOL, "Believed to be in immediate danger.",
             c("child", "in_immediate_danger")),
        Fact("child.at_risk_of_going_missing", FactType.BOOL,
             "The child may become missing from education.", c("child", "at_risk_of_going_missing")),
        Fact("school.on_roll", FactType.BOOL,
             "On the school's admission register (on the days before a recorded removal, the "
             "pupil was on roll).", _on_roll),
        Fact("school.la_arranged_special_school_place", FactType.BOOL,
             "At a special school under arrangements made by the local authority.",
             c("school", "la_arranged_special_school_place")),
        Fact("child.subject_to_section_47", FactType.BOOL,
             "Subject to Children Act 1989 s47 enquiries or to action under s47(8).",
             c("child", "subject_to_section_47")),
        Fact("education.home_education_notice_in_writing", FactType.BOOL,
             "A home_education_notified event recorded with in_writing: true (the parent's "
             "written notice of education otherwise than at school).",
             _home_education_notice_in_writing),
        Fact("school.phase", FactType.ENUM, "The school's phase.", c("school", "phase"),
             SchoolPhase),
        Fact("school.type", FactType.ENUM, "The school's type.", c("school", "type"), SchoolType),
        Fact("absence.explained", FactType.BOOL, "The reason for the absence is known.",
             c("absence", "explained")),
        Fact("absence.authorised", FactType.BOOL, "The school authorised the absence.",
             c("absence", "authorised")),
        Fact("absence.follows_school_holiday", FactType.BOOL,
             "The absence began on the first school day after a holiday or half term.",
             c("absence", "follows_school_holiday")),
        Fact("absence.continuous_school_days", FactType.SCHOOL_DAY_COUNT,
             "School days of continuous absence from the first day to the evaluation date, "
             "inclusive (0 once a return to school is recorded).", _absence_days),
        Fact("whereabouts.known", FactType.BOOL,
             "Where the child is living is established (also true once a tracing outcome such "
             "as found_on_roll_elsewhere or confirmed_abroad is recorded).", _whereabouts_known),
        Fact("whereabouts.believed_abroad", FactType.BOOL, "Believed to have left the UK.",
             c("whereabouts", "believed_abroad")),
        Fact("whereabouts.moved_outside_england", FactType.BOOL,
             "Moved to Wales, Scotland, Northern Ireland or abroad.",
             c("whereabouts", "moved_outside_england")),
        Fact("education.home_educated", FactType.BOOL, "Electively home educated.",
             c("education", "home_educated")),
        Fact("education.suitable", FactType.BOOL, "Receiving suitable education.",
             c("education", "suitable")),
        Fact("education.in_year_admission", FactType.BOOL, "The place was offered in-year.",
             c("education", "in_year_admission")),
        Fact("education.place_start_agreed", FactType.BOOL,
             "A start day at the new school is agreed or notified: true when "
             "education.place_start_on is recorded, unknown when it is not.",
             lambda v: True if v.case.education.place_start_on is not None else UNKNOWN),
        Fact("risk.level", FactType.ENUM,
             "Level of the latest recorded CME risk assessment (never equal to any level when "
             "the history is known and holds no assessment).",
             _risk_level, RiskLevel),
        Fact("whereabouts.home_visit_unsafe", FactType.BOOL,
             "A visit to the last known address has been judged not safe to make.",
             c("whereabouts", "home_visit_unsafe")),
        Fact("whereabouts.address_known", FactType.BOOL,
             "An address for the child's family is known, whether or not the family has been "
             "reached there (true once the whereabouts are known).", _address_known),
        Fact("school.ewo_acts_for_local_authority", FactType.BOOL,
             "The Education Welfare Officer working with the school acts for the local "
             "authority (not one the school employs or buys in).",
             c("school", "ewo_acts_for_local_authority")),
        Fact("whereabouts.other_la_confirmed_in_writing", FactType.BOOL,
             "Another authority has confirmed in writing that it accepts responsibility for, or "
             "acknowledges, the child in its area (a confirmed_in_other_la event with "
             "in_writing: true).", _other_la_in_writing),
        Fact("case.new_information_after_closure", FactType.BOOL,
             "A new_information_received event is recorded after the latest case_closed event "
             "(false when the case was never closed).", _information_after_closure),
        # Deletion grounds (2006 Regulations reg 8(1), 2024 Regulations reg 9(1)).
        Fact("absence.every_session_coded_g_n_o", FactType.BOOL,
             "Every session of the current absence is recorded with code G, N or O (2024 "
             "Regulations reg 10, Table 3) and none with another code; unknown unless the case "
             "says so.", c("absence", "every_session_coded_g_n_o")),
        Fact("absence.school_days_since_leave_ended", FactType.SCHOOL_DAY_COUNT,
             "School days after the last day of a leave of absence (the first "
             "leave_of_absence_ended event) up to the evaluation date, inclusive (0 once a return "
             "to school is recorded after it).", _days_since_leave),
        Fact("absence.expected_sickness_school_days", FactType.INT,
             "School days the school has reasonable grounds to believe the pupil will miss "
             "through sickness this school year, consecutively or cumulatively.",
             c("absence", "expected_sickness_school_days")),
        Fact("school.dual_registered", FactType.BOOL,
             "Registered at this school and at one or more other schools (agreed dual "
             "registration).", c("school", "dual_registered")),
        Fact("school.main_school_of_mobile_child", FactType.BOOL,
             "This school is the main school of a dual-registered mobile child.",
             c("school", "main_school_of_mobile_child")),
        Fact("school.boarder", FactType.BOOL, "A boarder at this school.", c("school", "boarder")),
        Fact("child.detention_order_months", FactType.INT,
             "Length in months of the court order (or order of recall) under which the pupil is "
             "detained.", c("child", "detention_order_months")),
        Fact("education.return_to_school_expected", FactType.BOOL,
             "The school has reasonable grounds to believe the pupil will attend the school again.",
             c("education", "return_to_school_expected")),
        Fact("education.staying_after_compulsory_school_age", FactType.BOOL,
             "The pupil or a parent has indicated the pupil will continue at the school after "
             "compulsory school age.", c("education", "staying_after_compulsory_school_age")),
        Fact("education.meets_sixth_form_entry_requirements", FactType.BOOL,
             "The pupil meets the academic entry requirements of the school's sixth form.",
             c("education", "meets_sixth_form_entry_requirements")),
    ]
    for kind in EventKind:
        facts.append(
            Fact(f"history.{kind.value}", FactType.BOOL,
                 f"A '{kind.value}' event is recorded on or before the evaluation date.",
                 methodcaller("has", kind))
        )
    return {f.name: f for f in facts}


FACTS: dict[str, Fact] = _catalogue()


def is_case_field(name: str) -> bool:
    """Whether the fact is a case field as given (``section.name``, read by
    :meth:`CaseView.field`): it reads the same on every day of a case that records no dated
    change to it."""
    return getattr(FACTS[name].read, "case_field", False)


#: Dates a deadline may count from: the first day of absence, when concerns came to light, or
#: the first record of any history event.
ANCHORS: dict[str, str] = {
    "absence_started": "The first day of the current continuous absence (absence day 1).",
    "conditions_met": (
        "The day the duty arose: the first day of the current spell in which all the rule's "
        "conditions held, worked out from the dated facts, the absence and the history."
    ),
    "concerns_identified": "The day the safeguarding concern or danger came to light.",
    "place_start": "The agreed first day at a new school (education.place_start_on).",
    "out_of_education_started": "The day the child stopped receiving any education.",
    "home_education_written_notice": (
        "The first home_education_notified event recorded with in_writing: true."
    ),
    "registered_at_another_school": (
        "The first record that the pupil is registered at another school (new_school_admitted "
        "or found_on_roll_elsewhere)."
    ),
    "compulsory_school_age_ends": (
        "The last day of compulsory school age: the last Friday in June of the school year in "
        "which the child turns 16 (EA 1996 s8)."
    ),
    **{k.value: f"The first '{k.value}' event in the history." for k in EventKind},
}


#: Event kinds by name (a dict lookup, where EventKind(name) searches the enum).
_EVENT_KINDS: dict[str, EventKind] = {k.value: k for k in EventKind}


def anchor_date(view: CaseView, anchor: str) -> Any:
    """The anchor's date, ``None`` when the anchor event is known not to have happened yet,
    or ``UNKNOWN`` when the case does not say."""
    if anchor == "absence_started":
        return _value(view.case.absence.first_day_on)
    if anchor == "concerns_identified":
        return _value(view.case.child.concerns_identified_on)
    if anchor == "place_start":
        return _value(view.case.education.place_start_on)
    if anchor == "home_education_written_notice":
        written = [e for _, e in view.of_kind(EventKind.HOME_EDUCATION_NOTIFIED)]
        got = next((e.on for e in written if e.in_writing is True), None)
        if got is not None:
            return got
        unsure = not view.history_known or any(e.in_writing is None for e in written)
        return UNKNOWN if unsure else None
    if anchor == "out_of_education_started":
        return _value(view.case.education.out_of_education_since)
    if anchor == "registered_at_another_school":
        return _registered_elsewhere_on(view)
    if anchor == "compulsory_school_age_ends":
        born = view.case.child.date_of_birth
        return UNKNOWN if born is None else compulsory_school_age(born).ends_on
    kind = _EVENT_KINDS[anchor]
    got = view.first(kind)
    if got is not None:
        return got
    implied = view.implied(kind)
    if implied is not None:
        return implied
    return None if view.history_known else UNKNOWN
