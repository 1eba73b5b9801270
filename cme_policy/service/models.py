"""The shapes the service reads and writes, as pydantic models: the OpenAPI document is
generated from these and from the library's own models (:class:`~cme_policy.case_model.Case`,
:class:`~cme_policy.result.EvaluationResult`,
:class:`~cme_policy.compliance.ComplianceReport`).

Request bodies are not validated through these models: the service reads them with the
library's own checks (:func:`cme_policy.case.check_case`, strict dates), which enforce the
case limits and never echo a value. The models say what those checks accept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..case import Case
from ..result import EvaluationResult

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_STRICT = ConfigDict(extra="forbid")


class EvaluateRequest(BaseModel):
    """One case, an authority and a date. Give the case as ``case`` (JSON) or as
    ``case_text`` (the text of a YAML or JSON case file, read by the library's strict reader),
    not both."""

    model_config = _STRICT

    policy: str = Field(description="A shipped authority id, as listed by GET /v1/policies.")
    on: str = Field(pattern=DATE_PATTERN, description="The evaluation date, YYYY-MM-DD (1990-2099).")
    case: Case | None = Field(None, description="The case as JSON (README 'Python API').")
    case_text: str | None = Field(
        None, max_length=2 * 1024 * 1024, description="The case as the text of a YAML or JSON file."
    )
    statutory_floor: bool = Field(
        True, description="Evaluate a local pack on the national baseline (false: its own text alone)."
    )


class CaseRecord(Case):
    """A case with an optional ``policy``: the authority for this record (else the batch's)."""

    policy: str | None = Field(None, description="A shipped authority id for this case alone.")


class BatchRequest(BaseModel):
    """Up to the documented number of cases (``max_batch_cases`` in GET /healthz), one date."""

    model_config = _STRICT

    on: str = Field(pattern=DATE_PATTERN, description="The evaluation date, YYYY-MM-DD.")
    policy: str | None = Field(None, description="The authority for records that name none.")
    statutory_floor: bool = True
    cases: list[CaseRecord] = Field(description="The cases; each may name its own policy.")


class FieldProblem(BaseModel):
    path: str = Field(description="The field path (case.child.date_of_birth); empty for the whole input.")
    message: str = Field(description="What is wrong, never repeating a value from the input.")
    line: int | None = Field(None, description="For case_text: the line in the text.")
    column: int | None = None


class ProblemDetails(BaseModel):
    """An error, as RFC 9457 problem details (``application/problem+json``)."""

    type: str = Field(description="A URI naming the kind of problem (about:blank for plain HTTP errors).")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(None, description="The request path.")
    errors: list[FieldProblem] = Field(default_factory=list, description="Every problem with the input.")


class BatchResultItem(BaseModel):
    position: int = Field(description="The case's 1-based place in the request.")
    case_ref: str | None = None
    result: EvaluationResult


class BatchErrorItem(BaseModel):
    position: int
    case_ref: str | None = None
    errors: list[FieldProblem] = Field(description="Field paths within the case record.")


class BatchResponse(BaseModel):
    on: dt.date
    count: int
    errors: int = Field(description="How many items are errors.")
    items: list[BatchResultItem | BatchErrorItem] = Field(description="One per case, in request order.")


class WorklistLine(BaseModel):
    """One line of the worklist stream (JSON Lines): a duty, a record error, or the summary."""

    type: Literal["item", "error", "summary"]
    record: int | None = Field(None, description="The record's 1-based place in the input.")
    case_ref: str | None = None
    status: str | None = Field(None, description="overdue, due or upcoming (type item).")
    due_on: dt.date | None = None
    action: str | None = None
    actor: str | None = None
    policy: str | None = None
    rule_id: str | None = None
    pack: str | None = None
    citation: str | None = None
    errors: list[FieldProblem] | None = Field(None, description="Type error: what is wrong.")
    summary: dict[str, Any] | None = Field(None, description="Type summary: counts, as the CLI gives.")


class Timeline(BaseModel):
    policy: str
    on: dt.date
    text: str = Field(description="The timeline as text (as cme-policy timeline prints it).")
    svg: str = Field(description="The timeline as an SVG drawing.")


class AuthorityOut(BaseModel):
    id: str
    name: str
    kind: str
    area: str | None = None
    contact: str | None = None


class PolicySummary(BaseModel):
    id: str
    authority: AuthorityOut
    extends: str | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    review_due_on: dt.date | None = None
    statutory_floor: str | None = Field(None, description="The national pack read beneath it, if any.")
    rules: int = Field(description="How many rules are in force in it (after layering).")


class PolicyList(BaseModel):
    loaded_at: dt.datetime = Field(description="When the packs in service were loaded.")
    policies: list[PolicySummary]


class SourceOut(BaseModel):
    id: str
    title: str
    publisher: str
    version: str | None = None
    issued_on: dt.date | None = None
    review_due_on: dt.date | None = None
    in_force_from: dt.date | None = None
    in_force_to: dt.date | None = None
    location: str | None = None
    note: str | None = None


class CitationText(BaseModel):
    source: str
    section: str
    document: str = Field(description="The source's title, publisher and version, as cited.")
    quote: str | None = None


class InterpretationOut(BaseModel):
    question: str
    reading: str
    why: str


class ActionText(BaseModel):
    kind: str
    actor: str
    actor_label: str
    route: str | None = None
    when_due: str = Field(description="The deadline in words, as cme-policy explain gives it.")
    forbidden: bool = False
    permission: str | None = None


class RuleOut(BaseModel):
    id: str
    pack: str = Field(description="The pack that defines the rule (for a layered pack).")
    title: str
    citation: CitationText
    also_cites: list[CitationText] = Field(default_factory=list)
    interpretation: InterpretationOut | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    when: str = Field(description="When the rule applies, in words ('always' if unconditional).")
    until: str | None = None
    when_condition: dict[str, Any] | None = Field(None, description="The condition as written in the pack.")
    until_condition: dict[str, Any] | None = None
    actions: list[ActionText]


class NotEncodedOut(BaseModel):
    source: str
    section: str
    why: str


class PolicyDetail(PolicySummary):
    calendar: str | None = None
    term_years: list[str] = Field(description="Academic years whose term dates the pack knows.")
    sources: list[SourceOut]
    rules_in_force: list[RuleOut] = Field(description="Every rule after layering, with its citation.")
    not_encoded: list[NotEncodedOut] = Field(default_factory=list)


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    policies: int
    loaded_at: dt.datetime
    max_body_bytes: int
    max_batch_cases: int
    max_batch_bytes: int
    max_stream_bytes: int


class Reloaded(BaseModel):
    loaded_at: dt.datetime
    policies: list[str]
