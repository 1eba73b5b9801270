"""The policy-pack language as pydantic models. YAML keys are these field names.

A pack declares its authority and its sources, then lists rules. A rule has a stable id, a
citation, an optional interpretation note, a condition (``when``), an optional end condition
(``until``) and the actions it requires (``then``). Conditions are structured data, never
expression strings; their facts are checked against :mod:`cme_policy.facts` at load time.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    Tag,
    field_validator,
    model_validator,
)

from ..vocabulary import ActionKind, Actor, DeadlineType, EventKind, Permission

_CONFIG = ConfigDict(extra="forbid", frozen=True)

Id = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
Text = Annotated[StrictStr, Field(min_length=1, max_length=4000)]


class Source(BaseModel):
    """A document the pack encodes, cited by its ``id`` from every rule."""

    model_config = _CONFIG

    id: Id
    title: Text
    publisher: Text
    version: StrictStr | None = None
    issued_on: dt.date | None = Field(None, description="Issue date; leave out if undated.")
    review_due_on: dt.date | None = Field(None, description="The document's own review date.")
    in_force_from: dt.date | None = None
    in_force_to: dt.date | None = Field(None, description="Last day in force, if replaced.")
    location: StrictStr | None = Field(None, description="Where to find it (URL or file).")
    note: StrictStr | None = None
    cites: list[Id] = Field(
        default_factory=list,
        description="National instruments this source cites, by the ids the compliance checker "
        "knows (cme_policy.compliance.instruments), e.g. pupil_registration_regs_2006.",
    )


class Citation(BaseModel):
    model_config = _CONFIG

    source: Id = Field(description="The id of a source declared in this pack.")
    section: Text = Field(description="Paragraph or section, as numbered in the source.")
    quote: StrictStr | None = Field(None, description="The operative words, verbatim.")


class Interpretation(BaseModel):
    """Which reading of an ambiguous text the rule takes, and why. Shown in the output."""

    model_config = _CONFIG

    question: Text
    reading: Text
    why: Text


class Duration(BaseModel):
    """How long after the anchor: exactly one unit, named."""

    model_config = _CONFIG

    school_days: StrictInt | None = Field(None, ge=0, le=400)
    working_days: StrictInt | None = Field(None, ge=0, le=400)
    calendar_days: StrictInt | None = Field(None, ge=0, le=3660)
    months: StrictInt | None = Field(None, ge=0, le=120)
    immediately: Literal[True] | None = None
    same_day: Literal[True] | None = None

    @field_validator(
        "school_days", "working_days", "calendar_days", "months", "immediately", "same_day", mode="before"
    )
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # A unit written as `null` would count as the one unit given and then have no amount
        # (found by benchmarks/fuzz.py: it crashed validate with a TypeError).
        if value is None:
            raise ValueError("give the amount, or leave this unit out")
        return value

    @model_validator(mode="after")
    def _one_unit(self) -> Duration:
        if len(self.model_fields_set) != 1:
            raise ValueError(
                "give exactly one of school_days, working_days, calendar_days, months, "
                "immediately, same_day"
            )
        return self

    @property
    def unit(self) -> str:
        return next(iter(self.model_fields_set))

    @property
    def amount(self) -> int:
        value = getattr(self, self.unit)
        return 0 if value is True else int(value)

    def describe(self) -> str:
        if self.immediately:
            return "immediately"
        if self.same_day:
            return "the same day"
        n, unit = self.amount, self.unit.replace("_", " ")
        return f"{n} {unit[:-1] if n == 1 else unit}"


class Deadline(BaseModel):
    model_config = _CONFIG

    type: DeadlineType = Field(description="by: due date; not_before: earliest permitted date.")
    anchor: StrictStr = Field(
        description="What the period counts from: absence_started, concerns_identified, or a "
        "history event kind (its first record)."
    )
    after: Duration = Field(description="The period after the anchor.")


class Action(BaseModel):
    model_config = _CONFIG

    kind: ActionKind
    actor: Actor
    route: StrictStr | None = Field(None, description="Team, form or channel (roles only).")
    deadline: Deadline | None = None
    repeat: Duration | None = Field(
        None, description="Recurring: each time it is done, the next is due this long after."
    )
    permission: Permission | None = Field(
        None,
        description="For a 'not before' action: 'ground' (a lawful basis for taking it; all of "
        "the rule's gates for this action must pass) or 'restriction' (a further condition on "
        "taking it, whatever the ground).",
    )
    forbidden: StrictBool = Field(
        False, description="The rule forbids this action while its condition holds."
    )
    completed_by: list[EventKind] | None = Field(
        None, description="History events that complete it, if not the kind's usual ones."
    )
    earlier_record_counts: StrictBool = Field(
        False,
        description="A completing record made before the duty arose also completes it (a state "
        "that persists, such as a record already on a database). Otherwise only a record on or "
        "after the day the duty arose counts.",
    )
    note: StrictStr | None = None


# -- conditions ---------------------------------------------------------------------------------


class FactTest(BaseModel):
    """A test of one fact. Exactly one comparison: is, in, includes_any, at_least, at_most,
    known."""

    model_config = _CONFIG

    fact: StrictStr
    is_: StrictBool | StrictStr | StrictInt | None = Field(None, alias="is")
    in_: list[StrictStr] | None = Field(None, alias="in", min_length=1)
    includes_any: list[StrictStr] | None = Field(None, min_length=1)
    at_least: StrictInt | None = Field(None, ge=0)
    at_most: StrictInt | None = Field(None, ge=0)
    known: StrictBool | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_test(self) -> FactTest:
        tests = self.model_fields_set - {"fact"}
        if len(tests) != 1:
            raise ValueError("give exactly one of is, in, includes_any, at_least, at_most, known")
        return self

    @property
    def operator(self) -> str:
        op = next(iter(self.model_fields_set - {"fact"}))
        return op.rstrip("_")

    @property
    def operand(self) -> Any:
        return getattr(self, next(iter(self.model_fields_set - {"fact"})))


class AllOf(BaseModel):
    model_config = _CONFIG
    all: list[Condition] = Field(min_length=1)


class AnyOf(BaseModel):
    model_config = _CONFIG
    any: list[Condition] = Field(min_length=1)


class NotOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    not_: Condition = Field(alias="not")


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return type(value).__name__
    if isinstance(value, dict):
        for key, tag in (("all", "AllOf"), ("any", "AnyOf"), ("not", "NotOf"), ("fact", "FactTest")):
            if key in value:
                return tag
    return None


Condition = Annotated[
    Annotated[AllOf, Tag("AllOf")]
    | Annotated[AnyOf, Tag("AnyOf")]
    | Annotated[NotOf, Tag("NotOf")]
    | Annotated[FactTest, Tag("FactTest")],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping with one of: all, any, not, fact",
    ),
]

#: Union tags pydantic puts into error locations; stripped before mapping to YAML lines.
CONDITION_TAGS = frozenset({"AllOf", "AnyOf", "NotOf", "FactTest"})

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


class Commencement(BaseModel):
    """A provision enacted but brought into force later (e.g. by commencement regulations).

    Until ``on`` is set the rule is not in force on any date. To switch it on, set ``on`` to
    the commencement day in the pack (or in a pack that layers a copy of the rule on it).
    """

    model_config = _CONFIG

    by: Text = Field(description="What brings it into force, e.g. regulations under s78(5).")
    on: dt.date | None = Field(None, description="The commencement day, once known.")
    note: StrictStr | None = None


class Rule(BaseModel):
    model_config = _CONFIG

    id: Id = Field(description="Stable snake_case id; never reuse one for a different rule.")
    title: Text
    citation: Citation
    also_cites: list[Citation] = Field(default_factory=list)
    interpretation: Interpretation | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    commencement: Commencement | None = Field(
        None, description="Enacted but awaiting commencement: not in force until its 'on' date."
    )
    when: Condition | None = Field(None, description="When the rule applies (always if absent).")
    until: Condition | None = Field(
        None, description="When outstanding actions end (done ones stay reported)."
    )
    then: list[Action] = Field(min_length=1)

    def in_force(self, on: dt.date) -> bool:
        if self.commencement is not None and (
            self.commencement.on is None or on < self.commencement.on
        ):
            return False
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )


class NotEncoded(BaseModel):
    model_config = _CONFIG

    source: Id
    section: Text
    why: Text


class Authority(BaseModel):
    model_config = _CONFIG

    id: Id
    name: Text
    kind: Literal["local_authority", "school", "national"] = "local_authority"
    area: StrictStr | None = None
    contact: StrictStr | None = Field(None, description="A team mailbox or line, not a person.")


class Policy(BaseModel):
    """One authority's (or school's) policy pack."""

    model_config = _CONFIG

    pack_format: Literal[1] = Field(1, description="Version of this pack language.")
    id: Id
    authority: Authority
    extends: Id | None = Field(None, description="The pack this one layers on (school packs).")
    calendar: Id | None = Field(None, description="Term-date calendar id (policies/calendars).")
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    review_due_on: dt.date | None = None
    sources: list[Source] = Field(min_length=1)
    rules: list[Rule] = Field(default_factory=list)
    not_encoded: list[NotEncoded] = Field(default_factory=list)

    def in_force(self, on: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)
