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
