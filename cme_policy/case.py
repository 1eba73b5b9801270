"""Reading a case from plain data or a YAML (or JSON) file, with every problem located by its
field path and none repeating a value: the models' checks, then what cannot be (an event before
the child was born, a current value that disagrees with its latest dated change).

The models are in :mod:`cme_policy.case_model` and the limits on the plain data in
:mod:`cme_policy.case_shape`; both are importable from here as before.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .case_model import MAX_CLOSURE_DAYS as MAX_CLOSURE_DAYS  # the models, importable from here as before
from .case_model import MAX_TERM_YEARS as MAX_TERM_YEARS
from .case_model import SECTIONS as SECTIONS
from .case_model import Absence as Absence
from .case_model import Case, Change
from .case_model import Child as Child
from .case_model import Education as Education
from .case_model import Event as Event
from .case_model import IsoDate as IsoDate
from .case_model import School as School
from .case_model import TermInput as TermInput
from .case_model import TermYearInput as TermYearInput
from .case_model import Whereabouts as Whereabouts
from .case_model import changeable_fields as changeable_fields
from .case_shape import MAX_DEPTH as MAX_DEPTH  # the limits, importable from here as before
from .case_shape import MAX_FIELDS as MAX_FIELDS
from .case_shape import MAX_HISTORY as MAX_HISTORY
from .case_shape import MAX_TEXT as MAX_TEXT
from .case_shape import MAX_VALUES as MAX_VALUES
from .case_shape import Loc, shape_problems
from .errors import CaseError, Problem


def _inconsistencies(case: Case) -> list[tuple[Loc, str]]:
    """What cannot be: an absence, an event or a change before the child was born; a fact's
    current value that disagrees with its latest dated change."""
    born = case.child.date_of_birth
    if born is None:
        return _current_values(case) + _duplicate_years(case)
    problems: list[tuple[Loc, str]] = []
    if case.absence.first_day_on is not None and case.absence.first_day_on < born:
        problems.append((("absence", "first_day_on"), "before the child's date of birth"))
    for i, e in enumerate(case.history or ()):
        if e.on < born:
            problems.append((("history", i, "on"), "before the child's date of birth"))
    for i, c in enumerate(case.changes):
        if c.on < born:
            problems.append((("changes", i, "on"), "before the child's date of birth"))
    return (problems + _current_values(case) + _duplicate_years(case))[:20]


def _duplicate_years(case: Case) -> list[tuple[Loc, str]]:
    seen: set[str] = set()
    problems: list[tuple[Loc, str]] = []
    for i, year in enumerate(case.school.term_dates or ()):
        if year.academic_year in seen:
            problems.append((("school", "term_dates", i, "academic_year"), "this year is given twice"))
        seen.add(year.academic_year)
    return problems


def _current_values(case: Case) -> list[tuple[Loc, str]]:
    """A fact's own value is its current one: it must agree with its latest dated change."""
    latest: dict[str, tuple[int, Change]] = {}
    for i, c in enumerate(case.changes):
        if c.field not in latest or latest[c.field][1].on <= c.on:
            latest[c.field] = (i, c)
    problems: list[tuple[Loc, str]] = []
    for name, (i, c) in latest.items():
        section, field = name.split(".", 1)
        current = getattr(getattr(case, section), field)
        if current is not None and c.value is not None and current != c.value:
            problems.append((("changes", i, "value"), f"disagrees with the case's current {name}"))
    return problems


def inconsistent_on(case: Case, on: dt.date) -> list[Problem]:
    """What cannot be true of a case evaluated on ``on``: an absence that has not begun yet."""
    first = case.absence.first_day_on
    if first is not None and first > on:
        return [Problem("absence.first_day_on", "after the evaluation date: the absence has not begun yet")]
    return []


def _validation_problems(exc: ValidationError) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    for err in exc.errors(include_input=False, include_url=False, include_context=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "enum" and len(msg) > 160:
            msg = "Input should be one of the documented names (see the README vocabulary)"
        out.append((loc, msg))
    return out


def problems_from_validation(exc: ValidationError, prefix: Loc = ()) -> list[Problem]:
    """Field paths and messages from pydantic, with no input values in them."""
    from .yaml_io import format_loc

    return [Problem(format_loc((*prefix, *loc)), msg) for loc, msg in _validation_problems(exc)]


def check_case(data: Any) -> tuple[Case | None, list[tuple[Loc, str]]]:
    """A :class:`Case` from plain data, or every problem as ``(field path, message)``.

    Messages never contain a value from ``data``; ``path`` parts are the data's own keys.
    """
    if isinstance(data, Case):
        return data, []
    if not isinstance(data, Mapping):
        return None, [((), "a case must be a mapping of fields")]
    problems = shape_problems(data)
    if problems:
        return None, problems
    try:
        case = Case.model_validate(dict(data))
    except ValidationError as exc:
        return None, _validation_problems(exc)
    problems = _inconsistencies(case)
    return (None, problems) if problems else (case, [])


def parse_case(data: Case | Mapping[str, Any]) -> Case:
    """A :class:`Case` from a model instance or plain JSON-like data, or :class:`CaseError`."""
    from .yaml_io import format_loc

    case, problems = check_case(data)
    if case is None:
        raise CaseError([Problem(format_loc(loc), msg) for loc, msg in problems], "invalid case")
    return case


def load_case(path: str | os.PathLike[str]) -> Case:
    """A case from a YAML (or JSON) file, read as strictly as a pack, or :class:`CaseError`.

    Every problem is located at ``file:line:col`` with its field path. An empty file is an
    error: write ``{}`` for a case where nothing is known.
    """
    from .yaml_io import format_loc, read_yaml_file

    doc, problems = read_yaml_file(path)
    if doc.data is None and problems:
        raise CaseError(problems, "cannot read case")
    if doc.data is None:
        empty = doc.problem((), "the case file is empty (write {} for a case where nothing is known)")
        raise CaseError([empty], "cannot read case")
    case, case_problems = check_case(doc.data)
    # Values the YAML reader refused are already reported under their path.
    seen = {p.path for p in problems}
    problems += [doc.problem(loc, msg) for loc, msg in case_problems if format_loc(loc) not in seen]
    if problems or case is None:
        raise CaseError(problems, "invalid case")
    return case
