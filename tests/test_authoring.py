"""Authoring tools: the pytest scenario plugin, rule coverage, explain and timeline."""

from __future__ import annotations

import datetime as dt
import html.parser
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cme_policy import load_policy, parse_case
from cme_policy.authoring.coverage import collect_coverage, uncovered_rules
from cme_policy.authoring.explain import explain
from cme_policy.authoring.timeline import build_timeline, render_svg, render_text
from cme_policy.cli import main

ROOT = Path(__file__).resolve().parents[1]

CASE = {
    "child": {"date_of_birth": "2015-06-14", "looked_after": False, "child_protection_plan": False,
              "safeguarding_concerns": [], "serious_concern_for_safety": False,
              "in_immediate_danger": False},
    "school": {"on_roll": True, "phase": "primary"},
    "absence": {"first_day_on": "2025-02-10", "explained": False},
    "whereabouts": {"known": False, "believed_abroad": False},
    "history": [],
}

# Kent: absence day 1 is Mon 10 Feb 2025; half term 17-21 Feb; days 6-10 are 24-28 Feb, so
# "10 school days after the first day of absence" (absence day 11) is Mon 3 Mar 2025.
SCENARIOS = """policy: kent
scenarios:
  - name: referral due on absence day 11
    rule: school_referral_after_10_days
    tests: fires
    case: &case
      child: {date_of_birth: 2015-06-14, looked_after: false}
      school: {on_roll: true}
      absence: {first_day_on: 2025-02-10, explained: false}
      whereabouts: {known: false}
      history: []
    on: 2025-02-12
    expect:
      actions:
        - {rule: school_referral_after_10_days, kind: refer_to_cme, due_on: 2025-03-03}
  - name: a deliberately wrong expectation
    rule: school_checks_before_referral
    tests: fires
    case:
      child: {date_of_birth: 2015-06-14}
      school: {on_roll: true}
      absence: {first_day_on: 2025-02-10, explained: false}
      whereabouts: {known: false}
      history: []
    on: 2025-02-12
    expect:
      actions:
        - {rule: school_checks_before_referral, due_on: 2025-03-04}
""".replace("case: &case", "case:")


def _pytest(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=cwd, capture_output=True, text=True, check=False,
    )


# -- the pytest plugin ------------------------------------------------------------------------------


def test_plugin_collects_scenario_files_as_items(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "kent_demo.yaml").write_text(SCENARIOS, encoding="utf-8")
    (folder / "broken.yaml").write_text("policy: kent\nscenarios: []\n", encoding="utf-8")
    (tmp_path / "not_scenarios.yaml").write_text("a: 1\n", encoding="utf-8")
    (folder / "someone_elses.yaml").write_text("name: x\nsteps: []\n", encoding="utf-8")
    run = _pytest(["-rf", "--scenario-coverage"], tmp_path)
    out = run.stdout
    assert run.returncode == 1, out
    assert "2 failed, 1 passed" in out
    assert "scenarios/kent_demo.yaml::a deliberately wrong expectation" in out
    assert "expected action [rule=school_checks_before_referral, due_on=2025-03-04]" in out
    assert "cannot load scenario file" in out  # the broken file is one failing item
    assert "kent: 2 of" in out and "none for:" in out


def test_plugin_passing_run(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    good = SCENARIOS[: SCENARIOS.index("  - name: a deliberately wrong")]
    (folder / "kent_demo.yaml").write_text(good, encoding="utf-8")
    run = _pytest(["-m", "cme_scenario"], tmp_path)
    assert run.returncode == 0, run.stdout
    assert "1 passed" in run.stdout


def test_repo_collects_each_scenario_exactly_once() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["pytest"]["ini_options"]["testpaths"] == ["tests", "scenarios"]
    assert not list((ROOT / "tests").rglob("scenarios"))  # no second folder the plugin would take
    run = _pytest(["--collect-only", "scenarios"], ROOT)
    assert run.returncode == 0, run.stdout[-2000:]
    ids = [line for line in run.stdout.splitlines() if line.startswith("scenarios/")]
    assert len(ids) == len(set(ids))
    from cme_policy.scenarios import load_scenarios

    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    expected = sum(len(load_scenarios(f)[0].scenarios) for f in files)
    assert len(ids) == expected


# -- coverage ---------------------------------------------------------------------------------------


def test_coverage_lists_rules_no_scenario_exercises(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "kent_demo.yaml"
    f.write_text(SCENARIOS, encoding="utf-8")
    packs, broken = collect_coverage([f])
    assert broken == []
    kent = packs["kent"]
    assert "school_referral_after_10_days" not in kent.uncovered
    assert "never_close_untraced_case" in kent.uncovered
    assert kent.partly["school_referral_after_10_days"] == ["does_not_fire", "unknown_fact", "boundary"]
    assert uncovered_rules(load_policy("kent"), [r.id for r in load_policy("kent").rules]) == []

    assert main(["test", "--coverage", str(f)]) == 1
    out = capsys.readouterr().out
    assert "kent: 2 of" in out
    assert "no scenario: never_close_untraced_case" in out


# -- explain ----------------------------------------------------------------------------------------


def test_explain_markdown_covers_every_rule_and_citation() -> None:
    pack = load_policy("kent")
    text = explain(pack)
    assert text.startswith("# Kent County Council: Children Missing Education procedure")
    for rule in pack.rules:
        assert rule.title in text
        assert f"Rule id: {rule.id}" in text
    assert "By 10 school days after the first day of absence (absence day 1): absence day 11" in text
    assert "Must not: close the CME case" in text
    assert "PIAS Digital Front Door" in text  # the route
    assert '§6.1: "Following the school' in text  # the citation with its quote
    assert "## Not encoded" in text


def test_explain_html_is_well_formed_and_escaped() -> None:
    page = explain(load_policy("kent"), "html")

    class Checker(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag != "meta":
                self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:])
            self.stack.pop()

    checker = Checker()
    checker.feed(page)
    assert checker.stack == []
    assert "Children&#x27;s" in page or "Children's" not in page.split("<body>")[1]


def test_explain_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["explain", "kent"]) == 0
    assert "## At a glance" in capsys.readouterr().out
    out = tmp_path / "kent.html"
    assert main(["explain", "kent", "--format", "html", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["explain", "kentt"]) == 2
    assert "did you mean 'kent'" in capsys.readouterr().err


def test_explain_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="markdown or html"):
        explain(load_policy("kent"), "pdf")


