"""One rule's answer on one duty, put into a finding: its status, date, reason and citation.

:mod:`.reading` reads a case: whether a rule applies (:class:`Said`), when its deadline falls
(:class:`~.deadlines.Dated`), which records complete it. What a rule then says is a pure
function of those readings, so it is built here from them alone, and remembered: across a
caseload the same rule is found in the same situation again and again (a pupil on roll whose
sickness return needs a fact the case does not give, a referral due on the same day), and the
finding is the same object each time. Results are immutable; nothing here reads the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from ..dates import long_date
from ..facts import UNKNOWN
from ..pack.load import PolicyPack
from ..pack.model import Action, Citation, Rule
from ..result import CitationOut, RuleFinding
from ..vocabulary import DeadlineType, EventKind, Permission, Role, Status
from .deadlines import Dated, anchor_words
from .logic import Outcome
from .memo import Remembered
from .verdict import Finding


class Said(NamedTuple):
    """What a finding needs of a rule's condition: its value, the facts an unknown answer needs
    (sorted), and in words why a true one holds."""

    value: Any  # True, False or UNKNOWN
    needed: tuple[str, ...] = ()
    because: tuple[str, ...] = ()


ALWAYS = Said(True)


def said(when: Outcome) -> Said:
    """What a finding needs of an outcome (put into words once per outcome: outcomes are shared)."""
    got = when.words
    if got is None:
        if when.value is True:
            got = Said(True, (), tuple(when.explain()))
        elif when.value is UNKNOWN:
            got = Said(UNKNOWN, tuple(sorted(when.needed)))
        else:
            got = Said(False)
        when.words = got
    return got


_REQUIRED = Remembered(8192)
_GATES = Remembered(4096)
_AFTERWARDS = Remembered(4096)


# -- citations --------------------------------------------------------------------------------

#: Citations put into words, per loaded pack and citation (both immutable).
_CITED = Remembered(8192)


def cite(c: Citation, owner: PolicyPack) -> CitationOut:
    key, objects = (id(owner), id(c)), (owner, c)
    hit = _CITED.get(key, objects)
    if hit is not None:
        return hit
    src = owner.source(c.source)
    bits = [src.title]
    if src.version:
        bits.append(src.version)
    when = f", {src.issued_on.year}" if src.issued_on else ", undated"
    document = f"{src.publisher}, {' '.join(bits)}{when}"
    return _CITED.put(key, objects, CitationOut(source=c.source, section=c.section, document=document))


def interpretation(rule: Rule) -> str | None:
    i = rule.interpretation
    return f"{i.question} Reading taken: {i.reading} Why: {i.why}" if i else None


# -- a requirement ("by" a date, or undated) or a prohibition ---------------------------------


def required(
    rule: Rule,
    owner: PolicyPack,
    order: int,
    action: Action,
    when: Said,
    dated: Dated,
    done: tuple[dt.date, ...],
    early: tuple[dt.date, ...],
    since: dt.date | None,
    implied: tuple[dt.date, EventKind] | None,
    again: dt.date | None,
    on: dt.date,
) -> Finding:
    """What a rule requiring (or forbidding) ``action`` says on ``on``: ``done`` are the records
    completing it in its window (for a prohibition, those taken while it applied), ``early``
    records made before the duty arose on ``since``, ``implied`` a later record proving it done,
    ``again`` the next due date of a recurring action after its last completion."""
    # A pure function of its arguments (nothing here reads the case): remembered.
    key = (id(rule), id(owner), order, id(action), when, id(dated), done, early, since, implied, again, on)
    objects = (rule, owner, action, dated)
    hit = _REQUIRED.get(key, objects)
    if hit is not None:
        return hit
    kind = action.deadline.type if action.deadline else None
    status, completed, late = _status(action, dated, done, again, on)
    if implied is not None:
        status, completed, late = Status.DONE, None, None
    unknown = when.value is UNKNOWN
    needed = sorted({*(when.needed if unknown else ()), *dated.needed})
    if unknown and status is not Status.DONE:
        status = Status.NEEDS_INFORMATION
    if dated.needed and status not in (Status.DONE, Status.NEEDS_INFORMATION, Status.FORBIDDEN):
        status = Status.NEEDS_INFORMATION
    caveats = list(dated.caveats)
    if dated.latest is not None and status is Status.NEEDS_INFORMATION and on > dated.latest:
        caveats.append(
            f"past {dated.latest}, the latest date it could have been due: it is overdue "
            "whatever the missing record's date turns out to be"
        )
    reason = _reason(rule, action, when, dated, status, done)
    if early:
        reason += (
            f" A record on {', '.join(str(d) for d in early[:3])}, before this duty arose on "
            f"{since}, does not complete it."
        )
    if implied is not None:
        reason += (
            f" Done: the {implied[1].value} recorded on {implied[0]} shows it was done on or "
            "before that day (its own date is not recorded)."
        )
    due = (again if action.repeat is not None and done else dated.date) if kind is DeadlineType.BY else None
    out = RuleFinding(
        rule_id=rule.id,
        pack=owner.id,
        role=Role.PROHIBITION if action.forbidden else Role.REQUIRES,
        deadline_type=kind,
        due_on=due if due is not None else dated.latest,
        status=status,
        citation=cite(rule.citation, owner),
        also_cites=[cite(c, owner) for c in rule.also_cites],
        route=action.route,
        reason=reason,
        interpretation=interpretation(rule),
        completed_on=completed,
        late=late,
        recurring=action.repeat is not None,
        facts_needed=needed,
        caveats=caveats,
    )
    found = Finding((action.kind, action.actor), order, out, dated.urgent_undated, frozenset(dated.assumed))
    return _REQUIRED.put(key, objects, found)


def _status(
    action: Action, dated: Dated, done: tuple[dt.date, ...], again: dt.date | None, on: dt.date
) -> tuple[Status, dt.date | None, bool | None]:
    if action.forbidden:
        return (Status.BREACHED, done[0], None) if done else (Status.FORBIDDEN, None, None)
    if action.repeat is not None:
        due = again if done else dated.date
        return by_status(on, due, dated), (done[-1] if done else None), None
    if done:
        first = done[0]
        late = first > dated.date if action.deadline is not None and dated.date else None
        return Status.DONE, first, late
    if action.deadline is None:
        return Status.DUE, None, None
    return by_status(on, dated.date, dated), None, None


def by_status(on: dt.date, due: dt.date | None, dated: Dated) -> Status:
    if due is None:
        return Status.DUE if dated.urgent_undated else Status.NEEDS_INFORMATION
    if on < due:
        return Status.UPCOMING
    return Status.DUE if on == due else Status.OVERDUE


def _reason(
    rule: Rule, action: Action, when: Said, dated: Dated, status: Status, done: tuple[dt.date, ...]
) -> str:
    parts = [rule.title.rstrip(".") + "."]
    if when.value is True:
        parts.append(f"Applies because {'; '.join(when.because) or 'it always applies'}.")
    elif when.value is UNKNOWN:
        parts.append(f"May apply: needs {', '.join(when.needed)}.")
    if action.forbidden:
        parts.append("Forbidden while this holds.")
    elif action.deadline is not None:
        parts.append(f"Due: {dated.explanation}.")
        if action.repeat is not None:
            parts.append(f"Repeats every {action.repeat.describe()} after each completion.")
    else:
        parts.append("No time limit is set in the source.")
    if done:
        day = done[-1] if action.repeat else done[0]
        if status is Status.BREACHED:
            parts.append(f"Recorded as taken on {day}, while it was forbidden.")
        else:
            parts.append(f"Recorded as done on {day}.")
    if action.note:
        parts.append(action.note.strip())
    return " ".join(parts)


# -- a ground for an action, or a restriction on it -------------------------------------------


def gate(
    rule: Rule,
    owner: PolicyPack,
    order: int,
    actions: Sequence[Action],
    permission: Permission,
    when: Said,
    gate_dates: Sequence[Dated],
    on: dt.date,
) -> Finding:
    """A ground for an action, or a restriction on it: the rule's condition and every one of
    its "not before" gates for that action (``actions``, each dated by ``gate_dates``), all of
    which must be met."""
    objects = (rule, owner, *actions, *gate_dates)
    key = (order, permission, when, on, *map(id, objects))
    hit = _GATES.get(key, objects)
    if hit is not None:
        return hit
    unmet: list[str] = []
    needed: set[str] = set(when.needed) if when.value is UNKNOWN else set()
    caveats: list[str] = []
    texts: list[str] = []
    dates: list[dt.date] = []
    assumed: set[str] = set()
    blocked = unsure = False
    for action, dated in zip(actions, gate_dates, strict=True):
        assert action.deadline is not None
        texts.append(dated.explanation)
        assumed.update(dated.assumed)
        caveats.extend(dated.caveats)
        if dated.date is not None:
            dates.append(dated.date)
        if dated.pending:
            blocked = True
            unmet.append(f"{anchor_words(action.deadline.anchor)} is not yet recorded")
        elif dated.withheld and dated.earliest is not None and dated.earliest > on:
            # Counted on every weekday, the date can only be early: before it, certainly not.
            blocked = True
            dates.append(dated.earliest)
            unmet.append(
                f"not before {long_date(dated.earliest)} at the earliest (term dates unknown): "
                f"{dated.explanation}"
            )
        elif dated.needed or dated.date is None:
            unsure = True
            needed.update(dated.needed)
            unmet.append(f"cannot tell when: {dated.explanation}")
        elif dated.date > on:
            blocked = True
            unmet.append(f"not before {long_date(dated.date)}: {dated.explanation}")
    if when.value is UNKNOWN:
        if permission is Permission.GROUND or blocked or unsure:  # a met gate needs no answer
            unmet.append(f"whether it applies: needs {', '.join(when.needed)}")
        if permission is Permission.RESTRICTION and (blocked or unsure):
            # Unmet if it applies; whether it applies is the open question.
            blocked, unsure = False, True
        elif permission is Permission.GROUND:
            unsure = True
    if blocked:
        status = Status.NOT_YET_PERMITTED
    elif unsure:
        status = Status.NEEDS_INFORMATION
    else:
        status = Status.PERMITTED
    role = Role.GROUND if permission is Permission.GROUND else Role.RESTRICTION
    parts = [rule.title.rstrip(".") + "."]
    if when.value is True:
        parts.append(f"Applies because {'; '.join(when.because) or 'it always applies'}.")
    word = "A ground for it" if role is Role.GROUND else "A condition on it"
    parts.append(f"{word}, not before: {'; and '.join(texts)}.")
    parts += [a.note.strip() for a in actions if a.note]
    first = actions[0]
    out = RuleFinding(
        rule_id=rule.id,
        pack=owner.id,
        role=role,
        deadline_type=DeadlineType.NOT_BEFORE,
        not_before=max(dates) if dates else None,
        status=status,
        citation=cite(rule.citation, owner),
        also_cites=[cite(c, owner) for c in rule.also_cites],
        route=next((a.route for a in actions if a.route), None),
        reason=" ".join(parts),
        interpretation=interpretation(rule),
        unmet=unmet,
        facts_needed=sorted(needed),
        caveats=sorted(set(caveats)),
    )
    found = Finding((first.kind, first.actor), order, out, assumed=frozenset(assumed))
    return _GATES.put(key, objects, found)


# -- a finding read on another day ------------------------------------------------------------


def no_longer_applies(found: Finding, on: dt.date) -> Finding:
    """A duty done while its rule applied, as reported on ``on``, when the rule no longer does
    (remembered: a verdict combined from it is then remembered too)."""
    key, objects = ("after", id(found), on), (found,)
    hit = _AFTERWARDS.get(key, objects)
    if hit is not None:
        return hit
    note = f" The rule no longer applies on {on}."
    return _AFTERWARDS.put(key, objects, found.with_reason(found.out.reason + note))


def did_not_apply(found: Finding, why: str) -> Finding:
    """A ground that did not apply on the day an action was taken: what the action lacked."""
    key, objects = ("lacked", id(found), why), (found,)
    hit = _AFTERWARDS.get(key, objects)
    if hit is not None:
        return hit
    update = {"status": Status.NOT_YET_PERMITTED, "unmet": (f"it did not apply: {why}",)}
    return _AFTERWARDS.put(key, objects, replace(found, out=found.out.model_copy(update=update)))
