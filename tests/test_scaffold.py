"""``cme-policy new``, and local packs found by id from a folder outside the checkout.

The guide's loop for a new authority, in a temporary folder: start the pack, validate it, run
its scenarios, explain it and draw a case's timeline, by file path and by id (``--packs`` and
``CME_POLICY_PACKS``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cme_policy.authoring.scaffold import scaffold_texts, write_scaffold
from cme_policy.cli import main
from cme_policy.pack.load import PACKS_ENV, load_policy, validate_file
from cme_policy.scenarios import run_file

CASE = """\
child: {date_of_birth: 2015-06-14}
school: {on_roll: true}
absence: {first_day_on: 2026-01-12, explained: false}
whereabouts: {known: false}
history: []
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(PACKS_ENV, raising=False)
    assert main(["new", "northshire", "--name", "Northshire County Council"]) == 0
    (tmp_path / "case.yaml").write_text(CASE, encoding="utf-8")
    return tmp_path


def test_the_scaffold_validates_and_its_scenarios_pass(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = folder / "policies" / "northshire.yaml"
    assert validate_file(pack) == []  # no error and no warning
    outcomes = run_file(folder / "scenarios" / "northshire.yaml")
    assert len(outcomes) == 4 and all(o.passed for o in outcomes)
    assert {o.tests for o in outcomes} == {"fires", "does_not_fire", "unknown_fact", "boundary"}
    assert main(["test", "--coverage", "scenarios/northshire.yaml"]) == 0
    assert "northshire: 1 of 1 rules have a scenario" in capsys.readouterr().out
    assert (folder / "schema" / "policy-pack.schema.json").is_file()  # for the editor


def test_the_scaffold_teaches_the_format() -> None:
    texts = scaffold_texts("northshire", today=dt.date(2026, 1, 5))
    pack = texts["policies/northshire.yaml"]
    for lesson in ("yaml-language-server: $schema=../schema/policy-pack.schema.json", "never tabs",
                   '"- " (dash, space)', "cme-policy validate policies/northshire.yaml", "interpretation:"):
        assert lesson in pack
    assert "Hand count" in texts["scenarios/northshire.yaml"]
    assert "academic_year" in texts["policies/calendars/northshire.yaml"]
    assert "review_due_on: 2027-01-05" in pack
    assert "name: Northshire Council" in pack


def test_new_refuses_to_overwrite_or_a_bad_id(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (folder / "policies" / "northshire.yaml").read_text(encoding="utf-8")
    assert main(["new", "northshire"]) == 2
    assert "already there, nothing written" in capsys.readouterr().err
    assert (folder / "policies" / "northshire.yaml").read_text(encoding="utf-8") == before
    assert main(["new", "North-Shire"]) == 2
    assert "lower-case letters" in capsys.readouterr().err
    with pytest.raises(ValueError, match="lower-case"):
        write_scaffold(folder, "../escape")


@pytest.mark.parametrize(
    "args",
    [
        ["explain", "{pack}"],
        ["timeline", "--policy", "{pack}", "--on", "2026-01-26", "case.yaml"],
        ["check", "{pack}", "--on", "2026-01-26"],
        ["compare", "{pack}", "kent", "--on", "2026-01-26"],
        ["evaluate", "--policy", "{pack}", "--on", "2026-01-26", "case.yaml"],
    ],
)
def test_every_command_takes_a_pack_file_or_a_local_id(
    folder: Path, args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = "policies/northshire.yaml"
    assert main([a.replace("{pack}", path) for a in args]) == 0
    by_file = capsys.readouterr().out
    assert "Northshire" in by_file
    by_id = [a.replace("{pack}", "northshire") for a in args]
    assert main(by_id) == 2  # not found by id until its folder is named
    assert "--packs DIR or CME_POLICY_PACKS" in capsys.readouterr().err
    assert main(["--packs", "policies", *by_id]) == 0
    assert capsys.readouterr().out == by_file
    assert main([*by_id, "--packs", "policies"]) == 0
    capsys.readouterr()
    monkeypatch.setenv(PACKS_ENV, str(folder / "policies"))
    assert main(by_id) == 0
    assert capsys.readouterr().out == by_file


def test_packs_folder_is_for_one_run(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    assert main(["--packs", "policies", "explain", "northshire", "-o", "out.md"]) == 0
    assert PACKS_ENV not in os.environ
    monkeypatch.setenv(PACKS_ENV, str(folder / "policies"))
    assert load_policy("northshire").policy.authority.name == "Northshire County Council"
    assert load_policy("kent").id == "kent"  # shipped packs are still found