# -- timeline ---------------------------------------------------------------------------------------


def test_timeline_text_marks_school_days_holidays_and_deadlines() -> None:
    tl = build_timeline(load_policy("kent"), parse_case(CASE), dt.date(2025, 2, 12))
    assert tl.start == dt.date(2025, 2, 10)
    # Projected to the earliest removal date on what is known: absence day 21, Mon 17 Mar 2025
    # (the referral is due on day 11, Mon 3 Mar; half term 17-21 Feb is skipped).
    assert tl.end == dt.date(2025, 3, 17)
    text = render_text(tl)
    lines = text.splitlines()
    week = next(line for line in lines if line.startswith("10 Feb 2025"))
    assert week.split() == ["10", "Feb", "2025", "1", "2", "@3", "4", "5", ".", "."]
    half_term = next(line for line in lines if line.startswith("17 Feb 2025"))
    assert half_term.split()[3:] == ["hol"] * 5 + [".", "."]
    last = next(line for line in lines if line.startswith("03 Mar 2025"))
    assert last.split()[3] == "11*"
    assert "Mon 17 Feb 2025 to Fri 21 Feb 2025: school holiday" in text
    assert any(
        "Mon 03 Mar 2025" in line and "absence day 11" in line
        and "Due by this day (upcoming): Refer the child to the local authority as missing "
        "education, by the school." in line
        for line in lines
    )


def test_timeline_svg_is_valid_and_draws_every_day(tmp_path: Path) -> None:
    tl = build_timeline(load_policy("kent"), parse_case(CASE), dt.date(2025, 2, 12))
    svg = render_svg(tl)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    day_rects = [r for r in root.iter(f"{ns}rect") if r.find(f"{ns}title") is not None]
    assert len(day_rects) == (tl.end - tl.start).days + 1
    tips = [r.find(f"{ns}title").text or "" for r in day_rects]  # type: ignore[union-attr]
    assert "Mon 17 Feb 2025: school holiday" in tips
    assert "Mon 03 Mar 2025: school day, absence day 11" in tips
    assert "Due by this day (upcoming): Refer the child to the local authority" in svg
    assert "_" not in "".join(t.text or "" for t in root.iter(f"{ns}text"))  # words, not ids


def test_timeline_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(
        "child: {date_of_birth: 2015-06-14}\nschool: {on_roll: true}\n"
        "absence: {first_day_on: 2025-02-10, explained: false}\nwhereabouts: {known: false}\n"
        "history:\n  - {event: case_made_dormant, on: 2025-04-03}\n",
        encoding="utf-8",
    )
    svg = tmp_path / "t.svg"
    args = ["timeline", "--policy", "kent", str(case), "--on", "2025-04-10", "--svg", str(svg)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Recorded: case made dormant." in out
    # one calendar month on
    assert "Due by this day (upcoming): Review the dormant case" in out and "Sat 03 May 2025" in out
    ET.fromstring(svg.read_text(encoding="utf-8"))
    assert main(["timeline", "--policy", "kent", str(case), "--on", "2025-02-30"]) == 2


# -- docs/authoring.md: the worked example is real ----------------------------------------------------


def _doc_files(tmp_path: Path) -> dict[str, Path]:
    import re

    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    files = {}
    for block in re.findall(r"```yaml\n# file: (\S+)\n(.*?)```", text, flags=re.S):
        name, body = block
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
        files[name] = path
    return files


def test_authoring_guide_example_validates_and_its_scenarios_pass(tmp_path: Path) -> None:
    from cme_policy.pack.load import validate_file
    from cme_policy.scenarios import run_file

    files = _doc_files(tmp_path)
    assert set(files) == {
        "policies/exampleshire.yaml", "policies/calendars/exampleshire.yaml", "scenarios/exampleshire.yaml",
    }
    pack = files["policies/exampleshire.yaml"]
    assert validate_file(pack, today=dt.date(2026, 11, 23)) == []  # no errors, no warnings
    outcomes = run_file(files["scenarios/exampleshire.yaml"])
    assert len(outcomes) == 12
    assert [o for o in outcomes if not o.passed] == []
    assert {(o.rule, o.tests) for o in outcomes} == {
        (r, t) for r in ("school_refers_after_10_days", "cme_officer_assesses_referral",
                         "never_close_while_untraced")
        for t in ("fires", "does_not_fire", "unknown_fact", "boundary")
    }
    # The guide quotes the error a misspelt fact gives: check it is the real one.
    broken = pack.parent / "exampleshire_typo.yaml"
    broken.write_text(pack.read_text(encoding="utf-8").replace(
        "fact: school.on_roll", "fact: school.on_rol"), encoding="utf-8")
    (got,) = validate_file(broken)
    quoted = "41:18: rules[0].when.all[0].fact: unknown fact 'school.on_rol'"
    assert str(got).endswith(quoted + " (did you mean 'school.on_roll'?)")
    assert quoted in (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8").replace("\n", " ")
