"""``compare_packs(packs, on=date)``: authorities side by side, read from their packs.

Rows are chosen by the shared vocabulary (action kinds), never by rule ids: the referral
trigger, the off-roll rule, notification windows, the closure rule, escalation routes and
review dates. Every entry names the rule it comes from.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..engine.evaluate import parse_on
from ..pack.load import load_policy
from ..pack.loaded import PolicyPack
from ..pack.locate import shipped_policies
from ..pack.model import Action, Rule
from ..vocabulary import ActionKind, DeadlineType
from .matching import Timing, is_permission, timings
from .report import Comparison

REFERRAL = {
    ActionKind.REFER_TO_CME,
    ActionKind.NOTIFY_LA_OF_ABSENCE,
    ActionKind.INFORM_CME_TEAM,
    ActionKind.INFORM_EWO,
}
OFF_ROLL = {ActionKind.REMOVE_FROM_ROLL}
NOTIFY = {
    ActionKind.NOTIFY_LA_OF_REGISTRATION,
    ActionKind.NOTIFY_LA_OF_REMOVAL,
    ActionKind.INFORM_ADMISSIONS,
    ActionKind.UPLOAD_LOST_CTF,
}
CLOSURE = {ActionKind.CLOSE_CASE, ActionKind.MAKE_DORMANT, ActionKind.REVIEW_DORMANT_CASE}
ESCALATION = {
    ActionKind.CALL_EMERGENCY_SERVICES,
    ActionKind.CONTACT_SOCIAL_CARE,
    ActionKind.CONTACT_POLICE,
    ActionKind.REFER_TO_MASH,
    ActionKind.SEEK_SAFEGUARDING_ADVICE,
}

TOPICS: tuple[tuple[str, set[ActionKind] | None], ...] = (
    ("Referral trigger (school to local authority)", REFERRAL),
    ("Off-roll rule", OFF_ROLL),
    ("Notification windows", NOTIFY),
    ("Closure rule", CLOSURE),
    ("Escalation routes", ESCALATION),
    ("Review dates", None),
)


def _when_words(rule: Rule) -> str:
    """The rule's whole condition in words from the fact catalogue, compound parts included."""
    from ..authoring.words import condition_sentence

    return "Always" if rule.when is None else "When " + condition_sentence(rule.when)


def _timing_words(t: Timing) -> str:
    from ..authoring.words import anchor_words

    word = "by" if t.type is DeadlineType.BY else "not before"
    if t.is_threshold:
        return f"once {t.after.describe()} of absence are counted (read from its condition)"
    if t.after.unit in ("same_day", "immediately") or t.after.amount == 0:
        text = f"{word} {anchor_words(t.anchor)} (the same day)"
    else:
        text = f"{word} {t.after.describe()} after {anchor_words(t.anchor)}"
        if t.anchor == "absence_started" and t.after.unit == "school_days":
            after = f"{t.after.describe()} after the first day of absence"
            text = f"{word} absence day {t.after.amount + 1} ({after})"
    return text + (" (read from its condition)" if t.from_condition else "")


def _action_words(rule: Rule, action: Action) -> str:
    from ..authoring.words import actor_label, kind_label

    head = f"{kind_label(action.kind)} ({actor_label(action.actor)})"
    if action.forbidden:
        head += ": forbidden while this applies"
    else:
        ts = timings(rule, action, permission=is_permission(action))
        head += ": " + ("; ".join(_timing_words(t) for t in ts) if ts else "no time limit")
    if action.repeat is not None:
        head += f", then every {action.repeat.describe()}"
    bits = [head, _when_words(rule)]
    if action.route:
        bits.append(f"Route: {action.route.strip()}")
    section = rule.citation.section.strip().lstrip("§")
    return f"{'. '.join(bits)}. Source: §{section}, {rule.title.strip().rstrip('.')}."


def _review_words(pack: PolicyPack, on: dt.date) -> list[str]:
    pol = pack.policy
    out = []
    if pol.review_due_on:
        late = " (passed)" if pol.review_due_on < on else ""
        out.append(f"pack review due {pol.review_due_on}{late}")
    else:
        out.append("the pack has no review date")
    for src in pol.sources:
        issued = f"issued {src.issued_on}" if src.issued_on else "undated"
        review = f", review due {src.review_due_on}" if src.review_due_on else ""
        out.append(f"{src.title}: {issued}{review}")
    return out


def compare_packs(packs: list[PolicyPack | str | Path] | None = None, *, on: dt.date | str) -> Comparison:
    """Authorities side by side. With no packs: every shipped local-authority pack."""
    day = parse_on(on)
    if not packs:
        loaded = [load_policy(p) for p in shipped_policies()]
        chosen = [p for p in loaded if p.policy.authority.kind == "local_authority" and p.parent is None]
    else:
        chosen = [load_policy(p if isinstance(p, PolicyPack) else str(p)) for p in packs]
    rows: list[tuple[str, list[list[str]]]] = []
    for topic, kinds in TOPICS:
        row = []
        for pack in chosen:
            if kinds is None:
                row.append(_review_words(pack, day))
                continue
            row.append(
                [
                    _action_words(rule, action)
                    for rule in pack.rules
                    if rule.in_force(day)
                    for action in rule.then
                    if action.kind in kinds
                ]
            )
        rows.append((topic, row))
    return Comparison(day, [(p.id, p.policy.authority.name) for p in chosen], rows)
