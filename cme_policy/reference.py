"""Markdown tables generated from the code and the packs (facts, anchors, vocabulary, the
authorities compared) for the README.

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
from .pack.load import load_policy
from .pack.loaded import PolicyPack
from .pack.locate import shipped_policies
from .pack.model import Deadline
from .vocabulary import (
    ACTION_DESCRIPTIONS,
    COMPLETED_BY,
    ActionKind,
    Actor,
    DeadlineType,
    EventKind,
    Status,
)


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


def case_fields_table() -> str:
    """Every field a case may give, read from the case schema (``cme-policy schema --case``)."""
    from .authoring.case_schema import case_fields

    rows = ["| field | type | meaning | dated change |", "|---|---|---|---|"]
    for path, kind, meaning, changeable in case_fields():
        rows.append(f"| `{path}` | {kind} | {meaning} | {'yes' if changeable else ''} |")
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


_DATE_ANCHORS = {
    "concerns_identified": "safeguarding concerns",
    "out_of_education_started": "from leaving education",
    "place_start": "from the start date",
    "absence_started": "from the first day of absence",
}


def _after(d: Deadline) -> str:
    what = d.anchor.replace("_", " ")
    if d.after.immediately or d.after.same_day or d.after.amount == 0:
        if d.anchor in _DATE_ANCHORS:
            return f"{d.after.describe()} ({_DATE_ANCHORS[d.anchor]})"
        return f"once {what} is recorded"
    if d.anchor == "absence_started" and d.after.unit == "school_days":
        return f"absence day {d.after.amount + 1}"
    return f"{d.after.describe()} after {what}"


def _cells(pack: PolicyPack) -> list[str]:
    acts = [(r, a) for r in pack.rules for a in r.then]
    referral = sorted(
        {
            _after(a.deadline) + ("" if a.actor is Actor.SCHOOL else f" ({a.actor.value.replace('_', ' ')})")
            for r, a in acts
            if a.kind is ActionKind.REFER_TO_CME and a.deadline and a.deadline.type is DeadlineType.BY
        }
    )
    off_roll = sorted(
        {
            (_after(a.deadline) if _after(a.deadline).startswith("once") else "from " + _after(a.deadline))
            if a.deadline
            else "forbidden until its conditions are met"
            for r, a in acts
            if a.kind is ActionKind.REMOVE_FROM_ROLL and (a.deadline or a.forbidden)
        }
    )
    closure = []
    forbidden = any(a.kind is ActionKind.CLOSE_CASE and a.forbidden for _, a in acts)
    review = next((a for _, a in acts if a.kind is ActionKind.REVIEW_DORMANT_CASE), None)
    if forbidden and review is not None:
        every = review.repeat.describe() if review.repeat else "periodically"
        closure.append(f"never while untraced: dormant, reviewed every {every}")
    elif forbidden:
        closure.append("not closed until a closing condition is recorded")
    for _, a in acts:
        if a.kind is ActionKind.CLOSE_CASE and a.deadline and not a.forbidden:
            word = "due" if a.deadline.type is DeadlineType.BY else "allowed"
            closure.append(f"{word} {_after(a.deadline)}")
    escalation = sorted(
        {
            f"{a.kind.value.replace('_', ' ')}" + (f", {_after(a.deadline)}" if a.deadline else "")
            for _, a in acts
            if a.kind
            in (
                ActionKind.CONTACT_SOCIAL_CARE,
                ActionKind.CONTACT_POLICE,
                ActionKind.CALL_EMERGENCY_SERVICES,
                ActionKind.REFER_TO_MASH,
                ActionKind.SEEK_SAFEGUARDING_ADVICE,
            )
        }
    )
    review = pack.policy.review_due_on
    return [
        "; ".join(referral) or "no day count in the text",
        "; ".join(off_roll) or "no earliest date in the text",
        "; ".join(sorted(set(closure))) or "not set",
        "; ".join(escalation) or "not set",
        str(review) if review else "undated",
    ]


def comparison_table() -> str:
    """The four authorities side by side, read from their packs (cf. ``cme-policy compare``)."""
    shipped = [load_policy(p) for p in shipped_policies()]
    packs = [p for p in shipped if p.policy.authority.kind == "local_authority"]
    head = ["", *(f"{p.policy.authority.name}" for p in packs)]
    rows = [
        "CME referral",
        "off roll",
        "closure of an untraced case",
        "escalation routes",
        "pack review date",
    ]
    cells = [_cells(p) for p in packs]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for i, name in enumerate(rows):
        out.append(f"| **{name}** | " + " | ".join(c[i] for c in cells) + " |")
    return "\n".join(out)


SECTIONS: dict[str, Callable[[], str]] = {
    "comparison": comparison_table,
    "facts": facts_table,
    "case_fields": case_fields_table,
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
