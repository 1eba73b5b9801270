"""Load-time checks a schema cannot express: facts, types, anchors, citations, duplicates.

Each check yields ``(loc, message)`` pairs; the loader turns them into located problems, so a
pack author sees every problem at once with its file:line. Conditions that can never hold are
found by :mod:`.never_holds`; rules read against each other, and load-time warnings, by
:mod:`.rule_pairs`.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum

from ..facts import ANCHORS, FACTS, FactType
from ..suggest import did_you_mean
from ..vocabulary import STATUTORY_GROUNDS, DeadlineType, Permission
from .model import AllOf, AnyOf, Condition, FactTest, NotOf, Policy, Rule
from .never_holds import never_holds
from .rule_pairs import check_rule_pairs

Finding = tuple[tuple[str | int, ...], str]

#: Which comparisons each fact type accepts.
OPERATORS: dict[FactType, frozenset[str]] = {
    FactType.BOOL: frozenset({"is", "known"}),
    FactType.INT: frozenset({"is", "at_least", "at_most", "known"}),
    FactType.SCHOOL_DAY_COUNT: frozenset({"at_least", "at_most", "known"}),
    FactType.ENUM: frozenset({"is", "in", "known"}),
    FactType.ENUM_SET: frozenset({"includes_any", "known"}),
}


def check_policy(policy: Policy) -> Iterator[Finding]:
    """Every error a schema cannot see, in one pass: ids, citations, facts, anchors, and rules
    that can never apply, contradict each other or give two deadlines for one duty."""
    source_ids = [s.id for s in policy.sources]
    yield from _duplicates(source_ids, "sources", "source id")
    yield from _duplicates([r.id for r in policy.rules], "rules", "rule id")
    if policy.effective_from and policy.effective_to and policy.effective_to < policy.effective_from:
        yield ("effective_to",), "is before effective_from"
    for i, rule in enumerate(policy.rules):
        yield from check_rule(rule, ("rules", i), source_ids)
    yield from check_rule_pairs(list(enumerate(policy.rules)))  # type: ignore[arg-type]
    if policy.authority.kind != "national":
        yield from _local_grounds(policy)
    for i, item in enumerate(policy.not_encoded):
        if item.source not in source_ids:
            yield ("not_encoded", i, "source"), (
                f"names undeclared source {item.source!r}" + did_you_mean(item.source, source_ids)
            )


def check_rule(rule: Rule, base: tuple[str | int, ...], source_ids: list[str]) -> Iterator[Finding]:
    """The checks of one rule on its own (its citations, conditions and actions)."""
    for loc, cite in [((*base, "citation"), rule.citation)] + [
        ((*base, "also_cites", j), c) for j, c in enumerate(rule.also_cites)
    ]:
        if cite.source not in source_ids:
            yield (*loc, "source"), (
                f"cites undeclared source {cite.source!r}" + did_you_mean(cite.source, source_ids)
            )
    if rule.effective_from and rule.effective_to and rule.effective_to < rule.effective_from:
        yield (*base, "effective_to"), "is before effective_from"
    for part in ("when", "until"):
        cond = getattr(rule, part)
        if cond is not None:
            found = list(check_condition(cond, (*base, part)))
            yield from found
            if not found:  # facts and values are sound: now look for impossible combinations
                yield from never_holds(cond, (*base, part))
    for j, action in enumerate(rule.then):
        aloc = (*base, "then", j)
        if action.forbidden and (action.deadline or action.repeat):
            yield aloc, "a forbidden action takes no deadline or repeat"
        not_before = action.deadline is not None and action.deadline.type is DeadlineType.NOT_BEFORE
        if not_before and action.permission is None:
            yield (*aloc, "permission"), (
                "say what this 'not before' date is: 'permission: ground' (a lawful basis for the "
                "action) or 'permission: restriction' (a further condition on it)"
            )
        if action.permission is not None and not not_before:
            yield (*aloc, "permission"), "only a 'not before' action is a ground or a restriction"
        if action.repeat is not None and (
            action.deadline is None or action.deadline.type != DeadlineType.BY
        ):
            yield (*aloc, "repeat"), "a recurring action needs a 'by' deadline for its first time"
        if action.deadline is not None and action.deadline.anchor not in ANCHORS:
            yield (*aloc, "deadline", "anchor"), (
                f"unknown anchor {action.deadline.anchor!r}"
                + did_you_mean(action.deadline.anchor, ANCHORS)
            )


def _local_grounds(policy: Policy) -> Iterator[Finding]:
    """A local or school pack cannot add a ground the law does not give (it may restrict)."""
    for i, rule in enumerate(policy.rules):
        for j, action in enumerate(rule.then):
            if action.permission is Permission.GROUND and action.kind in STATUTORY_GROUNDS:
                yield ("rules", i, "then", j, "permission"), (
                    f"a local pack cannot give a ground for {action.kind.value}: the grounds are "
                    f"set by {STATUTORY_GROUNDS[action.kind]}; use 'permission: restriction'"
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


# -- when the pack as a whole does not validate ------------------------------------------------


def check_raw(data: object) -> Iterator[Finding]:
    """The checks above, on a pack whose model did not validate: each rule that validates on
    its own is checked, so one wrong type does not hide an unknown fact elsewhere."""
    from pydantic import TypeAdapter, ValidationError

    if not isinstance(data, dict):
        return
    sources = data.get("sources") if isinstance(data.get("sources"), list) else []
    source_ids = [s["id"] for s in sources if isinstance(s, dict) and isinstance(s.get("id"), str)]
    yield from _duplicates(source_ids, "sources", "source id")
    raw_rules = data.get("rules") if isinstance(data.get("rules"), list) else []
    ids = [r.get("id") if isinstance(r, dict) and isinstance(r.get("id"), str) else f"\0{n}"
           for n, r in enumerate(raw_rules)]
    yield from _duplicates(ids, "rules", "rule id")
    good: list[tuple[int | str, Rule]] = []
    condition = TypeAdapter(Condition)
    for i, raw in enumerate(raw_rules):
        try:
            rule = Rule.model_validate(raw)
        except ValidationError:
            if not isinstance(raw, dict):
                continue
            cite = raw.get("citation")
            if (
                isinstance(cite, dict) and isinstance(cite.get("source"), str)
                and cite["source"] not in source_ids
            ):
                yield ("rules", i, "citation", "source"), (
                    f"cites undeclared source {cite['source']!r}"
                    + did_you_mean(cite["source"], source_ids)
                )
            for part in ("when", "until"):
                if raw.get(part) is None:
                    continue
                try:
                    cond = condition.validate_python(raw[part])
                except ValidationError:
                    continue
                yield from check_condition(cond, ("rules", i, part))
            continue
        good.append((i, rule))
        yield from check_rule(rule, ("rules", i), source_ids)
    yield from check_rule_pairs(good)
