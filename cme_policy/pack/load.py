"""Reading, validating and loading packs: one pack file read and checked, its ``extends`` chain
loaded and layered, a supplied calendar overlaid, and every problem in a file reported at once
as ``file:line:col: path: message``.

Where files are found is :mod:`.locate`, term-date calendars :mod:`.calendars`, schema errors
in an author's words :mod:`.schema_errors`, and the loaded pack itself :mod:`.loaded`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..calendar import SchoolCalendar
from ..errors import PolicyError, Problem, UnknownAuthorityError
from ..yaml_io import Document, read_yaml_file
from .calendars import load_calendar, load_calendar_file
from .check import check_policy, check_raw
from .layering import check_layer
from .loaded import PolicyPack
from .locate import (
    PACKS_ENV,
    file_stamp,
    find_pack_file,
    scenario_file_for,
    shipped_policies,
    shipped_policy_path,
)
from .model import Policy, Rule
from .rule_pairs import check_rule_pairs, check_warnings
from .schema_errors import model_problems


def parse_policy_file(path: str | Path) -> tuple[Policy | None, Document, list[Problem]]:
    """Read and validate one pack file without resolving ``extends``: every problem found.

    When the pack as a whole does not validate, the rules that do are still checked (facts,
    sources, ids), so one run reports everything; a value YAML already refused is reported once.
    """
    doc, problems = read_yaml_file(path, show_lines=True)
    if doc.data is None:
        return None, doc, problems or [doc.problem((), "the file is empty")]
    if not isinstance(doc.data, dict):
        return None, doc, [*problems, doc.problem((), "a pack must be a mapping")]
    try:
        policy = Policy.model_validate(doc.data)
    except ValidationError as exc:
        raw_checks = (doc.problem(loc, msg) for loc, msg in check_raw(doc.data))
        found = [*model_problems(exc, doc, Policy), *raw_checks]
        return None, doc, [*problems, *_not_already(found, problems)]
    found = [doc.problem(loc, msg) for loc, msg in check_policy(policy)]
    problems.extend(_not_already(found, problems))
    return policy, doc, problems


def _not_already(found: list[Problem], reported: list[Problem]) -> list[Problem]:
    """Drop problems at (or inside) a value the YAML reader already refused: its value was
    replaced by null, so a type error there would only repeat the first message."""
    spots = {p.path for p in reported if p.path}
    return [p for p in found if not any(p.path == s or p.path.startswith((s + ".", s + "[")) for s in spots)]


def load_policy(
    name_or_path: str | Path | PolicyPack,
    *,
    calendar: SchoolCalendar | str | Path | None = None,
    _seen: tuple[str, ...] = (),
) -> PolicyPack:
    """Load a shipped pack by authority id (``"kent"``) or a pack file by path.

    ``calendar`` supplies term dates once instead of in every case: a
    :class:`~cme_policy.calendar.SchoolCalendar` or a calendar file (YAML, ``.ics`` or CSV, see
    :func:`~cme_policy.pack.calendars.load_calendar_file`). Its academic years replace the
    pack's for those years, its closure days are added, and every other year keeps the pack's
    own dates; term dates a case supplies still replace both. The same pack and calendar give
    the same (cached) pack.

    Raises :class:`~cme_policy.errors.PolicyError` listing every problem in the file, or
    :class:`~cme_policy.errors.UnknownAuthorityError`.
    """
    if isinstance(name_or_path, PolicyPack):
        pack = name_or_path
    else:
        pack = _load_path(str(find_pack_file(name_or_path).resolve()), _seen)
    return pack if calendar is None else with_calendar(pack, calendar)


#: How many supplied calendars a pack remembers overlays for.
_OVERLAYS_KEPT = 16


def with_calendar(pack: PolicyPack, calendar: SchoolCalendar | str | Path) -> PolicyPack:
    """``pack`` with ``calendar`` overlaid on its term dates (see :func:`load_policy`)."""
    if isinstance(calendar, SchoolCalendar):
        key: Any = ("object", id(calendar))
        supplied = calendar
    else:
        supplied = load_calendar_file(calendar)  # cached per file and modification stamp
        key = ("object", id(supplied))
    hit = pack._overlays.get(key)
    if hit is not None and hit[0] is supplied:  # the object is kept alive, so ids cannot clash
        return hit[1]
    out = replace(pack, calendar=pack.calendar.overlay(supplied), _overlays={})
    if len(pack._overlays) >= _OVERLAYS_KEPT:
        pack._overlays.pop(next(iter(pack._overlays)))
    pack._overlays[key] = (supplied, out)
    return out


@cache
def _load_path_cached(path: str, _stamp: tuple[int, int]) -> PolicyPack:
    return _load_path_uncached(path, ())


def _load_path(path: str, seen: tuple[str, ...]) -> PolicyPack:
    if seen:
        return _load_path_uncached(path, seen)
    return _load_path_cached(path, file_stamp(path))


def _load_path_uncached(path: str, seen: tuple[str, ...]) -> PolicyPack:
    policy, doc, problems = parse_policy_file(path)
    errors = [p for p in problems if p.severity == "error"]
    if policy is None or errors:
        raise PolicyError(errors, f"cannot load policy pack {path}")
    parent = None
    if policy.extends is not None:
        if policy.extends in seen or policy.extends == policy.id:
            chain = " -> ".join((*seen, policy.id, policy.extends))
            raise PolicyError(
                [doc.problem(("extends",), f"packs extend each other in a cycle: {chain}")],
                f"cannot load policy pack {path}",
            )
        near = Path(path).parent / f"{policy.extends}.yaml"
        target = str(near) if near.is_file() else policy.extends
        try:
            parent = load_policy(target, _seen=(*seen, policy.id))
        except UnknownAuthorityError:
            raise PolicyError(
                [doc.problem(("extends",), f"extends unknown pack {policy.extends!r}")], "cannot load"
            ) from None
    try:
        calendar = (
            load_calendar(policy.calendar, Path(path))
            if policy.calendar or parent is None
            else parent.calendar
        )
    except PolicyError as exc:
        raise PolicyError(
            [doc.problem(("calendar",), p.message) for p in exc.problems], "cannot load"
        ) from None
    rules = _layer(parent, policy, doc)
    return PolicyPack(policy, calendar, path, parent, rules)


def _layer(parent: PolicyPack | None, policy: Policy, doc: Document | None = None) -> tuple[Rule, ...]:
    """The parent's rules, each replaced by this pack's rule of the same id, then new rules.

    A layer may only tighten its parent (:mod:`cme_policy.pack.layering`): every place where it
    would loosen a parent rule is raised at once as a :class:`PolicyError`, naming both rules.
    """
    if parent is None:
        return tuple(policy.rules)
    if doc is not None:
        problems = check_layer(parent, policy, doc)
        if problems:
            raise PolicyError(problems, f"cannot load policy pack {doc.file}: it loosens the pack it extends")
    own = {r.id: r for r in policy.rules}
    merged = [own.pop(r.id, r) for r in parent.rules]
    return (*merged, *own.values())


def validate_file(path: str | Path, *, today: dt.date | None = None) -> list[Problem]:
    """Every problem in one pack file, errors and warnings, without raising.

    Errors: YAML, schema, facts, sources, ids, impossible conditions, contradictory and
    overlapping rules, an unresolvable ``extends`` or calendar. Warnings (severity
    ``"warning"``): sources and packs past their review date (as of ``today``), and rules that
    no scenario in ``../scenarios/<pack id>.yaml`` exercises (skipped when there is no such
    folder).
    """
    policy, doc, problems = parse_policy_file(path)
    if policy is None or any(p.severity == "error" for p in problems):
        return _in_file_order(problems)
    try:
        pack = _load_path_uncached(str(Path(path).resolve()), ())
    except PolicyError as exc:
        problems.extend(p for p in exc.problems if p not in problems)
    else:
        problems.extend(doc.problem(loc, msg) for loc, msg in _layered_pairs(pack))
    day = today or dt.date.today()
    problems.extend(doc.problem(loc, msg, "warning") for loc, msg in check_warnings(policy, day))
    problems.extend(_scenario_warnings(policy, doc, Path(path)))
    return _in_file_order(problems)


def _layered_pairs(pack: PolicyPack) -> list[tuple[tuple[str | int, ...], str]]:
    """Contradictions and overlaps between this pack's rules and the ones it inherits (pairs
    within this file are reported by :func:`parse_policy_file`)."""
    if pack.parent is None:
        return []
    own = {r.id for r in pack.policy.rules}
    inherited: list[tuple[int | str, Rule]] = [
        (pack.rule_pack(r.id).id, r) for r in pack.rules if r.id not in own
    ]
    mine: list[tuple[int | str, Rule]] = list(enumerate(pack.policy.rules))
    return list(check_rule_pairs([*inherited, *mine], against_inherited_only=True))


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Errors first, then warnings, each in the order they appear in the file."""
    return sorted(problems, key=lambda p: (p.severity != "error", p.line or 0, p.column or 0))


