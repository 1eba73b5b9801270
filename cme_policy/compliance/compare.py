"""``compare_packs(packs, on=date)``: authorities side by side, read from their packs.

Rows are chosen by the shared vocabulary (action kinds), never by rule ids: the referral
trigger, the off-roll rule, notification windows, the closure rule, escalation routes and
review dates. Every entry names the rule it comes from.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..engine.evaluate import parse_on
from ..pack.load import PolicyPack, load_policy, shipped_policies
from ..pack.model import Action, Rule
from ..vocabulary import ActionKind
from .matching import conjuncts, fact_test_words, is_permission, timings
from .report import Comparison

REFERRAL = {ActionKind.REFER_TO_CME, ActionKind.NOTIFY_LA_OF_ABSENCE, ActionKind.INFORM_CME_TEAM,
            ActionKind.INFORM_EWO}
OFF_ROLL = {ActionKind.REMOVE_FROM_ROLL}
NOTIFY = {ActionKind.NOTIFY_LA_OF_REGISTRATION, ActionKind.NOTIFY_LA_OF_REMOVAL,
          ActionKind.INFORM_ADMISSIONS, ActionKind.UPLOAD_LOST_CTF}
CLOSURE = {ActionKind.CLOSE_CASE, ActionKind.MAKE_DORMANT, ActionKind.REVIEW_DORMANT_CASE}
ESCALATION = {ActionKind.CALL_EMERGENCY_SERVICES, ActionKind.CONTACT_SOCIAL_CARE,
              ActionKind.CONTACT_POLICE, ActionKind.REFER_TO_MASH,
              ActionKind.SEEK_SAFEGUARDING_ADVICE}

TOPICS: tuple[tuple[str, set[ActionKind] | None], ...] = (
    ("Referral trigger (school to local authority)", REFERRAL),
    ("Off-roll rule", OFF_ROLL),
    ("Notification windows", NOTIFY),
    ("Closure rule", CLOSURE),
    ("Escalation routes", ESCALATION),
    ("Review dates", None),
)


def _when_words(rule: Rule) -> str:
    tests = [fact_test_words(t) for t in conjuncts(rule.when)]
    if tests:
        return "when " + "; ".join(tests)
    return "when (a compound condition)" if rule.when else "always"


def _action_words(rule: Rule, action: Action) -> str:
    head = f"{action.kind.value} ({action.actor.value})"
    if action.forbidden:
        head += ": FORBIDDEN"
    else:
        ts = timings(rule, action, permission=is_permission(action))
        head += ": " + ("; ".join(t.describe() for t in ts) if ts else "no time limit")
    if action.repeat is not None:
        head += f", then every {action.repeat.describe()}"
    bits = [head, _when_words(rule)]
    if action.route:
        bits.append(f"route: {action.route.strip()}")
    return f"{'; '.join(bits)} [{rule.id}]"


def _review_words(pack: PolicyPack, on: dt.date) -> list[str]:
    pol = pack.policy
    out = []
    if pol.review_due_on:
        late = " (passed)" if pol.review_due_on < on else ""
        out.append(f"pack review due {pol.review_due_on}{late}")
    else:
        out.append("pack: no review date")
    for src in pol.sources:
        issued = f"issued {src.issued_on}" if src.issued_on else "undated"
        review = f", review due {src.review_due_on}" if src.review_due_on else ""
        out.append(f"source {src.id}: {issued}{review}")
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
            row.append([
                _action_words(rule, action)
                for rule in pack.rules
                if rule.in_force(day)
                for action in rule.then
                if action.kind in kinds
            ])
        rows.append((topic, row))
    return Comparison(day, [(p.id, p.policy.authority.name) for p in chosen], rows)
