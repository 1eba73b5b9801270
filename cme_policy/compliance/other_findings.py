"""The findings beside the national requirements, listed for attention rather than judged.

* national duties enacted but not known to be in force on the date (``commencement``): not
  checked, with how to switch one on;
* sources of the pack's rules in force that cite instruments replaced by the date (or were
  themselves in force only until before it), with what replaced them;
* a pack not in force on the date, and review dates of the pack and its sources that have passed;
* the pack's own recorded readings of ambiguous text (``interpretation``), each against the
  national requirements its rule answers.
"""

from __future__ import annotations

import datetime as dt

from ..pack.loaded import PolicyPack
from .citations import _ref, cite
from .instruments import INSTRUMENTS, current_successor, mentioned
from .report import STATUS_WORDS, Finding, FindingKind, RuleRef, Status


def _pending(baseline: PolicyPack, on: dt.date) -> list[Finding]:
    out = []
    for rule in baseline.rules:
        c = rule.commencement
        if c is None or (c.on is not None and c.on <= on):
            continue
        when = f"commences on {c.on}" if c.on else "no commencement day is known"
        out.append(
            Finding(
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
            )
        )
    return out


def _superseded(pack: PolicyPack, baseline: PolicyPack, on: dt.date) -> list[Finding]:
    out = []
    in_force = [r for r in pack.rules if r.in_force(on)]
    for p in pack.lineage():
        if p.id == baseline.id and pack.id != baseline.id:
            continue  # the baseline's own historical sources are checked on the baseline
        for src in p.policy.sources:
            rules = [
                r
                for r in in_force
                if src.id in {c.source for c in (r.citation, *r.also_cites)} and pack.source(src.id) is src
            ]
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
            hows = "; ".join(f"{how}" + (f", now {succ.title}" if succ else "") for _, how, succ in problems)
            successors = [succ for _, _, succ in problems if succ is not None]
            base_cites = [
                _baseline_cite_for(baseline, succ.id) or succ.title for succ in dict.fromkeys(successors)
            ]
            out.append(
                Finding(
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
                )
            )
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
        out.append(
            Finding(
                kind=FindingKind.REVIEW_OVERDUE,
                status=Status.ATTENTION,
                title=f"The pack is not in force on {on}",
                detail=f"effective {pol.effective_from or 'always'} to {pol.effective_to or 'open'}",
            )
        )
    if pol.review_due_on and pol.review_due_on < on:
        out.append(
            Finding(
                kind=FindingKind.REVIEW_OVERDUE,
                status=Status.ATTENTION,
                title=f"The pack's review date {pol.review_due_on} has passed",
                detail=(
                    f"{(on - pol.review_due_on).days} days overdue on {on}: check that its sources are "
                    "still the authority's current policy."
                ),
            )
        )
    for src in pol.sources:
        if src.in_force_to is not None and src.in_force_to < on:
            continue
        if src.review_due_on and src.review_due_on < on and src.review_due_on != pol.review_due_on:
            out.append(
                Finding(
                    kind=FindingKind.REVIEW_OVERDUE,
                    status=Status.ATTENTION,
                    title=f"Source {src.id!r} was due for review on {src.review_due_on}",
                    detail=f"{src.title}: its own review date has passed.",
                )
            )
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
        out.append(
            Finding(
                kind=FindingKind.RECORDED_AMBIGUITY,
                status=Status.ATTENTION,
                title=f"{rule.id}: {i.question}",
                requirement_id=links[0][0].requirement_id if links else None,
                baseline_citation=links[0][0].baseline_citation if links else None,
                pack_rules=[_ref(pack, rule, None, f"Reading taken: {i.reading} Why: {i.why}")],
                detail=(
                    f"The reading taken, against the national requirements it answers: {against}."
                    if against
                    else "No national requirement matches this rule."
                ),
            )
        )
    return out