def _scenario_warnings(policy: Policy, doc: Document, path: Path) -> list[Problem]:
    target = scenario_file_for(path, policy.id)
    if target is None or not policy.rules:
        return []
    if not target.is_file():
        return [
            doc.problem(
                ("rules",),
                f"no scenario file {target.parent.name}/{target.name}: "
                f"none of the {len(policy.rules)} rules is tested",
                "warning",
            )
        ]
    sdoc, sproblems = read_yaml_file(target)
    if sproblems or not isinstance(sdoc.data, dict):
        return [doc.problem((), f"cannot read the scenarios in {target.name}", "warning")]
    scenarios = sdoc.data.get("scenarios")
    tested = {
        sc.get("rule") for sc in (scenarios if isinstance(scenarios, list) else []) if isinstance(sc, dict)
    }
    return [
        doc.problem(
            ("rules", i, "id"),
            f"rule {r.id!r} has no scenario in "
            f"{target.parent.name}/{target.name} (add one with rule: {r.id})",
            "warning",
        )
        for i, r in enumerate(policy.rules)
        if r.id not in tested
    ]


#: Loading's own names, and those that callers (``cme_policy.PolicyPack``, ``shipped_policies``)
#: have always imported from here although they now live in :mod:`.loaded` and :mod:`.locate`.
__all__ = [
    "PACKS_ENV",
    "PolicyPack",
    "load_policy",
    "parse_policy_file",
    "shipped_policies",
    "shipped_policy_path",
    "validate_file",
    "with_calendar",
]
