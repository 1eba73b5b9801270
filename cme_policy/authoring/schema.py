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
is generated the same way from :class:`cme_policy.case.Case`, with the fields a dated change may
set (:func:`cme_policy.case.changeable_fields`) and the value each takes.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from ..case import SECTIONS, Case, Change, Event, changeable_fields
from ..facts import ANCHORS, FACTS, FactType
from ..pack.model import Policy
from ..vocabulary import ACTION_DESCRIPTIONS, Actor, DeadlineType, EventKind

SCHEMA_ID = "https://cme-policy.invalid/schema/policy-pack.schema.json"
SCHEMA_FILE = "policy-pack.schema.json"
#: The line every pack file starts with, so that yaml-language-server finds the schema.
MODELINE = "# yaml-language-server: $schema=../schema/policy-pack.schema.json"

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


def _event_description(kind: EventKind) -> str:
    return f"A '{kind.value}' event recorded in the case history."


def _fact_markdown(name: str) -> str:
    f = FACTS[name]
    return f"**{name}** ({f.type_text})\n\n{f.description}"


def _enum_with_help(
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
    defs["ActionKind"].update(_enum_with_help(list(defs["ActionKind"]["enum"]), kinds))
    defs["ActionKind"]["description"] = "What the rule requires (or permits, or forbids)."
    actors = {a.value: d for a, d in ACTOR_DESCRIPTIONS.items()}
    for a in defs["Actor"]["enum"]:
        actors.setdefault(a, a.replace("_", " "))
    defs["Actor"].update(_enum_with_help(list(defs["Actor"]["enum"]), actors))
    defs["Actor"]["description"] = "Who must act (a role, never a named person)."
    events = {k.value: _event_description(k) for k in EventKind}
    defs["EventKind"].update(_enum_with_help(list(defs["EventKind"]["enum"]), events))
    defs["EventKind"]["description"] = "A kind of event recorded in a case's history."
    types = {t.value: d for t, d in DEADLINE_TYPE_DESCRIPTIONS.items()}
    defs["DeadlineType"].update(_enum_with_help(list(defs["DeadlineType"]["enum"]), types))

    # -- anchors ------------------------------------------------------------------------------
    anchor = defs["Deadline"]["properties"]["anchor"]
    desc = anchor.get("description", "")
    anchor.clear()
    anchor.update(_enum_with_help(list(ANCHORS), dict(ANCHORS)))
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
        **_enum_with_help(
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


# -- the case schema ------------------------------------------------------------------------------

CASE_SCHEMA_ID = "https://cme-policy.invalid/schema/case.schema.json"
CASE_SCHEMA_FILE = "case.schema.json"
_ISO_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

#: Descriptions for the fields of a school's own term dates, which the models leave out.
_MORE_DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("TermYearInput", "terms"): "The year's terms in order, each from its first to its last day "
    "(a half term is the gap between two terms).",
    ("TermYearInput", "closures"): "Days in that year on which the school is closed.",
    ("TermInput", "start_on"): "The first day of the term.",
    ("TermInput", "end_on"): "The last day of the term.",
}

#: What each section of a case holds (the models' own field descriptions say the rest).
CASE_SECTIONS: dict[str, str] = {
    "child": "What is known about the child: date of birth, care status, plans, safeguarding concerns.",
    "school": "The school the child is (or was) on the roll of, and its own term dates.",
    "absence": "The current continuous absence from school.",
    "whereabouts": "Whether and how the child's whereabouts are known.",
    "education": "The education the child receives, or is to receive.",
}


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0].replace("``", "`")


def _strict_dates(node: Any) -> None:
    """Dates are strictly YYYY-MM-DD (cme_policy.dates), not any RFC 3339 full-date."""
    if isinstance(node, dict):
        if node.get("format") == "date":
            node["pattern"] = _ISO_DATE
        for v in node.values():
            _strict_dates(v)
    elif isinstance(node, list):
        for v in node:
            _strict_dates(v)


