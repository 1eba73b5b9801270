"""Finding, reading and validating packs and their term-date calendars.

Every problem in a file is collected and reported at once as ``file:line:col: path: message``.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from ..calendar import SchoolCalendar, Term, TermYear
from ..errors import PolicyError, Problem, UnknownAuthorityError
from ..yaml_io import Document, read_yaml_file, shown_key
from .check import check_policy, check_raw, check_rule_pairs, check_warnings, did_you_mean
from .layering import check_layer
from .loaded import PolicyPack
from .model import CONDITION_TAGS, Policy, Rule

PACKAGE = "cme_policy.policies"


# -- shipped packs ------------------------------------------------------------------------------


@cache
def _shipped_dir() -> Path:
    """Installed packs are the package data ``cme_policy.policies``; in a source checkout
    (tests run from the repository root import the package from there) they are the
    top-level ``policies/`` folder beside the package."""
    try:
        return Path(str(resources.files(PACKAGE)))
    except ModuleNotFoundError:
        checkout = Path(__file__).resolve().parents[2] / "policies"
        if checkout.is_dir():
            return checkout
        raise


def shipped_policies() -> list[str]:
    """Ids of the packs shipped with the library."""
    return sorted(p.stem for p in _shipped_dir().glob("*.yaml"))


def shipped_policy_path(policy_id: str) -> Path:
    return _shipped_dir() / f"{policy_id}.yaml"


# -- calendars ----------------------------------------------------------------------------------


class _TermIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    start_on: dt.date
    end_on: dt.date


class _YearIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    academic_year: StrictStr = Field(pattern=r"^\d{4}/\d{2}$")
    source: StrictStr = Field(min_length=1)
    confidence: StrictStr | None = None
    terms: list[_TermIn] = Field(min_length=1)
    closures: list[dt.date] = Field(default_factory=list)
    note: StrictStr | None = None


class _CalendarIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: StrictStr | None = None
    name: StrictStr
    note: StrictStr | None = None
    years: list[_YearIn] = Field(default_factory=list)
    # Closure days that apply whatever the term dates (e.g. a school's INSET days on top of
    # the authority's terms).
    closures: list[dt.date] = Field(default_factory=list)


def term_years(
    raw: list[Any], doc: Document | None, base: tuple[str | int, ...]
) -> tuple[list[TermYear], list[Problem]]:
    """Turn validated year entries into TermYears, checking terms fall inside their year."""
    years: list[TermYear] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, y in enumerate(raw):
        if y.academic_year in seen:
            where = f"{base[-1]}[{seen[y.academic_year]}]"
            problems.append(_at(doc, (*base, i, "academic_year"), f"this year is already given at {where}"))
            continue
        seen[y.academic_year] = i
        start = int(y.academic_year[:4])
        if (start + 1) % 100 != int(y.academic_year[5:]):
            problems.append(_at(doc, (*base, i, "academic_year"), "years must be consecutive, e.g. 2024/25"))
            continue
        lo, hi = dt.date(start, 9, 1), dt.date(start + 1, 8, 31)
        terms = []
        for j, t in enumerate(y.terms):
            if not (lo <= t.start_on <= t.end_on <= hi):
                problems.append(
                    _at(doc, (*base, i, "terms", j), f"term must lie within {lo} to {hi}, start before end")
                )
            terms.append(Term(t.start_on, t.end_on))
        years.append(TermYear(start, tuple(terms), tuple(y.closures), getattr(y, "source", "")))
    return years, problems


def _at(doc: Document | None, loc: tuple[str | int, ...], message: str) -> Problem:
    if doc is None:
        from ..yaml_io import format_loc

        return Problem(format_loc(loc), message)
    return doc.problem(loc, message)


def _stamp(path: str) -> tuple[int, int]:
    """Modification time and size: a cached pack or calendar is reloaded once its file changes."""
    st = Path(path).stat()
    return st.st_mtime_ns, st.st_size


def _load_calendar_file(path: str) -> SchoolCalendar:
    return _load_calendar_cached(path, _stamp(path))


#: Calendar file formats by suffix: YAML as shipped, or the formats councils publish.
CALENDAR_SUFFIXES = (".yaml", ".yml", ".ics", ".csv")


def load_calendar_file(path: str | Path) -> SchoolCalendar:
    """A calendar from a file: YAML (``policies/calendars/`` format), iCalendar ``.ics`` or
    CSV (:mod:`cme_policy.calendar_import`). Cached until the file changes."""
    p = Path(path)
    if p.suffix.lower() not in CALENDAR_SUFFIXES:
        raise PolicyError(
            [
                Problem(
                    "calendar",
                    f"unknown calendar format {p.suffix or '(none)'!r}; use " + ", ".join(CALENDAR_SUFFIXES),
                )
            ],
            "unknown calendar format",
        )
    if not p.is_file():
        raise PolicyError([Problem("calendar", f"no such calendar file: {p}")], "no calendar file")
    return _load_calendar_file(str(p.resolve()))


@cache
def _load_calendar_cached(path: str, _stamp: tuple[int, int]) -> SchoolCalendar:
    if path.lower().endswith((".ics", ".csv")):
        from ..calendar_import import read_csv, read_ics

        return read_ics(path) if path.lower().endswith(".ics") else read_csv(path)
    doc, problems = read_yaml_file(path, show_lines=True)
    if doc.data is None or problems:
        raise PolicyError(
            problems or [doc.problem((), "empty calendar file")], f"cannot load calendar {path}"
        )
    try:
        cal = _CalendarIn.model_validate(doc.data)
    except ValidationError as exc:
        raise PolicyError(model_problems(exc, doc, _CalendarIn), f"cannot load calendar {path}") from None
    years, problems = term_years(cal.years, doc, ("years",))
    if problems:
        raise PolicyError(problems, f"cannot load calendar {path}")
    return SchoolCalendar(cal.name, years, source=path, closures=cal.closures)


def load_calendar(calendar_id: str | None, near: Path | None = None) -> SchoolCalendar:
    """A calendar by id: next to the pack file first, then the shipped ones. ``None`` gives
    bank holidays only, with every term year unknown."""
    if calendar_id is None:
        return SchoolCalendar("bank holidays only")
    candidates = []
    if near is not None:
        candidates.append(near.parent / "calendars" / f"{calendar_id}.yaml")
    candidates.append(_shipped_dir() / "calendars" / f"{calendar_id}.yaml")
    for c in candidates:
        if c.is_file():
            return _load_calendar_file(str(c))
    raise PolicyError([Problem("calendar", f"no calendar {calendar_id!r} found")], "unknown calendar")


# -- packs --------------------------------------------------------------------------------------


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


#: What a value of each enum-typed key is called in messages.
_ENUM_WORDS = {
    "kind": "action kind",
    "actor": "actor",
    "completed_by": "history event",
    "type": "deadline type",
    "pack_format": "pack format",
}


def model_problems(
    exc: ValidationError, doc: Document, root: type[BaseModel], base: tuple[str | int, ...] = ()
) -> list[Problem]:
    """Pydantic's errors for ``root`` (read from ``doc`` at ``base``) in an author's words.

    A misspelt key or enum value gets a short did-you-mean from the keys allowed at that very
    spot, instead of the list of every allowed value; a key that is allowed one level down
    (inside a sibling left empty) or one level up is named as an indentation slip; a missing
    key that a misspelt or misplaced one was meant to be is reported once, at the misspelling.
    """
    out: list[Problem] = []
    hinted: set[tuple[tuple[Any, ...], str]] = set()
    moved_into: set[tuple[Any, ...]] = set()
    errors = exc.errors(include_url=False)
    for err in errors:
        raw = tuple(err["loc"])
        loc = (*base, *(p for p in raw if p not in CONDITION_TAGS))
        if err["type"] == "extra_forbidden" and loc and isinstance(loc[-1], str):
            key = loc[-1]
            names = _field_names_at(raw[:-1], root)
            misplaced = _misplaced(doc, raw, loc, root)
            if misplaced is not None:
                message, meant, emptied_key = misplaced
                if meant is not None:
                    hinted.add(meant)
                if emptied_key is not None:
                    moved_into.add(emptied_key)
                out.append(doc.problem(loc, message))
                continue
            close = difflib.get_close_matches(key, sorted(names), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            if close:
                hinted.add((loc[:-1], close[0]))
            allowed = f"; allowed here: {', '.join(sorted(names))}" if names and not close else ""
            out.append(doc.problem(loc, f"unknown key {shown_key(key)!r}{hint}{allowed}"))
            continue
        if err["type"] in ("enum", "literal_error") and isinstance(err.get("input"), str):
            expected = _enum_values(err)
            field = next((p for p in reversed(loc) if isinstance(p, str)), "value")
            word = _ENUM_WORDS.get(field, field.replace("_", " "))
            value = err["input"]
            hint = did_you_mean(value, expected)
            more = (
                ""
                if hint
                else f"; expected one of {', '.join(expected)}"
                if len(expected) <= 8
                else ("; see the schema (cme-policy schema) for the full list")
            )
            out.append(doc.problem(loc, f"unknown {word} {shown_key(value)!r}{hint}{more}"))
            continue
        msg = plain_message(err, " here" if base else " at the top of the file")
        if err["type"] == "condition" and isinstance(err.get("input"), dict):
            for key in err["input"]:
                close = difflib.get_close_matches(str(key), ["all", "any", "not", "fact"], n=1, cutoff=0.6)
                if close:
                    msg += f" (did you mean {close[0]!r} for {shown_key(str(key))!r}?)"
                    break
        if err["type"].endswith(("_type", "_parsing")) and "input" in err:
            msg += f" (got {_yaml_kind(err['input'])})"
        out.append(doc.problem(loc, msg))
    # A required key reported missing right where a misspelling of it was found: say it once.
    missing = {
        ((*base, *(p for p in e["loc"][:-1] if p not in CONDITION_TAGS)), str(e["loc"][-1]))
        for e in errors
        if e["type"] == "missing" and e["loc"]
    }
    drop = {doc.problem((*parent, name), "").path for parent, name in missing & hinted}
    # A key left empty because what belongs in it was dedented: the dedented keys say it all.
    emptied = {doc.problem(spot, "").path for spot in moved_into}
    return [
        p
        for p in out
        if not (p.path in drop and p.message.startswith("required key"))
        and not (p.path in emptied and "(got nothing (null))" in p.message)
    ]


#: Pydantic's messages by error type, in an author's words (no "Field required", "Input
#: should be", "Value error"). ``{}`` fields come from the error's context.
_PLAIN = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list (lines starting '- ' under the key, or [a, b])",
    "tuple_type": "expected a list (lines starting '- ' under the key, or [a, b])",
    "dict_type": "expected a mapping ('key: value' lines indented under the key)",
    "model_type": "expected a mapping ('key: value' lines indented under the key)",
    "model_attributes_type": "expected a mapping ('key: value' lines indented under the key)",
    "date_type": "expected a date written YYYY-MM-DD",
    "date_parsing": "expected a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "expected a date written YYYY-MM-DD, without a time",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "string_too_long": "too long: at most {max_length} characters",
    "too_long": "too many entries: at most {max_length}",
}

#: Patterns of the pack language, as an author would write to match them.
_PATTERNS = {
    r"^[a-z][a-z0-9_]*$": "must be lower-case letters, digits and underscores, starting with a letter",
    r"^\d{4}/\d{2}$": "must be an academic year written like 2024/25",
}


def plain_message(err: Any, top: str = " at the top of the file") -> str:
    """One pydantic error's message in plain words (never the value: inputs are hidden)."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        loc = [p for p in err["loc"] if p not in CONDITION_TAGS]
        name = loc[-1] if loc else "value"
        parent = next((p for p in reversed(loc[:-1]) if isinstance(p, str)), None)
        if parent is None:
            under = top
        elif isinstance(loc[-2], int):
            under = f" to this entry of {parent!r}"
        else:
            under = f" under {parent!r}"
        return f"required key {shown_key(str(name))!r} is missing: add it{under}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return "must not be empty: give at least one entry" if n == 1 else f"needs at least {n} entries"
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(str(ctx.get("pattern")), "is not written in the expected form")
    if kind in _PLAIN:
        try:
            return _PLAIN[kind].format(**ctx)
        except (KeyError, IndexError):
            return _PLAIN[kind].split(":")[0]
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    if msg.startswith("Assertion failed, "):
        return msg[len("Assertion failed, ") :]
    return msg.replace("Input should be", "should be")


