"""The help text the JSON Schemas show in an editor (hover help), and the shape it takes.

A description of every actor, unit of time, deadline type and comparison a pack may write (the
action kinds' descriptions are :data:`cme_policy.action_kinds.ACTION_DESCRIPTIONS`), a description
of each history event kind, and :func:`enum_with_help`, which turns a list of values and their
descriptions into the ``enum``/``enumDescriptions`` an editor offers as completions with hover
help. Used by :mod:`.schema` (the pack schema) and :mod:`.case_schema` (the case schema).
"""

from __future__ import annotations

from typing import Any

from ..vocabulary import Actor, DeadlineType, EventKind

ACTOR_DESCRIPTIONS: dict[Actor, str] = {
    Actor.SCHOOL: "The school the child is on the roll of (its staff, usually the DSL or attendance lead).",
    Actor.SCHOOL_LIAISON_OFFICER: (
        "The local authority's school liaison or attendance officer linked to the school."
    ),
    Actor.EDUCATION_WELFARE_OFFICER: "The Education Welfare Officer (EWO) or education welfare service.",
    Actor.LA_CME_TEAM: "The local authority's Children Missing Education team or officer.",
    Actor.LA_ATTENDANCE_TEAM: "The local authority's attendance (inclusion and attendance) team.",
    Actor.LA_ADMISSIONS: "The local authority's school admissions team.",
    Actor.LA_EHE_TEAM: "The local authority's elective home education team.",
    Actor.EDUCATION_SAFEGUARDING_TEAM: "The local authority's education safeguarding team.",
    Actor.VIRTUAL_SCHOOL: "The Virtual School (head) for children in care.",
    Actor.SOCIAL_WORKER: "The child's allocated social worker.",
    Actor.CHILDRENS_SOCIAL_CARE: "Children's social care (front door, referral and assessment).",
    Actor.MASH: "The Multi-Agency Safeguarding Hub.",
    Actor.POLICE: "The police.",
    Actor.PARENT: "The child's parent or carer.",
    Actor.ANY_PROFESSIONAL: "Anyone working with children who learns of the situation.",
}

UNIT_DESCRIPTIONS: dict[str, str] = {
    "school_days": (
        "N school days after the anchor: the N-th school day strictly after it (a weekday in "
        "term, not a bank holiday or closure day). From absence_started (absence day 1), "
        "{school_days: 10} is due on absence day 11."
    ),
    "working_days": (
        "N working days after the anchor: weekdays that are not bank holidays (school holidays "
        "count as working days)."
    ),
    "calendar_days": (
        "N calendar days after the anchor; a date landing on a weekend or holiday is not moved."
    ),
    "months": (
        "N calendar months after the anchor (clamped to the month's last day); not moved off "
        "weekends or holidays."
    ),
    "immediately": "Due on the anchor date itself, at once (write `immediately: true`).",
    "same_day": "Due on the anchor date itself (write `same_day: true`).",
}

DEADLINE_TYPE_DESCRIPTIONS: dict[DeadlineType, str] = {
    DeadlineType.BY: "A due date: the action must be done on or before it.",
    DeadlineType.NOT_BEFORE: "An earliest date: the action is not permitted before it.",
}

OPERATOR_DESCRIPTIONS: dict[str, str] = {
    "is": "The fact equals this value (true/false for a yes/no fact, a name for a 'one of' fact, a number).",
    "in": "The fact ('one of' kind) is one of these values.",
    "includes_any": "The fact ('set of' kind) includes at least one of these values.",
    "at_least": "The fact (a number or a school-day count) is at least this.",
    "at_most": "The fact (a number or a school-day count) is at most this.",
    "known": "true: the case states the fact; false: the case does not say.",
}


def event_description(kind: EventKind) -> str:
    return f"A '{kind.value}' event recorded in the case history."


def enum_with_help(
    values: list[str], help_for: dict[str, str], *, markdown: dict[str, str] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "string",
        "enum": values,
        "enumDescriptions": [help_for[v] for v in values],
    }
    if markdown is not None:
        out["markdownEnumDescriptions"] = [markdown[v] for v in values]
    return out
