"""The JSON Schema for cases: generated from the case model, shipped, fresh, and met by every
shipped example; and every example evaluates as its header says."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from cme_policy import ActionKind, Status, evaluate, load_case
from cme_policy.authoring.schema import case_fields, case_schema, case_schema_text
from cme_policy.case import changeable_fields
from cme_policy.cli import main
from cme_policy.vocabulary import EventKind, SafeguardingConcern
from cme_policy.yaml_io import read_yaml_file

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "schema" / "case.schema.json"
EXAMPLES = sorted((ROOT / "examples").rglob("*.yaml"))
D = dt.date


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _errors(instance: Any) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(case_schema())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def test_shipped_case_schema_is_current() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == case_schema_text(), (
        "schema/case.schema.json is stale: run `cme-policy schema --case -o schema/case.schema.json`"
    )


def test_schema_case_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--case"]) == 0
    assert json.loads(capsys.readouterr().out) == case_schema()
    stale = tmp_path / "case.json"
    stale.write_text("{}\n", encoding="utf-8")
    assert main(["schema", "--case", "--check", str(stale)]) == 1
    assert "cme-policy schema --case -o" in capsys.readouterr().err
    assert main(["schema", "--case", "-o", str(stale)]) == 0
    assert main(["schema", "--case", "--check", str(stale)]) == 0
    assert main(["schema", "--check", str(stale)]) == 1  # the pack schema is another file


def test_schema_names_every_changeable_field_event_and_concern() -> None:
    defs = case_schema()["$defs"]
    field = defs["Change"]["properties"]["field"]
    assert field["enum"] == list(changeable_fields())
    assert len(field["enumDescriptions"]) == len(field["enum"]) and all(field["enumDescriptions"])
    assert defs["EventKind"]["enum"] == [e.value for e in EventKind]
    assert all(defs["EventKind"]["enumDescriptions"])
    assert defs["SafeguardingConcern"]["enum"] == [c.value for c in SafeguardingConcern]


def test_every_case_field_is_described() -> None:
    rows = case_fields()
    assert {"changes[].field", "changes[].on", "changes[].value", "history[].event"} <= {r[0] for r in rows}
    assert [r[0] for r in rows if r[3]] == list(changeable_fields())
    assert all(meaning for _, _, meaning, _ in rows), [r[0] for r in rows if not r[2]]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_shipped_example_meets_the_case_schema(example: Path) -> None:
    doc, problems = read_yaml_file(example)
    assert not problems
    assert _errors(_json_ready(doc.data)) == []


CHANGES = {
    "child": {"date_of_birth": "2014-09-22", "child_protection_plan": True},
    "school": None,
    "whereabouts": {"known": False},
    "changes": [
        {"field": "child.child_protection_plan", "on": "2024-11-18", "value": True},
        {"field": "whereabouts.known", "on": "2025-03-03", "value": False},
        {"field": "child.safeguarding_concerns", "on": "2025-03-03", "value": ["neglect"]},
        {"field": "school.phase", "on": "2024-09-02", "value": "primary"},
        {"field": "child.year_group", "on": "2024-09-02", "value": None},
    ],
}


def test_a_case_with_changes_meets_the_schema() -> None:
    assert _errors(CHANGES) == []


@pytest.mark.parametrize(
    "change",
    [
        {"field": "whereabouts.knwn", "on": "2025-03-03", "value": True},  # no such fact
        {"field": "absence.first_day_on", "on": "2025-03-03", "value": "2025-03-03"},  # a date
        {"field": "whereabouts.known", "on": "2025-03-03", "value": "yes"},  # wrong type
        {"field": "school.phase", "on": "2025-03-03", "value": "college"},  # not a phase
        {"field": "child.safeguarding_concerns", "on": "2025-03-03", "value": ["neglectt"]},
        {"field": "whereabouts.known", "on": "20250303", "value": True},  # not YYYY-MM-DD
        {"field": "whereabouts.known", "on": "2025-03-03"},  # no value
    ],
)
def test_the_schema_refuses_what_the_model_refuses(change: dict[str, Any]) -> None:
    assert _errors({"changes": [change]}) != []


# -- every example evaluates as its header says ----------------------------------------------------

_COMMAND = re.compile(r"cme-policy evaluate --policy (\S+) --on (\S+)")


def _header_command(path: Path) -> tuple[str, str] | None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            return None
        found = _COMMAND.search(line)
        if found:
            return found.group(1), found.group(2)
    return None


RUNNABLE = [p for p in EXAMPLES if _header_command(p) is not None]


def test_the_new_examples_say_how_to_run_them() -> None:
    names = {f"{p.parent.name}/{p.name}" for p in RUNNABLE}
    new = {"derbyshire/protection_plan_before_absence.yaml", "manchester/referral_assigned_only.yaml"}
    assert new <= names


@pytest.mark.parametrize("example", RUNNABLE, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_example_evaluates_as_its_header_says(example: Path) -> None:
    policy, on = _header_command(example)  # type: ignore[misc]
    result = evaluate(policy, load_case(example), on=on)
    assert result.actions


def test_protection_plan_before_absence() -> None:
    # Hand count in the file's header: the plan predates the absence, whereabouts were known
    # until absence day 1 (Mon 3 Mar 2025), so both immediate duties are overdue on Tue 4 Mar.
    case = load_case(ROOT / "examples" / "derbyshire" / "protection_plan_before_absence.yaml")
    for on, status in (("2025-03-03", Status.DUE), ("2025-03-04", Status.OVERDUE)):
        result = evaluate("derbyshire", case, on=on)
        for kind in (ActionKind.CONTACT_SOCIAL_CARE, ActionKind.REFER_TO_CME):
            duty = result.action(kind, "school")
            assert (duty.status, duty.due_on) == (status, D(2025, 3, 3)), (on, kind)
    day_11 = next(r for r in duty.rules if r.rule_id == "refer_cme_by_day_11")
    assert day_11.due_on == D(2025, 3, 17)


def test_referral_assigned_only() -> None:
    # Six calendar months after the assignment on Mon 6 Jan 2025, the latest the referral can
    # have been made: Sun 6 Jul 2025, not moved off the weekend. Its exact date needs the
    # referral's; on Tue 8 Jul, past the latest date, the result says it is overdue whatever it is.
    case = load_case(ROOT / "examples" / "manchester" / "referral_assigned_only.yaml")
    result = evaluate("manchester", case, on="2025-07-08")
    closure = result.action(ActionKind.CLOSE_CASE, "la_cme_team")
    assert (closure.status, closure.due_on) == (Status.NEEDS_INFORMATION, D(2025, 7, 6))
    assert any("overdue whatever" in c for c in closure.caveats)
    assert closure.rule_id == "mcr_close_untraced_max_6_months"
    assert any("cme_referral_made" in f for f in closure.facts_needed)
    assert "at the latest" in closure.reason
