"""Markdown reference tables generated from the code (facts, anchors, vocabulary) for the README.

``python -m cme_policy.reference README.md`` rewrites the blocks between
``<!-- BEGIN GENERATED: name -->`` and ``<!-- END GENERATED: name -->``; a test checks the
README is current, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from .facts import ANCHORS, FACTS
from .vocabulary import ACTION_DESCRIPTIONS, COMPLETED_BY, Actor, EventKind, Status


def facts_table() -> str:
    rows = ["| fact | type | meaning |", "|---|---|---|"]
    for f in FACTS.values():
        if f.name.startswith("history."):
            continue
        rows.append(f"| `{f.name}` | {f.type_text} | {f.description} |")
    rows.append(
        "| `history.<event>` | boolean | An event of that kind is recorded on or before the "
        "evaluation date (unknown when the case has no history). |"
    )
    return "\n".join(rows)


def anchors_table() -> str:
    rows = ["| anchor | counts from |", "|---|---|"]
    rows += [f"| `{k}` | {v} |" for k, v in ANCHORS.items() if k not in EventKind._value2member_map_]
    rows.append("| any event kind | The first record of that event in the history. |")
    return "\n".join(rows)


def actions_table() -> str:
    rows = ["| action kind | meaning | completed by |", "|---|---|---|"]
    for kind, text in ACTION_DESCRIPTIONS.items():
        done = ", ".join(f"`{e.value}`" for e in COMPLETED_BY[kind])
        rows.append(f"| `{kind.value}` | {text} | {done} |")
    return "\n".join(rows)


def vocabulary_lists() -> str:
    return "\n".join(
        [
            "Actors: " + ", ".join(f"`{a.value}`" for a in Actor) + ".",
            "",
            "History events: " + ", ".join(f"`{e.value}`" for e in EventKind) + ".",
            "",
            "Statuses: " + ", ".join(f"`{s.value}`" for s in Status) + ".",
        ]
    )


SECTIONS: dict[str, Callable[[], str]] = {
    "facts": facts_table,
    "anchors": anchors_table,
    "actions": actions_table,
    "vocabulary": vocabulary_lists,
}


def render(text: str, sections: dict[str, Callable[[], str]] | None = None) -> str:
    """``text`` with every generated block refreshed."""
    for name, make in (sections or SECTIONS).items():
        pattern = re.compile(
            rf"(<!-- BEGIN GENERATED: {name} -->\n).*?(<!-- END GENERATED: {name} -->)", re.S
        )
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + "\n" + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "README.md")
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