Misplaced = tuple[str, tuple[tuple[Any, ...], str] | None, tuple[Any, ...] | None]


def _misplaced(
    doc: Document, raw: tuple[Any, ...], loc: tuple[Any, ...], root: type[BaseModel]
) -> Misplaced | None:
    """An unknown key that is a known key one level down (inside a sibling key left empty or
    holding a mapping) or one level up: an indentation slip, not a misspelling. Returns the
    message, (mapping, key) where it belongs when that is one level up (its "missing" there is
    then not reported again), and the sibling it belongs in when one level down."""
    key = loc[-1]
    parent = _data_at(doc.data, loc[:-1])
    if not isinstance(parent, dict):
        return None
    line = doc.position(loc)[0]
    # One level down: a sibling written just above it whose own keys include this one.
    candidates = []
    for sibling, value in parent.items():
        if sibling == key or not (value is None or isinstance(value, dict)):
            continue
        if key in _field_names_at((*raw[:-1], sibling), root):
            sline = doc.position((*loc[:-1], sibling))[0]
            if sline < line:
                candidates.append((sline, sibling))
    if candidates:
        sline, sibling = max(candidates)
        message = (
            f"{shown_key(key)!r} belongs inside {sibling!r} (line {sline}): it is indented as "
            f"if it were beside it; indent it further, under {sibling!r}"
        )
        return message, None, (*loc[:-1], sibling)
    # One level up: a key of the mapping that holds this one.
    up_raw = _parent_key_loc(raw[:-1])
    up_loc = _parent_key_loc(loc[:-1])
    if up_raw is None or up_loc is None or not loc[:-1]:
        return None
    holder = loc[:-1][-1] if isinstance(loc[:-1][-1], str) else next(
        (p for p in reversed(loc[:-1]) if isinstance(p, str)), None
    )
    if holder is not None and key in _field_names_at(up_raw, root):
        message = (
            f"{shown_key(key)!r} belongs one level up, beside {holder!r}: it is indented as if "
            f"it were inside {holder!r}; indent it less, in line with {holder!r}"
        )
        return message, (up_loc, key), None
    return None


