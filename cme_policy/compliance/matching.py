"""Comparing a pack's actions with the national baseline's, in the shared vocabulary only.

Nothing here knows any authority's rule ids. An action of a pack answers a baseline action when
it has an equivalent kind (:data:`EQUIVALENT_KINDS`), an actor on the same side (school or local
authority, :func:`same_side`) and a condition that does not contradict the baseline's. Its
timing is then compared on the same anchor:

* A deadline is a timing: ``by`` (due by) or ``not_before`` (earliest permitted).
* A condition is read as timing too. ``absence.continuous_school_days at_least N`` is "N school
  days of absence": for a duty, the same as ``by: N school days after absence_started`` (both
  say the duty comes once N days are counted, the baseline's absence return has no day of its
  own); for a permission it permits from absence day N, i.e. ``not_before: N-1 school days``.
  ``history.X is true`` on a permission means not before the day X is recorded.
* Durations in the same unit are compared by number. Across units, calendar days are never
  later than working days, which are never later than school days, for the same number; other
  mixes are compared by the calendar days they can span (months: 28 to 31 days a month; school
  days: unbounded, because of holidays). A timing that *can* fall on the wrong side of the
  baseline (later for a ``by``, earlier for a ``not_before``) is weaker than required.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum

from ..pack.model import Action, AllOf, Condition, Duration, FactTest, Rule
from ..vocabulary import ActionKind, Actor, DeadlineType, EventKind, Permission
from .report import Status

#: Action kinds that discharge each baseline kind (a CME referral is a notice to the LA).
EQUIVALENT_KINDS: dict[ActionKind, frozenset[ActionKind]] = {
    ActionKind.NOTIFY_LA_OF_ABSENCE: frozenset(
        {
            ActionKind.NOTIFY_LA_OF_ABSENCE,
            ActionKind.REFER_TO_CME,
            ActionKind.INFORM_CME_TEAM,
            ActionKind.INFORM_EWO,
        }
    ),
}

SCHOOL_SIDE = frozenset({Actor.SCHOOL})
LA_SIDE = frozenset(
    {
        Actor.LA_CME_TEAM,
        Actor.LA_ATTENDANCE_TEAM,
        Actor.LA_ADMISSIONS,
        Actor.LA_EHE_TEAM,
        Actor.EDUCATION_WELFARE_OFFICER,
        Actor.SCHOOL_LIAISON_OFFICER,
        Actor.EDUCATION_SAFEGUARDING_TEAM,
        Actor.VIRTUAL_SCHOOL,
    }
)
EITHER_SIDE = frozenset({Actor.ANY_PROFESSIONAL})


#: Kinds done by school and local authority together: either side's action answers them.
JOINT_KINDS = frozenset({ActionKind.JOINT_ENQUIRIES})


def equivalent_kinds(kind: ActionKind) -> frozenset[ActionKind]:
    return EQUIVALENT_KINDS.get(kind, frozenset({kind}))


def same_side(a: Actor, b: Actor) -> bool:
    if a == b or a in EITHER_SIDE or b in EITHER_SIDE:
        return True
    return (a in SCHOOL_SIDE and b in SCHOOL_SIDE) or (a in LA_SIDE and b in LA_SIDE)


# -- conditions ---------------------------------------------------------------------------------


def conjuncts(cond: Condition | None) -> list[FactTest]:
    """The fact tests a condition requires outright (its top-level ``all``, flattened)."""
    if cond is None:
        return []
    if isinstance(cond, FactTest):
        return [cond]
    if isinstance(cond, AllOf):
        return [t for c in cond.all for t in conjuncts(c)]
    return []


def facts_tested(cond: Condition | None) -> set[str]:
    """Every fact a condition looks at, anywhere in it."""
    if cond is None:
        return set()
    if isinstance(cond, FactTest):
        return {cond.fact}
    inner = getattr(cond, "all", None) or getattr(cond, "any", None)
    if inner is not None:
        return {f for c in inner for f in facts_tested(c)}
    return facts_tested(getattr(cond, "not_", None))


def _implied(tests: list[FactTest]) -> dict[str, object]:
    """The ``is`` values a condition requires, with what the fact catalogue implies: a recorded
    tracing outcome (found_on_roll_elsewhere, confirmed_abroad...) means whereabouts.known."""
    from ..facts import TRACING_EVENTS

    got: dict[str, object] = {t.fact: t.operand for t in tests if t.operator == "is"}
    tracing = {f"history.{e.value}" for e in TRACING_EVENTS}
    if any(got.get(f) is True for f in tracing):
        got.setdefault("whereabouts.known", True)
    for (fact, value), (other, implied) in IMPLIES.items():
        if fact in got and got[fact] == value:
            got.setdefault(other, implied)
    return got


#: What one required value implies about another fact: an absence whose reason is not known
#: cannot have been authorised (a school authorises an absence for a reason).
IMPLIES: dict[tuple[str, object], tuple[str, object]] = {
    ("absence.explained", False): ("absence.authorised", False),
}


def requires(cond: Condition | None, fact: str, value: object) -> bool:
    """True when every case meeting ``cond`` has ``fact`` equal to ``value``."""
    got = _implied(conjuncts(cond))
    return fact in got and got[fact] == value


def contradicts(a: Condition | None, b: Condition | None) -> bool:
    """True when the two conditions require different values of the same fact, so no case can
    meet both (the rules speak of different children)."""
    va, vb = _implied(conjuncts(a)), _implied(conjuncts(b))
    return any(f in vb and vb[f] != v for f, v in va.items())


def fact_test_words(t: FactTest) -> str:
    value = t.operand
    if isinstance(value, bool):
        value = str(value).lower()
    elif isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    op = {
        "is": "is",
        "in": "is one of",
        "includes_any": "includes any of",
        "at_least": "is at least",
        "at_most": "is at most",
        "known": "known:",
    }[t.operator]
    return f"{t.fact} {op} {value}"


def condition_words(cond: Condition) -> str:
    """A condition in words, compound parts included (for scope notes)."""
    if isinstance(cond, FactTest):
        return fact_test_words(cond)
    if isinstance(cond, AllOf):
        return "all of (" + "; ".join(condition_words(c) for c in cond.all) + ")"
    inner = getattr(cond, "any", None)
    if inner is not None:
        return "any of (" + "; ".join(condition_words(c) for c in inner) + ")"
    return "not (" + condition_words(cond.not_) + ")"  # type: ignore[union-attr]


def _top_level(cond: Condition | None) -> list[Condition]:
    if cond is None:
        return []
    if isinstance(cond, AllOf):
        return [x for c in cond.all for x in _top_level(c)]
    return [cond]


def implied_by(base: Condition | None, part: Condition, *, ignore: AbstractSet[str] = frozenset()) -> bool:
    """True when every case meeting ``base`` meets ``part`` as far as the checker can show:
    the same test, an ``is`` value the baseline requires (with :data:`IMPLIES`), a fact in
    ``ignore``, every member of an ``all``, or some branch of an ``any``. A ``not`` is implied
    only when the baseline has the very same part. Anything else is not shown to be implied."""
    if part in _top_level(base):
        return True
    if isinstance(part, FactTest):
        return part.fact in ignore or (part.operator == "is" and requires(base, part.fact, part.operand))
    if isinstance(part, AllOf):
        return all(implied_by(base, c, ignore=ignore) for c in part.all)
    branches = getattr(part, "any", None)
    if branches is not None:
        return any(implied_by(base, c, ignore=ignore) for c in branches)
    return False


def narrowing(local: Condition | None, base: Condition | None, *, ignore: set[str]) -> list[str]:
    """The parts of a local rule's condition that a case meeting the baseline's need not meet,
    in words: each one leaves out some children the national rule covers.

    Each top-level part of the local condition is checked with :func:`implied_by`; facts in
    ``ignore`` are compared as timing, not scope. The checker does not try to prove two
    different compounds equivalent: a part it cannot show to be implied narrows, and is named.
    """
    return [condition_words(part) for part in _top_level(local) if not implied_by(base, part, ignore=ignore)]


# -- timings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    type: DeadlineType
    anchor: str
    after: Duration
    from_condition: bool = False

    @property
    def is_threshold(self) -> bool:
        """A duty that arises once N school days of absence are counted (no date of its own)."""
        return self.from_condition and self.type is DeadlineType.BY

    def describe(self) -> str:
        word = "by" if self.type is DeadlineType.BY else "not before"
        anchor = self.anchor
        if self.after.unit in ("same_day", "immediately") or self.after.amount == 0:
            text = f"{word} the day of {anchor}"
        elif self.is_threshold:
            return f"once {self.after.describe()} of absence are counted (from its condition)"
        elif anchor == "absence_started" and self.after.unit == "school_days":
            n = self.after.amount
            text = f"{word} {self.after.describe()} after absence_started (absence day {n + 1})"
        else:
            text = f"{word} {self.after.describe()} after {anchor}"
        return text + (" [read from its condition]" if self.from_condition else "")


_EVENTS = {k.value for k in EventKind}
_ABSENCE_COUNT = "absence.continuous_school_days"


def is_permission(action: Action) -> bool:
    return action.deadline is not None and action.deadline.type is DeadlineType.NOT_BEFORE


def is_ground(action: Action) -> bool:
    """A "not before" action that is a lawful basis for the action (``permission: ground``)."""
    return is_permission(action) and getattr(action, "permission", None) is Permission.GROUND


def is_restriction(action: Action) -> bool:
    """A "not before" action that only adds a condition. An action that does not say which it
    is counts as a restriction: it cannot be shown to be a basis for anything."""
    return is_permission(action) and not is_ground(action)


def timings(rule: Rule, action: Action, *, permission: bool) -> list[Timing]:
    """Every timing an action carries: its deadline, and what its rule's condition implies."""
    out: list[Timing] = []
    if action.deadline is not None:
        out.append(Timing(action.deadline.type, action.deadline.anchor, action.deadline.after))
    for t in conjuncts(rule.when):
        if t.fact == _ABSENCE_COUNT and t.operator == "at_least":
            n = int(t.operand)
            if permission:
                after = Duration(school_days=n - 1) if n > 1 else Duration(same_day=True)
                out.append(Timing(DeadlineType.NOT_BEFORE, "absence_started", after, True))
            else:
                out.append(Timing(DeadlineType.BY, "absence_started", Duration(school_days=n), True))
        elif permission and t.operator == "is" and t.operand is True and t.fact.startswith("history."):
            event = t.fact.removeprefix("history.")
            if event in _EVENTS:
                out.append(Timing(DeadlineType.NOT_BEFORE, event, Duration(same_day=True), True))
    unique: list[Timing] = []
    for t in out:
        if not any((u.type, u.anchor, u.after) == (t.type, t.anchor, t.after) for u in unique):
            unique.append(t)
    return unique


