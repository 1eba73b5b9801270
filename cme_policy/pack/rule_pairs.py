"""Rules read against each other, and the warnings a pack gets at load time.

Two rules in force together on the same conditions that give one duty two different deadlines,
or contradict each other (one requires what the other forbids), are load errors
(:func:`check_rule_pairs`); a rule with a later, narrower deadline beside a broader one, or a
review date passed, is a warning (:func:`check_warnings`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from ..vocabulary import DeadlineType
from .model import Action, Condition, Deadline, FactTest, Policy, Rule
from .never_holds import first_clash, literals

Finding = tuple[tuple[str | int, ...], str]

def _key(cond: Condition) -> str:
    return json.dumps(cond.model_dump(mode="json", by_alias=True, exclude_unset=True), sort_keys=True)


_ATOMS: dict[int, tuple[Rule, frozenset[str] | None]] = {}


def _atoms(rule: Rule) -> frozenset[str] | None:
    """The rule's condition as a set of conjuncts (``None`` when it can never hold); cached
    per rule object, since rules are immutable and pairs are many."""
    hit = _ATOMS.get(id(rule))
    if hit is not None and hit[0] is rule:
        return hit[1]
    value = _atoms_of(rule)
    _ATOMS[id(rule)] = (rule, value)
    return value


def _atoms_of(rule: Rule) -> frozenset[str] | None:
    if rule.when is None:
        return frozenset()
    lits, rest = literals(rule.when, ())
    if first_clash(lits) is not None:
        return None
    return frozenset(_key(t) for _, t in lits) | frozenset(_key(c) for _, c in rest)


def _period(rule: Rule) -> tuple[dt.date, dt.date] | None:
    start = rule.effective_from or dt.date.min
    commencement = getattr(rule, "commencement", None)
    if commencement is not None:
        if commencement.on is None:
            return None
        start = max(start, commencement.on)
    end = rule.effective_to or dt.date.max
    return (start, end) if start <= end else None


def _together(a: Rule, b: Rule) -> bool:
    """Both rules are in force on some day and their conditions can hold together."""
    pa, pb = _period(a), _period(b)
    if pa is None or pb is None or pa[1] < pb[0] or pb[1] < pa[0]:
        return False
    ka, kb = _atoms(a), _atoms(b)
    if ka is None or kb is None:
        return False
    lits = [(("a",), t) for t in _fact_tests(a)] + [(("b",), t) for t in _fact_tests(b)]
    return first_clash(lits) is None


def _fact_tests(rule: Rule) -> list[FactTest]:
    return [t for _, t in literals(rule.when, ())[0]] if rule.when is not None else []


def _deadline_text(d: Deadline | None) -> str:
    if d is None:
        return "no deadline"
    return f"{d.type.value} {d.after.describe()} after {d.anchor}"


def check_rule_pairs(
    rules: list[tuple[int | str, Rule]], *, against_inherited_only: bool = False
) -> Iterator[Finding]:
    """Rules that contradict each other (one forbids what the other requires while both
    apply), and rules with the same condition giving one duty two different deadlines.

    Each rule comes with its index in this file, or (for a layered pack's inherited rules)
    the id of the pack it comes from; pairs of inherited rules are that pack's business."""
    for jpos, (j, b) in enumerate(rules):
        for i, a in rules[:jpos]:
            if isinstance(j, str) or (against_inherited_only and isinstance(i, int)):
                continue
            if not _together(a, b):
                continue
            where_a = f"rules[{i}]" if isinstance(i, int) else f"in pack {i!r}"
            ka, kb = _atoms(a), _atoms(b)
            assert ka is not None and kb is not None
            for k, act in enumerate(b.then):
                for other in a.then:
                    if other.kind != act.kind:
                        continue
                    where = ("rules", j, "then", k)
                    if other.forbidden != act.forbidden and (ka <= kb or kb <= ka):
                        forbids, requires = (a, b) if other.forbidden else (b, a)
                        both = (
                            "on the same facts" if ka == kb
                            else f"whenever {(b if ka <= kb else a).id!r} does"
                        )
                        verb = "permits" if _permission(other if act.forbidden else act) else "requires"
                        yield where, (
                            f"contradicts rule {a.id!r} ({where_a}): {forbids.id!r} forbids "
                            f"{act.kind.value} while {requires.id!r} {verb} it, and both apply {both}"
                        )
                    elif (
                        not act.forbidden and not other.forbidden and act.actor == other.actor
                        and _is_by(act.deadline) and _is_by(other.deadline) and ka == kb
                        and act.deadline != other.deadline
                    ):
                        yield (*where, "deadline"), (
                            f"overlaps rule {a.id!r} ({where_a}): same condition, same "
                            f"{act.kind.value} by {act.actor.value}, different deadlines "
                            f"({_deadline_text(other.deadline)} there, "
                            f"{_deadline_text(act.deadline)} here); merge them or make the "
                            "conditions exclusive"
                        )


def _is_by(d: Deadline | None) -> bool:
    return d is not None and d.type is DeadlineType.BY


def _permission(action: Action) -> bool:
    return action.deadline is not None and action.deadline.type is DeadlineType.NOT_BEFORE


# -- warnings ----------------------------------------------------------------------------------


def check_warnings(policy: Policy, today: dt.date) -> Iterator[Finding]:
    """Things worth a second look that do not stop a pack loading."""
    for i, src in enumerate(policy.sources):
        if src.review_due_on is not None and src.review_due_on < today:
            yield ("sources", i, "review_due_on"), (
                f"source {src.id!r} was due for review on {src.review_due_on}: check it is "
                "still the authority's current policy"
            )
    if policy.review_due_on is not None and policy.review_due_on < today:
        yield ("review_due_on",), (
            f"the pack was due for review on {policy.review_due_on}: check its sources are current"
        )
    indexed = list(enumerate(policy.rules))
    for jpos, (j, b) in enumerate(indexed):
        for i, a in indexed[:jpos]:
            yield from _later_narrow_deadline(i, a, j, b)


def _later_narrow_deadline(i: int, a: Rule, j: int, b: Rule) -> Iterator[Finding]:
    """A narrower rule that gives a later deadline than a broader one it sits inside: the
    broader rule's earlier date still applies, so the later one never takes effect."""
    if not _together(a, b):
        return
    ka, kb = _atoms(a), _atoms(b)
    assert ka is not None and kb is not None
    if ka == kb or not (ka <= kb or kb <= ka):
        return
    broad, narrow = (a, b) if ka <= kb else (b, a)
    nidx = j if narrow is b else i
    for k, act in enumerate(narrow.then):
        for other in broad.then:
            d1, d2 = other.deadline, act.deadline
            if (
                other.kind == act.kind and other.actor == act.actor and _is_by(d1) and _is_by(d2)
                and not act.forbidden and not other.forbidden
            ):
                assert d1 is not None and d2 is not None
                if d1.anchor == d2.anchor and d1.after.unit == d2.after.unit and (
                    d2.after.amount > d1.after.amount
                ):
                    yield ("rules", nidx, "then", k, "deadline"), (
                        f"gives {act.kind.value} a later deadline ({_deadline_text(d2)}) than "
                        f"the broader rule {broad.id!r} ({_deadline_text(d1)}), which also "
                        "applies here: the earlier date still stands"
                    )


