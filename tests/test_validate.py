"""``cme-policy validate``: every problem at once, located, in the author's words.

tests/fixtures/broken/ holds one broken pack per kind of error. Each is the same small valid
pack (the ``VALID`` text below) with one thing broken, so the expected line and column below
can be checked by eye against the file.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from cme_policy.cli import main
from cme_policy.errors import PolicyError
from cme_policy.pack.load import load_policy, validate_file

HERE = Path(__file__).parent
BROKEN = HERE / "fixtures" / "broken"
ROOT = HERE.parent
TODAY = dt.date(2026, 11, 23)

# Messages never repeat the value (a case file's values are a child's data); the position does.
AMBIGUOUS_BOOL = (
    "this value is ambiguous in YAML (1.1 readers take yes/no/on/off/y/n as booleans): "
    "quote it, or write true/false"
)
AMBIGUOUS_NUMBER = (
    "this value is ambiguous in YAML (1.1 readers take a leading 0, 0x/0o/0b, underscores, "
    "base-60 such as 1:20, .inf and .nan as numbers): quote it, or write a plain decimal"
)

EXPECTED: dict[str, list[str]] = {
    "syntax_error": [
        "15:5: the '{' (opened on line 14) is not closed where expected: a ',' between entries or "
        "the closing '}' is missing, or a value containing ': ', ',' or '}' needs quotes",
    ],
    # Layout slips: plain words, each pointing at the line to fix.
    "dedented_block": [
        "23:15: rules[0].then[0].type: 'type' belongs inside 'deadline' (line 22): it is indented "
        "as if it were beside it; indent it further, under 'deadline'",
        "24:17: rules[0].then[0].anchor: 'anchor' belongs inside 'deadline' (line 22): it is "
        "indented as if it were beside it; indent it further, under 'deadline'",
        "25:9: rules[0].then[0].after: 'after' belongs inside 'deadline' (line 22): it is indented "
        "as if it were beside it; indent it further, under 'deadline'",
    ],
    "indented_too_far": [
        "23:18: rules[0].then[0].deadline.route: 'route' belongs one level up, beside 'deadline': "
        "it is indented as if it were inside 'deadline'; indent it less, in line with 'deadline'",
    ],
    "missing_colon": [
        "13:5: this line is neither 'key: value' nor '- item': a colon after the key is missing "
        "(or the '- ' of a list item), or text carried over from the line above needs indenting "
        "under its key",
    ],
    "unquoted_colon": [
        "13:20: a ': ' inside a value: a value containing a colon and a space goes in quotes "
        '(title: "Note: this")',
    ],
    "misaligned_key": [
        "13:6: this key is indented further than the keys above it: line it up with them, in the "
        "same column (or, if it belongs inside the key above, that key needs a colon and nothing "
        "after it)",
    ],
    "misaligned_item": [
        "18:8: a list item ('- ') where a key was expected: a list goes under its own key (key:, "
        "then '- item' lines indented beneath it), or this line is indented wrongly",
    ],
    "tab_indent": ["13:1: a tab cannot indent YAML: use spaces"],
    "missing_key": [
        "14:5: rules[0].citation.source: required key 'source' is missing: add it under 'citation'",
    ],
    "unclosed_quote": [
        "13:12: a quote opened here is never closed: add the closing quote (a ' inside '...' is "
        "written twice: 'it''s')",
    ],
    "missing_dash": [  # the rule's other repeated keys are not reported again
        "17:5: rules[0].id: duplicate key 'id' (first defined on line 12); if a new item of the "
        "list starts here, begin it with '- '",
    ],
    "duplicate_key": [
        "14:5: rules[0].title: duplicate key 'title' (first defined on line 13)",
    ],
    "yaml11_surprises": [
        f"11:14: sources[0].version: {AMBIGUOUS_BOOL}",
        f"19:41: rules[0].when.all[1].is: {AMBIGUOUS_BOOL}",
        f"26:32: rules[0].then[0].deadline.after.school_days: {AMBIGUOUS_NUMBER}",
    ],
    "alias": [  # an anchor (&cite) on line 14 and its alias (*cite): the anchor is refused
        "14:15: anchors (&name) are not allowed: write the value out",
    ],
    "alias_without_anchor": [
        "19:18: aliases (*name) are not allowed: write the value out",
    ],
    "python_tag": [
        "13:12: rules[0].title: explicit tags (!name) are not allowed: write the plain value",
    ],
    "wrong_type": [
        "6:3: authority.name: expected text (got a list)",
        "25:32: rules[0].then[0].deadline.after.school_days: expected a whole number (got text)",
    ],
    "misspelt_key": [
        "19:5: rules[0].thne: unknown key 'thne' (did you mean 'then'?)",
    ],
    "unknown_fact": [
        "17:18: rules[0].when.all[0].fact: unknown fact 'school.on_rol' (did you mean 'school.on_roll'?)",
    ],
    "unknown_fact_value": [
        "19:36: rules[0].when.all[2].is: 'secondry' is not a value of school.phase (did you mean "
        "'secondary'?); expected one of nursery, primary, secondary, all_through, special, "
        "alternative_provision",
    ],
    "unknown_action_kind": [
        "20:15: rules[0].then[0].kind: unknown action kind 'refer_to_cm' (did you mean 'refer_to_cme'?)",
    ],
    "unknown_anchor": [
        "24:19: rules[0].then[0].deadline.anchor: unknown anchor 'absence_start' "
        "(did you mean 'absence_started'?)",
    ],
    "undeclared_source": [
        "14:24: rules[0].citation.source: cites undeclared source 'demo_cm' (did you mean 'demo_cme'?)",
    ],
    "duplicate_rule_id": [
        "26:9: rules[1].id: duplicate rule id 'school_refers' (also at rules[0])",
    ],
    "never_holds": [
        "19:11: rules[0].when.all[2]: this condition can never hold: school.on_roll is tested "
        "`is: true` at rules[0].when.all[0] and `is: false` here, under one all",
    ],
    "contradiction": [
        "34:9: rules[1].then[0]: contradicts rule 'school_refers' (rules[0]): "
        "'no_referral_while_on_roll' forbids refer_to_cme while 'school_refers' requires it, "
        "and both apply on the same facts",
    ],
    "overlap": [
        "36:9: rules[1].then[0].deadline: overlaps rule 'school_refers' (rules[0]): same "
        "condition, same refer_to_cme by school, different deadlines (by 10 school days after "
        "absence_started there, by 5 school days after absence_started here); merge them or "
        "make the conditions exclusive",
    ],
    # Several problems in one file: all of them in one run, in file order.
    "many_problems": [
        "10:12: sources[0].titel: unknown key 'titel' (did you mean 'title'?)",
        "26:32: rules[0].then[0].deadline.after.school_days: expected a whole number (got text)",
        "29:24: rules[1].citation.source: cites undeclared source 'demo' (did you mean 'demo_cme'?)",
        "32:18: rules[1].when.all[0].fact: unknown fact 'school.on_rol' (did you mean 'school.on_roll'?)",
    ],
}


def _lines(path: Path) -> list[str]:
    out = []
    for p in validate_file(path, today=TODAY):
        assert p.file == str(path)
        out.append(str(p)[len(str(path)) + 1:])
    return out


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(p.stem for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_pack_messages(name: str) -> None:
    assert _lines(BROKEN / f"{name}.yaml") == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_pack_does_not_load(name: str) -> None:
    with pytest.raises(PolicyError) as got:
        load_policy(str(BROKEN / f"{name}.yaml"))
    assert got.value.problems


def test_cli_exit_2_and_no_traceback() -> None:
    files = [str(BROKEN / f"{name}.yaml") for name in sorted(EXPECTED)]
    run = subprocess.run(
        [sys.executable, "-m", "cme_policy.cli", "validate", *files],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr + run.stdout
    for name in EXPECTED:
        assert f"{name}.yaml:" in run.stderr


def test_cli_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BROKEN / "unknown_fact.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"{BROKEN / 'unknown_fact.yaml'}:{EXPECTED['unknown_fact'][0]}"


# -- built packs: the logic checks in more shapes --------------------------------------------------

HEAD = """pack_format: 1
id: demo
authority: {id: demo, name: Demo Council}
sources:
  - {id: demo_cme, title: CME procedure, publisher: Demo Council, review_due_on: 2030-01-01}
