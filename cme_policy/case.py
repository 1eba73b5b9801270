"""What a case-management system knows about one child: the facts and the dated history.

Every fact is optional. A field left out (or ``null``) is *unknown*, and unknown is not false:
a rule that depends on it reports which facts it needs instead of silently not applying. An
empty list is a known answer ("no safeguarding concerns known"); a missing list is not. The
history, when given, is taken to be complete up to the evaluation date, so an event it does not
list did not happen; leave ``history`` out altogether when the history is not known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, ValidationError

from .errors import CaseError, Problem
from .vocabulary import EventKind, RiskLevel, SafeguardingConcern, SchoolPhase, SchoolType


def _iso_date(value: Any) -> Any:
    """Accept a date, or text in ISO form YYYY-MM-DD; nothing else (no timestamps, no ints)."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value) if len(value) == 10 else _bad_date()
        except ValueError:
            _bad_date()
    raise ValueError("expected a date written YYYY-MM-DD")


def _bad_date() -> dt.date:
    raise ValueError("expected a real date written YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

_CONFIG = ConfigDict(extra="forbid", hide_input_in_errors=True, frozen=True)


class Child(BaseModel):
    model_config = _CONFIG

    date_of_birth: IsoDate | None = Field(
        None, description="Decides compulsory school age (Education Act 1996 s8)."
    )
    year_group: int | None = Field(
        None, ge=-1, le=14, strict=True, description="National curriculum year; 0 is Reception."
    )
    looked_after: StrictBool | None = Field(None, description="A child in care (looked after).")
    child_protection_plan: StrictBool | None = Field(None, description="Subject to a CP plan.")
    child_in_need_plan: StrictBool | None = Field(None, description="Subject to a CIN plan.")
    privately_fostered: StrictBool | None = Field(None, description="Privately fostered.")
    safeguarding_concerns: list[SafeguardingConcern] | None = Field(
        None, description="Known safeguarding or welfare concerns; [] means none are known."
    )
    concerns_identified_on: IsoDate | None = Field(
        None, description="When the safeguarding concerns (or the danger) came to light."
    )
    serious_concern_for_safety: StrictBool | None = Field(
        None, description="A serious or significant concern for the child's safety or wellbeing."
    )
    in_immediate_danger: StrictBool | None = Field(
        None, description="The child is believed to be in immediate danger."
    )
    at_risk_of_going_missing: StrictBool | None = Field(
        None, description="The child may become missing from education."
    )
    subject_to_section_47: StrictBool | None = Field(
        None,
        description="Subject to enquiries under Children Act 1989 s47, or to action taken "
        "under s47(8) (CWSA 2026 consent to home education).",
    )


class TermInput(BaseModel):
    model_config = _CONFIG
    start_on: IsoDate
    end_on: IsoDate


class TermYearInput(BaseModel):
    model_config = _CONFIG
    academic_year: str = Field(pattern=r"^\d{4}/\d{2}$", description="For example 2024/25.")
    terms: list[TermInput] = Field(min_length=1)
    closures: list[IsoDate] = Field(default_factory=list)


class School(BaseModel):
    model_config = _CONFIG

    on_roll: StrictBool | None = Field(None, description="The child is on this school's roll.")
    phase: SchoolPhase | None = None
    type: SchoolType | None = None
    term_dates: list[TermYearInput] | None = Field(
        None, description="The school's own term dates; replace the authority's for those years."
    )
    closure_days: list[IsoDate] = Field(
        default_factory=list, description="Extra days the school is closed (INSET, emergencies)."
    )
    la_arranged_special_school_place: StrictBool | None = Field(
        None,
        description="The child attends a special school under arrangements made by the local "
        "authority (CWSA 2026 consent to home education).",
    )


class Absence(BaseModel):
    model_config = _CONFIG

    first_day_on: IsoDate | None = Field(
        None, description="First day of the current continuous absence: absence day 1."
    )
    explained: StrictBool | None = Field(None, description="The reason for absence is known.")
    authorised: StrictBool | None = Field(None, description="The school authorised the absence.")
    follows_school_holiday: StrictBool | None = Field(
        None, description="The absence began on the first school day after a holiday or half term."
    )


class Whereabouts(BaseModel):
    model_config = _CONFIG

    known: StrictBool | None = Field(None, description="Where the child lives is established.")
    believed_abroad: StrictBool | None = Field(
        None, description="Enquiries suggest the child has left the United Kingdom."
    )
    moved_outside_england: StrictBool | None = Field(
        None, description="The child has moved to Wales, Scotland, Northern Ireland or abroad."
    )
    home_visit_unsafe: StrictBool | None = Field(
        None, description="A visit to the last known address has been judged not safe to make."
    )


class Education(BaseModel):
    model_config = _CONFIG

    home_educated: StrictBool | None = Field(None, description="Electively home educated.")
    suitable: StrictBool | None = Field(
        None, description="Receiving suitable education (EA 1996 s436A(3))."
    )
    in_year_admission: StrictBool | None = Field(
        None, description="The child's school place was offered in-year, not in the main round."
    )
    place_start_on: IsoDate | None = Field(
        None, description="The agreed first day at a new school (admission register start day)."
    )
    out_of_education_since: IsoDate | None = Field(
        None, description="The day the child stopped receiving any education."
    )


class Event(BaseModel):
    """One dated entry of the case history."""

    model_config = _CONFIG

    event: EventKind
    on: IsoDate
    level: RiskLevel | None = Field(None, description="Risk level, for risk_assessment_completed.")
    in_writing: StrictBool | None = Field(
        None, description="The confirmation was received in writing."
    )


class Case(BaseModel):
    """A child's case. Carries personal data: never log it, never put it in an error message."""

    model_config = _CONFIG

    case_ref: str | None = Field(
        None, max_length=64, description="Your system's opaque reference (not a name)."
    )
    child: Child = Field(default_factory=Child)
    school: School = Field(default_factory=School)
    absence: Absence = Field(default_factory=Absence)
    whereabouts: Whereabouts = Field(default_factory=Whereabouts)
    education: Education = Field(default_factory=Education)
    history: list[Event] | None = Field(
        None, description="Dated history; complete when given. Leave out when not known."
    )


def problems_from_validation(exc: ValidationError, prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    """Field paths and messages from pydantic, with no input values in them."""
    from .yaml_io import format_loc

    out = []
    for err in exc.errors(include_input=False, include_url=False, include_context=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = err["msg"]
        if err["type"] == "enum" and len(msg) > 160:
            msg = "Input should be one of the documented names (see the README vocabulary)"
        out.append(Problem(format_loc((*prefix, *loc)), msg))
    return out


def parse_case(data: Case | Mapping[str, Any]) -> Case:
    """A :class:`Case` from a model instance or plain JSON-like data, or :class:`CaseError`."""
    if isinstance(data, Case):
        return data
    if not isinstance(data, Mapping):
        raise CaseError([Problem("", "a case must be a mapping of fields")], "invalid case")
    try:
        return Case.model_validate(dict(data))
    except ValidationError as exc:
        raise CaseError(problems_from_validation(exc), "invalid case") from None
