"""The JSON Schema of a *case* file, and the table of case fields read from it.

``cme-policy schema --case`` prints it; the shipped copy is ``schema/case.schema.json`` and a test
fails when it is stale. It is generated from :class:`cme_policy.case_model.Case` the way the pack schema
is generated from the pack models (:mod:`.schema`), then enriched: a section left out or null is
unknown, every history event kind has a description, dates are strictly YYYY-MM-DD, and a dated
change lists the fields it may set (:func:`cme_policy.case_model.changeable_fields`) with the value
each takes.

:func:`case_fields` reads the schema back as rows (path, type in words, meaning, whether a dated
change may set it) for the README's table of case fields (:mod:`cme_policy.reference`).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from ..case import SECTIONS, Case, Change, Event, changeable_fields
from ..facts import FACTS
from ..vocabulary import EventKind
from .schema_help import enum_with_help, event_description

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
    events = {k.value: event_description(k) for k in EventKind}
    defs["EventKind"].update(enum_with_help(list(defs["EventKind"]["enum"]), events))
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
        **enum_with_help(list(fields), help_for),
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
