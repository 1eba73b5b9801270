"""What ``GET /v1/policies`` and ``GET /v1/policies/{id}`` say about a pack: its metadata, and
its sources and rules in force in words as well as data.
"""

from __future__ import annotations

from typing import Any

from . import models
from .packs import Packs
from .problems import NOT_FOUND, ServiceProblem


def policy_summary(packs: Packs, name: str) -> dict[str, Any]:
    pack = packs.get(name)
    pol = pack.policy
    floor = packs.floor(name)
    return {
        "id": pack.id,
        "authority": pol.authority.model_dump(mode="json"),
        "extends": pol.extends,
        "effective_from": pol.effective_from,
        "effective_to": pol.effective_to,
        "review_due_on": pol.review_due_on,
        "statutory_floor": floor.id if floor is not None else None,
        "rules": len(pack.rules),
    }


def policy_detail(packs: Packs, name: str) -> models.PolicyDetail:
    from ..authoring.words import actor_label, deadline_words
    from ..compliance.citations import cite
    from ..compliance.matching import condition_words

    pack = packs.get(name)
    pol = pack.policy

    def citation(c: Any) -> dict[str, Any]:
        return {"source": c.source, "section": c.section, "document": cite(pack, c), "quote": c.quote}

    rules = []
    for rule in pack.rules:
        rules.append(
            {
                "id": rule.id,
                "pack": pack.rule_pack(rule.id).id,
                "title": rule.title,
                "citation": citation(rule.citation),
                "also_cites": [citation(c) for c in rule.also_cites],
                "interpretation": rule.interpretation.model_dump() if rule.interpretation else None,
                "effective_from": rule.effective_from,
                "effective_to": rule.effective_to,
                "when": condition_words(rule.when) if rule.when else "always",
                "until": condition_words(rule.until) if rule.until else None,
                "when_condition": rule.when.model_dump(mode="json", by_alias=True, exclude_none=True)
                if rule.when
                else None,
                "until_condition": rule.until.model_dump(mode="json", by_alias=True, exclude_none=True)
                if rule.until
                else None,
                "actions": [
                    {
                        "kind": a.kind.value,
                        "actor": a.actor.value,
                        "actor_label": actor_label(a.actor),
                        "route": a.route,
                        "when_due": deadline_words(a.deadline, a),
                        "forbidden": a.forbidden,
                        "permission": a.permission.value if a.permission is not None else None,
                    }
                    for a in rule.then
                ],
            }
        )
    sources = [s.model_dump(exclude={"cites"}) for p in pack.lineage() for s in p.policy.sources]
    years = sorted(pack.calendar.years)
    return models.PolicyDetail(
        **policy_summary(packs, name),
        calendar=pol.calendar,
        term_years=[f"{y}/{(y + 1) % 100:02d}" for y in years],
        sources=sources,
        rules_in_force=rules,
        not_encoded=[n.model_dump() for n in pol.not_encoded],
    )


def pack_or_404(packs: Packs, name: str) -> None:
    if name not in packs.packs:
        raise ServiceProblem(
            404, "Not found", type=NOT_FOUND, detail=f"No policy with this id. Known: {', '.join(packs.ids)}."
        )