def _parent_key_loc(loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The location of the mapping holding the key that ``loc`` ends in (list indexes and
    union tags skipped), or None at the top."""
    rest = list(loc)
    while rest and (isinstance(rest[-1], int) or rest[-1] in CONDITION_TAGS):
        rest.pop()
    if not rest:
        return None
    rest.pop()
    while rest and rest[-1] in CONDITION_TAGS:
        rest.pop()
    return tuple(rest)


def _data_at(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_list or (isinstance(data, dict) and part in data):
            data = data[part]
        else:
            return None
    return data


def _yaml_kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


def _enum_values(err: Any) -> list[str]:
    import re

    expected = str((err.get("ctx") or {}).get("expected", ""))
    return re.findall(r"'([^']*)'", expected)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _field_names_at(raw_loc: tuple[Any, ...], root: type[BaseModel] = Policy) -> set[str]:
    """The keys allowed in the mapping at ``raw_loc`` (a pydantic error location)."""
    from . import model as m

    current: list[type[BaseModel]] = [root]
    for part in raw_loc:
        if isinstance(part, int):
            continue
        if part in CONDITION_TAGS:
            current = [getattr(m, str(part))]
            continue
        nxt: list[type[BaseModel]] = []
        for cls in current:
            for name, f in cls.model_fields.items():
                if part in (name, f.alias):
                    nxt.extend(_models_in(f.annotation))
        current = nxt
        if not current:
            return set()
    return {f.alias or name for cls in current for name, f in cls.model_fields.items()}


def _not_already(found: list[Problem], reported: list[Problem]) -> list[Problem]:
    """Drop problems at (or inside) a value the YAML reader already refused: its value was
    replaced by null, so a type error there would only repeat the first message."""
    spots = {p.path for p in reported if p.path}
    return [p for p in found if not any(p.path == s or p.path.startswith((s + ".", s + "[")) for s in spots)]


#: The environment variable naming folders of local packs (``os.pathsep``-separated), searched
#: by authority id before the shipped packs; ``cme-policy --packs DIR`` sets it for one run.
PACKS_ENV = "CME_POLICY_PACKS"


def pack_folders() -> list[Path]:
    """The folders named in ``CME_POLICY_PACKS``, in order (empty entries ignored)."""
    import os

    return [Path(p) for p in os.environ.get(PACKS_ENV, "").split(os.pathsep) if p.strip()]


def known_policies() -> list[str]:
    """Every pack id that :func:`load_policy` finds by id: local folders, then shipped."""
    found = {p.stem for folder in pack_folders() if folder.is_dir() for p in folder.glob("*.yaml")}
    return sorted(found | set(shipped_policies()))


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.endswith((".yaml", ".yml"))


def _resolve(name_or_path: str | Path) -> Path:
    """A pack file by path, or by id: in the ``CME_POLICY_PACKS`` folders first, then shipped."""
    text = str(name_or_path)
    if isinstance(name_or_path, str) and not _looks_like_path(text):
        for folder in pack_folders():
            local = folder / f"{text}.yaml"
            if local.is_file():
                return local
        if text in shipped_policies():
            return shipped_policy_path(text)
    p = Path(text)
    if p.is_file():
        return p
    if isinstance(name_or_path, str) and not _looks_like_path(text):
        known = known_policies()
        folders = pack_folders()
        where = (
            f"looked in {', '.join(str(f) for f in folders)} and the shipped packs"
            if folders
            else f"for a pack of your own, give its file (policies/{shown_key(text)}.yaml) or name "
            f"its folder once with --packs DIR or {PACKS_ENV}"
        )
        raise UnknownAuthorityError(
            [
                Problem(
                    "policy",
                    f"unknown authority {shown_key(text)!r}{did_you_mean(text, known)}; "
                    f"known: {', '.join(known)}; {where}",
                )
            ],
            "unknown authority",
        )
    raise UnknownAuthorityError([Problem("policy", f"no such pack file: {text}")], "unknown pack")


def load_policy(
    name_or_path: str | Path | PolicyPack,
    *,
    calendar: SchoolCalendar | str | Path | None = None,
    _seen: tuple[str, ...] = (),
) -> PolicyPack:
    """Load a shipped pack by authority id (``"kent"``) or a pack file by path.

    ``calendar`` supplies term dates once instead of in every case: a
    :class:`~cme_policy.calendar.SchoolCalendar` or a calendar file (YAML, ``.ics`` or CSV, see
    :func:`load_calendar_file`). Its academic years replace the pack's for those years, its
    closure days are added, and every other year keeps the pack's own dates; term dates a case
    supplies still replace both. The same pack and calendar give the same (cached) pack.

    Raises :class:`~cme_policy.errors.PolicyError` listing every problem in the file, or
    :class:`~cme_policy.errors.UnknownAuthorityError`.
    """
    if isinstance(name_or_path, PolicyPack):
        pack = name_or_path
    else:
        pack = _load_path(str(_resolve(name_or_path).resolve()), _seen)
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
    return _load_path_cached(path, _stamp(path))


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


def scenario_file_for(pack_path: Path, pack_id: str) -> Path | None:
    """``../scenarios/<id>.yaml`` beside the pack's folder, or None if there is no such folder."""
    folder = pack_path.resolve().parent.parent / "scenarios"
    return folder / f"{pack_id}.yaml" if folder.is_dir() else None


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
