"""Each national deletion ground permits removal only when all of its conditions hold, in every
shipped pack (local packs are evaluated on the national floor, so they inherit the grounds).

For every ground rule of ``england`` a case is built that meets the ground in full on a day the
rule is in force; hypothesis then breaks one of its conditions (a fact made false or left
unknown, a dated record removed, the day moved before a gate) and checks through the public API
that the ground no longer permits removal. The deletion return "as soon as the ground is met"
is checked against the same cases.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cme_policy import evaluate, load_policy, shipped_policies
from cme_policy.pack.model import AllOf, AnyOf, FactTest
from cme_policy.vocabulary import ActionKind, DeadlineType, EventKind, Permission, Status

ENGLAND = load_policy("england")
PACKS = shipped_policies()
TERMS = {
    2025: [
        {"start_on": "2025-09-03", "end_on": "2025-10-17"},
        {"start_on": "2025-10-27", "end_on": "2025-12-19"},
    ],
    2023: [
        {"start_on": "2023-09-04", "end_on": "2023-10-20"},
        {"start_on": "2023-10-30", "end_on": "2023-12-20"},
    ],
    2015: [
        {"start_on": "2015-09-02", "end_on": "2015-10-23"},
        {"start_on": "2015-11-02", "end_on": "2015-12-18"},
    ],
}
EVENTS = {k.value for k in EventKind}


def _ground_rules() -> list[Any]:
    return [
        r
        for r in ENGLAND.rules
        if r.commencement is None
        and any(a.kind is ActionKind.REMOVE_FROM_ROLL and a.permission is Permission.GROUND for a in r.then)
    ]


GROUNDS = _ground_rules()


def _regime_year(rule: Any) -> int:
    start = rule.effective_from or dt.date(2006, 9, 1)
    if start >= dt.date(2024, 8, 19):
        return 2025
    if rule.effective_to and rule.effective_to < dt.date(2016, 9, 1):
        return 2015
    return 2023


def _leaves(cond: Any) -> list[Any]:
    """The top-level conjuncts of a condition (an `any` stays one conjunct)."""
    if isinstance(cond, AllOf):
        return list(cond.all)
    return [cond]


def _set_fact(case: dict, test: FactTest, day: dt.date) -> None:
    """Make one fact test true in the case (first branch of a choice)."""
    fact, op, value = test.fact, test.operator, test.operand
    if fact.startswith("history."):
        name = fact.removeprefix("history.")
        if value is True and not any(e["event"] == name for e in case["history"]):
            case["history"].append({"event": name, "on": day.isoformat()})
        return
    if fact == "education.home_education_notice_in_writing":
        case["history"].append(
            {"event": "home_education_notified", "on": day.isoformat(), "in_writing": True}
        )
        return
    if fact == "absence.continuous_school_days":
        return  # set with the absence below
    if fact == "absence.school_days_since_leave_ended":
        return
    group, field = fact.split(".", 1)
    if op == "in":
        value = value[0]
    elif op == "at_least":
        value = int(value)
    case.setdefault(group, {})[field] = value


def _met_case(rule: Any) -> tuple[dict, dt.date]:
    """A case meeting the ground in full, and the day it is met (all gates passed)."""
    year = _regime_year(rule)
    event_day = {2025: dt.date(2025, 10, 1), 2023: dt.date(2023, 10, 4), 2015: dt.date(2015, 10, 7)}[year]
    born = "2006-06-14" if year == 2015 else "2015-06-14"
    case: dict = {
        "child": {"date_of_birth": born},
        "school": {"term_dates": [{"academic_year": f"{year}/{str(year + 1)[2:]}", "terms": TERMS[year]}]},
        "absence": {"first_day_on": {2025: "2025-09-08", 2023: "2023-09-11", 2015: "2015-09-07"}[year]},
        "history": [],
    }
    for part in _leaves(rule.when):
        if isinstance(part, AnyOf):
            part = part.any[0]
        assert isinstance(part, FactTest), (rule.id, part)
        _set_fact(case, part, event_day)
    on = event_day
    for action in rule.then:
        d = action.deadline
        if (
            action.kind is not ActionKind.REMOVE_FROM_ROLL
            or d is None
            or d.type is not DeadlineType.NOT_BEFORE
        ):
            continue
        if d.anchor == "compulsory_school_age_ends":
            # Born 23 Sep 2007 / 2009: compulsory school age ends Fri 28 Jun 2024 / Fri 26 Jun 2026.
            case["child"]["date_of_birth"] = "2009-09-23" if year == 2025 else "2007-09-23"
            on = max(on, dt.date(2026, 6, 26) if year == 2025 else dt.date(2024, 6, 28))
        elif d.anchor in EVENTS and not any(e["event"] == d.anchor for e in case["history"]):
            case["history"].append({"event": d.anchor, "on": event_day.isoformat()})
    if any(e["event"] == "leave_of_absence_ended" for e in case["history"]):
        case["history"] = [
            {**e, "on": case["absence"]["first_day_on"]} if e["event"] == "leave_of_absence_ended" else e
            for e in case["history"]
        ]
    # Every gate counted in school days from the absence or the leave is passed within two
    # terms: evaluate late enough for any of them.
    on = max(on, dt.date(year, 12, 1))
    return case, on


def _ground_finding(result: Any, rule_id: str) -> Any:
    entry = result.action(ActionKind.REMOVE_FROM_ROLL, "school")
    if entry is None:
        return None, None
    return entry, next((r for r in entry.rules if r.rule_id == rule_id), None)


@pytest.mark.parametrize("rule", GROUNDS, ids=[r.id for r in GROUNDS])
def test_the_ground_is_met_in_full_on_its_case(rule):
    case, on = _met_case(rule)
    entry, finding = _ground_finding(evaluate(ENGLAND, case, on=on), rule.id)
    assert finding is not None and finding.status is Status.PERMITTED, (rule.id, finding)
    assert entry.status is Status.PERMITTED


def _breaks(rule: Any) -> list[tuple[str, Any]]:
    """Each way of taking one condition away: (description, function case -> case)."""
    out: list[tuple[str, Any]] = []

    def unset(group: str, field: str):
        def f(c: dict) -> dict:
            c.get(group, {}).pop(field, None)
            return c

        return f

    def drop_event(name: str):
        def f(c: dict) -> dict:
            c["history"] = [e for e in c["history"] if e["event"] != name]
            return c

        return f

    for part in _leaves(rule.when):
        tests = part.any if isinstance(part, AnyOf) else [part]
        if not all(isinstance(t, FactTest) for t in tests):
            continue
        if all(t.fact.startswith("history.") and t.operand is True for t in tests):
            names = [t.fact.removeprefix("history.") for t in tests]
            out.append((f"no {'/'.join(names)}", lambda c, n=names: [drop_event(x)(c) for x in n][-1]))
            continue
        if len(tests) != 1:
            continue
        t = tests[0]
        if t.fact.startswith("history.") or t.fact in (
            "absence.continuous_school_days",
            "absence.school_days_since_leave_ended",
            "education.home_education_notice_in_writing",
        ):
            continue
        group, field = t.fact.split(".", 1)
        out.append((f"{t.fact} unknown", unset(group, field)))
        if t.operator == "is" and isinstance(t.operand, bool):
            out.append(
                (
                    f"{t.fact} {not t.operand}",
                    lambda c, g=group, f=field, v=not t.operand: (c.setdefault(g, {}).__setitem__(f, v), c)[
                        1
                    ],
                )
            )
        elif t.operator == "at_least":
            out.append(
                (
                    f"{t.fact} below {t.operand}",
                    lambda c, g=group, f=field, v=int(t.operand) - 1: (
                        c.setdefault(g, {}).__setitem__(f, v),
                        c,
                    )[1],
                )
            )
        elif t.operator == "in":
            other = next(x for x in ("maintained", "academy", "independent") if x not in t.operand)
            out.append(
                (
                    f"{t.fact} {other}",
                    lambda c, g=group, f=field, v=other: (c.setdefault(g, {}).__setitem__(f, v), c)[1],
                )
            )
    for action in rule.then:
        d = action.deadline
        if action.permission is Permission.GROUND and d is not None and d.anchor in EVENTS:
            out.append((f"gate {d.anchor} not recorded", drop_event(d.anchor)))
    return out


CASES = [(rule, name, fn) for rule in GROUNDS for name, fn in _breaks(rule)]


@pytest.mark.parametrize("pack_id", PACKS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_ground_missing_one_condition_never_permits_removal(pack_id, data):
    rule, what, breaker = data.draw(st.sampled_from(CASES), label="ground and broken condition")
    case, on = _met_case(rule)
    case = breaker(copy.deepcopy(case))
    result = evaluate(load_policy(pack_id), case, on=on)
    entry, finding = _ground_finding(result, rule.id)
    if finding is not None:
        assert finding.status is not Status.PERMITTED, (pack_id, rule.id, what, finding)
    if entry is not None and entry.status is Status.PERMITTED:
        # Permitted on another ground that is itself met in full, never on this one.
        assert entry.rule_id != rule.id, (pack_id, rule.id, what)
        binding = next(r for r in entry.rules if r.rule_id == entry.rule_id)
        assert binding.status is Status.PERMITTED


@pytest.mark.parametrize("rule", GROUNDS, ids=[r.id for r in GROUNDS])
def test_the_deletion_return_is_prompted_once_the_ground_is_met(rule):
    if "ceases_compulsory_school_age" in rule.id:
        pytest.skip("leaving compulsory school age: most such deletions need no return (reg 12(8), 13(5))")
    if rule.effective_to and rule.effective_to < dt.date(2016, 9, 1):
        pytest.skip("before 1 Sep 2016 the 2006 Regulations' deletion return is not encoded")
    case, on = _met_case(rule)
    result = evaluate(ENGLAND, case, on=on)
    entry = result.action(ActionKind.NOTIFY_LA_OF_REMOVAL, "school")
    assert entry is not None and entry.status is Status.DUE, (rule.id, entry)
