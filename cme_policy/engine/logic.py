"""Three-valued (Kleene) evaluation of conditions, compiled once per pack into closures.

``True``/``False`` are known answers; ``UNKNOWN`` means the case does not say enough. A rule
whose condition is unknown reports the facts it needs; it never silently does not apply.
Conditions are data; compiling them builds plain Python closures (no ``eval``), so each fact
test's operator and operand are looked at once, not on every case. Why a condition came out
true is kept as data and put into words only when a rule fires.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..calendar import Count
from ..facts import FACTS, UNKNOWN, CaseView, FactType
from ..pack.model import AllOf, AnyOf, Condition, FactTest, NotOf
from .memo import Remembered

#: One reason a condition holds: (fact, value, operator, operand, result), or ("not", reasons).
Because = tuple[Any, ...]


@dataclass
class Outcome:
    """A condition's value, the facts an unknown one needs, and why a known one holds.

    An outcome may be shared between every case whose facts gave it (:class:`_Explainer`): it
    is never changed once made, except to remember it in words (``words``)."""

    value: Any  # True, False or UNKNOWN
    needed: set[str] = field(default_factory=set)
    because: list[Because] = field(default_factory=list)
    #: The outcome in words, as :func:`cme_policy.engine.findings.said` puts it (made once).
    words: Any = field(default=None, compare=False, repr=False)

    def explain(self) -> list[str]:
        return [_words(b) for b in self.because]


class Evaluator:
    """Reads each fact of one case view at most once."""

    def __init__(self, view: CaseView, known: dict[str, Any] | None = None) -> None:
        self.view = view
        #: Facts read so far. ``known`` (kept, not copied) gives some at once, read in bulk
        #: (:class:`~cme_policy.fact_reader.FactReader`).
        self._facts: dict[str, Any] = known if known is not None else {}
        #: The facts fixed by :meth:`pin`, not read off the case.
        self.pinned: frozenset[str] = frozenset()

    def pin(self, values: dict[str, Any] | Any) -> None:
        """Fix some facts for this view (a child removed from roll on a day was on roll until
        the removal, whatever the case says now)."""
        self._facts.update(values)
        self.pinned = self.pinned.union(values)

    def fact(self, name: str) -> Any:
        try:
            return self._facts[name]
        except KeyError:
            return self.read(name)

    def read(self, name: str) -> Any:
        """Read a fact not read yet (the compiled tests look in ``_facts`` first themselves)."""
        value = self._facts[name] = FACTS[name].read(self.view)
        return value

    def eval(self, cond: Condition) -> Outcome:
        """The condition's value with why it holds and what it needs (for a rule that fires)."""
        return explainer(cond)(self)

    def value(self, cond: Condition) -> Any:
        """The condition's value alone (``True``, ``False`` or ``UNKNOWN``): the fast test
        made of every rule, before the few that apply are explained with :meth:`eval`."""
        return compile_value(cond)(self)


#: Not yet read from the case (a fact's value may itself be ``None``-like, never this).
_UNREAD = object()

Compiled = Callable[[Evaluator], Outcome]
Valued = Callable[[Evaluator], Any]
Explained = Callable[[Evaluator], Outcome]
#: Compiled closures per condition object (packs are immutable).
_COMPILED = Remembered(65536)
_VALUED = Remembered(65536)
_EXPLAINERS = Remembered(65536)


def explainer(cond: Condition) -> Explained:
    """``cond`` explained on an evaluator (see :class:`_Explainer`); one per condition object."""
    hit = _EXPLAINERS.get(id(cond), (cond,))
    return hit if hit is not None else _EXPLAINERS.put(id(cond), (cond,), _Explainer(cond))


class _Explainer:
    """A condition explained, remembered per the values of the facts it tests.

    Why a condition holds (or what it needs) depends on nothing but the values of its facts,
    and across a caseload the same values come again and again: a pupil on roll, absence
    unexplained, whereabouts unknown, 14 school days. So the outcome is made once per distinct
    set of values and shared (outcomes are never changed). Every fact the condition names is
    read for the key, including any a left-to-right reading would not have needed: reading a
    fact has no effect on the case, so this changes only the cost.
    """

    #: Distinct sets of fact values remembered per condition before it starts again.
    KEPT = 1024

    def __init__(self, cond: Condition) -> None:
        self.explain = compile_condition(cond)
        self.names = tuple(sorted(facts_in(cond)))
        self.seen: dict[tuple[Any, ...], Outcome] = {}

    def __call__(self, ev: Evaluator) -> Outcome:
        facts = ev._facts
        try:
            key = tuple(map(facts.__getitem__, self.names))
        except KeyError:  # a fact the test of the rule's value did not need to read
            key = tuple([ev.fact(n) for n in self.names])
        try:
            hit = self.seen.get(key)
        except TypeError:  # a value that cannot be a key: explain it afresh
            return self.explain(ev)
        if hit is None:
            if len(self.seen) >= self.KEPT:
                self.seen.clear()
            hit = self.seen[key] = self.explain(ev)
        return hit


