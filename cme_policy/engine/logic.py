"""Three-valued (Kleene) evaluation of conditions over a case view.

``True``/``False`` are known answers; ``UNKNOWN`` means the case does not say enough. A rule
whose condition is unknown reports the facts it needs; it never silently does not apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..calendar import Count
from ..facts import FACTS, UNKNOWN, CaseView
from ..pack.model import AllOf, AnyOf, Condition, FactTest, NotOf


@dataclass
class Outcome:
    value: Any  # True, False or UNKNOWN
    needed: set[str] = field(default_factory=set)
    because: list[str] = field(default_factory=list)  # why it came out as it did


class Evaluator:
    """Evaluates conditions for one case view, reading each fact once."""

    def __init__(self, view: CaseView) -> None:
        self.view = view
        self._facts: dict[str, Any] = {}

    def fact(self, name: str) -> Any:
        if name not in self._facts:
            self._facts[name] = FACTS[name].read(self.view)
        return self._facts[name]

    def eval(self, cond: Condition) -> Outcome:
        if isinstance(cond, AllOf):
            return self._all([self.eval(c) for c in cond.all])
        if isinstance(cond, AnyOf):
            return self._any([self.eval(c) for c in cond.any])
        if isinstance(cond, NotOf):
            inner = self.eval(cond.not_)
            if inner.value is UNKNOWN:
                return Outcome(UNKNOWN, inner.needed)
            return Outcome(not inner.value, set(), [f"not ({'; '.join(inner.because)})"])
        return self._test(cond)

    @staticmethod
    def _all(parts: list[Outcome]) -> Outcome:
        falses = [p for p in parts if p.value is False]
        if falses:
            return Outcome(False, set(), falses[0].because)
        if all(p.value is True for p in parts):
            return Outcome(True, set(), [b for p in parts for b in p.because])
        return Outcome(UNKNOWN, set().union(*(p.needed for p in parts if p.value is UNKNOWN)))

    @staticmethod
    def _any(parts: list[Outcome]) -> Outcome:
        trues = [p for p in parts if p.value is True]
        if trues:
            return Outcome(True, set(), trues[0].because)
        if all(p.value is False for p in parts):
            return Outcome(False, set(), [b for p in parts for b in p.because][:1])
        return Outcome(UNKNOWN, set().union(*(p.needed for p in parts if p.value is UNKNOWN)))

    def _test(self, test: FactTest) -> Outcome:
        value = self.fact(test.fact)
        op, operand = test.operator, test.operand
        if op == "known":
            got = value is not UNKNOWN
            return Outcome(got == operand, set(), [f"{test.fact} is {'known' if got else 'unknown'}"])
        if value is UNKNOWN:
            return Outcome(UNKNOWN, {test.fact})
        result = _compare(value, op, operand)
        if result is UNKNOWN:
            return Outcome(UNKNOWN, {f"{test.fact} (term dates)"})
        return Outcome(result, set(), [_describe(test.fact, value, op, operand, result)])


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


def _describe(name: str, value: Any, op: str, operand: Any, result: bool) -> str:
    if isinstance(value, Count):
        shown = str(value.low) if value.low == value.high else f"{value.low}-{value.high}"
        return f"{name} is {shown}"
    if isinstance(value, bool):
        return f"{name} is {str(value).lower()}"
    if op == "includes_any":
        hits = sorted(_plain(v) for v in value if _plain(v) in operand)
        return (
            f"{name} includes {', '.join(hits)}"
            if result
            else f"{name} includes none of {', '.join(operand)}"
        )
    return f"{name} is {_plain(value)}"
