"""Plain-English words for the pack language: conditions, deadlines, actors, action kinds.

Shared by ``cme-policy explain`` (the procedure document) and ``cme-policy timeline``.
"""

from __future__ import annotations

import re
from typing import Any

from ..engine.deadlines import ANCHOR_WORDS
from ..facts import FACTS, FactType
from ..pack.model import Action, AllOf, AnyOf, Condition, Deadline, FactTest, NotOf
from ..vocabulary import ACTION_DESCRIPTIONS, ActionKind, Actor, DeadlineType

ACTOR_LABELS: dict[str, str] = {
    Actor.SCHOOL: "The school",
    Actor.SCHOOL_LIAISON_OFFICER: "School Liaison Officer",
    Actor.EDUCATION_WELFARE_OFFICER: "Education Welfare Officer",
    Actor.LA_CME_TEAM: "LA Children Missing Education team",
    Actor.LA_ATTENDANCE_TEAM: "LA attendance team",
    Actor.LA_ADMISSIONS: "LA admissions team",
    Actor.LA_EHE_TEAM: "LA elective home education team",
    Actor.EDUCATION_SAFEGUARDING_TEAM: "Education safeguarding team",
    Actor.VIRTUAL_SCHOOL: "Virtual School",
    Actor.SOCIAL_WORKER: "The child's social worker",
    Actor.CHILDRENS_SOCIAL_CARE: "Children's social care",
    Actor.MASH: "Multi-Agency Safeguarding Hub (MASH)",
    Actor.POLICE: "Police",
    Actor.PARENT: "Parent or carer",
    Actor.ANY_PROFESSIONAL: "Any professional",
}


def actor_label(actor: Actor | str) -> str:
    return ACTOR_LABELS.get(str(actor), str(actor).replace("_", " ").capitalize())


def kind_label(kind: ActionKind | str) -> str:
    try:
        return ACTION_DESCRIPTIONS[ActionKind(kind)].rstrip(".")
    except (ValueError, KeyError):
        return str(kind).replace("_", " ").capitalize()


#: Abbreviations kept in capitals when an identifier is put into words.
_ACRONYMS = {"la": "LA", "cme": "CME", "mash": "MASH", "ctf": "CTF", "lpd": "LPD", "ehe": "EHE",
             "ewo": "EWO", "slo": "SLO", "uk": "UK", "cp": "CP", "sao": "SAO"}


def identifier_words(name: str) -> str:
    """``la_enquiries_started`` -> ``LA enquiries started``: an id read as words."""
    return " ".join(_ACRONYMS.get(w, w) for w in str(name).split("_"))


def event_words(event: str) -> str:
    """A history event as a phrase, first letter capital: "LA enquiries started"."""
    text = identifier_words(event)
    return text[:1].upper() + text[1:]


def status_words(status: str) -> str:
    """An action status as words: "not yet permitted", "needs information"."""
    return {"due": "due today"}.get(str(status), str(status).replace("_", " "))


def anchor_words(anchor: str) -> str:
    """"the first day of absence (absence day 1)", "the day 'case made dormant' is recorded"."""
    if anchor in ANCHOR_WORDS:
        return ANCHOR_WORDS[anchor]
    return f"the day '{identifier_words(anchor)}' is first recorded"


