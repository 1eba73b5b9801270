"""Load-time checks a schema cannot express: facts, types, anchors, citations, duplicates.

Each check yields ``(loc, message)`` pairs; the loader turns them into located problems, so a
pack author sees every problem at once with its file:line.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from enum import Enum

from ..facts import ANCHORS, FACTS, TRACING_EVENTS, FactType
from ..suggest import did_you_mean
from ..vocabulary import STATUTORY_GROUNDS, DeadlineType, Permission
from .model import Action, AllOf, AnyOf, Condition, Deadline, FactTest, NotOf, Policy, Rule

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


# -- conditions that can never hold ------------------------------------------------------------

Loc = tuple[str | int, ...]
#: A fact test in a conjunction: where it is, and the test (``not`` of a yes/no test folded in).
Literal_ = tuple[Loc, FactTest]

#: Facts the catalogue derives from others: ``whereabouts.known`` is true once a tracing outcome
#: is recorded, ``child.has_safeguarding_concerns`` once a child protection plan is known.
_IMPLIES_TRUE: dict[str, str] = {
    **{f"history.{k.value}": "whereabouts.known" for k in TRACING_EVENTS},
    "child.child_protection_plan": "child.has_safeguarding_concerns",
}


def _literals(cond: Condition, loc: Loc) -> tuple[list[Literal_], list[tuple[Loc, Condition]]]:
    """The fact tests that must all hold for ``cond`` to hold, and its other parts (opaque)."""
    if isinstance(cond, FactTest):
        return [(loc, cond)], []
    if isinstance(cond, AllOf):
        lits: list[Literal_] = []
        rest: list[tuple[Loc, Condition]] = []
        for i, c in enumerate(cond.all):
            a, b = _literals(c, (*loc, "all", i))
            lits += a
            rest += b
        return lits, rest
    if isinstance(cond, AnyOf) and len(cond.any) == 1:
        return _literals(cond.any[0], (*loc, "any", 0))
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


def _first_clash(lits: list[Literal_]) -> tuple[Literal_, Literal_] | None:
    for j, (_, b) in enumerate(lits):
        for i in range(j):
            a = lits[i][1]
            if (a.fact == b.fact and _clash(a, b)) or _derived_clash(a, b):
                return lits[i], lits[j]
    return None


def never_holds(cond: Condition, loc: Loc) -> Iterator[Finding]:
    """Conjunctions (``all``, at any depth) whose fact tests cannot all be true at once."""
    lits, rest = _literals(cond, loc)
    clash = _first_clash(lits)
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


def format_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


# -- rules against each other ------------------------------------------------------------------


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
    lits, rest = _literals(rule.when, ())
    if _first_clash(lits) is not None:
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
    return _first_clash(lits) is None


def _fact_tests(rule: Rule) -> list[FactTest]:
    return [t for _, t in _literals(rule.when, ())[0]] if rule.when is not None else []


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
