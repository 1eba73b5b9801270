"""The JSON Schema of a policy pack, for editors (completion, hover help, red squiggles).

It is generated from the pydantic models in :mod:`cme_policy.pack.model`, then enriched with
the catalogues a model cannot express as types: the fact names a condition may test (from
:data:`cme_policy.facts.FACTS`), the anchors a deadline may count from (:data:`ANCHORS`), and a
description of every action kind, actor, history event and unit of time. The models stay as
they are (an unknown fact is a load error with a did-you-mean, not a schema type); the schema
only helps the author get it right first time.

``cme-policy schema`` prints it; the shipped copy is ``schema/policy-pack.schema.json`` and a
test fails when it is stale. Regenerate with ``cme-policy schema -o schema/policy-pack.schema.json``.

The JSON Schema of a *case* (``cme-policy schema --case``, shipped as ``schema/case.schema.json``)
is generated the same way from :class:`cme_policy.case_model.Case`, with the fields a dated change may
set (:func:`cme_policy.case_model.changeable_fields`) and the value each takes; it is in
:mod:`.case_schema`. The descriptions both schemas attach to values are in :mod:`.schema_help`.
The public names of both stay importable from here.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from ..facts import ANCHORS, FACTS, FactType
from ..pack.model import Policy
from ..vocabulary import ACTION_DESCRIPTIONS, EventKind
from .case_schema import CASE_SCHEMA_FILE as CASE_SCHEMA_FILE
from .case_schema import CASE_SCHEMA_ID as CASE_SCHEMA_ID
from .case_schema import CASE_SECTIONS as CASE_SECTIONS
from .case_schema import case_fields as case_fields
from .case_schema import case_schema as case_schema
from .case_schema import case_schema_text as case_schema_text
from .schema_help import (
    ACTOR_DESCRIPTIONS,
    DEADLINE_TYPE_DESCRIPTIONS,
    OPERATOR_DESCRIPTIONS,
    UNIT_DESCRIPTIONS,
    enum_with_help,
    event_description,
)

SCHEMA_ID = "https://cme-policy.invalid/schema/policy-pack.schema.json"
SCHEMA_FILE = "policy-pack.schema.json"
#: The line every pack file starts with, so that yaml-language-server finds the schema.
MODELINE = "# yaml-language-server: $schema=../schema/policy-pack.schema.json"


def _fact_markdown(name: str) -> str:
    f = FACTS[name]
    return f"**{name}** ({f.type_text})\n\n{f.description}"


def _unwrap_optional(prop: dict[str, Any]) -> dict[str, Any]:
    """``anyOf: [X, null]`` -> the X branch (so help attaches to the real value)."""
    for branch in prop.get("anyOf", []):
        if branch.get("type") != "null":
            return branch
    return prop


def _listing(title: str, help_for: dict[str, str]) -> str:
    return title + "\n\n" + "\n".join(f"- `{k}`: {v}" for k, v in help_for.items())


@cache
def _generate() -> str:
    schema: dict[str, Any] = Policy.model_json_schema(by_alias=True, mode="validation")
    defs: dict[str, Any] = schema["$defs"]

    # -- vocabularies: enums with a description for every member ----------------------------
    kinds = {k.value: d for k, d in ACTION_DESCRIPTIONS.items()}
    defs["ActionKind"].update(enum_with_help(list(defs["ActionKind"]["enum"]), kinds))
    defs["ActionKind"]["description"] = "What the rule requires (or permits, or forbids)."
    actors = {a.value: d for a, d in ACTOR_DESCRIPTIONS.items()}
    for a in defs["Actor"]["enum"]:
        actors.setdefault(a, a.replace("_", " "))
    defs["Actor"].update(enum_with_help(list(defs["Actor"]["enum"]), actors))
    defs["Actor"]["description"] = "Who must act (a role, never a named person)."
    events = {k.value: event_description(k) for k in EventKind}
    defs["EventKind"].update(enum_with_help(list(defs["EventKind"]["enum"]), events))
    defs["EventKind"]["description"] = "A kind of event recorded in a case's history."
    types = {t.value: d for t, d in DEADLINE_TYPE_DESCRIPTIONS.items()}
    defs["DeadlineType"].update(enum_with_help(list(defs["DeadlineType"]["enum"]), types))

    # -- anchors ------------------------------------------------------------------------------
    anchor = defs["Deadline"]["properties"]["anchor"]
    desc = anchor.get("description", "")
    anchor.clear()
    anchor.update(enum_with_help(list(ANCHORS), dict(ANCHORS)))
    anchor["title"] = "Anchor"
    anchor["description"] = desc

    # -- units of time ------------------------------------------------------------------------
    duration = defs["Duration"]
    duration["description"] = _listing(
        "How long after the anchor: exactly one unit, named.", UNIT_DESCRIPTIONS
    )
    duration["minProperties"] = 1
    duration["maxProperties"] = 1
    for unit, text in UNIT_DESCRIPTIONS.items():
        prop = duration["properties"][unit]
        prop.pop("default", None)
        real = _unwrap_optional(prop)
        prop.clear()
        prop.update(real)
        prop["description"] = text

    # -- facts --------------------------------------------------------------------------------
    test = defs["FactTest"]
    names = list(FACTS)
    test["properties"]["fact"] = {
        **enum_with_help(
            names,
            {n: f"{FACTS[n].description} ({FACTS[n].type_text})" for n in names},
            markdown={n: _fact_markdown(n) for n in names},
        ),
        "title": "Fact",
        "description": "The fact tested: a name from the fact catalogue (cme_policy/facts.py).",
    }
    for op, text in OPERATOR_DESCRIPTIONS.items():
        prop = test["properties"][op]
        prop.pop("default", None)
        real = _unwrap_optional(prop)
        if real is not prop:
            prop.clear()
            prop.update(real)
        prop["description"] = text
    test["properties"]["is"] = {
        "anyOf": [{"type": "boolean"}, {"type": "string"}, {"type": "integer"}],
        "description": OPERATOR_DESCRIPTIONS["is"],
        "title": "Is",
    }
    test["description"] = _listing(
        "A test of one fact: `fact` and exactly one comparison.", OPERATOR_DESCRIPTIONS
    )
    test["minProperties"] = 2
    test["maxProperties"] = 2
    test["required"] = ["fact"]
    test["allOf"] = _operand_rules()

    # -- conditions: anyOf gives better completion than oneOf in editors ----------------------
    for name in ("AllOf", "AnyOf"):
        key = "all" if name == "AllOf" else "any"
        items = defs[name]["properties"][key]["items"]
        items["anyOf"] = items.pop("oneOf")
    defs["AllOf"]["description"] = "Holds when every condition listed holds."
    defs["AnyOf"]["description"] = "Holds when at least one condition listed holds."
    defs["NotOf"]["description"] = "Holds when the condition does not hold (unknown stays unknown)."
    _conditions_to_any_of(schema)

    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "CME policy pack"
    schema["description"] = (
        "One authority's Children Missing Education policy as an executable pack. "
        "Generated by `cme-policy schema` from cme_policy/pack/model.py: do not edit by hand."
    )
    ordered = {k: schema[k] for k in ("$schema", "$id", "title", "description")}
    ordered.update({k: v for k, v in schema.items() if k not in ordered})
    return json.dumps(ordered, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _operand_rules() -> list[dict[str, Any]]:
    """Per fact type, which comparisons apply and what values they take, so that an editor
    offers ``high``/``medium``/``low`` after ``fact: risk.level, is:`` and flags ``is: "yes"``
    on a yes/no fact. (The loader checks the same, with line numbers, in cme_policy.pack.check.)"""
    from ..pack.check import OPERATORS

    every = ("is", "in", "includes_any", "at_least", "at_most", "known")
    rules: list[dict[str, Any]] = []
    by_type: dict[FactType, list[str]] = {}
    for name, f in FACTS.items():
        by_type.setdefault(f.type, []).append(name)
    value_schema: dict[FactType, dict[str, Any]] = {
        FactType.BOOL: {"is": {"type": "boolean"}},
        FactType.INT: {"is": {"type": "integer"}},
    }
    for ftype, names in by_type.items():
        if ftype in (FactType.ENUM, FactType.ENUM_SET):
            continue
        props: dict[str, Any] = {op: False for op in every if op not in OPERATORS[ftype]}
        props.update(value_schema.get(ftype, {}))
        rules.append({"if": {"properties": {"fact": {"enum": names}}},
                      "then": {"properties": props}})
    for name, f in FACTS.items():
        if f.enum is None:
            continue
        values = [m.value for m in f.enum]
        props = {op: False for op in every if op not in OPERATORS[f.type]}
        if f.type is FactType.ENUM:
            props["is"] = {"type": "string", "enum": values}
            props["in"] = {"type": "array", "items": {"type": "string", "enum": values}}
        else:
            props["includes_any"] = {"type": "array", "items": {"type": "string", "enum": values}}
        rules.append({"if": {"properties": {"fact": {"const": name}}}, "then": {"properties": props}})
    return rules


def _conditions_to_any_of(node: Any) -> None:
    """Condition unions elsewhere (``when``, ``until``, ``not``) become anyOf too."""
    if isinstance(node, dict):
        if "oneOf" in node and all("$ref" in b for b in node["oneOf"]):
            node["anyOf"] = node.pop("oneOf")
        for v in node.values():
            _conditions_to_any_of(v)
    elif isinstance(node, list):
        for v in node:
            _conditions_to_any_of(v)


def policy_pack_schema() -> dict[str, Any]:
    """The schema as a dict (a fresh copy)."""
    return copy.deepcopy(json.loads(_generate()))


def policy_pack_schema_text() -> str:
    """The schema as the exact text shipped in ``schema/policy-pack.schema.json``."""
    return _generate()


def shipped_schema_path() -> Path:
    """``schema/`` of the checkout this module runs from."""
    return Path(__file__).resolve().parents[2] / "schema" / SCHEMA_FILE