rules:
"""


def _rule(rid: str, when: str, then: str) -> str:
    return (
        f"  - id: {rid}\n    title: {rid}\n    citation: {{source: demo_cme, section: '1'}}\n"
        f"    when: {when}\n    then:\n      - {then}\n"
    )


REFER_10 = (
    "{kind: refer_to_cme, actor: school, "
    "deadline: {type: by, anchor: absence_started, after: {school_days: 10}}}"
)
REFER_15 = REFER_10.replace("10", "15")


def _check(tmp_path: Path, rules: str) -> list[str]:
    path = tmp_path / "policies" / "demo.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(HEAD + rules, encoding="utf-8")
    return [f"{p.severity}: {p.path}: {p.message}" for p in validate_file(path, today=TODAY)]


@pytest.mark.parametrize(
    ("when", "why"),
    [
        ("{all: [{fact: absence.continuous_school_days, at_least: 10}, "
         "{fact: absence.continuous_school_days, at_most: 5}]}", "`at_least: 10`"),
        ("{all: [{fact: risk.level, is: high}, {fact: risk.level, in: [low, medium]}]}", "`is: high`"),
        ("{all: [{fact: whereabouts.known, known: false}, {fact: whereabouts.known, is: true}]}",
         "`known: false`"),
        ("{all: [{fact: school.on_roll, is: true}, {all: [{not: {fact: school.on_roll, is: true}}]}]}",
         "`is: false`"),
        ("{all: [{fact: whereabouts.known, is: false}, {fact: history.found_on_roll_elsewhere, is: true}]}",
         "makes whereabouts.known true"),
        ("{any: [{fact: education.suitable, is: false}, {all: [{fact: school.on_roll, is: true}, "
         "{fact: school.on_roll, is: false}]}]}", "when.any[1].all[1]"),
    ],
)
def test_conditions_that_never_hold(tmp_path: Path, when: str, why: str) -> None:
    got = _check(tmp_path, _rule("r", when, REFER_10))
    errors = [g for g in got if g.startswith("error")]
    assert len(errors) == 1, got
    assert "can never hold" in errors[0]
    assert why in errors[0]


@pytest.mark.parametrize(
    "when",
    [
        "{all: [{fact: school.on_roll, is: true}, {fact: absence.explained, is: false}]}",
        "{all: [{fact: absence.continuous_school_days, at_least: 5}, "
        "{fact: absence.continuous_school_days, at_most: 5}]}",
        "{all: [{fact: risk.level, in: [high, medium]}, {fact: risk.level, in: [medium, low]}]}",
        "{all: [{fact: whereabouts.known, known: true}, {fact: whereabouts.known, is: false}]}",
        "{any: [{fact: school.on_roll, is: true}, {fact: school.on_roll, is: false}]}",
        "{all: [{fact: whereabouts.known, is: true}, {fact: history.found_on_roll_elsewhere, is: true}]}",
    ],
)
def test_conditions_that_can_hold_are_not_flagged(tmp_path: Path, when: str) -> None:
    assert not [g for g in _check(tmp_path, _rule("r", when, REFER_10)) if g.startswith("error")]


def test_a_rule_that_forbids_everywhere_contradicts_a_narrower_duty(tmp_path: Path) -> None:
    got = _check(
        tmp_path,
        _rule("never_refer", "{fact: school.on_roll, is: true}",
              "{kind: refer_to_cme, actor: school, forbidden: true}")
        + _rule("refer", "{all: [{fact: school.on_roll, is: true}, {fact: absence.explained, is: false}]}",
                REFER_10),
    )
    assert got[0] == (
        "error: rules[1].then[0]: contradicts rule 'never_refer' (rules[0]): 'never_refer' forbids "
        "refer_to_cme while 'refer' requires it, and both apply whenever 'refer' does"
    )


def test_exclusive_conditions_do_not_contradict_or_overlap(tmp_path: Path) -> None:
    got = _check(
        tmp_path,
        _rule("no_referral_on_roll", "{fact: school.on_roll, is: true}",
              "{kind: refer_to_cme, actor: school, forbidden: true}")
        + _rule("refer", "{fact: school.on_roll, is: false}", REFER_10)
        + _rule("refer_later", "{fact: school.on_roll, is: false}",
                REFER_15.replace("actor: school", "actor: any_professional")),
    )
    assert not [g for g in got if g.startswith("error")]


def test_rules_in_force_at_different_times_do_not_overlap(tmp_path: Path) -> None:
    old = _rule("old", "{fact: school.on_roll, is: true}", REFER_10).replace(
        "    when:", "    effective_to: 2024-08-18\n    when:")
    new = _rule("new", "{fact: school.on_roll, is: true}", REFER_15).replace(
        "    when:", "    effective_from: 2024-08-19\n    when:")
    assert not [g for g in _check(tmp_path, old + new) if g.startswith("error")]


def test_narrower_rule_with_later_deadline_is_a_warning(tmp_path: Path) -> None:
    got = _check(
        tmp_path,
        _rule("refer", "{fact: school.on_roll, is: true}", REFER_10)
        + _rule(
            "refer_in_care",
            "{all: [{fact: school.on_roll, is: true}, {fact: child.looked_after, is: true}]}",
            REFER_15,
        ),
    )
    assert got == [
        "warning: rules[1].then[0].deadline: gives refer_to_cme a later deadline (by 15 school days "
        "after absence_started) than the broader rule 'refer' (by 10 school days after "
        "absence_started), which also applies here: the earlier date still stands",
    ]


# -- warnings: review dates and scenario coverage ---------------------------------------------------


def test_sources_past_review_are_warnings_not_errors(tmp_path: Path) -> None:
    rules = _rule("r", "{fact: school.on_roll, is: true}", REFER_10)
    assert _check(tmp_path, rules) == []
    path = tmp_path / "policies" / "demo.yaml"
    got = validate_file(path, today=dt.date(2030, 1, 2))
    assert [(p.severity, p.path, p.line) for p in got] == [("warning", "sources[0].review_due_on", 5)]
    assert "due for review on 2030-01-01" in got[0].message
    assert main(["validate", str(path)]) == 0  # warnings alone pass


def test_rules_without_scenarios_are_warnings(tmp_path: Path) -> None:
    rules = (_rule("tested", "{fact: school.on_roll, is: true}", REFER_10)
             + _rule("untested", "{fact: school.on_roll, is: false}",
                     "{kind: inform_cme_team, actor: any_professional}"))
    (tmp_path / "scenarios").mkdir()
    assert _check(tmp_path, rules) == [
        "warning: rules: no scenario file scenarios/demo.yaml: none of the 2 rules is tested"
    ]
    (tmp_path / "scenarios" / "demo.yaml").write_text(
        "policy: ../policies/demo.yaml\nscenarios:\n  - {name: a, rule: tested, case: {}, steps: []}\n",
        encoding="utf-8",
    )
    assert _check(tmp_path, rules) == [
        "warning: rules[1].id: rule 'untested' has no scenario in scenarios/demo.yaml "
        "(add one with rule: untested)"
    ]


def test_shipped_packs_have_no_errors() -> None:
    for pack in sorted((ROOT / "policies").glob("*.yaml")):
        errors = [str(p) for p in validate_file(pack, today=TODAY) if p.severity == "error"]
        assert errors == [], pack.name


def test_an_overlay_contradicting_the_pack_it_extends(tmp_path: Path) -> None:
    _check(tmp_path, _rule("refer", "{fact: school.on_roll, is: true}", REFER_10))
    school = tmp_path / "policies" / "demo_school.yaml"
    school.write_text(
        HEAD.replace("id: demo\n", "id: demo_school\nextends: demo\n", 1)
        .replace("{id: demo, name: Demo Council}", "{id: demo_school, name: Demo School, kind: school}")
        + _rule("no_referral_in_care",
                "{all: [{fact: school.on_roll, is: true}, {fact: child.looked_after, is: true}]}",
                "{kind: refer_to_cme, actor: school, forbidden: true}"),
        encoding="utf-8",
    )
    got = [f"{p.severity}: {p.path}: {p.message}" for p in validate_file(school, today=TODAY)]
    assert got == [
        "error: rules[0].then[0]: contradicts rule 'refer' (in pack 'demo'): 'no_referral_in_care' "
        "forbids refer_to_cme while 'refer' requires it, and both apply whenever "
        "'no_referral_in_care' does"
    ]
