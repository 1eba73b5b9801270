"""``check_compliance(pack, on=date)``: a pack against the national baseline on one date.

The baseline is the shipped ``england`` pack: every action of every england rule in force on
the date is one requirement. Each requirement is looked for in the pack by the shared vocabulary
(:mod:`cme_policy.compliance.matching`), never by rule ids, and reported as met, stricter, met
in part, weaker, not addressed or cannot tell, with both citations. The report also lists
national duties enacted but not in force (``commencement``), sources that cite replaced
instruments for duties still in force, review dates that have passed, and the pack's own
recorded readings of ambiguous text.

The check runs in stages, each its own module: :mod:`.requirements` (the requirements, and the
pack rules that answer each), :mod:`.judging` (each of those rules judged against the
requirement, and the requirement's status decided from theirs) and :mod:`.other_findings`
(commencement, replaced instruments, review dates, recorded readings); :mod:`.citations` writes
the citations they share. This module puts each requirement's finding into words and assembles
the report.

A requirement is weaker if any rule is; otherwise a rule covering every child decides (met
before stricter), then met in part, then cannot tell; else not addressed, and the national rule
applies as it stands.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..engine.evaluate import parse_on
from ..pack.load import load_policy
from ..pack.loaded import PolicyPack
from .citations import cite
from .judging import _decide, _judge_rule
from .other_findings import Matched, _ambiguities, _pending, _reviews, _superseded
from .report import ComplianceReport, Finding, FindingKind, Status
from .requirements import Requirement, _candidates, _requirements

BASELINE_ID = "england"


_ORDER = {
    Status.WEAKER: 0,
    Status.CANNOT_TELL: 1,
    Status.PARTLY_MET: 2,
    Status.NOT_ADDRESSED: 3,
    Status.PENDING: 4,
    Status.ATTENTION: 5,
    Status.STRICTER: 6,
    Status.MET: 7,
}


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
            if not refs
            else "the pack does not state it (the rules below bear on it without stating it); the "
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