def compile_condition(cond: Condition) -> Compiled:
    """A closure evaluating ``cond``; compiled once per condition object."""
    hit = _COMPILED.get(id(cond), (cond,))
    return hit if hit is not None else _COMPILED.put(id(cond), (cond,), _compile(cond))


def compile_value(cond: Condition) -> Valued:
    """A closure giving ``cond``'s three-valued value and nothing else; cached per condition.

    It agrees with :func:`compile_condition`'s ``value`` on every case (tests/test_logic.py):
    the same Kleene tables, read left to right, stopping at the first part that decides.
    """
    hit = _VALUED.get(id(cond), (cond,))
    return hit if hit is not None else _VALUED.put(id(cond), (cond,), _valued(cond))


def _valued(cond: Condition) -> Valued:
    if isinstance(cond, AllOf):
        # A boolean fact test inside an "all" (most of them) is read in the loop itself, not
        # through a closure of its own: (fact, wanted value), or None and the part's closure.
        steps = tuple(
            (c.fact, c.operand, None) if _is_bool_test(c) else (None, None, _valued(c)) for c in cond.all
        )

        def all_of(ev: Evaluator) -> Any:
            facts = ev._facts
            unsure = False
            for name, want, part in steps:
                if part is None:
                    got = facts.get(name, _UNREAD)
                    if got is _UNREAD:
                        got = ev.read(name)
                    if got is UNKNOWN:
                        unsure = True
                    elif got != want:
                        return False
                    continue
                got = part(ev)
                if got is False:
                    return False
                if got is not True:
                    unsure = True
            return UNKNOWN if unsure else True

        return all_of
    if isinstance(cond, AnyOf):
        # As in an "all": a boolean fact test is read in the loop itself.
        options = tuple(
            (c.fact, c.operand, None) if _is_bool_test(c) else (None, None, _valued(c)) for c in cond.any
        )

        def any_of(ev: Evaluator) -> Any:
            facts = ev._facts
            unsure = False
            for name, want, part in options:
                if part is None:
                    got = facts.get(name, _UNREAD)
                    if got is _UNREAD:
                        got = ev.read(name)
                    if got is UNKNOWN:
                        unsure = True
                    elif got == want:
                        return True
                    continue
                got = part(ev)
                if got is True:
                    return True
                if got is not False:
                    unsure = True
            return UNKNOWN if unsure else False

        return any_of
    if isinstance(cond, NotOf):
        inner = _valued(cond.not_)

        def negate(ev: Evaluator) -> Any:
            got = inner(ev)
            return got if got is UNKNOWN else not got

        return negate
    return _valued_test(cond)


def _is_bool_test(cond: Condition) -> bool:
    return isinstance(cond, FactTest) and cond.operator == "is" and isinstance(cond.operand, bool)


def _valued_test(test: FactTest) -> Valued:
    name, op, operand = test.fact, test.operator, test.operand
    if op == "known":
        return lambda ev: (ev.fact(name) is not UNKNOWN) == operand
    if op == "is" and isinstance(operand, bool):
        # The commonest test, a boolean fact: no enum value to unwrap, no count to bound.
        def is_bool(ev: Evaluator) -> Any:
            value = ev._facts.get(name, _UNREAD)
            if value is _UNREAD:
                value = ev.read(name)
            return UNKNOWN if value is UNKNOWN else value == operand

        return is_bool

    def run(ev: Evaluator) -> Any:
        value = ev._facts.get(name, _UNREAD)
        if value is _UNREAD:
            value = ev.read(name)
        return UNKNOWN if value is UNKNOWN else _compare(value, op, operand)

    return run


def _compile(cond: Condition) -> Compiled:
    if isinstance(cond, AllOf):
        parts = [_compile(c) for c in cond.all]
        return lambda ev: _all(parts, ev)
    if isinstance(cond, AnyOf):
        parts = [_compile(c) for c in cond.any]
        return lambda ev: _any(parts, ev)
    if isinstance(cond, NotOf):
        inner = _compile(cond.not_)

        def negate(ev: Evaluator) -> Outcome:
            got = inner(ev)
            if got.value is UNKNOWN:
                return Outcome(UNKNOWN, got.needed)
            return Outcome(not got.value, set(), [("not", tuple(got.because))])

        return negate
    return _compile_test(cond)


