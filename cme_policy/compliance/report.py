"""What a compliance check or a comparison found, as data: the layer every other module reads.

Nothing here checks or renders: :mod:`.check` and :mod:`.compare` build these values, and
:mod:`.render` puts them into words. The headline's words are defined once, here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field


class Status(StrEnum):
    """How a pack stands against one finding (or how one of its rules bears on it)."""

    MET = "met"  # every case the national rule covers, at least as strictly
    STRICTER = "stricter"  # met, and asks more (earlier, or a later earliest date)
    PARTLY_MET = "partly_met"  # met or stricter, but only for some of the cases the national rule covers
    WEAKER = "weaker"  # later than required, or an earlier earliest date, where it applies
    NOT_ADDRESSED = "not_addressed"  # the pack does not state it: the national rule applies as it stands
    CANNOT_TELL = "cannot_tell"
    PENDING = "pending"  # enacted, not known to be in force
    ATTENTION = "attention"  # citations, review dates, recorded ambiguities


#: The statuses a national requirement in force can have, in the order the headline counts them.
REQUIREMENT_STATUSES = (
    Status.MET,
    Status.STRICTER,
    Status.PARTLY_MET,
    Status.WEAKER,
    Status.NOT_ADDRESSED,
    Status.CANNOT_TELL,
)


class Verdict(StrEnum):
    """The headline. Each word claims only what the counts show.

    ``weaker_found``: at least one national requirement is weaker in the pack (exit 1).
    ``no_weaker_found``: none was found weaker, but not every requirement is met or exceeded by
    the pack's own rules (some are not addressed, met only in part, or cannot be judged).
    ``all_met``: every national requirement in force is met or exceeded by the pack's own rules.
    """

    WEAKER_FOUND = "weaker_found"
    NO_WEAKER_FOUND = "no_weaker_found"
    ALL_MET = "all_met"


VERDICT_WORDS = {
    Verdict.WEAKER_FOUND: "WEAKER FOUND",
    Verdict.NO_WEAKER_FOUND: "NO WEAKER RULE FOUND",
    Verdict.ALL_MET: "ALL MET",
}

STATUS_WORDS = {
    Status.MET: "met",
    Status.STRICTER: "stricter than required",
    Status.PARTLY_MET: "met in part",
    Status.WEAKER: "WEAKER THAN REQUIRED",
    Status.NOT_ADDRESSED: "not addressed",
    Status.CANNOT_TELL: "cannot tell",
    Status.PENDING: "pending commencement",
    Status.ATTENTION: "attention",
}

#: How each count reads in the headline (no shouting: the verdict word does that).
COUNT_WORDS = {
    Status.MET: "met",
    Status.STRICTER: "stricter",
    Status.PARTLY_MET: "met in part",
    Status.WEAKER: "weaker",
    Status.NOT_ADDRESSED: "not addressed (the national rule applies as it stands)",
    Status.CANNOT_TELL: "cannot tell",
}


class FindingKind(StrEnum):
    REQUIREMENT = "requirement"
    PENDING_COMMENCEMENT = "pending_commencement"
    SUPERSEDED_CITATION = "superseded_citation"
    REVIEW_OVERDUE = "review_overdue"
    RECORDED_AMBIGUITY = "recorded_ambiguity"


class RuleRef(BaseModel):
    """One rule of the checked pack, as it bears on a finding."""

    model_config = ConfigDict(frozen=True)

    pack: str
    rule_id: str
    citation: str
    status: Status | None = None
    detail: str = ""
    reading: str | None = Field(
        None,
        description="Set when the status rests on the pack's own recorded reading of ambiguous "
        "text (the rule's interpretation): the question it answers.",
    )


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: FindingKind
    status: Status
    title: str
    requirement_id: str | None = Field(None, description="Baseline rule id and action.")
    baseline_citation: str | None = None
    pack_rules: list[RuleRef] = Field(default_factory=list)
    detail: str = ""


class ComplianceReport(BaseModel):
    """A pack against the national baseline on one date. Render it with
    :func:`cme_policy.compliance.render_report`."""

    model_config = ConfigDict(frozen=True)

    pack: str
    authority: str
    authority_kind: str
    on: dt.date
    baseline: str
    findings: list[Finding]

    @property
    def requirements(self) -> list[Finding]:
        return [f for f in self.findings if f.kind is FindingKind.REQUIREMENT]

    @property
    def weaker(self) -> list[Finding]:
        return [f for f in self.findings if f.status is Status.WEAKER]

    @property
    def weaker_found(self) -> bool:
        """A requirement in force is weaker in the pack (the check's exit 1)."""
        return bool(self.weaker)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def counts(self) -> dict[str, int]:
        """Requirements in force by status, every status listed (zeros too)."""
        reqs = self.requirements
        return {s.value: sum(f.status is s for f in reqs) for s in REQUIREMENT_STATUSES}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def met_or_stricter(self) -> int:
        c = self.counts
        return c[Status.MET.value] + c[Status.STRICTER.value]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def weaker_on_reading(self) -> int:
        """Weaker requirements whose every weaker rule rests on the pack's own reading of
        ambiguous text (an ``interpretation``): weaker as encoded, not in so many words."""
        return sum(
            all(r.reading for r in f.pack_rules if r.status is Status.WEAKER)
            for f in self.requirements
            if f.status is Status.WEAKER
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def verdict(self) -> Verdict:
        if self.weaker_found:
            return Verdict.WEAKER_FOUND
        if self.met_or_stricter == len(self.requirements):
            return Verdict.ALL_MET
        return Verdict.NO_WEAKER_FOUND

    @computed_field  # type: ignore[prop-decorator]
    @property
    def headline(self) -> str:
        """The verdict word, then every count behind it."""
        n = len(self.requirements)
        if self.verdict is Verdict.ALL_MET:
            head = f"ALL MET: all {n} national requirements met or exceeded."
        else:
            head = (
                f"{VERDICT_WORDS[self.verdict]}: {self.met_or_stricter} of {n} national "
                "requirements met or exceeded."
            )
        words = []
        for s in REQUIREMENT_STATUSES:
            words.append(f"{self.counts[s.value]} {COUNT_WORDS[s]}")
            if s is Status.WEAKER and self.weaker_on_reading:
                words[-1] += f" ({self.weaker_on_reading} of them on the pack's own reading of its text)"
        counts = ", ".join(words)
        return f"{head} {counts[0].upper()}{counts[1:]}."

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)


#: Printed under the headline in every rendering: what "not addressed" means now that a local
#: pack is evaluated on top of the national baseline.
READING_NOTE = (
    "A local pack is evaluated on top of the national baseline, so where it says nothing the "
    'national rule applies as it stands: "not addressed" is not a failure, and "no weaker rule '
    'found" is not "every national duty is met". "Met in part" means the pack\'s rule covers '
    'only some of the children the national rule does; "cannot tell" needs a person to read '
    "both rules."
)


@dataclass(frozen=True)
class Comparison:
    """Authorities side by side: one row per topic, one list of entries per pack."""

    on: dt.date
    packs: list[tuple[str, str]]  # (id, authority name)
    rows: list[tuple[str, list[list[str]]]]  # topic -> one list of entries per pack

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "packs": [{"id": p, "authority": n} for p, n in self.packs],
            "rows": [
                {"topic": t, "cells": {p: cells for (p, _), cells in zip(self.packs, row, strict=True)}}
                for t, row in self.rows
            ],
        }


__all__ = [
    "COUNT_WORDS",
    "READING_NOTE",
    "REQUIREMENT_STATUSES",
    "STATUS_WORDS",
    "VERDICT_WORDS",
    "Comparison",
    "ComplianceReport",
    "Finding",
    "FindingKind",
    "RuleRef",
    "Status",
    "Verdict",
]
