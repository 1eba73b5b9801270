"""Facts read many at a time, and facts that read the same on every earlier day of a case.

The engine tests every rule of a pack on a case, and across the rules about forty facts are
read: most of them case fields as given and ``history.<kind>`` facts. Read one by one, each
costs a call to its own reader. A :class:`FactReader`, made once per set of rules, reads those
its rules use in one pass: the case fields once per case (without a dated change they read the
same on every day), the history facts once per day. Each value is what the fact's own reader
(:data:`~cme_policy.facts.FACTS`) gives; tests/test_case_over_time.py checks so.

:func:`reads_the_same_before` says when a fact's value on a day held on every earlier day too,
which lets the engine skip walking back through a case for a rule that cannot have applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .case_view import UNKNOWN, CaseView
from .facts import FACTS, is_case_field
from .vocabulary import IMPLIED_BY, EventKind

#: The ``history.<kind>`` fact of each event kind.
_HISTORY_FACT = {kind: f"history.{kind.value}" for kind in EventKind}


class FactReader:
    """Reads the case-field and history facts among ``names`` (every fact by default) at once."""

    def __init__(self, names: Iterable[str] | None = None) -> None:
        wanted = set(FACTS if names is None else names)
        sections: dict[str, list[tuple[str, str]]] = {}
        for fact in FACTS.values():
            where = getattr(fact.read, "case_field", None)
            if where is not None and fact.name in wanted:
                sections.setdefault(where[0], []).append((fact.name, where[1]))
        #: The case-field facts per section of the case: (section, [(fact, field), ...]).
        self._sections = list(sections.items())
        self._history = {kind: name for kind, name in _HISTORY_FACT.items() if name in wanted}
        self._none_recorded = dict.fromkeys(self._history.values(), False)
        self._unknown = dict.fromkeys(self._history.values(), UNKNOWN)
        self._proved = [(kind, name) for kind, name in self._history.items() if kind in IMPLIED_BY]

    def fields(self, view: CaseView) -> dict[str, Any]:
        """The case-field facts with no dated change, read at once: what each one's own reader
        gives on any day of the case (``UNKNOWN`` for a field the case leaves out)."""
        changed = view.changes.dates
        case = view.case
        out: dict[str, Any] = {}
        for section, fields in self._sections:
            values = vars(getattr(case, section))
            for fact, name in fields:
                if fact not in changed:
                    got = values[name]
                    out[fact] = UNKNOWN if got is None else got
        return out

    def history(self, view: CaseView) -> dict[str, Any]:
        """The ``history.<kind>`` facts on the view's day, at once (a new dict), as
        :meth:`CaseView.has` gives each: true where an event of the kind is recorded by then,
        or proved by a later record by then; the rest false, or unknown when the case gives
        no history."""
        out = dict(self._none_recorded if view.history_known else self._unknown)
        on, names = view.on, self._history
        for kind, found in view.index.by_kind.items():
            if found[0][1].on <= on and kind in names:
                out[names[kind]] = True
        for kind, name in self._proved:
            if out[name] is not True and view.implied(kind) is not None:
                out[name] = True
        return out


def may_read_the_same_before(name: str) -> bool:
    """Whether :func:`reads_the_same_before` can ever say yes of the fact."""
    return is_case_field(name) or name == "school.on_roll" or name.startswith("history.")


def reads_the_same_before(view: CaseView, name: str, value: Any) -> bool:
    """Whether the fact, reading ``value`` on the view's day, certainly read the same on every
    earlier day of the case (without pinned values): a case field with no dated change; on roll
    as given, with no dated change (and, if not on roll, no removal recorded, which would put
    the pupil on roll until it: see ``_on_roll`` in :mod:`cme_policy.facts`); an event not
    recorded (nor proved by a record) by the view's day, so not by any earlier day either."""
    if is_case_field(name):
        return name not in view.changes.dates
    if name == "school.on_roll":
        if "school.on_roll" in view.changes.dates:
            return False
        return value is True or (value is False and EventKind.REMOVED_FROM_ROLL not in view.index.by_kind)
    return name.startswith("history.") and value is False