def _value_schema(prop: dict[str, Any]) -> dict[str, Any]:
    """A section field's schema as a change's ``value``: the same type, or null (unknown)."""
    out = {k: v for k, v in prop.items() if k not in ("default", "title", "description")}
    if "anyOf" not in out:
        out = {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def _generate_case() -> str:
    schema: dict[str, Any] = Case.model_json_schema(mode="validation")
    defs: dict[str, Any] = schema["$defs"]

    # -- sections: null means unknown, as a left-out section does ------------------------------
    for name, text in CASE_SECTIONS.items():
        ref = schema["properties"][name]
        schema["properties"][name] = {
            "anyOf": [ref, {"type": "null"}],
            "description": text + " Left out or null: nothing known.",
        }

    # -- vocabularies --------------------------------------------------------------------------
    events = {k.value: _event_description(k) for k in EventKind}
    defs["EventKind"].update(_enum_with_help(list(defs["EventKind"]["enum"]), events))
    defs["EventKind"]["description"] = "A kind of event recorded in a case's history."
    defs["Event"]["description"] = _first_line(Event.__doc__)
    defs["Event"]["properties"]["event"] = {
        "$ref": "#/$defs/EventKind", "description": "What happened (an event kind)."
    }
    defs["Event"]["properties"]["on"]["description"] = "The day it happened."
    defs["SafeguardingConcern"]["description"] = (
        "A safeguarding or welfare concern, as the policies name them."
    )

    # -- dated changes: the fields they may set, and the value each takes ----------------------
    for section, section_model in SECTIONS.items():
        for name, prop in defs[section_model.__name__]["properties"].items():
            fact = FACTS.get(f"{section}.{name}")
            if "description" not in prop and fact is not None:
                prop["description"] = fact.description  # the catalogue says it when the model does not
    for (model_name, name), text in _MORE_DESCRIPTIONS.items():
        defs[model_name]["properties"][name].setdefault("description", text)
    fields = changeable_fields()
    help_for: dict[str, str] = {}
    value_rules: list[dict[str, Any]] = []
    for path, model in fields.items():
        section, name = path.split(".", 1)
        prop = defs[model.__name__]["properties"][name]
        help_for[path] = f"{prop.get('description', path)} ({_type_text(prop, defs)})"
        value_rules.append({
            "if": {"properties": {"field": {"const": path}}},
            "then": {"properties": {"value": _value_schema(prop)}},
        })
    change = defs["Change"]
    change["description"] = _first_line(Change.__doc__) + (
        " A fact with dated changes has, on each day, the value of its latest change on or "
        "before that day, and is unknown before its first change."
    )
    change["properties"]["field"] = {
        **_enum_with_help(list(fields), help_for),
        "title": "Field",
        "description": change["properties"]["field"]["description"],
    }
    change["allOf"] = value_rules

    _strict_dates(schema)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["$id"] = CASE_SCHEMA_ID
    schema["title"] = "CME case"
    schema["description"] = (
        "One child's case: the facts as they are now, the dated history and dated changes to "
        "the facts. Every fact is optional: left out (or null) it is unknown, never false. "
        "Generated by `cme-policy schema --case` from cme_policy/case.py: do not edit by hand."
    )
    ordered = {k: schema[k] for k in ("$schema", "$id", "title", "description")}
    ordered.update({k: v for k, v in schema.items() if k not in ordered})
    return json.dumps(ordered, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


#: How a few long vocabularies are named in the case-field table, instead of every value.
_NAMED_ENUMS = {
    "EventKind": "an event kind (History events, below)",
    "SafeguardingConcern": (
        "safeguarding concern names (see child.safeguarding_concerns in the fact catalogue)"
    ),
}


def _type_text(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    """A field's type in words, read from its schema: what a case author must write."""
    branches = [b for b in prop.get("anyOf", [prop]) if b.get("type") != "null"]
    if len(branches) != 1:
        return "any value"
    node = branches[0]
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in _NAMED_ENUMS:
            return _NAMED_ENUMS[name]
        node = defs[name]
    if "enum" in node:
        values = node["enum"]
        return "one of " + ", ".join(f"`{v}`" for v in values) if len(values) <= 12 else (
            f"one of {len(values)} names"
        )
    kind = node.get("type")
    if kind == "array":
        return "list of " + _type_text(node["items"], defs)
    if kind == "string" and node.get("format") == "date":
        return "date (YYYY-MM-DD)"
    if kind == "integer" and "minimum" in node and "maximum" in node:
        return f"integer, {node['minimum']} to {node['maximum']}"
    if kind == "string" and "maxLength" in node:
        return f"text, at most {node['maxLength']} characters"
    return {"string": "text", "object": "mapping"}.get(kind, str(kind or "any value"))


def case_fields() -> list[tuple[str, str, str, bool]]:
    """Every field a case may give, as ``(path, type, meaning, a dated change may set it)``,
    read from the case schema: lists are written ``history[].on``."""
    schema = case_schema()
    defs = schema["$defs"]
    changeable = set(changeable_fields())
    rows: list[tuple[str, str, str, bool]] = []

    def walk(props: dict[str, Any], prefix: str) -> None:
        for name, prop in props.items():
            path = prefix + name
            branches = [b for b in prop.get("anyOf", [prop]) if b.get("type") != "null"]
            node = branches[0] if len(branches) == 1 else prop
            items = node.get("items", {}) if node.get("type") == "array" else None
            ref = (items or node).get("$ref", "")
            target = defs.get(ref.rsplit("/", 1)[-1]) if ref else None
            meaning = prop.get("description") or node.get("description") or ""
            if target is not None and target.get("type") == "object":
                if items is not None:
                    rows.append((path, "list of entries (below)", " ".join(meaning.split()), False))
                walk(target["properties"], path + ("[]." if items is not None else "."))
                continue
            if path == "changes[].field":
                kind = "a field marked *yes* in the last column"
            elif path == "changes[].value":
                kind = "that field's type, or null"
            else:
                kind = _type_text(prop, defs)
            rows.append((path, kind, " ".join(meaning.split()), path in changeable))

    walk(schema["properties"], "")
    return rows


def case_schema() -> dict[str, Any]:
    """The case schema as a dict (a fresh copy)."""
    return copy.deepcopy(json.loads(_generate_case()))


def case_schema_text() -> str:
    """The case schema as the exact text shipped in ``schema/case.schema.json``."""
    return _generate_case()
