"""Rule coverage: which rules of a pack the scenario files exercise, and how.

Each scenario may say ``rule: <id>`` and ``tests: fires | does_not_fire | unknown_fact |
boundary``. A rule no scenario names is *uncovered*; a rule whose scenarios miss one of the
four purposes is *partly covered*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PURPOSES = ("fires", "does_not_fire", "unknown_fact", "boundary")


def uncovered_rules(pack: Any, rule_ids: Iterable[str]) -> list[str]:
    """Ids of the pack's rules (after layering) that are not in ``rule_ids``, in pack order."""
    named = set(rule_ids)
    return [r.id for r in pack.policy.rules if r.id not in named]


@dataclass
class PackCoverage:
    pack: Any
    files: list[str] = field(default_factory=list)
    purposes: dict[str, set[str]] = field(default_factory=dict)

    @property
    def uncovered(self) -> list[str]:
        return [r.id for r in self.pack.policy.rules if not self.purposes.get(r.id)]

    @property
    def partly(self) -> dict[str, list[str]]:
        out = {}
        for r in self.pack.policy.rules:
            got = self.purposes.get(r.id)
            if got:
                missing = [p for p in PURPOSES if p not in got]
                if missing:
                    out[r.id] = missing
        return out


def collect_coverage(files: Iterable[Path]) -> tuple[dict[str, PackCoverage], list[str]]:
    """Coverage per pack id over the scenario files, and the files that could not be read."""
    from ..errors import InputError
    from ..scenarios import load_scenarios

    packs: dict[str, PackCoverage] = {}
    broken: list[str] = []
    for f in files:
        try:
            sf, pack = load_scenarios(f)
        except InputError:
            broken.append(str(f))
            continue
        cov = packs.setdefault(pack.id, PackCoverage(pack))
        cov.files.append(str(f))
        for sc in sf.scenarios:
            if sc.rule:
                got = cov.purposes.setdefault(sc.rule, set())
                if sc.tests:
                    got.add(sc.tests)
    return packs, broken


def render_coverage(packs: dict[str, PackCoverage], broken: list[str]) -> str:
    lines = ["", "Rule coverage:"]
    for pack_id, cov in sorted(packs.items()):
        total = len(cov.pack.policy.rules)
        lines.append(f"  {pack_id}: {total - len(cov.uncovered)} of {total} rules have a scenario")
        for rid in cov.uncovered:
            lines.append(f"    no scenario: {rid}")
        for rid, missing in cov.partly.items():
            lines.append(f"    {rid}: no {', '.join(missing)} scenario")
    for f in broken:
        lines.append(f"  {f}: not counted (the file does not load)")
    return "\n".join(lines)
