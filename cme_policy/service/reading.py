"""Reading requests: media types, bodies read under a size limit and decoded strictly (no
duplicate keys, no NaN), and the fields of an evaluate or batch request checked, every problem
located and none repeating a value. A case is checked by the library's own
:func:`~cme_policy.case.check_case`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import Request
from starlette.requests import ClientDisconnect

from ..case import Case, check_case
from ..engine.evaluate import parse_on
from ..errors import InputError, Problem
from ..json_io import STRICT
from ..pack.loaded import PolicyPack
from ..suggest import did_you_mean
from ..yaml_io import format_loc, parse_yaml, shown_key
from .packs import Packs
from .problems import TOO_LARGE, UNSUPPORTED_MEDIA, ServiceProblem, invalid, under

JSON = "application/json"
JSON_LINES = ("application/x-ndjson", "application/jsonl")
EVALUATE_KEYS = ("policy", "on", "case", "case_text", "statutory_floor")
BATCH_KEYS = ("on", "policy", "statutory_floor", "cases")


_DECODER = STRICT


def decode_json(raw: bytes) -> Any:
    """The body as JSON, strictly, or a 422 naming where it breaks (never what it says)."""
    try:
        return _DECODER.decode(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as exc:
        raise invalid([Problem("", f"not UTF-8 text (byte {exc.start})")]) from None
    except json.JSONDecodeError as exc:
        where = Problem("", f"not valid JSON: {exc.msg}", None, exc.lineno, exc.colno)
        raise invalid([where]) from None
    except RecursionError:
        raise invalid([Problem("", "nested too deeply")]) from None
    except ValueError as exc:  # from the hooks above: their own words
        raise invalid([Problem("", f"not valid JSON: {exc}")]) from None


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def require_media(request: Request, accepted: tuple[str, ...]) -> None:
    kind = _media_type(request)
    if kind not in accepted and not (JSON in accepted and kind.endswith("+json")):
        raise ServiceProblem(
            415, "Unsupported media type", type=UNSUPPORTED_MEDIA, detail=f"Send {' or '.join(accepted)}."
        )


def too_large(limit: int) -> ServiceProblem:
    return ServiceProblem(
        413, "Content too large", type=TOO_LARGE, detail=f"The body is larger than {limit} bytes."
    )


def declared_length(request: Request, limit: int) -> None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing it as soon as it passes ``limit`` bytes."""
    declared_length(request, limit)
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            parts.append(chunk)
    except ClientDisconnect:
        raise ServiceProblem(400, "Bad request", detail="The client went away.") from None
    return b"".join(parts)


def unknown_keys(body: dict[str, Any], known: tuple[str, ...]) -> list[Problem]:
    return [Problem(shown_key(str(k)), "unknown field") for k in body if k not in known]


def the_date(value: Any, problems: list[Problem], path: str = "on") -> dt.date | None:
    try:
        return parse_on(value)
    except InputError as exc:
        problems.extend(Problem(path, p.message) for p in exc.problems)
        return None


def floor_flag(body: dict[str, Any], problems: list[Problem]) -> bool:
    flag = body.get("statutory_floor", True)
    if not isinstance(flag, bool):
        problems.append(Problem("statutory_floor", "expected true or false"))
        return True
    return flag


def known_policy(packs: Packs, name: Any, problems: list[Problem], required: bool = True) -> str | None:
    if name is None:
        if required:
            problems.append(Problem("policy", "missing: give an authority id (GET /v1/policies)"))
        return None
    if not isinstance(name, str):
        problems.append(Problem("policy", "expected an authority id"))
        return None
    if name not in packs.packs:
        problems.append(Problem("policy", f"not a shipped authority id{did_you_mean(name, packs.ids)}"))
        return None
    return name


def _case_of(body: dict[str, Any], problems: list[Problem]) -> Case | None:
    has_case, has_text = body.get("case") is not None, body.get("case_text") is not None
    if has_case == has_text:
        problems.append(
            Problem("case", "give the case as either case (JSON) or case_text (YAML or JSON text)")
        )
        return None
    if has_case:
        case, found = check_case(body["case"])
        problems.extend(under("case", Problem(format_loc(loc), msg)) for loc, msg in found)
        return case
    text = body["case_text"]
    if not isinstance(text, str):
        problems.append(Problem("case_text", "expected the text of a YAML or JSON case file"))
        return None
    doc, read = parse_yaml(text)  # the library's strict reader, with its limits
    if doc.data is None:
        problems.extend(under("case", p) for p in read)
        if not read:
            problems.append(Problem("case_text", "empty: write {} for a case where nothing is known"))
        return None
    case, found = check_case(doc.data)
    seen = {p.path for p in read}
    problems.extend(under("case", p) for p in read)
    problems.extend(under("case", doc.problem(loc, msg)) for loc, msg in found if format_loc(loc) not in seen)
    return case if not read else None


def parse_evaluate(packs: Packs, body: Any) -> tuple[PolicyPack, PolicyPack | None, Case, dt.date]:
    """The pack, floor, case and date of an evaluate (or timeline) request, or a 422."""
    if not isinstance(body, dict):
        raise invalid([Problem("", "expected a JSON object")])
    problems = unknown_keys(body, EVALUATE_KEYS)
    name = known_policy(packs, body.get("policy"), problems)
    day = the_date(body.get("on"), problems)
    flag = floor_flag(body, problems)
    case = _case_of(body, problems)
    if problems or name is None or day is None or case is None:
        raise invalid(problems)
    return packs.get(name), packs.floor(name, flag), case, day
