"""Strict JSON reading, beside the strict YAML reader: duplicate keys and NaN/Infinity refused.

Python's ``json`` keeps the last of two equal keys and accepts ``NaN``; a case or caseload from
another system must not silently lose a field or carry a number that is not JSON.
"""

from __future__ import annotations

import json
from typing import Any


def _strict_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError("duplicate key in an object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError("NaN and Infinity are not JSON numbers")


#: A decoder refusing duplicate keys and the non-JSON constants (raises ``ValueError``).
STRICT = json.JSONDecoder(object_pairs_hook=_strict_object, parse_constant=_no_constant)
