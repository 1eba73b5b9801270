"""What an evaluation returns: one verdict per duty, the rules behind it, and the case's state.

``result.actions`` holds one :class:`ActionOut` per duty (action kind and actor): the answer a
caseworker acts on. Beneath each, :attr:`ActionOut.rules` lists every rule that bears on it (a
rule requiring it, a ground for it, a restriction on it, a prohibition), each with its own date,
status, citation and reason. JSON-ready.

Results are immutable all the way down (frozen models, tuples rather than lists): the engine
shares one verdict object between every case in the same situation (see
:mod:`cme_policy.engine.memo`), so a result must never be changed in place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .vocabulary import ActionKind, Actor, CaseState, DeadlineType, Role, Status


class CitationOut(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str = Field(description="Source id in the pack.")
    section: str
    document: str = Field(description="Title, publisher and version of the source.")

    def __str__(self) -> str:
        return f"{self.document} {self.section}"


class RuleFinding(BaseModel):
    """What one rule says about a duty on the evaluation date (one line beneath a verdict)."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    pack: str = Field(description="The pack that defines the rule (a local pack, or 'england').")
    role: Role = Field(description="requires, ground, restriction or prohibition.")
    deadline_type: DeadlineType | None = None
    due_on: dt.date | None = Field(None, description="Due date, for a rule that requires it by a date.")
    not_before: dt.date | None = Field(
        None,
        description="For a ground or restriction: the earliest date it is met on what is known "
        "(a lower bound while a record it waits for is missing).",
    )
    status: Status = Field(description="This rule's own answer; the verdict above combines them.")
    binding: bool = Field(False, description="This rule sets the verdict's status and date.")
    citation: CitationOut
    also_cites: tuple[CitationOut, ...] = Field(default_factory=tuple)
    route: str | None = None
    reason: str = Field(description="Why the rule applies and how its date was counted.")
    interpretation: str | None = None
    unmet: tuple[str, ...] = Field(
        default_factory=tuple, description="For a ground or restriction: what is not yet met, in words."
    )
    completed_on: dt.date | None = None
    late: bool | None = None
    recurring: bool = False
    facts_needed: tuple[str, ...] = Field(default_factory=tuple)
    caveats: tuple[str, ...] = Field(default_factory=tuple)


class ActionOut(BaseModel):
    """The verdict on one duty (an action kind and who must act) for this case.

    ``status``, ``due_on`` and ``not_before`` are the answer to act on. ``rule_id``, ``pack``,
    ``citation`` and ``reason`` are those of the rule that binds; every rule that bears on the
    duty is in ``rules``, each with its own citation, date and reason.
    """

    model_config = ConfigDict(frozen=True)

    kind: ActionKind
    actor: Actor
    route: str | None = None
    deadline_type: DeadlineType | None = None
    due_on: dt.date | None = Field(None, description="Due date: the earliest date that binds.")
    not_before: dt.date | None = Field(
        None, description="Earliest permitted date, for an action such as removal from roll."
    )
    status: Status
    rule_id: str = Field(description="The rule that binds.")
    pack: str = Field(description="The pack that defines the binding rule.")
    citation: CitationOut
    also_cites: tuple[CitationOut, ...] = Field(default_factory=tuple)
    reason: str = Field(description="Why it applies, how its date was counted, what it waits for.")
    interpretation: str | None = None
    completed_on: dt.date | None = None
    late: bool | None = Field(None, description="Done after its due date.")
    recurring: bool = False
    facts_needed: tuple[str, ...] = Field(default_factory=tuple)
    caveats: tuple[str, ...] = Field(default_factory=tuple)
    rules: tuple[RuleFinding, ...] = Field(
        default_factory=tuple, description="Every rule behind this verdict, the binding one first."
    )

    def rule_ids(self) -> list[str]:
        return [r.rule_id for r in self.rules]


class EvaluationResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    policy: str
    authority: str
    case_ref: str | None = Field(None, description="The case's own reference, as given.")
    on: dt.date
    state: CaseState
    state_reason: str
    next_review_on: dt.date | None = None
    compulsory_school_age: str
    actions: list[ActionOut]
    facts_needed: list[str]
    warnings: list[str]

    statutory_floor: str | None = Field(
        None, description="The national pack evaluated beneath a local one, if any."
    )

    def to_json(self, indent: int | None = 2) -> str:
        """Deterministic JSON text."""
        return self.model_dump_json(indent=indent)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain data (dates as ISO strings), equal to ``json.loads(to_json())``."""
        return self.model_dump(mode="json")

    def action(self, kind: ActionKind | str, actor: Actor | str | None = None) -> ActionOut | None:
        """The verdict on one duty, or ``None`` when no rule bears on it."""
        return next((a for a in self.actions if a.kind == kind and (actor is None or a.actor == actor)), None)

    def outstanding(self) -> list[ActionOut]:
        """Actions still to do or to decide (not done, not merely permitted or forbidden)."""
        waiting = {Status.UPCOMING, Status.DUE, Status.OVERDUE, Status.NEEDS_INFORMATION, Status.BREACHED}
        return [a for a in self.actions if a.status in waiting]
