"""A case as pydantic models: what a case-management system knows about one child, the facts and
the dated history.

Every fact is optional. A field left out (or ``null``) is *unknown*, and unknown is not false:
a rule that depends on it reports which facts it needs instead of silently not applying. An
empty list is a known answer ("no safeguarding concerns known"); a missing list is not. The
history, when given, is taken to be complete up to the evaluation date, so an event it does not
list did not happen; leave ``history`` out altogether when the history is not known.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .case_shape import MAX_HISTORY
from .dates import MAX_DATE, MIN_DATE, parse_date
from .suggest import did_you_mean
from .vocabulary import EventKind, RiskLevel, SafeguardingConcern, SchoolPhase, SchoolType

# Limits on the term dates a case may carry (checked by the models below); the limits on the
# plain data as a whole are in case_shape.
MAX_TERM_YEARS = 60
MAX_CLOSURE_DAYS = 2_000


def _none_is_unknown(value: Any) -> Any:
    """``child: null`` means nothing is known about the child, as a left-out field does."""
    return {} if value is None else value


# Strict YYYY-MM-DD (or a date) in the supported range: see cme_policy.dates.
IsoDate = Annotated[dt.date, BeforeValidator(parse_date)]

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
    detention_order_months: int | None = Field(
        None,
        ge=0,
        le=600,
        strict=True,
        description="Length in months of the final court order or order of recall (or sentence "
        "of detention) under which the pupil is detained (deletion ground 2006 reg 8(1)(i), "
        "2024 reg 9(1)(j)).",
    )


class TermInput(BaseModel):
    model_config = _CONFIG
    start_on: IsoDate
    end_on: IsoDate

    @model_validator(mode="after")
    def _ordered(self) -> TermInput:
        if self.end_on < self.start_on:
            raise ValueError("the term ends before it starts")
        return self


class TermYearInput(BaseModel):
    model_config = _CONFIG
    academic_year: str = Field(pattern=r"^[0-9]{4}/[0-9]{2}$", description="For example 2024/25.")
    terms: list[TermInput] = Field(min_length=1, max_length=12)
    closures: list[IsoDate] = Field(default_factory=list, max_length=366)

    @field_validator("academic_year")
    @classmethod
    def _consecutive_years(cls, value: str) -> str:
        start = int(value[:4])
        if int(value[5:]) != (start + 1) % 100:
            raise ValueError("expected consecutive years, for example 2024/25")
        if not MIN_DATE.year <= start < MAX_DATE.year:
            raise ValueError("academic year outside the supported range (1990/91 to 2098/99)")
        return value


class School(BaseModel):
    model_config = _CONFIG

    on_roll: StrictBool | None = Field(None, description="The child is on this school's roll.")
    phase: SchoolPhase | None = None
    type: SchoolType | None = None
    term_dates: list[TermYearInput] | None = Field(
        None,
        max_length=MAX_TERM_YEARS,
        description="The school's own term dates; replace the authority's for those years.",
    )
    closure_days: list[IsoDate] = Field(
        default_factory=list,
        max_length=MAX_CLOSURE_DAYS,
        description="Extra days the school is closed (INSET, emergencies).",
    )
    la_arranged_special_school_place: StrictBool | None = Field(
        None,
        description="The child attends a special school under arrangements made by the local "
        "authority (CWSA 2026 consent to home education).",
    )
    dual_registered: StrictBool | None = Field(
        None,
        description="The pupil is registered at this school and at one or more other schools "
        "(dual registration agreed by the schools, including a mobile child's main school).",
    )
    main_school_of_mobile_child: StrictBool | None = Field(
        None, description="This school is the main school of a dual-registered mobile child."
    )
    boarder: StrictBool | None = Field(None, description="The pupil is a boarder at this school.")
    ewo_acts_for_local_authority: StrictBool | None = Field(
        None,
        description="The Education Welfare Officer who works with the school acts for the local "
        "authority (not an officer the school employs or buys in).",
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
    every_session_coded_g_n_o: StrictBool | None = Field(
        None,
        description="Every session of the current absence is recorded with attendance code G, N "
        "or O (2024 Regulations reg 10, Table 3), none with any other code.",
    )
    expected_sickness_school_days: int | None = Field(
        None,
        ge=0,
        le=400,
        strict=True,
        description="School days the school has reasonable grounds to believe the pupil will miss "
        "through sickness (code I) this school year, consecutively or cumulatively.",
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
    address_known: StrictBool | None = Field(
        None,
        description="An address for the child's family is known, whether or not the family "
        "has been reached there.",
    )


class Education(BaseModel):
    model_config = _CONFIG

    home_educated: StrictBool | None = Field(None, description="Electively home educated.")
    suitable: StrictBool | None = Field(None, description="Receiving suitable education (EA 1996 s436A(3)).")
    in_year_admission: StrictBool | None = Field(
        None, description="The child's school place was offered in-year, not in the main round."
    )
    place_start_on: IsoDate | None = Field(
        None, description="The agreed first day at a new school (admission register start day)."
    )
    out_of_education_since: IsoDate | None = Field(
        None, description="The day the child stopped receiving any education."
    )
    return_to_school_expected: StrictBool | None = Field(
        None,
        description="The school has reasonable grounds to believe the pupil will attend the "
        "school again (for a detained pupil: when the detention ends).",
    )
    staying_after_compulsory_school_age: StrictBool | None = Field(
        None,
        description="The pupil or a parent has indicated that the pupil will continue to attend "
        "the school after ceasing to be of compulsory school age.",
    )
    meets_sixth_form_entry_requirements: StrictBool | None = Field(
        None, description="The pupil meets the academic entry requirements of the school's sixth form."
    )


class Event(BaseModel):
    """One dated entry of the case history."""

    model_config = _CONFIG

    event: EventKind
    on: IsoDate
    level: RiskLevel | None = Field(None, description="Risk level, for risk_assessment_completed.")
    in_writing: StrictBool | None = Field(None, description="The confirmation was received in writing.")


#: The sections of a case whose facts may change over time, and their models.
SECTIONS: dict[str, type[BaseModel]] = {}


def changeable_fields() -> dict[str, type[BaseModel]]:
    """``section.field`` -> section model, for every fact a dated change may set (not the
    dates that anchor deadlines, nor the term dates)."""
    out: dict[str, type[BaseModel]] = {}
    for section, model in SECTIONS.items():
        for name, info in model.model_fields.items():
            if name in _FIXED_FIELDS or name.endswith("_on") or name.endswith("_since"):
                continue
            if info.annotation is not None and "date" in str(info.annotation):
                continue
            out[f"{section}.{name}"] = model
    return out


_FIXED_FIELDS = frozenset({"term_dates", "closure_days", "date_of_birth", "first_day_on"})


class Change(BaseModel):
    """A dated change to one fact: from ``on`` (until its next change) ``field`` had ``value``.

    A case gives its current facts in its sections and, beside them, the dated changes that led
    there, so the engine can see the case as it stood on any day. A fact with no dated change
    holds its value throughout. A fact with changes has, on each day, the value of its latest
    change on or before that day, and is unknown before its first change; its current value, if
    the section gives one too, must agree with its latest change.
    """

    model_config = _CONFIG

    field: str = Field(
        max_length=80, description="The fact that changed, as section.field, e.g. whereabouts.known."
    )
    on: IsoDate = Field(description="The day it took the value.")
    value: Any = Field(description="The value from that day; null: unknown from that day.")

    @field_validator("field")
    @classmethod
    def _known_field(cls, name: str) -> str:
        fields = changeable_fields()
        if name not in fields:
            # The name is the case's own text: suggest ours, never repeat it.
            raise ValueError(f"not a fact a dated change may set{did_you_mean(name, fields)}")
        return name

    @field_validator("value")
    @classmethod
    def _typed_value(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.data.get("field")
        if value is None or name is None:
            return value
        section_model = changeable_fields()[name]
        try:
            got = section_model.model_validate({name.split(".", 1)[1]: value})
        except ValidationError as exc:
            first = exc.errors(include_input=False, include_url=False, include_context=False)[0]
            raise ValueError(first["msg"]) from None
        return getattr(got, name.split(".", 1)[1])


class Case(BaseModel):
    """A child's case. Carries personal data: never log it, never put it in an error message."""

    model_config = _CONFIG

    case_ref: str | None = Field(
        None, max_length=64, description="Your system's opaque reference (not a name)."
    )
    child: Annotated[Child, BeforeValidator(_none_is_unknown)] = Field(default_factory=Child)
    school: Annotated[School, BeforeValidator(_none_is_unknown)] = Field(default_factory=School)
    absence: Annotated[Absence, BeforeValidator(_none_is_unknown)] = Field(default_factory=Absence)
    whereabouts: Annotated[Whereabouts, BeforeValidator(_none_is_unknown)] = Field(
        default_factory=Whereabouts
    )
    education: Annotated[Education, BeforeValidator(_none_is_unknown)] = Field(default_factory=Education)
    history: list[Event] | None = Field(
        None,
        max_length=MAX_HISTORY,
        description="Dated history; complete when given. Leave out when not known.",
    )
    changes: list[Change] = Field(
        default_factory=list,
        max_length=MAX_HISTORY,
        description="Dated changes to the facts above (a plan from a date, whereabouts "
        "established on a date, on roll until a date); see Change.",
    )


SECTIONS.update(child=Child, school=School, absence=Absence, whereabouts=Whereabouts, education=Education)
