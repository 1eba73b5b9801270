"""Invariants every shipped pack must meet (its scenarios run through the pytest plugin)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cme_policy import ActionKind, load_policy, shipped_policies
from cme_policy.scenarios import coverage, run_file

ROOT = Path(__file__).resolve().parent.parent
PACKS = shipped_policies()
PURPOSES = {"fires", "does_not_fire", "unknown_fact", "boundary"}


def test_the_four_authorities_and_two_school_layers_ship():
    assert {"kent", "derbyshire", "havering", "manchester", "st_clements", "randal_cremer"} <= set(PACKS)
    for school in ("st_clements", "randal_cremer"):
        assert load_policy(school).parent is not None


# The scenarios themselves run as pytest items collected by the cme_policy pytest plugin.


@pytest.mark.parametrize("pack_id", PACKS)
def test_pack_loads_and_every_rule_cites_a_declared_source(pack_id):
    pack = load_policy(pack_id)
    assert pack.policy.sources, "a pack declares its sources"
    for rule in pack.rules:
        for cite in (rule.citation, *rule.also_cites):
            assert pack.source(cite.source) is not None, (rule.id, cite.source)
            assert cite.section.strip()
        for action in rule.then:
            assert action.kind in ActionKind


@pytest.mark.parametrize("pack_id", PACKS)
def test_pack_names_no_individuals(pack_id):
    text = (ROOT / "policies" / f"{pack_id}.yaml").read_text(encoding="utf-8")
    # Officers' names in the sources are not policy: packs name roles and team mailboxes.
    for name in ("Hilary Alford", "Sarah Saunter"):
        assert name not in text


@pytest.mark.parametrize("pack_id", PACKS)
def test_every_rule_has_scenarios_for_each_purpose(pack_id):
    path = ROOT / "scenarios" / f"{pack_id}.yaml"
    if not path.is_file():
        pytest.fail(f"no scenarios for {pack_id}: write scenarios/{pack_id}.yaml")
    outcomes = run_file(path)
    covered = coverage(outcomes, load_policy(pack_id))
    missing = {rule: sorted(PURPOSES - got) for rule, got in covered.items() if PURPOSES - got}
    assert not missing
