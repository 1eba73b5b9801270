"""The README's generated reference tables match the code."""

from __future__ import annotations

from pathlib import Path

from cme_policy.reference import render

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_reference_tables_are_current():
    text = README.read_text(encoding="utf-8")
    assert render(text) == text, "run: python -m cme_policy.reference README.md"


def test_readme_shows_both_commands():
    text = README.read_text(encoding="utf-8")
    assert "cme-policy evaluate --policy kent --on 2025-03-03 examples/kent/" in text
    assert 'pip install ".[test]" && python -m pytest -q' in text


def test_readme_dated_changes_example_evaluates_as_described(tmp_path):
    """The case under "A case over time: dated changes", evaluated as the text says."""
    import datetime as dt

    from cme_policy import ActionKind, Status, evaluate, load_case

    text = README.read_text(encoding="utf-8")
    section = text.split("## A case over time: dated changes", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "case.yaml"
    path.write_text(block, encoding="utf-8")
    case = load_case(path)
    assert len(case.changes) == 4
    for on, status in (("2025-03-03", Status.DUE), ("2025-03-04", Status.OVERDUE)):
        result = evaluate("derbyshire", case, on=on)
        for kind in (ActionKind.CONTACT_SOCIAL_CARE, ActionKind.REFER_TO_CME):
            duty = result.action(kind, "school")
            assert (duty.status, duty.due_on) == (status, dt.date(2025, 3, 3)), (on, kind)