def _compile_test(test: FactTest) -> Compiled:
    name, op, operand = test.fact, test.operator, test.operand
    if op == "known":

        def known(ev: Evaluator) -> Outcome:
            got = ev.fact(name) is not UNKNOWN
            return Outcome(got == operand, set(), [(name, got, "known", operand, got == operand)])

        return known

    def run(ev: Evaluator) -> Outcome:
        value = ev.fact(name)
        if value is UNKNOWN:
            return Outcome(UNKNOWN, {name})
        result = _compare(value, op, operand)
        if result is UNKNOWN:
            return Outcome(UNKNOWN, {f"{name} (term dates)"})
        return Outcome(result, set(), [(name, value, op, operand, result)])

    return run


def _all(parts: list[Compiled], ev: Evaluator) -> Outcome:
    """Kleene AND, evaluated left to right: the first false part decides (with its reason)."""
    got = []
    for part in parts:
        p = part(ev)
        if p.value is False:
            return Outcome(False, set(), p.because)
        got.append(p)
    if all(p.value is True for p in got):
        return Outcome(True, set(), [b for p in got for b in p.because])
    return Outcome(UNKNOWN, set().union(*(p.needed for p in got if p.value is UNKNOWN)))


def _any(parts: list[Compiled], ev: Evaluator) -> Outcome:
    """Kleene OR, evaluated left to right: the first true part decides (with its reason)."""
    got = []
    for part in parts:
        p = part(ev)
        if p.value is True:
            return Outcome(True, set(), p.because)
        got.append(p)
    if all(p.value is False for p in got):
        return Outcome(False, set(), got[0].because if got else [])
    return Outcome(UNKNOWN, set().union(*(p.needed for p in got if p.value is UNKNOWN)))


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def _compare(value: Any, op: str, operand: Any) -> Any:
    if isinstance(value, Count):
        if op == "at_least":
            return True if value.low >= operand else False if value.high < operand else UNKNOWN
        if op == "at_most":
            return True if value.high <= operand else False if value.low > operand else UNKNOWN
        raise AssertionError(op)
    if op == "is":
        return _plain(value) == operand
    if op == "in":
        return _plain(value) in operand
    if op == "includes_any":
        return any(_plain(v) in operand for v in value)
    if op == "at_least":
        return value >= operand
    if op == "at_most":
        return value <= operand
    raise AssertionError(op)


def _words(because: Because) -> str:
    if because[0] == "not":
        return f"not ({'; '.join(_words(b) for b in because[1])})"
    name, value, op, operand, result = because
    if op == "known":
        return f"{name} is {'known' if value else 'unknown'}"
    if isinstance(value, Count):
        shown = str(value.low) if value.low == value.high else f"{value.low}-{value.high}"
        return f"{name} is {shown}"
    if isinstance(value, bool):
        return f"{name} is {str(value).lower()}"
    if op == "includes_any":
        if not result:
            return f"{name} includes none of {', '.join(operand)}"
        return f"{name} includes {', '.join(sorted(_plain(v) for v in value if _plain(v) in operand))}"
    return f"{name} is {_plain(value)}"


def facts_in(cond: Condition) -> set[str]:
    """Every fact a condition tests."""
    if isinstance(cond, AllOf):
        return set().union(*(facts_in(c) for c in cond.all))
    if isinstance(cond, AnyOf):
        return set().union(*(facts_in(c) for c in cond.any))
    if isinstance(cond, NotOf):
        return facts_in(cond.not_)
    return {cond.fact}


def rises_with_time(cond: Condition, negated: bool = False) -> bool:
    """Whether a condition can only grow truer (false, then unknown, then true) as school days
    pass with nothing new recorded: every school-day count in it is tested ``at_least`` (or
    ``at_most`` under a ``not``). The other facts change only on days the case records, and
    Kleene's connectives keep that order, so such a condition holds on the last day of a
    stretch with nothing recorded if it holds on any day of it."""
    if isinstance(cond, AllOf):
        return all(rises_with_time(c, negated) for c in cond.all)
    if isinstance(cond, AnyOf):
        return all(rises_with_time(c, negated) for c in cond.any)
    if isinstance(cond, NotOf):
        return rises_with_time(cond.not_, not negated)
    if FACTS[cond.fact].type is not FactType.SCHOOL_DAY_COUNT or cond.operator == "known":
        return True
    return cond.operator == ("at_most" if negated else "at_least")
