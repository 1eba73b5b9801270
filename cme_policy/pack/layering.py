"""The tighten-only check for layered packs (a school's procedure on its authority's pack).

A pack that ``extends`` another may add rules and tighten the parent's numbers, never loosen
them. This module compares a layer with the pack it extends and reports, located in the layer
file, every place where the layer would loosen the parent. Each message names both rules: the
layer's rule (the problem's own file:line) and the parent's rule, its pack and its file:line.

What counts as looser, for a layer rule that **replaces** a parent rule (same id):

* a ``by`` deadline later than the parent's, or dropped, or counted from another anchor;
* a ``not_before`` date earlier than the parent's (for example an earlier off-roll), or dropped;
* an action of the parent's rule left out (matched on kind and actor);
* a forbidden action no longer forbidden, or a required action turned into a forbidden one;
* a recurring action that recurs less often, or stops recurring;
* more history events accepted as completing an action;
* a narrower ``when`` (the rule applies in fewer cases), a wider ``until`` (it ends sooner) or a
  shorter period in force.

A **new** layer rule (and any action a replacing rule adds) is compared with every parent rule
that has an action of the same kind, deadline type and anchor: its ``by`` must not be later, its
``not_before`` not earlier, its repeat not less often.

Durations are compared only when they can be compared without guessing: two durations in the
same unit, or when either is zero (``immediately``, ``same_day`` or a count of 0 all mean the
anchor date itself, and any positive count of any unit falls after it). School days, working
days, calendar days and months are not converted into each other: the layer is asked to write
its period in the parent's unit instead.

Conditions are compared structurally and conservatively: a layer ``when`` is accepted only if
the parent's ``when`` implies it (the same condition, fewer ``all`` members, more ``any``
members, a wider ``in`` list, a smaller ``at_least``...). Anything the check cannot prove wider
is refused with a request to keep the parent's condition or widen it explicitly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import Problem
from ..vocabulary import COMPLETED_BY, DeadlineType
from ..yaml_io import Document, read_yaml_file
from .loaded import PolicyPack
from .model import Action, AllOf, AnyOf, Condition, Duration, FactTest, NotOf, Policy, Rule

Loc = tuple[str | int, ...]

TIGHTEN_ONLY = "a layer may only add rules and tighten: an earlier 'by', a later 'not_before'"


class _Unclear(str):
    """A reason that says the two rules cannot be compared (rather than shown looser)."""

    __slots__ = ()


@dataclass(frozen=True)
class _ParentRule:
    """A rule in force in the parent pack, with where it is written."""

    rule: Rule
    pack_id: str
    where: str  # "path:line"

    def name(self) -> str:
        return f"rule {self.rule.id!r} of pack {self.pack_id!r} ({self.where})"


class _Locator:
    """Finds the file:line of a rule in the pack (of a lineage) that defines it."""

    def __init__(self, parent: PolicyPack) -> None:
        self.parent = parent
        self._docs: dict[str, Document | None] = {}

    def _doc(self, path: str) -> Document | None:
        if path not in self._docs:
            try:
                doc, _ = read_yaml_file(path)
            except OSError:  # pragma: no cover - the file was read a moment ago
                doc = None
            self._docs[path] = doc
        return self._docs[path]

    def find(self, rule: Rule) -> _ParentRule:
        pack = self.parent.rule_pack(rule.id)
        index = next(i for i, r in enumerate(pack.policy.rules) if r.id == rule.id)
        doc = self._doc(pack.path)
        line = doc.position(("rules", index))[0] if doc is not None else 1
        return _ParentRule(rule, pack.id, f"{pack.path}:{line}")


# -- durations ----------------------------------------------------------------------------------


def _words(d: Duration) -> str:
    return d.describe()


def _after(d: Duration, anchor: str) -> str:
    """``10 school days after absence_started``, or ``on the day of X`` for a zero period."""
    return f"on the day of {anchor}" if d.amount == 0 else f"{_words(d)} after {anchor}"


def compare_durations(layer: Duration, parent: Duration) -> int | None:
    """Sign of (layer - parent): -1 sooner, 0 same, 1 later; ``None`` when the units differ and
    the two cannot be compared without converting one unit into another."""
    a, b = layer.amount, parent.amount
    if a == 0 or b == 0 or layer.unit == parent.unit:
        return (a > b) - (a < b)
    return None


# -- conditions ---------------------------------------------------------------------------------


def implies(p: Condition | None, q: Condition | None) -> bool:
    """True when ``p`` holding is (structurally) enough for ``q`` to hold. ``None`` is "always".
    Conservative: ``False`` means "not shown", not "shown false"."""
    if q is None:
        return True
    if p is None:
        return False
    if p == q:
        return True
    if isinstance(q, AllOf):
        return all(implies(p, c) for c in q.all)
    if isinstance(p, AnyOf):
        return all(implies(b, q) for b in p.any)
    if isinstance(q, AnyOf) and any(implies(p, b) for b in q.any):
        return True
    if isinstance(p, AllOf) and any(implies(c, q) for c in p.all):
        return True
    if isinstance(p, NotOf) and isinstance(q, NotOf):
        return implies(q.not_, p.not_)
    if isinstance(p, FactTest) and isinstance(q, FactTest):
        return _test_implies(p, q)
    return False


def _test_implies(p: FactTest, q: FactTest) -> bool:
    if p.fact != q.fact:
        return False
    po, qo, pv, qv = p.operator, q.operator, p.operand, q.operand
    if po == "is" and qo == "in":
        return pv in qv
    if po == "in" and qo == "in":
        return set(pv) <= set(qv)
    if po == "includes_any" and qo == "includes_any":
        return set(pv) <= set(qv)
    if po == "at_least" and qo == "at_least":
        return pv >= qv
    if po == "at_most" and qo == "at_most":
        return pv <= qv
    return False


# -- the check ----------------------------------------------------------------------------------


def check_layer(parent: PolicyPack, policy: Policy, doc: Document) -> list[Problem]:
    """Every place where ``policy`` (the layer, read from ``doc``) loosens ``parent``."""
    locate = _Locator(parent)
    in_force = {r.id: r for r in parent.rules}
    problems: list[Problem] = []
    for i, rule in enumerate(policy.rules):
        base: Loc = ("rules", i)
        old = in_force.get(rule.id)
        added = list(range(len(rule.then)))
        if old is not None:
            found = list(_replacing(rule, old, base, added))
            target = locate.find(old) if found else None
            for loc, why in found:
                assert target is not None
                problems.append(doc.problem(loc, _message(rule, target, why)))
        for loc, other, why in _new_actions(rule, added, parent.rules, base):
            problems.append(doc.problem(loc, _message(rule, locate.find(other), why)))
    return problems


def _message(rule: Rule, parent: _ParentRule, why: str) -> str:
    head = f"layer rule {rule.id!r}"
    if isinstance(why, _Unclear):
        return f"{head} cannot be checked against {parent.name()}: {why} ({TIGHTEN_ONLY})"
    return f"{head} is looser than {parent.name()}: {why} ({TIGHTEN_ONLY})"


Finding = tuple[Loc, str]


def _replacing(rule: Rule, old: Rule, base: Loc, free: list[int]) -> Iterator[Finding]:
    """Ways a replacing rule loosens the rule it replaces. ``free`` holds the indexes of the
    layer rule's actions; those paired with a parent action are removed from it, leaving the
    actions the layer adds."""
    if not implies(old.when, rule.when):
        yield (*base, "when"), _Unclear(
            "its 'when' may apply in fewer cases than the parent's; keep the parent's condition, "
            "or widen it (drop members of an 'all', add members to an 'any')"
        )
    if rule.until is not None and (old.until is None or not implies(rule.until, old.until)):
        yield (*base, "until"), _Unclear(
            "its 'until' may end the actions in more cases than the parent's; keep the parent's "
            "'until', narrow it, or leave it out"
        )
    yield from _in_force(rule, old, base)
    for old_action in old.then:
        j = _match(old_action, rule.then, free)
        if j is None:
            yield (*base, "then"), (
                f"it drops the parent's action {_describe(old_action)}; every action of the "
                "parent's rule must stay, with the same kind and actor"
            )
            continue
        free.remove(j)
        yield from _action(rule.then[j], old_action, (*base, "then", j))


_NEVER = "never (it awaits a commencement day not yet set)"


def _start(rule: Rule) -> tuple[bool, dt.date | None]:
    """(never in force, first day in force or None for "always"), from effective_from and any
    commencement (a commencement with no day keeps the rule out of force)."""
    begins = rule.effective_from
    commencement = getattr(rule, "commencement", None)
    if commencement is not None:
        if commencement.on is None:
            return True, None
        begins = commencement.on if begins is None else max(begins, commencement.on)
    return False, begins


def _describe(action: Action) -> str:
    bits = [action.actor.value]
    if action.forbidden:
        bits.append("forbidden")
    elif action.deadline is not None:
        d = action.deadline
        bits.append(f"{d.type.value} {_after(d.after, d.anchor)}")
    return f"{action.kind.value} ({', '.join(bits)})"


def _in_force(rule: Rule, old: Rule, base: Loc) -> Iterator[Finding]:
    new_never, new_from = _start(rule)
    old_never, old_from = _start(old)
    if not old_never and (
        new_never or (new_from is not None and (old_from is None or new_from > old_from))
    ):
        now = _NEVER if new_never else new_from
        was = old_from or "always"
        where = "commencement" if new_never or new_from != rule.effective_from else "effective_from"
        yield (*base, where), f"it comes into force later ({now}) than the parent's rule ({was})"
    if rule.effective_to is not None and (
        old.effective_to is None or rule.effective_to < old.effective_to
    ):
        was = old.effective_to or "open-ended"
        yield (*base, "effective_to"), (
            f"it stops being in force earlier ({rule.effective_to}) than the parent's rule ({was})"
        )


def _match(old: Action, actions: list[Action], free: list[int]) -> int | None:
    """The layer action that stands for the parent's action: same kind and actor, preferring
    the same deadline type."""
    same = [j for j in free if actions[j].kind == old.kind and actions[j].actor == old.actor]
    if not same:
        return None

    def closeness(j: int) -> int:
        new, od = actions[j].deadline, old.deadline
        if new is None or od is None:
            return 2 if new is None and od is None else 0
        return (new.type == od.type) + (new.type == od.type and new.anchor == od.anchor)

    return max(same, key=lambda j: (closeness(j), -j))


def _action(new: Action, old: Action, loc: Loc) -> Iterator[Finding]:
    what = f"{old.kind.value} ({old.actor.value})"
    if old.forbidden and not new.forbidden:
        yield (*loc, "forbidden"), f"it no longer forbids {what}, which the parent forbids"
        return
    if new.forbidden and not old.forbidden:
        if old.deadline is None or old.deadline.type is DeadlineType.BY:
            yield (*loc, "forbidden"), (
                f"it forbids {what}, which the parent requires, so the duty is dropped"
            )
        return  # forbidding an action the parent only permits (not_before) is tighter
    if new.forbidden:
        return
    yield from _deadline(new, old, loc, what)
    yield from _repeat(new, old, loc, what)
    new_done = set(new.completed_by or COMPLETED_BY[new.kind])
    old_done = set(old.completed_by or COMPLETED_BY[old.kind])
    extra = sorted(e.value for e in new_done - old_done)
    if extra:
        yield (*loc, "completed_by"), (
            f"it accepts more events as completing {what} ({', '.join(extra)}) than the parent"
        )


def _deadline(new: Action, old: Action, loc: Loc, what: str) -> Iterator[Finding]:
    nd, od = new.deadline, old.deadline
    if od is None:
        return  # adding a time limit or an earliest date to an undated action only tightens it
    if nd is None:
        if od.type is DeadlineType.BY:
            yield (*loc,), (
                f"it drops the parent's 'by' deadline for {what} "
                f"({_after(od.after, od.anchor)}), leaving no time limit"
            )
        else:
            yield (*loc,), (
                f"it drops the parent's 'not_before' date for {what} "
                f"({_after(od.after, od.anchor)}), so the action is permitted earlier"
            )
        return
    dloc = (*loc, "deadline")
    if nd.type != od.type:
        yield (*dloc, "type"), (
            f"it changes the deadline of {what} from '{od.type.value}' to '{nd.type.value}'"
        )
        return
    if nd.anchor != od.anchor:
        yield (*dloc, "anchor"), _Unclear(
            f"it counts the deadline of {what} from {nd.anchor} instead of the parent's "
            f"{od.anchor}, so it cannot be shown to be no looser; count from {od.anchor}"
        )
        return
    yield from _compare(nd.type, nd.after, od.after, (*dloc, "after"), what, nd.anchor)


def _compare(
    kind: DeadlineType, new: Duration, old: Duration, loc: Loc, what: str, anchor: str
) -> Iterator[Finding]:
    sign = compare_durations(new, old)
    if sign is None:
        yield loc, _Unclear(
            f"its '{kind.value}' period for {what} is {_words(new)} and the parent's is "
            f"{_words(old)}: different units cannot be compared without guessing; write the "
            f"layer's period in {old.unit.replace('_', ' ')} as the parent does"
        )
    elif kind is DeadlineType.BY and sign > 0:
        yield loc, (
            f"its 'by' deadline for {what} is {_after(new, anchor)}, later than the "
            f"parent's {_after(old, anchor)}"
        )
    elif kind is DeadlineType.NOT_BEFORE and sign < 0:
        yield loc, (
            f"its 'not_before' date for {what} is {_after(new, anchor)}, earlier than the "
            f"parent's {_after(old, anchor)}, so the action is permitted sooner"
        )


def _repeat(new: Action, old: Action, loc: Loc, what: str) -> Iterator[Finding]:
    if old.repeat is None:
        return
    if new.repeat is None:
        yield loc, f"it stops {what} recurring every {_words(old.repeat)}, as the parent requires"
        return
    sign = compare_durations(new.repeat, old.repeat)
    if sign is None:
        yield (*loc, "repeat"), _Unclear(
            f"it repeats {what} every {_words(new.repeat)} and the parent every "
            f"{_words(old.repeat)}: different units cannot be compared without guessing; write "
            f"it in {old.repeat.unit.replace('_', ' ')} as the parent does"
        )
    elif sign > 0:
        yield (*loc, "repeat"), (
            f"it repeats {what} every {_words(new.repeat)}, less often than the parent's "
            f"{_words(old.repeat)}"
        )


def _new_actions(
    rule: Rule, indexes: list[int], parent_rules: tuple[Rule, ...], base: Loc
) -> Iterator[tuple[Loc, Rule, str]]:
    """Actions the layer adds (a new rule's, or those a replacing rule adds) against the parent
    rules' actions of the same kind, deadline type and anchor."""
    for j in indexes:
        action = rule.then[j]
        nd = action.deadline
        if action.forbidden or nd is None:
            continue
        what = f"{action.kind.value}"
        for other in parent_rules:
            if other.id == rule.id:
                continue  # the rule it replaces is compared action by action
            for old in other.then:
                od = old.deadline
                if old.forbidden or od is None or old.kind != action.kind:
                    continue
                if od.type != nd.type or od.anchor != nd.anchor:
                    continue
                loc = (*base, "then", j, "deadline", "after")
                for _, why in _compare(nd.type, nd.after, od.after, loc, what, nd.anchor):
                    yield loc, other, why
                if action.repeat is not None and old.repeat is not None:
                    for rloc, why in _repeat(action, old, (*base, "then", j), what):
                        yield rloc, other, why


__all__ = ["TIGHTEN_ONLY", "check_layer", "compare_durations", "implies"]
