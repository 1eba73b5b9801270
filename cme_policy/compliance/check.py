"""``check_compliance(pack, on=date)``: a pack against the national baseline on one date.

The baseline is the shipped ``england`` pack: every action of every england rule in force on
the date is one requirement. Each requirement is looked for in the pack by the shared vocabulary
(:mod:`cme_policy.compliance.matching`), never by rule ids, and reported as met, stricter, met
in part, weaker, not addressed or cannot tell, with both citations. The report also lists
national duties enacted but not in force (``commencement``), sources that cite replaced
instruments for duties still in force, review dates that have passed, and the pack's own
recorded readings of ambiguous text.

How one local rule is judged against one requirement, in order (each is tested by a mutation in
tests/test_compliance.py):

1. Timing, on the same anchor (:func:`matching.judge`): later "by" or earlier "not before" is
   weaker, the reverse stricter, the same met. A local "not before" that answers a national
   duty sets no time for it: a ground (it only allows it) does not address the duty, a
   restriction (it holds it back) cannot be told.
2. A national gate (removal from roll, a school attendance order) against a local
   restriction or prohibition: only a ground makes the action lawful, so a prohibition, or a
   restriction on another starting point, adds a condition and does not address the gate; a
   restriction on the same starting point states it (met, stricter, or weaker when looser:
   the text misstates the gate even though, evaluated on the baseline, the national gate
   still binds).
3. Scope: a local rule whose condition leaves out children the national rule covers
   (:func:`matching.narrowing`, e.g. "unexplained" absence against all unauthorised absence)
   meets it only in part; a weaker timing stays weaker.
4. A threshold over any absence cannot be compared with one over unauthorised absence.
5. A status from a rule that records an ``interpretation`` rests on the pack's own reading,
   and says so (a weaker finding then says it is weaker on that reading).

A requirement is weaker if any rule is; otherwise a rule covering every child decides (met
before stricter), then met in part, then cannot tell; else not addressed, and the national rule
applies as it stands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..engine.evaluate import parse_on
from ..pack.load import load_policy
from ..pack.loaded import PolicyPack
from ..pack.model import Action, Citation, Rule
from ..vocabulary import DeadlineType
from .instruments import INSTRUMENTS, current_successor, mentioned
from .matching import (
    JOINT_KINDS,
    Timing,
    conjuncts,
    contradicts,
    equivalent_kinds,
    fact_test_words,
    facts_tested,
    is_ground,
    is_permission,
    is_restriction,
    judge,
    narrowing,
    requires,
    same_side,
    timings,
)
from .report import STATUS_WORDS, ComplianceReport, Finding, FindingKind, RuleRef, Status

BASELINE_ID = "england"


_ORDER = {
    Status.WEAKER: 0, Status.CANNOT_TELL: 1, Status.PARTLY_MET: 2, Status.NOT_ADDRESSED: 3,
    Status.PENDING: 4, Status.ATTENTION: 5, Status.STRICTER: 6, Status.MET: 7,
}


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


def _owner(pack: PolicyPack, rule: Rule) -> str:
    return pack.rule_pack(rule.id).id if pack.policy.rule(rule.id) is None else pack.id


def _ref(pack: PolicyPack, rule: Rule, status: Status | None = None, detail: str = "") -> RuleRef:
    return RuleRef(pack=_owner(pack, rule), rule_id=rule.id, citation=cite(pack, rule.citation),
                   status=status, detail=detail)


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


def _timing_facts(rule: Rule, actions: list[Action], req: Requirement) -> set[str]:
    """Facts of the local rule's condition that are compared as timing, not scope: the absence
    count, the history event an action counts from, and (for a permission) every recorded
    event read as "not before the day it is recorded"."""
    out = set(_TIMING_FACTS)
    for a in actions:
        if a.deadline is not None:
            out.add(f"history.{a.deadline.anchor}")
        for t in timings(rule, a, permission=is_permission(a) or req.permission):
            out.add(f"history.{t.anchor}")
    return out


def _missing(rule: Rule, req: Requirement, timing: set[str]) -> list[str]:
    """Baseline conditions the local rule does not test (it may cover more children: no harm).
    A recorded event the local rule counts from is tested by its timing."""
    local_facts = facts_tested(rule.when) | timing
    return [fact_test_words(t) for t in conjuncts(req.rule.when)
            if t.fact not in local_facts and t.fact not in _TIMING_FACTS
            and not (t.operator == "is" and requires(rule.when, t.fact, t.operand))]


def _counted(ts: list[Timing]) -> str:
    return ", ".join(sorted({t.describe() for t in ts}))


def _judge_one(rule: Rule, actions: list[Action], req: Requirement) -> tuple[Status, str]:
    """The timing of one local rule's matching actions against one national requirement.

    Scope (which children each rule covers) is judged afterwards, in :func:`_judge_rule`.
    """
    base = req.timing
    action = actions[0]
    if req.action.forbidden:
        if action.forbidden:
            return Status.MET, "forbidden too"
        return Status.WEAKER, "the local rule does not forbid it"
    if action.forbidden:
        if req.permission:
            # A prohibition is a restriction: it adds a condition and states no gate.
            return Status.NOT_ADDRESSED, (
                "the local rule forbids it while its condition holds: a further condition, not "
                f"this gate, so the national gate ({base.describe() if base else 'as written'}) "
                "applies as it stands"
            )
        return Status.WEAKER, "the local rule forbids what the national rule requires"
    local = [t for a in actions for t in timings(rule, a, permission=is_permission(a) or req.permission)]
    if not req.permission and is_permission(action):
        # A "not before" answering a duty: a ground only allows it earlier and sets no time by
        # which it must be done; a restriction holds the duty back, perhaps past its date.
        national = base.describe() if base is not None else "with no time limit"
        if is_ground(action):
            return Status.NOT_ADDRESSED, (
                f"it only allows it ({_counted(local)}) and sets no time by which it must be done; "
                f"the national rule requires it {national}"
            )
        return Status.CANNOT_TELL, (
            f"it holds it back ({_counted(local)}); the national rule requires it {national}"
        )
    if base is None:
        if action.deadline is not None and action.deadline.type is DeadlineType.BY:
            t = Timing(action.deadline.type, action.deadline.anchor, action.deadline.after)
            return Status.STRICTER, f"required {t.describe()}; the national rule sets no time limit"
        return Status.MET, "required too (neither sets a time limit)"
    same = [t for t in local if t.anchor == base.anchor]
    if not same:
        if not local:
            what = "sets no earliest date" if req.permission else "sets no time limit"
            return Status.CANNOT_TELL, f"the local rule {what}; the national rule: {base.describe()}"
        if req.permission and all(is_restriction(a) for a in actions):
            # Only a ground makes the action lawful; a restriction on another starting point
            # adds a condition and leaves the national gate exactly as it is.
            return Status.NOT_ADDRESSED, (
                f"a further condition ({_counted(local)}), not this gate: as a restriction it "
                f"cannot make the action lawful any earlier, so the national {base.describe()} "
                "applies as it stands"
            )
        return Status.CANNOT_TELL, (
            f"counted from another starting point ({_counted(local)}); the national rule: "
            f"{base.describe()}"
        )
    # Several timings on the same anchor (a deadline and a condition): the latest one binds. For
    # a duty the latest is the weakest; for a permission the latest is the strictest.
    pref = _PERMISSION_PREF if req.permission else _DUTY_PREF
    status, detail = min((judge(t, base) for t in same), key=lambda r: pref.index(r[0]))
    if status is Status.WEAKER and req.permission and all(is_restriction(a) for a in actions):
        detail += (
            " (a restriction permits nothing, so evaluated on the national baseline the national "
            "gate still binds; the pack's own text states the gate more loosely)"
        )
    return status, detail


_DUTY_PREF = [Status.WEAKER, Status.CANNOT_TELL, Status.MET, Status.STRICTER]
_PERMISSION_PREF = [Status.STRICTER, Status.MET, Status.CANNOT_TELL, Status.WEAKER]


def _judge_rule(
    pack: PolicyPack, rule: Rule, actions: list[Action], req: Requirement
) -> RuleRef:
    """One local rule against one national requirement: its timing, then its scope.

    A rule whose condition leaves out some children the national rule covers (a narrower
    trigger) meets the requirement only in part: met or stricter becomes ``partly_met``, and for
    the children it leaves out the national rule applies as it stands. A weaker timing stays
    weaker: for the children it does cover, the pack's text is looser than the law.
    """
    action = actions[0]
    status, detail = _judge_one(rule, actions, req)
    timing = _timing_facts(rule, actions, req)
    narrower = narrowing(rule.when, req.rule.when, ignore=timing)
    missing = _missing(rule, req, timing)
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
    if narrower and status in (Status.MET, Status.STRICTER):
        notes.append(
            f"{status.value.replace('_', ' ')} only where the local rule applies, when "
            f"{'; '.join(narrower)}: for the other children the national rule covers, the national "
            "rule applies as it stands"
        )
        status = Status.PARTLY_MET
    elif narrower:
        notes.append("the local rule applies only when " + "; ".join(narrower))
    if missing:
        notes.append("it does not test " + "; ".join(missing))
    reading = None
    if rule.interpretation is not None and status in _DECIDED:
        reading = rule.interpretation.question
        notes.append("this rests on the pack's own reading of its text (see its recorded ambiguity)")
    kind_note = "" if action.kind is req.action.kind else f"{action.kind.value}: "
    text = " ".join(_sentence(x) for x in [kind_note + detail, *notes])
    return RuleRef(pack=_owner(pack, rule), rule_id=rule.id, citation=cite(pack, rule.citation),
                   status=status, detail=text, reading=reading)


def _sentence(text: str) -> str:
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".?!" else text + "."


#: Rule statuses that decide something (and so may rest on a reading).
_DECIDED = (Status.MET, Status.STRICTER, Status.PARTLY_MET, Status.WEAKER)


def _decide(refs: list[RuleRef]) -> Status:
    """A requirement's status from its rules' statuses.

    Any weaker rule makes it weaker. Otherwise a rule covering every child decides: met (a rule
    states it as the national rule does) before stricter, so a pack that restates a rule is not
    called stricter than itself because another of its rules asks more. Then met in part, then
    cannot tell; with none of those the pack does not state it.
    """
    statuses = {r.status for r in refs}
    for s in (Status.WEAKER, Status.MET, Status.STRICTER, Status.PARTLY_MET, Status.CANNOT_TELL):
        if s in statuses:
            return s
    return Status.NOT_ADDRESSED


_DETAIL_HEAD = {
    Status.WEAKER: "weaker than required in",
    Status.MET: "met by",
    Status.STRICTER: "the pack asks more than required in",
    Status.PARTLY_MET: "met only for some of the children it covers, by",
    Status.CANNOT_TELL: "cannot tell from",
}


def _requirement_finding(pack: PolicyPack, baseline: PolicyPack, req: Requirement, on: dt.date) -> Finding:
    candidates = _candidates(pack, req, on)
    refs = [_judge_rule(pack, rule, actions, req) for rule, actions in candidates]
    status = _decide(refs)
    refs.sort(key=lambda r: _ORDER[r.status or Status.CANNOT_TELL])
    refs.sort(key=lambda r: r.status is not status)  # the deciding rules first (stable)
    if status is Status.NOT_ADDRESSED:
        detail = (
            "no rule of the pack states it; the national rule applies as it stands"
            if not refs else
            "the pack does not state it (the rules below bear on it without stating it); the "
            "national rule applies as it stands"
        )
    else:
        decided = [r for r in refs if r.status is status]
        detail = _DETAIL_HEAD[status] + " " + ", ".join(r.rule_id for r in decided)
        if status is Status.WEAKER and all(r.reading for r in decided):
            detail += ", on the pack's own reading of its text (see its recorded ambiguity)"
        if status is Status.PARTLY_MET:
            detail += "; for the other children the national rule applies as it stands"
        others = len(refs) - len(decided)
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
            f"{f.requirement_id}: {STATUS_WORDS[r.status or Status.CANNOT_TELL]}" for f, r in links
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


__all__ = ["BASELINE_ID", "check_compliance"]
