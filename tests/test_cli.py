"""The command line: readable output, JSON, and located errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cme_policy.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "kent" / "absent_over_half_term.yaml"


def test_evaluate_prints_a_table_with_reasons(capsys):
    assert main(["evaluate", "--policy", "kent", "--on", "2025-03-03", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "refer_to_cme" in out and "by 2025-03-03" in out and "§6.1" in out
    assert "Mon 17 Feb to Fri 21 Feb 2025" in out


def test_evaluate_json(capsys):
    assert main(["evaluate", "--policy", "kent", "--on", "2025-03-03", "--format", "json", str(EXAMPLE)]) == 0
    data = json.loads(capsys.readouterr().out)
    referral = next(a for a in data["actions"] if a["rule_id"] == "school_referral_after_10_days")
    assert referral["due_on"] == "2025-03-03" and referral["status"] == "due"


def test_bad_case_file_is_located_and_not_echoed(tmp_path, capsys):
    case = tmp_path / "case.yaml"
    case.write_text("child:\n  date_of_birth: 2015-02-30\n  looked_after: 'Jane Smith'\n", encoding="utf-8")
    assert main(["evaluate", "--policy", "kent", "--on", "2025-03-03", str(case)]) == 2
    err = capsys.readouterr().err
    assert f"{case}:2:18: child.date_of_birth:" in err
    assert f"{case}:3:17: child.looked_after:" in err
    assert "Jane Smith" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["evaluate", "--policy", "kentt", "--on", "2025-03-03", str(EXAMPLE)], "did you mean 'kent'"),
        (["evaluate", "--policy", "kent", "--on", "03/03/2025", str(EXAMPLE)], "on: expected a real date"),
    ],
)
def test_bad_arguments_exit_2_without_traceback(args, expected, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_validate_reports_every_problem_compiler_style(tmp_path, capsys):
    pack = tmp_path / "bad.yaml"
    pack.write_text(
        "id: bad\nid: again\nauthority: {id: bad, name: Bad}\nsources: []\nrules: no\n", encoding="utf-8"
    )
    assert main(["validate", str(pack)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith(f"{pack}:2:1: id: duplicate key 'id'") for line in err)
    assert any(line.startswith(f"{pack}:5:8: rules: this value is ambiguous") for line in err)


def test_validate_a_good_pack(capsys):
    assert main(["validate", str(ROOT / "policies" / "kent.yaml")]) == 0


def test_console_script_runs_from_any_directory(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cme_policy.cli",
            "evaluate",
            "--policy",
            "kent",
            "--on",
            "2025-03-03",
            str(EXAMPLE),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "refer_to_cme" in proc.stdout


@pytest.mark.parametrize("module", ["cme_policy.cli", "cme_policy"])
def test_python_dash_m_has_every_command(module: str, tmp_path) -> None:
    """Run as a module, the CLI offers the commands other modules register (worklist, serve...)."""
    proc = subprocess.run(
        [sys.executable, "-m", module, "--help"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    for name in ("evaluate", "worklist", "check", "serve"):
        assert name in proc.stdout


def test_ctrl_c_in_any_command_exits_130_without_a_traceback(monkeypatch, capsys) -> None:
    from cme_policy import cli

    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    help_text, setup, _ = cli.COMMANDS["validate"]
    monkeypatch.setitem(cli.COMMANDS, "validate", (help_text, setup, interrupted))
    assert main(["validate", str(ROOT / "policies" / "kent.yaml")]) == 130
    assert capsys.readouterr().err == "interrupted\n"
