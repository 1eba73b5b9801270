"""Three-valued conditions: the fast value-only closures agree with the explaining ones.

Every rule is first tested with :meth:`Evaluator.value` (no reasons kept); only the rules that
are not certainly false are evaluated again with :meth:`Evaluator.eval` for their reasons. The
two compilations must give the same value on every condition and every mix of known, false and
unknown facts, including school-day counts known only within a range.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from cme_policy import load_policy, parse_case
from cme_policy.calendar import Count
from cme_policy.engine.logic import Evaluator, rises_with_time
from cme_policy.facts import UNKNOWN, CaseView
from cme_policy.pack.model import AllOf, AnyOf, FactTest, NotOf

BOOLS = ["child.looked_after", "school.on_roll", "absence.explained", "whereabouts.known"]
COUNT = "absence.continuous_school_days"
SET = "child.safeguarding_concerns"
LEVEL = "risk.level"

CONCERNS = ["forced_marriage", "child_protection"]
LEVELS = ["high", "low", "not_assessed"]


def some(values: list[str]) -> st.SearchStrategy[set[str]]:
    return st.sets(st.sampled_from(values), min_size=1)


tri = st.sampled_from([True, False, UNKNOWN])


@st.composite
def counts(draw: st.DrawFn) -> object:
    low = draw(st.integers(0, 30))
    return draw(st.sampled_from([UNKNOWN, Count(low, low), Count(low, low + draw(st.integers(0, 5)))]))


facts = st.fixed_dictionaries(
    {
        **dict.fromkeys(BOOLS, tri),
        COUNT: counts(),
        SET: st.sampled_from([UNKNOWN, frozenset(), frozenset(CONCERNS[:1]), frozenset(CONCERNS)]),
        LEVEL: st.sampled_from([UNKNOWN, "not_assessed", "high", "low"]),
    }
)

tests = st.one_of(
    st.builds(lambda f, v: FactTest(fact=f, is_=v), st.sampled_from(BOOLS), st.booleans()),
    st.builds(lambda f, v: FactTest(fact=f, known=v), st.sampled_from([*BOOLS, COUNT, SET]), st.booleans()),
    st.builds(lambda n: FactTest(fact=COUNT, at_least=n), st.integers(0, 30)),
    st.builds(lambda n: FactTest(fact=COUNT, at_most=n), st.integers(0, 30)),
    st.builds(lambda v: FactTest(fact=SET, includes_any=sorted(v)), some(CONCERNS)),
    st.builds(lambda v: FactTest(fact=LEVEL, in_=sorted(v)), some(LEVELS)),
    st.builds(lambda v: FactTest(fact=LEVEL, is_=v), st.sampled_from(["high", "low"])),
)

conditions = st.recursive(
    tests,
    lambda inner: st.one_of(
        st.builds(lambda xs: AllOf(all=xs), st.lists(inner, min_size=1, max_size=4)),
        st.builds(lambda xs: AnyOf(any=xs), st.lists(inner, min_size=1, max_size=4)),
        st.builds(lambda x: NotOf(not_=x), inner),
    ),
    max_leaves=10,
)

_VIEW = CaseView(parse_case({"child": {}}), dt.date(2025, 1, 6), load_policy("kent").calendar)


@settings(max_examples=400, deadline=None)
@given(conditions, facts)
def test_value_agrees_with_the_explained_outcome(cond: object, values: dict) -> None:
    ev = Evaluator(_VIEW)
    ev.pin(values)
    outcome = ev.eval(cond)
    assert ev.value(cond) is outcome.value
    if outcome.value is UNKNOWN:
        assert outcome.needed, "an unknown answer names the facts it needs"
    else:
        assert not outcome.needed


def test_a_false_part_decides_an_all_whatever_the_unknowns() -> None:
    ev = Evaluator(_VIEW)
    ev.pin({"school.on_roll": UNKNOWN, "absence.explained": True})
    on_roll = FactTest(fact="school.on_roll", is_=True)
    cond = AllOf(all=[on_roll, FactTest(fact="absence.explained", is_=False)])
    assert ev.value(cond) is False
    assert ev.value(AnyOf(any=cond.all)) is UNKNOWN
    assert ev.value(NotOf(not_=cond)) is True


RANK = {False: 0, True: 2}


def _rank(value: object) -> int:
    return RANK.get(value, 1) if value is not UNKNOWN else 1  # type: ignore[call-overload]


@settings(max_examples=400, deadline=None)
@given(conditions, facts, st.integers(0, 10), st.integers(0, 10))
def test_a_condition_that_rises_with_time_never_falls_as_school_days_pass(
    cond: object, values: dict, more_low: int, more_high: int
) -> None:
    """What lets the engine test only the last day of a stretch with nothing recorded."""
    if not rises_with_time(cond) or values[COUNT] is UNKNOWN:
        return
    count = values[COUNT]
    later = Count(count.low + more_low, max(count.high + more_high, count.low + more_low))
    before, after = Evaluator(_VIEW), Evaluator(_VIEW)
    before.pin(values)
    after.pin({**values, COUNT: later})
    assert _rank(before.value(cond)) <= _rank(after.value(cond))
