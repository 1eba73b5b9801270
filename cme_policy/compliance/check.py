"""``check_compliance(pack, on=date)``: a pack against the national baseline on one date.

The baseline is the shipped ``england`` pack: every action of every england rule in force on
the date is one requirement. Each requirement is looked for in the pack by the shared vocabulary
(:mod:`cme_policy.compliance.matching`), never by rule ids, and reported as met, stricter,
weaker (non-compliant), not addressed or cannot tell, with both citations. The report also
lists national duties enacted but not in force (``commencement``), sources that cite replaced
instruments for duties still in force, review dates that have passed, and the pack's own
recorded readings of ambiguous text.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..engine.evaluate import parse_on
from ..pack.load import PolicyPack, load_policy
from ..pack.model import Action, Citation, Rule
from ..vocabulary import DeadlineType
from .instruments import INSTRUMENTS, current_successor, mentioned
from .matching import (
    JOINT_KINDS,
    Status,
    Timing,
    conjuncts,
    contradicts,
    equivalent_kinds,
    fact_test_words,
    facts_tested,
    is_permission,
    judge,
    requires,
    same_side,
    timings,
)

BASELINE_ID = "england"


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


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: FindingKind
    status: Status
    title: str
    requirement_id: str | None = Field(None, description="Baseline rule id and action.")
    baseline_citation: str | None = None
    pack_rules: list[RuleRef] = Field(default_factory=list)
    detail: str = ""


_ORDER = {
    Status.WEAKER: 0, Status.CANNOT_TELL: 1, Status.NOT_ADDRESSED: 2, Status.PENDING: 3,
    Status.ATTENTION: 4, Status.STRICTER: 5, Status.MET: 6,
}


class ComplianceReport(BaseModel):
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
    def compliant(self) -> bool:
        """No requirement in force is weaker than required (others may still need a look)."""
        return not self.weaker

    def counts(self) -> dict[str, int]:
        got = Counter(f.status.value for f in self.requirements)
        return {s.value: got.get(s.value, 0) for s in Status if s.value in got}

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

    def render(self, fmt: str = "text") -> str:
        from .render import render_report

        return render_report(self, fmt)


# -- citations ----------------------------------------------------------------------------------


def cite(pack: PolicyPack, c: Citation) -> str:
    src = pack.source(c.source)
    if src is None:
        return f"{c.source} {c.section}"
    bits = [src.title]
    if src.version:
        bits.append(f"({src.version})")
    who = src.publisher
    year = f", {src.issued_on.year}" if src.issued_on else ""
    return f"{' '.join(bits)}, {who}{year}, {c.section}"


def _ref(pack: PolicyPack, rule: Rule, status: Status | None = None, detail: str = "") -> RuleRef:
    owner = pack.rule_pack(rule.id).id if pack.policy.rule(rule.id) is None else pack.id
    return RuleRef(pack=owner, rule_id=rule.id, citation=cite(pack, rule.citation), status=status,
                   detail=detail)


# -- requirements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    rule: Rule
    index: int
    action: Action

    @property
    def id(self) -> str:
        return f"{self.rule.id}/{self.index + 1}"

    @property
    def permission(self) -> bool:
        return is_permission(self.action)

    @property
    def timing(self) -> Timing | None:
        got = timings(self.rule, self.action, permission=self.permission)
        return got[0] if got else None

    def title(self) -> str:
        words = f"{self.action.kind.value} ({self.action.actor.value})"
        t = self.timing
        if self.action.forbidden:
            words = f"{words} forbidden"
        elif t is not None:
            words = f"{words} {t.describe()}"
        else:
            words = f"{words}, no time limit"
        return f"{self.rule.title}: {words}"


def _requirements(baseline: PolicyPack, on: dt.date) -> list[Requirement]:
    return [
        Requirement(rule, i, action)
        for rule in baseline.rules
        if rule.in_force(on)
        for i, action in enumerate(rule.then)
    ]


def _candidates(pack: PolicyPack, req: Requirement, on: dt.date) -> list[tuple[Rule, list[Action]]]:
    """Pack rules with actions answering the requirement. For a permission, every matching
    action of one rule is taken together: each is a condition on the same deletion."""
    kinds = equivalent_kinds(req.action.kind)
    out: list[tuple[Rule, list[Action]]] = []
    for rule in pack.rules:
        if not rule.in_force(on) or contradicts(rule.when, req.rule.when):
            continue
        actions = [
            a for a in rule.then
            if a.kind in kinds and (a.kind in JOINT_KINDS or same_side(a.actor, req.action.actor))
        ]
        if not actions:
            continue
        if req.permission and all(is_permission(a) for a in actions):
            out.append((rule, actions))
        else:
            out.extend((rule, [a]) for a in actions)
    return out


#: Facts compared as timing (thresholds), not listed as differences of scope.
_TIMING_FACTS = {"absence.continuous_school_days"}


def _scope_notes(rule: Rule, req: Requirement) -> tuple[list[str], list[str]]:
    """(baseline conditions the local rule does not test, local conditions beyond the baseline)."""
    local_facts = facts_tested(rule.when)
    base_facts = facts_tested(req.rule.when)
    missing = [fact_test_words(t) for t in conjuncts(req.rule.when)
               if t.fact not in local_facts and t.fact not in _TIMING_FACTS
               and not (t.operator == "is" and requires(rule.when, t.fact, t.operand))]
    extra = [fact_test_words(t) for t in conjuncts(rule.when)
             if t.fact not in base_facts and t.fact not in _TIMING_FACTS]
    return missing, extra


def _judge_one(rule: Rule, actions: list[Action], req: Requirement) -> tuple[Status, str]:
    base = req.timing
    action = actions[0]
    if req.action.forbidden:
        if action.forbidden:
            return Status.MET, "forbidden too"
        return Status.WEAKER, "the local rule does not forbid it"
    if action.forbidden:
        if req.permission:
            return Status.STRICTER, "the local rule forbids it while its condition holds"
        return Status.WEAKER, "the local rule forbids what the national rule requires"
    local = [t for a in actions for t in timings(rule, a, permission=is_permission(a) or req.permission)]
    if base is None:
        if is_permission(action):
            return Status.CANNOT_TELL, "the local rule only permits it; the national rule requires it"
        if action.deadline is not None and action.deadline.type is DeadlineType.BY:
            t = Timing(action.deadline.type, action.deadline.anchor, action.deadline.after)
            return Status.STRICTER, f"required {t.describe()}; the national rule sets no time limit"
        return Status.MET, "required too (neither sets a time limit)"
    same = [t for t in local if t.anchor == base.anchor]
    if not same:
        if not local:
            what = "sets no earliest date" if req.permission else "sets no time limit"
            return Status.CANNOT_TELL, f"the local rule {what}; the national rule: {base.describe()}"
        counted = ", ".join(sorted({t.describe() for t in local}))
        return Status.CANNOT_TELL, (
            f"counted from another starting point ({counted}); the national rule: {base.describe()}"
        )
    # Several timings on the same anchor (a deadline and a condition): the latest one binds. For
    # a duty the latest is the weakest; for a permission the latest is the strictest.
    pref = _PERMISSION_PREF if req.permission else _DUTY_PREF
    return min((judge(t, base) for t in same), key=lambda r: pref.index(r[0]))


_DUTY_PREF = [Status.WEAKER, Status.CANNOT_TELL, Status.MET, Status.STRICTER]
_PERMISSION_PREF = [Status.STRICTER, Status.MET, Status.CANNOT_TELL, Status.WEAKER]


def _requirement_finding(pack: PolicyPack, baseline: PolicyPack, req: Requirement, on: dt.date) -> Finding:
    refs: list[RuleRef] = []
    for rule, actions in _candidates(pack, req, on):
        action = actions[0]
        status, detail = _judge_one(rule, actions, req)
        missing, extra = _scope_notes(rule, req)
        notes = []
        base = req.timing
        if (
            status is Status.WEAKER
            and base is not None
            and base.is_threshold
            and "absence.authorised" in {t.fact for t in conjuncts(req.rule.when)}
            and not requires(rule.when, "absence.authorised", False)
        ):
            status = Status.CANNOT_TELL
            notes.append(
                "its count of absence is not limited to unauthorised absence, so its days may "
                "include authorised ones and its threshold cannot be compared"
            )
        if extra:
            notes.append("the local rule applies only when " + "; ".join(extra))
        if missing:
            notes.append("it does not test " + "; ".join(missing))
        kind_note = "" if action.kind is req.action.kind else f"{action.kind.value}: "
        text = kind_note + detail + (f" ({'; '.join(notes)})" if notes else "")
        refs.append(_ref(pack, rule, status, text))
    if not refs:
        status = Status.NOT_ADDRESSED
        detail = "no rule of the pack has this action for this actor; the national rule applies as it stands"
    else:
        refs.sort(key=lambda r: _ORDER[r.status or Status.CANNOT_TELL])
        statuses = {r.status for r in refs}
        if Status.WEAKER in statuses:
            status = Status.WEAKER
        elif Status.MET in statuses:
            status = Status.MET
        elif Status.STRICTER in statuses:
            status = Status.STRICTER
        else:
            status = Status.CANNOT_TELL
        refs.sort(key=lambda r: r.status is not status)  # the deciding rules first (stable)
        decided = [r.rule_id for r in refs if r.status is status]
        others = len(refs) - len(decided)
        detail = {
            Status.WEAKER: "weaker than required in",
            Status.MET: "met by",
            Status.STRICTER: "the pack asks more than required in",
            Status.CANNOT_TELL: "cannot tell from",
        }[status] + " " + ", ".join(decided)
        if others:
            detail += f" ({others} other matching rule(s) listed below)"
    return Finding(
        kind=FindingKind.REQUIREMENT,
        status=status,
        title=req.title(),
        requirement_id=req.id,
        baseline_citation=cite(baseline, req.rule.citation),
        pack_rules=refs,
        detail=detail,
    )


# -- the other findings -------------------------------------------------------------------------


def _pending(baseline: PolicyPack, on: dt.date) -> list[Finding]:
    out = []
    for rule in baseline.rules:
        c = rule.commencement
        if c is None or (c.on is not None and c.on <= on):
            continue
        when = f"commences on {c.on}" if c.on else "no commencement day is known"
        out.append(Finding(
            kind=FindingKind.PENDING_COMMENCEMENT,
            status=Status.PENDING,
            title=rule.title,
            requirement_id=rule.id,
            baseline_citation=cite(baseline, rule.citation),
            detail=(
                f"Enacted but not known to be in force on {on} ({when}; brought into force by: "
                f"{c.by}). Not checked. To switch it on, set commencement.on for rule "
                f"{rule.id!r} in the baseline pack."
            ),
        ))
    return out


def _superseded(pack: PolicyPack, baseline: PolicyPack, on: dt.date) -> list[Finding]:
    out = []
    in_force = [r for r in pack.rules if r.in_force(on)]
    for p in pack.lineage():
        if p.id == baseline.id and pack.id != baseline.id:
            continue  # the baseline's own historical sources are checked on the baseline
        for src in p.policy.sources:
            rules = [r for r in in_force if src.id in {c.source for c in (r.citation, *r.also_cites)}
                     and pack.source(src.id) is src]
            if not rules:
                continue
            text = " ".join(x for x in (src.title, src.version, src.note) if x)
            found = {i: "lists it in cites" for i in src.cites if i in INSTRUMENTS}
            for i, words in mentioned(text).items():
                found.setdefault(i, f'names it ("{words}")')
            problems = []
            for inst_id, how in sorted(found.items()):
                inst = INSTRUMENTS[inst_id]
                if inst.in_force_to is None or inst.in_force_to >= on:
                    continue
                succ = current_successor(inst_id, on)
                problems.append((inst, how, succ))
            if src.in_force_to is not None and src.in_force_to < on and not problems:
                problems.append((None, f"the source itself was in force only until {src.in_force_to}", None))
            if not problems:
                continue
            names = "; ".join(
                f"{inst.title if inst else src.title} (in force until "
                f"{inst.in_force_to if inst else src.in_force_to})"
                for inst, _, _ in problems
            )
            hows = "; ".join(
                f"{how}" + (f", now {succ.title}" if succ else "") for _, how, succ in problems
            )
            successors = [succ for _, _, succ in problems if succ is not None]
            base_cites = [
                _baseline_cite_for(baseline, succ.id) or succ.title
                for succ in dict.fromkeys(successors)
            ]
            out.append(Finding(
                kind=FindingKind.SUPERSEDED_CITATION,
                status=Status.ATTENTION,
                title=f"Source {src.id!r} cites {names}",
                baseline_citation="; ".join(base_cites) or None,
                pack_rules=[_ref(pack, r) for r in rules],
                detail=(
                    f"{len(rules)} rule(s) in force on {on} rest on source {src.id!r} "
                    f"({src.title}), which {hows}. Check the rules against the instruments "
                    f"in force on {on}."
                ),
            ))
    return out


def _baseline_cite_for(baseline: PolicyPack, instrument_id: str) -> str | None:
    for src in baseline.policy.sources:
        if instrument_id in src.cites:
            bits = [src.title] + ([f"({src.version})"] if src.version else [])
            return f"{' '.join(bits)}, {src.publisher}"
    return None


def _reviews(pack: PolicyPack, on: dt.date) -> list[Finding]:
    out = []
    pol = pack.policy
    if not pol.in_force(on):
        out.append(Finding(
            kind=FindingKind.REVIEW_OVERDUE, status=Status.ATTENTION,
            title=f"The pack is not in force on {on}",
            detail=f"effective {pol.effective_from or 'always'} to {pol.effective_to or 'open'}",
        ))
    if pol.review_due_on and pol.review_due_on < on:
        out.append(Finding(
            kind=FindingKind.REVIEW_OVERDUE, status=Status.ATTENTION,
            title=f"The pack's review date {pol.review_due_on} has passed",
            detail=(
                f"{(on - pol.review_due_on).days} days overdue on {on}: check that its sources are "
                "still the authority's current policy."
            ),
        ))
    for src in pol.sources:
        if src.in_force_to is not None and src.in_force_to < on:
            continue
        if src.review_due_on and src.review_due_on < on and src.review_due_on != pol.review_due_on:
            out.append(Finding(
                kind=FindingKind.REVIEW_OVERDUE, status=Status.ATTENTION,
                title=f"Source {src.id!r} was due for review on {src.review_due_on}",
                detail=f"{src.title}: its own review date has passed.",
            ))
    return out


Matched = dict[str, list[tuple[Finding, RuleRef]]]


def _ambiguities(pack: PolicyPack, on: dt.date, matched: Matched) -> list[Finding]:
    out = []
    for rule in pack.policy.rules:
        if rule.interpretation is None or not rule.in_force(on):
            continue
        i = rule.interpretation
        links = matched.get(rule.id, [])
        against = "; ".join(
            f"{f.requirement_id}: {(r.status or Status.CANNOT_TELL).value}" for f, r in links
        )
        out.append(Finding(
            kind=FindingKind.RECORDED_AMBIGUITY, status=Status.ATTENTION,
            title=f"{rule.id}: {i.question}",
            requirement_id=links[0][0].requirement_id if links else None,
            baseline_citation=links[0][0].baseline_citation if links else None,
            pack_rules=[_ref(pack, rule, None, f"Reading taken: {i.reading} Why: {i.why}")],
            detail=(
                f"The reading taken, against the national requirements it answers: {against}."
                if against else "No national requirement matches this rule."
            ),
        ))
    return out


# -- entry point --------------------------------------------------------------------------------


def check_compliance(
    pack: PolicyPack | str | Path,
    *,
    on: dt.date | str,
    baseline: PolicyPack | str | Path = BASELINE_ID,
) -> ComplianceReport:
    """Check ``pack`` against the national baseline in force on ``on``."""
    the_pack = load_policy(pack if isinstance(pack, PolicyPack) else str(pack))
    base = load_policy(baseline if isinstance(baseline, PolicyPack) else str(baseline))
    day = parse_on(on)
    findings = [_requirement_finding(the_pack, base, r, day) for r in _requirements(base, day)]
    findings.append(_school_age_finding(base))
    matched: Matched = {}
    for f in findings:
        for ref in f.pack_rules:
            matched.setdefault(ref.rule_id, []).append((f, ref))
    findings += _pending(base, day)
    findings += _superseded(the_pack, base, day)
    findings += _reviews(the_pack, day)
    findings += _ambiguities(the_pack, day, matched)
    return ComplianceReport(
        pack=the_pack.id,
        authority=the_pack.policy.authority.name,
        authority_kind=the_pack.policy.authority.kind,
        on=day,
        baseline=base.id,
        findings=findings,
    )


def _school_age_finding(base: PolicyPack) -> Finding:
    item = next((n for n in base.policy.not_encoded if n.section.strip() == "s8"), None)
    citation = None
    if item is not None:
        src = base.source(item.source)
        citation = f"{src.title}, {src.publisher}, s8" if src else f"{item.source} s8"
    return Finding(
        kind=FindingKind.REQUIREMENT,
        status=Status.MET,
        title="Duties apply to children of compulsory school age (start and end dates)",
        requirement_id="compulsory_school_age",
        baseline_citation=citation,
        detail=(
            "Computed by the engine from the date of birth for every pack "
            "(cme_policy.school_age): no pack can change it."
        ),
    )


__all__ = [
    "ComplianceReport",
    "Finding",
    "FindingKind",
    "RuleRef",
    "Status",
    "check_compliance",
]
