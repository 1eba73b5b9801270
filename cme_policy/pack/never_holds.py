"""Conditions that can never hold: a fact tested two ways that cannot both be true.

A rule whose ``when`` requires, say, ``school.on_roll is true`` and ``school.on_roll is false``
(directly, through a ``not``, or through a fact the catalogue derives from another) can never
apply; the loader reports it with the two clashing tests' locations (:mod:`.check`).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import FACTS, TRACING_EVENTS, FactType
from ..yaml_io import format_loc
from .model import AllOf, AnyOf, Condition, FactTest, NotOf

Finding = tuple[tuple[str | int, ...], str]

Loc = tuple[str | int, ...]
#: A fact test in a conjunction: where it is, and the test (``not`` of a yes/no test folded in).
Literal_ = tuple[Loc, FactTest]

#: Facts the catalogue derives from others: ``whereabouts.known`` is true once a tracing outcome
#: is recorded, ``child.has_safeguarding_concerns`` once a child protection plan is known.
_IMPLIES_TRUE: dict[str, str] = {
    **{f"history.{k.value}": "whereabouts.known" for k in TRACING_EVENTS},
    "child.child_protection_plan": "child.has_safeguarding_concerns",
}


def literals(cond: Condition, loc: Loc) -> tuple[list[Literal_], list[tuple[Loc, Condition]]]:
    """The fact tests that must all hold for ``cond`` to hold, and its other parts (opaque)."""
    if isinstance(cond, FactTest):
        return [(loc, cond)], []
    if isinstance(cond, AllOf):
        lits: list[Literal_] = []
        rest: list[tuple[Loc, Condition]] = []
        for i, c in enumerate(cond.all):
            a, b = literals(c, (*loc, "all", i))
            lits += a
            rest += b
        return lits, rest
    if isinstance(cond, AnyOf) and len(cond.any) == 1:
        return literals(cond.any[0], (*loc, "any", 0))
    if isinstance(cond, NotOf) and isinstance(cond.not_, FactTest):
        t = cond.not_
        fact = FACTS.get(t.fact)
        if t.operator in ("is", "known") and isinstance(t.operand, bool) and (
            t.operator == "known" or (fact is not None and fact.type is FactType.BOOL)
        ):
            flipped = FactTest.model_validate({"fact": t.fact, t.operator: not t.operand})
            return [((*loc, "not"), flipped)], []
    return [], [(loc, cond)]


def _describe(t: FactTest) -> str:
    value = t.operand
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, list):
        value = "[" + ", ".join(str(v) for v in value) + "]"
    return f"`{t.operator}: {value}`"


def _clash(a: FactTest, b: FactTest) -> bool:
    """True when no value of one fact passes both tests (a test on an unknown fact is never
    true, so ``known: false`` clashes with every other test of that fact)."""
    oa, ob = a.operator, b.operator
    if oa == "known" or ob == "known":
        if oa == ob == "known":
            return a.operand != b.operand
        known = a if oa == "known" else b
        return known.operand is False
    if oa == ob == "is":
        return a.operand != b.operand or type(a.operand) is not type(b.operand)
    if {oa, ob} == {"is", "in"}:
        single, many = (a, b) if oa == "is" else (b, a)
        return single.operand not in many.operand
    if oa == ob == "in":
        return not set(a.operand) & set(b.operand)
    bounds = {oa: a.operand, ob: b.operand}
    if "at_least" in bounds and "at_most" in bounds and oa != ob:
        return bounds["at_least"] > bounds["at_most"]
    if {oa, ob} in ({"is", "at_least"}, {"is", "at_most"}) and not any(
        isinstance(t.operand, bool) for t in (a, b)
    ):
        exact = a.operand if oa == "is" else b.operand
        if "at_least" in bounds:
            return isinstance(exact, int) and exact < bounds["at_least"]
        return isinstance(exact, int) and exact > bounds["at_most"]
    return False


def _derived_clash(a: FactTest, b: FactTest) -> bool:
    """``history.found_on_roll_elsewhere is true`` with ``whereabouts.known is false``, etc."""
    for x, y in ((a, b), (b, a)):
        if (
            x.operator == "is" and x.operand is True and _IMPLIES_TRUE.get(x.fact) == y.fact
            and y.operator == "is" and y.operand is False
        ):
            return True
    return False


def first_clash(lits: list[Literal_]) -> tuple[Literal_, Literal_] | None:
    for j, (_, b) in enumerate(lits):
        for i in range(j):
            a = lits[i][1]
            if (a.fact == b.fact and _clash(a, b)) or _derived_clash(a, b):
                return lits[i], lits[j]
    return None


def never_holds(cond: Condition, loc: Loc) -> Iterator[Finding]:
    """Conjunctions (``all``, at any depth) whose fact tests cannot all be true at once."""
    lits, rest = literals(cond, loc)
    clash = first_clash(lits)
    if clash is not None:
        (aloc, a), (bloc, b) = clash
        if a.fact == b.fact:
            what = f"{b.fact} is tested {_describe(a)} at {format_loc(aloc)} and {_describe(b)} here"
        else:
            true_one = a if a.operand is True else b
            what = (
                f"{b.fact} {_describe(b)} here and {a.fact} {_describe(a)} at {format_loc(aloc)}, "
                f"but {true_one.fact} makes {_IMPLIES_TRUE[true_one.fact]} true"
            )
        yield bloc, f"this condition can never hold: {what}, under one all"
    for rloc, part in rest:  # look inside the branches of any/not for dead alternatives
        if isinstance(part, AnyOf):
            for i, c in enumerate(part.any):
                yield from never_holds(c, (*rloc, "any", i))