# -- durations ----------------------------------------------------------------------------------

_RANK = {"calendar_days": 0, "working_days": 1, "school_days": 2}


def _bounds(d: Duration) -> tuple[int, int | None]:
    """The calendar days a duration can span after its anchor: (fewest, most or None)."""
    unit, n = d.unit, d.amount
    if unit in ("immediately", "same_day") or n == 0:
        return 0, 0
    if unit == "calendar_days":
        return n, n
    if unit == "working_days":
        return n, n + 2 * ((n + 4) // 5) + 4  # weekends, and up to four bank holidays
    if unit == "months":
        return 28 * n, 31 * n
    return n, None  # school days: holidays make it unbounded


class Order(StrEnum):
    SAME = "same"
    NEVER_LATER = "never_later"  # the local date is never after the baseline's (and can be before)
    NEVER_EARLIER = "never_earlier"
    EITHER = "either"  # before or after, depending on the calendar


def order(local: Duration, base: Duration) -> Order:
    """How a local period after an anchor falls against the baseline's, from the same anchor."""
    lz = local.unit in ("immediately", "same_day") or local.amount == 0
    bz = base.unit in ("immediately", "same_day") or base.amount == 0
    if lz and bz:
        return Order.SAME
    if lz:
        return Order.NEVER_LATER
    if bz:
        return Order.NEVER_EARLIER
    lu, bu, ln, bn = local.unit, base.unit, local.amount, base.amount
    if lu == bu:
        return Order.SAME if ln == bn else (Order.NEVER_LATER if ln < bn else Order.NEVER_EARLIER)
    if lu in _RANK and bu in _RANK:
        if _RANK[lu] <= _RANK[bu] and ln <= bn:
            return Order.NEVER_LATER
        if _RANK[lu] >= _RANK[bu] and ln >= bn:
            return Order.NEVER_EARLIER
    l_lo, l_hi = _bounds(local)
    b_lo, b_hi = _bounds(base)
    if l_hi is not None and l_hi <= b_lo:
        return Order.NEVER_LATER
    if b_hi is not None and l_lo >= b_hi:
        return Order.NEVER_EARLIER
    return Order.EITHER


def judge(local: Timing, base: Timing) -> tuple[Status, str]:
    """The status of a local timing against the baseline's (same anchor), with the reason."""
    o = order(local.after, base.after)
    lt, bt = local.describe(), base.describe()
    if base.type is DeadlineType.NOT_BEFORE:
        verdicts = {
            Order.SAME: (Status.MET, f"same earliest date: {lt}"),
            Order.NEVER_EARLIER: (Status.STRICTER, f"{lt}: never earlier than the national {bt}"),
            Order.NEVER_LATER: (Status.WEAKER, f"{lt}: earlier than the national {bt}"),
            Order.EITHER: (Status.WEAKER, f"{lt}: can fall earlier than the national {bt}"),
        }
        if local.type is DeadlineType.BY and o is not Order.SAME and o is not Order.NEVER_EARLIER:
            return Status.WEAKER, f"{lt} requires it before the national earliest date ({bt})"
        return verdicts[o]
    if local.type is DeadlineType.NOT_BEFORE:
        return Status.CANNOT_TELL, (
            f"the local rule only permits it ({lt}); the national rule requires it ({bt})"
        )
    if base.is_threshold:
        lt = f"{lt} (a threshold of {local.after.describe()} of absence)" if not local.is_threshold else lt
        verdicts = {
            Order.SAME: (Status.MET, f"same threshold: {lt}"),
            Order.NEVER_LATER: (Status.STRICTER, f"lower threshold: {lt}; national: {bt}"),
            Order.NEVER_EARLIER: (Status.WEAKER, f"higher threshold: {lt}; national: {bt}"),
            Order.EITHER: (Status.WEAKER, f"{lt}: can be later than the national {bt}"),
        }
        return verdicts[o]
    verdicts = {
        Order.SAME: (Status.MET, f"same timing: {lt}"),
        Order.NEVER_LATER: (Status.STRICTER, f"{lt}: never later than the national {bt}"),
        Order.NEVER_EARLIER: (Status.WEAKER, f"{lt}: later than the national {bt}"),
        Order.EITHER: (Status.WEAKER, f"{lt}: can fall later than the national {bt} (weekends, holidays)"),
    }
    return verdicts[o]


def walk_rules(rules: tuple[Rule, ...] | list[Rule]) -> Iterator[tuple[Rule, int, Action]]:
    for rule in rules:
        for i, action in enumerate(rule.then):
            yield rule, i, action
