"""What an evaluation returns: dated, explained actions and the case's state. JSON-ready."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from .vocabulary import ActionKind, Actor, CaseState, DeadlineType, Status


class CitationOut(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str = Field(description="Source id in the pack.")
    section: str
    document: str = Field(description="Title, publisher and version of the source.")

    def __str__(self) -> str:
        return f"{self.document} {self.section}"


class ActionOut(BaseModel):
    """One action the policy requires (or permits, or forbids) for this case."""

    model_config = ConfigDict(frozen=True)

    kind: ActionKind
    actor: Actor
    route: str | None = None
    deadline_type: DeadlineType | None = None
    due_on: dt.date | None = Field(None, description="Due date, for 'by' deadlines.")
    not_before: dt.date | None = Field(None, description="Earliest permitted date.")
    status: Status
    rule_id: str
    pack: str = Field(description="The pack in the lineage that defines the rule.")
    citation: CitationOut
    also_cites: list[CitationOut] = Field(default_factory=list)
    reason: str = Field(description="Why it applies and how its date was counted.")
    interpretation: str | None = None
    completed_on: dt.date | None = None
    late: bool | None = Field(None, description="Done after its due date.")
    recurring: bool = False
    facts_needed: list[str] = Field(default_factory=list)
    caveats: list[str] = Field(default_factory=list)


class EvaluationResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    policy: str
    authority: str
    on: dt.date
    state: CaseState
    state_reason: str
    next_review_on: dt.date | None = None
    compulsory_school_age: str
    actions: list[ActionOut]
    facts_needed: list[str]
    warnings: list[str]

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

    def outstanding(self) -> list[ActionOut]:
        """Actions still to do or to decide (not done, not merely permitted or forbidden)."""
        waiting = {Status.UPCOMING, Status.DUE, Status.OVERDUE, Status.NEEDS_INFORMATION, Status.BREACHED}
        return [a for a in self.actions if a.status in waiting]
