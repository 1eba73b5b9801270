"""A loaded pack: the validated policy with its calendar, its rules in force after layering, and
the packs it extends (its lineage).

Loading makes these (:mod:`.load`); the tighten-only check (:mod:`.layering`) and everything that
evaluates, explains or describes a pack reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..calendar import SchoolCalendar
from .model import Policy, Rule


@dataclass(frozen=True)
class PolicyPack:
    """A loaded, validated pack: its model, its calendar, and its rules after layering."""

    policy: Policy
    calendar: SchoolCalendar
    path: str
    parent: PolicyPack | None = None
    rules: tuple[Rule, ...] = field(default=())
    _owners: dict[str, PolicyPack] = field(default_factory=dict, compare=False, repr=False)
    # This pack with a supplied calendar overlaid, by calendar file (path, stamp) or object.
    _overlays: dict[Any, tuple[Any, PolicyPack]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.policy.id

    def lineage(self) -> list[PolicyPack]:
        """This pack and the packs it extends, nearest first."""
        chain: list[PolicyPack] = []
        pack: PolicyPack | None = self
        while pack is not None:
            chain.append(pack)
            pack = pack.parent
        return chain

    def source(self, source_id: str) -> Any:
        for pack in self.lineage():
            got = pack.policy.source(source_id)
            if got is not None:
                return got
        return None

    def rule_pack(self, rule_id: str) -> PolicyPack:
        """The pack (in the lineage) that defines the rule in force under this id."""
        if not self._owners:
            for pack in reversed(self.lineage()):  # nearest pack wins
                self._owners.update((r.id, pack) for r in pack.policy.rules)
        return self._owners[rule_id]
