"""How one local rule is judged against one national requirement, and the requirement decided.

A rule is judged in this order (each step is tested by a mutation in tests/test_compliance.py):

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

A requirement's status is then decided from its rules' statuses (:func:`_decide`).
"""

from __future__ import annotations

from ..pack.loaded import PolicyPack
from ..pack.model import Action, Rule
from ..vocabulary import DeadlineType
from .citations import _owner, cite
from .matching import (
    Timing,
    conjuncts,
    fact_test_words,
    facts_tested,
    is_ground,
    is_permission,
    is_restriction,
    judge,
    narrowing,
    requires,
    timings,
)
from .report import RuleRef, Status
from .requirements import Requirement

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
    return [
        fact_test_words(t)
        for t in conjuncts(req.rule.when)
        if t.fact not in local_facts
        and t.fact not in _TIMING_FACTS
        and not (t.operator == "is" and requires(rule.when, t.fact, t.operand))
    ]


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
            f"counted from another starting point ({_counted(local)}); the national rule: {base.describe()}"
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


def _judge_rule(pack: PolicyPack, rule: Rule, actions: list[Action], req: Requirement) -> RuleRef:
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
    return RuleRef(
        pack=_owner(pack, rule),
        rule_id=rule.id,
        citation=cite(pack, rule.citation),
        status=status,
        detail=text,
        reading=reading,
    )


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
