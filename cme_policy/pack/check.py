"""Load-time checks a schema cannot express: facts, types, anchors, citations, duplicates.

Each check yields ``(loc, message)`` pairs; the loader turns them into located problems, so a
pack author sees every problem at once with its file:line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from enum import Enum

from ..facts import ANCHORS, FACTS, FactType
from ..vocabulary import DeadlineType
from .model import AllOf, AnyOf, Condition, FactTest, NotOf, Policy

Finding = tuple[tuple[str | int, ...], str]

#: Which comparisons each fact type accepts.
OPERATORS: dict[FactType, frozenset[str]] = {
    FactType.BOOL: frozenset({"is", "known"}),
    FactType.INT: frozenset({"is", "at_least", "at_most", "known"}),
    FactType.SCHOOL_DAY_COUNT: frozenset({"at_least", "at_most", "known"}),
    FactType.ENUM: frozenset({"is", "in", "known"}),
    FactType.ENUM_SET: frozenset({"includes_any", "known"}),
}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_policy(policy: Policy) -> Iterator[Finding]:
    source_ids = [s.id for s in policy.sources]
    yield from _duplicates(source_ids, "sources", "source id")
    yield from _duplicates([r.id for r in policy.rules], "rules", "rule id")
    if policy.effective_from and policy.effective_to and policy.effective_to < policy.effective_from:
        yield ("effective_to",), "is before effective_from"
    for i, rule in enumerate(policy.rules):
        base: tuple[str | int, ...] = ("rules", i)
        for loc, cite in [((*base, "citation"), rule.citation)] + [
            ((*base, "also_cites", j), c) for j, c in enumerate(rule.also_cites)
        ]:
            if cite.source not in source_ids:
                yield (*loc, "source"), (
                    f"cites undeclared source {cite.source!r}"
                    + did_you_mean(cite.source, source_ids)
                )
        if rule.effective_from and rule.effective_to and rule.effective_to < rule.effective_from:
            yield (*base, "effective_to"), "is before effective_from"
        if rule.when is not None:
            yield from check_condition(rule.when, (*base, "when"))
        if rule.until is not None:
            yield from check_condition(rule.until, (*base, "until"))
        for j, action in enumerate(rule.then):
            aloc = (*base, "then", j)
            if action.forbidden and (action.deadline or action.repeat):
                yield aloc, "a forbidden action takes no deadline or repeat"
            if action.repeat is not None and (
                action.deadline is None or action.deadline.type != DeadlineType.BY
            ):
                yield (*aloc, "repeat"), "a recurring action needs a 'by' deadline for its first time"
            if action.deadline is not None and action.deadline.anchor not in ANCHORS:
                yield (*aloc, "deadline", "anchor"), (
                    f"unknown anchor {action.deadline.anchor!r}"
                    + did_you_mean(action.deadline.anchor, ANCHORS)
                )
    for i, item in enumerate(policy.not_encoded):
        if item.source not in source_ids:
            yield ("not_encoded", i, "source"), (
                f"names undeclared source {item.source!r}" + did_you_mean(item.source, source_ids)
            )


def _duplicates(ids: list[str], field: str, what: str) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for i, x in enumerate(ids):
        if x in seen:
            yield (field, i, "id"), f"duplicate {what} {x!r} (also at {field}[{seen[x]}])"
        else:
            seen[x] = i


def check_condition(cond: Condition, loc: tuple[str | int, ...]) -> Iterator[Finding]:
    if isinstance(cond, AllOf):
        for i, c in enumerate(cond.all):
            yield from check_condition(c, (*loc, "all", i))
    elif isinstance(cond, AnyOf):
        for i, c in enumerate(cond.any):
            yield from check_condition(c, (*loc, "any", i))
    elif isinstance(cond, NotOf):
        yield from check_condition(cond.not_, (*loc, "not"))
    else:
        yield from _check_test(cond, loc)


def _check_test(test: FactTest, loc: tuple[str | int, ...]) -> Iterator[Finding]:
    fact = FACTS.get(test.fact)
    if fact is None:
        yield (*loc, "fact"), f"unknown fact {test.fact!r}" + did_you_mean(test.fact, FACTS)
        return
    op, operand = test.operator, test.operand
    if op not in OPERATORS[fact.type]:
        allowed = ", ".join(sorted(OPERATORS[fact.type]))
        yield (*loc, op), f"{test.fact} is a {fact.type.value}: use one of {allowed}"
        return
    if op == "known":
        return
    if fact.type is FactType.BOOL and not isinstance(operand, bool):
        yield (*loc, op), f"{test.fact} is a boolean: write true or false"
    elif fact.type is FactType.INT and op == "is" and (
        isinstance(operand, bool) or not isinstance(operand, int)
    ):
        yield (*loc, op), f"{test.fact} is an integer"
    elif fact.type in (FactType.ENUM, FactType.ENUM_SET):
        assert fact.enum is not None
        values = operand if isinstance(operand, list) else [operand]
        yield from _check_members(values, fact.enum, (*loc, op), test.fact, many=op != "is")


def _check_members(
    values: list[object], enum: type[Enum], loc: tuple[str | int, ...], name: str, *, many: bool
) -> Iterator[Finding]:
    allowed = [m.value for m in enum]
    for k, v in enumerate(values):
        where = (*loc, k) if many else loc
        if not isinstance(v, str) or v not in allowed:
            hint = did_you_mean(v, allowed) if isinstance(v, str) else ""
            yield where, f"{v!r} is not a value of {name}{hint}; expected one of {', '.join(allowed)}"
