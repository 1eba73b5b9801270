"""Every message an author can see is in the guide, in plain words, with what to do about it.

The catalogue (cme_policy/pack/messages.py) is what docs/authoring.md lists; every message the
broken-file corpus gives must be an instance of a catalogue entry, so a new message cannot
appear without the guide saying what to do about it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from cme_policy.cli import main
from cme_policy.errors import InputError, Problem
from cme_policy.pack.load import load_policy, validate_file
from cme_policy.pack.messages import MESSAGES, describe, messages_markdown
from cme_policy.scenarios import run_file

HERE = Path(__file__).parent
ROOT = HERE.parent
GUIDE = ROOT / "docs" / "authoring.md"
TODAY = dt.date(2026, 11, 23)
PACK_FILES = sorted((HERE / "fixtures" / "broken").glob("*.yaml")) + sorted(
    (HERE / "hostile" / "packs").glob("*.yaml")
)
#: Words of parsers and validators that an author should never have to read.
JARGON = re.compile(
    r"Field required|Input should|Value error|while parsing|while scanning|block collection"
    r"|block mapping|<block end>|simple key|Extra inputs|validation error|Traceback",
)

SCENARIOS = """\
policy: kent
scenarios:
  - name: runs
    rule: school_referral_after_10_days
    case: {child: {date_of_birth: 2015-06-14}, history: []}
    on: 2025-03-03
    expect: {actions: [{rule: school_referral_after_10_days, status: needs_information}]}
  - name: misspelt expect
    rule: school_referral_after_10_days
    case: {}
    on: 2025-03-03
    expcet: {actions: []}
  - name: unknown rule and no date
    rule: school_referal_after_10_days
    case: {}
  - name: misspelt status
    case: {}
    on: 2025-03-03
    expect: {actions: [{kind: refer_to_cme, staus: due}]}
  - name: fails
    case: {child: {date_of_birth: 2015-06-14}, history: []}
    on: 2025-03-03
    expect: {state: closed}
"""


def _pack_problems() -> list[Problem]:
    out = []
    for path in PACK_FILES:
        out.extend(validate_file(path, today=TODAY))
    return out


def _scenario_messages(tmp_path: Path) -> list[str]:
    path = tmp_path / "kent_broken.yaml"
    path.write_text(SCENARIOS, encoding="utf-8")
    lines = []
    for o in run_file(path):
        for text in ([o.error] if o.error else []) + o.failures:
            lines.extend(text.splitlines())
    messages = []
    for line in lines:
        if line.startswith("  "):  # an excerpt line
            continue
        found = re.match(r"^.*?:\d+:\d+: (?:[\w.\[\]]+: )?(.*)$", line)
        messages.append(found.group(1) if found else line)
    return messages


def _finding_messages() -> list[str]:
    out = []
    for name in ("exampleshir", "no/such/pack.yaml"):
        with pytest.raises(InputError) as got:
            load_policy(name)
        out.extend(p.message for p in got.value.problems)
    return out


def test_every_message_is_in_the_catalogue(tmp_path: Path) -> None:
    messages = [p.message for p in _pack_problems()] + _scenario_messages(tmp_path) + _finding_messages()
    assert len(messages) > 60
    missing = sorted({m for m in messages if describe(m) is None})
    assert not missing, "add these to cme_policy/pack/messages.py:\n" + "\n".join(missing)


def test_no_validator_or_parser_jargon(tmp_path: Path) -> None:
    messages = [p.message for p in _pack_problems()] + _scenario_messages(tmp_path)
    assert not [m for m in messages if JARGON.search(m)]


def test_the_guide_lists_the_catalogue() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("<!-- messages:")
    start = text.index("\n", start) + 1
    end = text.index("<!-- end of messages -->")
    assert text[start:end] == messages_markdown(), (
        "docs/authoring.md is stale: paste cme_policy.pack.messages.messages_markdown() between "
        "its messages markers"
    )
    assert len({m.shown for m in MESSAGES}) == len(MESSAGES)


def test_syntax_errors_show_the_line_and_a_caret(capsys: pytest.CaptureFixture[str]) -> None:
    path = HERE / "fixtures" / "broken" / "misaligned_item.yaml"
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{path}:18:8: a list item ('- ') where a key was expected")
    assert err[1:] == [
        "  17 |         - {fact: school.on_roll, is: true}",
        "  18 |        - {fact: absence.explained, is: false}",
        "     |        ^",
    ]


def test_a_tab_is_shown_where_it_is() -> None:
    (problem,) = validate_file(HERE / "fixtures" / "broken" / "tab_indent.yaml", today=TODAY)
    assert problem.excerpt is not None
    assert problem.excerpt.splitlines()[-2:] == [
        "  13 | →title: School refers after ten school days",
        "     | ^",
    ]


def test_a_case_file_never_shows_its_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.yaml"
    text = "child:\n  name_of_child: SENTINEL-NAME\n   date_of_birth: 2015-06-14\n"
    case.write_text(text, encoding="utf-8")
    assert main(["evaluate", "--policy", "kent", "--on", "2025-03-03", str(case)]) == 2
    err = capsys.readouterr().err
    assert "SENTINEL" not in err and "^" not in err
    assert all(line.startswith(f"{case}:") for line in err.splitlines())


def test_excerpts_are_bounded(tmp_path: Path) -> None:
    pack = tmp_path / "long.yaml"
    pack.write_text("a: 1\nb: " + "x" * 100_000 + ": y\n", encoding="utf-8")
    (problem,) = validate_file(pack, today=TODAY)
    assert problem.excerpt is not None and len(problem.excerpt) < 400
    assert problem.excerpt.splitlines()[-1].endswith("^")


def test_each_scenario_is_reported_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "kent_broken.yaml"
    path.write_text(SCENARIOS, encoding="utf-8")
    outcomes = {o.name: o for o in run_file(path)}
    assert outcomes["runs"].passed
    assert outcomes["fails"].failures and outcomes["fails"].error is None
    assert "unknown key 'expcet' (did you mean 'expect'?)" in (outcomes["misspelt expect"].error or "")
    unknown = outcomes["unknown rule and no date"].error or ""
    assert (
        "no rule 'school_referal_after_10_days' in kent (did you mean 'school_referral_after_10_days'?)"
        in unknown
    )
    assert "give on + expect, or steps" in unknown
    assert "unknown key 'staus' (did you mean 'status'?)" in (outcomes["misspelt status"].error or "")
