"""Scenario tests a policy author writes in YAML, and the runner behind ``cme-policy test``.

A scenario file names a pack and lists scenarios. Each gives a case, one evaluation date (or
several ``steps`` that follow the case over time) and what is expected: actions that must be
present (matched on the keys given), actions that must be absent, the case state, the facts
still needed. ``rule`` and ``tests`` say which rule the scenario exercises and how (fires,
does_not_fire, unknown_fact, boundary), which gives rule coverage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from .case import parse_case
from .engine.evaluate import evaluate
from .errors import InputError, PolicyError, Problem
from .pack.load import load_policy
from .pack.loaded import PolicyPack
from .result import ActionOut, EvaluationResult
from .suggest import did_you_mean
from .vocabulary import ActionKind, Actor, CaseState, Status
from .yaml_io import read_yaml_file

_CONFIG = ConfigDict(extra="forbid", frozen=True)

Purpose = Literal["fires", "does_not_fire", "unknown_fact", "boundary"]


class ActionMatch(BaseModel):
    """Keys a verdict (one entry of ``result.actions``) must have; keys left out are not checked.

    ``rule`` matches when the rule is among the rules behind the verdict; every other key is
    checked against the verdict itself (its status and dates are the answer a caseworker acts on).
    """

    model_config = _CONFIG

    rule: StrictStr | None = Field(None, description="A rule among those behind the verdict.")
    kind: ActionKind | None = None
    actor: Actor | None = None
    status: Status | None = None
    due_on: dt.date | None = None
    not_before: dt.date | None = None
    no_date: bool | None = Field(None, description="true: the action has no date at all.")
    section: StrictStr | None = Field(None, description="The cited section, e.g. §6.1.")
    facts_needed: list[StrictStr] | None = None
    rule_status: Status | None = Field(
        None, description="The named rule's own status beneath the verdict (needs 'rule')."
    )

    def matches(self, a: ActionOut) -> bool:
        if self.rule is not None and self.rule not in a.rule_ids():
            return False
        if self.rule_status is not None and not any(
            r.rule_id == self.rule and r.status == self.rule_status for r in a.rules
        ):
            return False
        checks = [
            (self.kind, a.kind),
            (self.actor, a.actor),
            (self.status, a.status),
            (self.due_on, a.due_on),
            (self.not_before, a.not_before),
            (self.section, a.citation.section),
        ]
        if any(want is not None and want != got for want, got in checks):
            return False
        if self.no_date is not None and self.no_date != (a.due_on is None and a.not_before is None):
            return False
        return self.facts_needed is None or set(self.facts_needed) <= set(a.facts_needed)

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.model_dump(exclude_none=True).items())


class Expect(BaseModel):
    model_config = _CONFIG

    actions: list[ActionMatch] = Field(default_factory=list)
    absent: list[ActionMatch] = Field(default_factory=list)
    state: CaseState | None = None
    next_review_on: dt.date | None = None
    facts_needed: list[StrictStr] | None = Field(None, description="Must all be listed.")
    warnings_include: list[StrictStr] = Field(default_factory=list)


class Step(BaseModel):
    model_config = _CONFIG
    on: dt.date
    expect: Expect


class Scenario(BaseModel):
    model_config = _CONFIG

    name: StrictStr = Field(min_length=1)
    rule: StrictStr | None = Field(None, description="The rule this scenario exercises.")
    tests: Purpose | None = None
    case: dict[str, Any]
    on: dt.date | None = None
    expect: Expect | None = None
    steps: list[Step] = Field(default_factory=list)

    def all_steps(self) -> list[Step]:
        if self.on is not None and self.expect is not None:
            return [Step(on=self.on, expect=self.expect), *self.steps]
        return list(self.steps)


class ScenarioFile(BaseModel):
    model_config = _CONFIG

    policy: StrictStr = Field(description="Shipped pack id, or a path relative to this file.")
    scenarios: list[Scenario] = Field(min_length=1)


class _FileHead(BaseModel):
    """The file's own keys; each scenario is read on its own, so one bad scenario is reported
    on its own and the others still run."""

    model_config = _CONFIG

    policy: StrictStr
    scenarios: list[Any] = Field(min_length=1)


@dataclass
class Outcome:
    file: str
    name: str
    rule: str | None
    tests: str | None
    failures: list[str] = field(default_factory=list)
    error: str | None = None
    line: int = 1

    @property
    def passed(self) -> bool:
        return not self.failures and self.error is None


@dataclass
class Entry:
    """One scenario of a file: read, or the problems that stop it running (located)."""

    index: int
    name: str
    line: int
    scenario: Scenario | None
    problems: list[Problem] = field(default_factory=list)


def read_scenarios(path: str | Path) -> tuple[PolicyPack, list[Entry]]:
    """The pack a scenario file names and each of its scenarios, read one by one.

    Raises :class:`PolicyError` only for what stops the whole file: YAML it cannot read, no
    ``policy`` or ``scenarios``, or a pack that does not load. A scenario with a misspelt key
    (did-you-mean from the scenario vocabulary), a missing date or a rule the pack does not
    have is an :class:`Entry` with its problems; the others are unaffected.
    """
    from .pack.schema_errors import model_problems

    doc, problems = read_yaml_file(path, show_lines=True)
    if problems or doc.data is None:
        raise PolicyError(problems or [doc.problem((), "empty scenario file")], f"cannot read {path}")
    if not isinstance(doc.data, dict):
        raise PolicyError([doc.problem((), "a scenario file must be a mapping")], f"cannot read {path}")
    try:
        head = _FileHead.model_validate(doc.data)
    except ValidationError as exc:
        raise PolicyError(model_problems(exc, doc, ScenarioFile), f"invalid scenario file {path}") from None
    target = Path(path).parent / head.policy
    pack = load_policy(str(target) if target.is_file() else head.policy)
    rule_ids = sorted({r.id for r in pack.rules})
    entries = []
    for i, raw in enumerate(head.scenarios):
        loc = ("scenarios", i)
        name = raw.get("name") if isinstance(raw, dict) else None
        name = name if isinstance(name, str) and name.strip() else f"scenario {i + 1}"
        entry = Entry(i, name, doc.position(loc)[0], None)
        entries.append(entry)
        rule = raw.get("rule") if isinstance(raw, dict) else None
        if isinstance(rule, str) and rule not in rule_ids:
            entry.problems.append(
                doc.problem((*loc, "rule"), f"no rule {rule!r} in {pack.id}{did_you_mean(rule, rule_ids)}")
            )
        try:
            sc = Scenario.model_validate(raw)
        except ValidationError as exc:
            entry.problems.extend(model_problems(exc, doc, Scenario, loc))
        else:
            if not sc.all_steps():
                entry.problems.append(doc.problem(loc, "give on + expect, or steps"))
            if not entry.problems:
                entry.scenario = sc
        entry.problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return pack, entries


def load_scenarios(path: str | Path) -> tuple[ScenarioFile, PolicyPack]:
    """Every scenario of a file, or :class:`PolicyError` listing the problems of all of them."""
    pack, entries = read_scenarios(path)
    problems = [p for e in entries for p in e.problems]
    if problems:
        raise PolicyError(problems, f"invalid scenario file {path}")
    head = read_yaml_file(path)[0].data
    sf = ScenarioFile.model_construct(
        policy=head["policy"], scenarios=[e.scenario for e in entries if e.scenario is not None]
    )
    return sf, pack


def check(result: EvaluationResult, expect: Expect) -> list[str]:
    """Differences between a result and what was expected, in words."""
    out = []
    for want in expect.actions:
        if not any(want.matches(a) for a in result.actions):
            near = [
                a
                for a in result.actions
                if (want.rule is None or want.rule in a.rule_ids()) and (want.kind in (None, a.kind))
            ]
            got = (
                "; ".join(
                    f"{a.kind} status={a.status} due_on={a.due_on} not_before={a.not_before}"
                    + "".join(
                        f" (rule {r.rule_id} beneath: status={r.status} due_on={r.due_on} "
                        f"not_before={r.not_before})"
                        for r in a.rules
                        if r.rule_id == want.rule
                    )
                    for a in near
                )
                or "no verdict with that rule behind it"
            )
            out.append(f"expected action [{want.describe()}], got: {got}")
    for bad in expect.absent:
        hits = [a for a in result.actions if bad.matches(a)]
        if hits:
            out.append(f"expected no action [{bad.describe()}], got {len(hits)} (status {hits[0].status})")
    if expect.state is not None and result.state != expect.state:
        out.append(f"expected state {expect.state}, got {result.state}")
    if expect.next_review_on is not None and result.next_review_on != expect.next_review_on:
        out.append(f"expected next review {expect.next_review_on}, got {result.next_review_on}")
    if expect.facts_needed is not None:
        missing = set(expect.facts_needed) - set(result.facts_needed)
        if missing:
            out.append(f"expected facts needed to include {sorted(missing)}, got {result.facts_needed}")
    for w in expect.warnings_include:
        if not any(w in x for x in result.warnings):
            out.append(f"expected a warning containing {w!r}")
    return out


def run_file(path: str | Path) -> list[Outcome]:
    """Every scenario of a file, each run and reported on its own."""
    try:
        pack, entries = read_scenarios(path)
    except InputError as exc:
        return [Outcome(str(path), "(file)", None, None, error=str(exc))]
    return [run_entry(str(path), pack, e) for e in entries]


def run_entry(file: str, pack: PolicyPack, entry: Entry) -> Outcome:
    """One scenario run (or, if it could not be read, its problems as the outcome's error)."""
    sc = entry.scenario
    if sc is None:
        error = "\n".join(p.display() for p in entry.problems)
        return Outcome(file, entry.name, None, None, error=error, line=entry.line)
    o = Outcome(file, sc.name, sc.rule, sc.tests, line=entry.line)
    try:
        case = parse_case(sc.case)
        for step in sc.all_steps():
            diffs = check(evaluate(pack, case, on=step.on), step.expect)
            o.failures.extend(f"on {step.on}: {d}" for d in diffs)
    except InputError as exc:
        o.error = str(exc)
    return o


def scenario_files(path: str | Path) -> list[Path]:
    p = Path(path)
    return sorted(p.rglob("*.yaml")) if p.is_dir() else [p]


def coverage(outcomes: list[Outcome], pack: PolicyPack) -> dict[str, set[str]]:
    """For each rule the pack itself defines, the purposes its scenarios cover. A layer's
    inherited rules are covered by its parent's scenarios, so they are not counted again."""
    got: dict[str, set[str]] = {r.id: set() for r in pack.policy.rules}
    for o in outcomes:
        if o.rule in got and o.tests:
            got[o.rule].add(o.tests)
    return got
