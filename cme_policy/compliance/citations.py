"""How a compliance finding cites a source and names a pack's rule, shared by every stage.

:func:`cite` writes a citation as its source's title, version, publisher, year and section (or
the bare source id and section when the pack has no such source). A :class:`~.report.RuleRef`
names a rule with the pack it belongs to (the pack checked, or the one it extends) and its
citation.
"""

from __future__ import annotations

from ..pack.loaded import PolicyPack
from ..pack.model import Citation, Rule
from .report import RuleRef, Status


def cite(pack: PolicyPack, c: Citation) -> str:
    src = pack.source(c.source)
    if src is None:
        return f"{c.source} {c.section}"
    bits = [src.title]
    if src.version:
        bits.append(f"({src.version})")
    who = src.publisher
    year = f", {src.issued_on.year}" if src.issued_on else ""
    return f"{' '.join(bits)}, {who}{year}, {c.section}"


def _owner(pack: PolicyPack, rule: Rule) -> str:
    return pack.rule_pack(rule.id).id if pack.policy.rule(rule.id) is None else pack.id


def _ref(pack: PolicyPack, rule: Rule, status: Status | None = None, detail: str = "") -> RuleRef:
    return RuleRef(
        pack=_owner(pack, rule),
        rule_id=rule.id,
        citation=cite(pack, rule.citation),
        status=status,
        detail=detail,
    )