def _plain(description: str) -> str:
    """A fact's description without its parenthetical asides, for a list of conditions, with
    any event or value identifiers in it ("home_education_notified") put into words."""
    text = re.sub(r"\s*\([^()]*\)", "", description).rstrip(".")
    text = re.sub(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", lambda m: identifier_words(m.group()), text)
    return text.replace("recorded with in writing: true", "recorded as given in writing")


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return ", ".join(identifier_words(x) for x in v)
    return identifier_words(v) if isinstance(v, str) else str(v)


def fact_test_words(t: FactTest) -> str:
    """One fact test as a sentence fragment, e.g. "on the school's admission register: no"."""
    fact = FACTS.get(t.fact)
    op, v = t.operator, t.operand
    if t.fact.startswith("history.") and op in ("is", "known"):
        event = identifier_words(t.fact.split(".", 1)[1])
        if op == "known":
            return f"whether '{event}' happened is {'known' if v else 'not known'}"
        return f"'{event}' has {'' if v else 'not '}been recorded"
    what = _plain(fact.description) if fact else t.fact
    if op == "known":
        return f"{what}: {'known' if v else 'not recorded'}"
    if op == "is":
        return f"{what}: {_value(v)}"
    if op == "in":
        return f"{what}: one of {_value(v)}"
    if op == "includes_any":
        return f"{what}: includes any of {_value(v)}"
    unit = " school days" if fact and fact.type is FactType.SCHOOL_DAY_COUNT else ""
    return f"{what}: {'at least' if op == 'at_least' else 'at most'} {v}{unit}"


def condition_lines(cond: Condition, depth: int = 0) -> list[tuple[int, str]]:
    """The condition as indented lines ``(depth, text)``, for a nested list."""
    if isinstance(cond, FactTest):
        return [(depth, fact_test_words(cond))]
    if isinstance(cond, AllOf | AnyOf) and len(cond.all if isinstance(cond, AllOf) else cond.any) == 1:
        return condition_lines((cond.all if isinstance(cond, AllOf) else cond.any)[0], depth)
    if isinstance(cond, AllOf):
        if depth == 0:
            return [line for c in cond.all for line in condition_lines(c, depth)]
        return [(depth, "all of:")] + [line for c in cond.all for line in condition_lines(c, depth + 1)]
    if isinstance(cond, AnyOf):
        return [(depth, "any of:")] + [line for c in cond.any for line in condition_lines(c, depth + 1)]
    assert isinstance(cond, NotOf)
    inner = cond.not_
    if isinstance(inner, FactTest):
        return [(depth, f"not ({fact_test_words(inner)})")]
    if isinstance(inner, AnyOf):
        head, parts = "none of these:", list(inner.any)
    elif isinstance(inner, AllOf):
        head, parts = "not all of these:", list(inner.all)
    else:
        head, parts = "not:", [inner]
    return [(depth, head)] + [line for c in parts for line in condition_lines(c, depth + 1)]


def condition_sentence(cond: Condition | None) -> str:
    """A whole condition as one line of words, compound parts included: "on the school's
    admission register: yes; and any of: (a; b)"."""
    if cond is None:
        return "always"
    return _sentence(cond)


def _sentence(cond: Condition) -> str:
    if isinstance(cond, FactTest):
        text = fact_test_words(cond)
        # Lower-case inside a sentence, but keep an abbreviation ("CME referral made").
        first = text.split(" ", 1)[0]
        return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]
    if isinstance(cond, AllOf | AnyOf):
        parts = cond.all if isinstance(cond, AllOf) else cond.any
        if len(parts) == 1:
            return _sentence(parts[0])
        inner = [_sentence(c) for c in parts]
        if isinstance(cond, AllOf):
            return "; ".join(f"({x})" if ";" in x and not x.startswith(("any of", "none of", "not")) else x
                             for x in inner)
        return "any of: " + " | ".join(f"({x})" if ";" in x else x for x in inner)
    assert isinstance(cond, NotOf)
    inner_cond = cond.not_
    if isinstance(inner_cond, AnyOf):
        return "none of: " + " | ".join(_sentence(c) for c in inner_cond.any)
    return f"not ({_sentence(inner_cond)})"


def deadline_words(d: Deadline | None, action: Action | None = None) -> str:
    """"By 10 school days after the first day of absence (absence day 1): absence day 11"."""
    if action is not None and action.forbidden:
        return "Forbidden while this applies"
    if d is None:
        return "No time limit is set in the source"
    after = d.after
    word = "By" if d.type is DeadlineType.BY else "Not before"
    if after.immediately or after.same_day or after.amount == 0:
        anchor = anchor_words(d.anchor)
        if d.type is DeadlineType.NOT_BEFORE:
            text = f"Not before {anchor} (from that day on)"
        elif after.immediately:
            text = f"Immediately, from {anchor}"
        else:
            text = f"The same day as {anchor}"
    else:
        text = f"{word} {after.describe()} after {anchor_words(d.anchor)}"
        if after.unit == "school_days" and d.anchor == "absence_started":
            text += f": absence day {after.amount + 1}"
    if action is not None and action.repeat is not None:
        text += f"; then every {action.repeat.describe()} after each time it is done"
    if action is not None and action.permission is not None:
        text += (
            " (a ground for it: with this rule's other conditions, enough on its own)"
            if action.permission.value == "ground"
            else " (a restriction on it: it also needs a ground, and every other restriction met)"
        )
    return text
