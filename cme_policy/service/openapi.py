"""The service's OpenAPI document (``schema/openapi.json``): FastAPI's, from the routes and
response models, with the request models the service reads by hand, the problem+json error
responses every route declares, and bearer security.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from . import models
from .problems import MEDIA_TYPE
from .reading import JSON

_PROBLEM = {"$ref": "#/components/schemas/ProblemDetails"}


def problem_responses(*codes: int) -> dict[int | str, Any]:
    words = {
        400: "The request could not be read.",
        401: "No valid bearer token.",
        403: "Without tokens: a request that names a host other than a loopback one.",
        404: "No such policy (or path).",
        413: "The body is larger than the limit.",
        415: "The body is not of the media type this endpoint reads.",
        422: "Invalid input: every problem, with its field path.",
        500: "Internal error (nothing about the request is repeated).",
    }
    return {c: {"description": words[c], "content": {MEDIA_TYPE: {"schema": _PROBLEM}}} for c in codes}


def request_body(schema: str, media: tuple[str, ...] = (JSON,)) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"requestBody": {"required": True, "content": {m: {"schema": ref} for m in media}}}


COMMON = (401, 403, 500)


#: Models named by hand-written request bodies and responses, added to the components: the
#: request bodies as read ("validation"), the others as written ("serialization").
EXTRA_MODELS: tuple[tuple[Callable[[], type], str], ...] = (
    (lambda: models.EvaluateRequest, "validation"),
    (lambda: models.BatchRequest, "validation"),
    (lambda: models.CaseRecord, "validation"),
    (lambda: models.ProblemDetails, "serialization"),
    (lambda: models.WorklistLine, "serialization"),
)


def _without_defaults(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_defaults(v) for k, v in node.items() if k != "default"}
    if isinstance(node, list):
        return [_without_defaults(v) for v in node]
    return node


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document: FastAPI's, from the response models, with the request models
    (case included) that the service reads by hand added to its components."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi
    from pydantic.json_schema import models_json_schema

    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    _, defs = models_json_schema(
        [(make(), mode) for make, mode in EXTRA_MODELS],  # type: ignore[misc]
        ref_template="#/components/schemas/{model}",
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in sorted(defs.get("$defs", {}).items()):
        if name in schemas:  # FastAPI's rendering of the same model is kept
            if _without_defaults(schemas[name]) != _without_defaults(schema):
                raise RuntimeError(f"two different schemas are named {name}")
            continue
        schemas[name] = schema
    # FastAPI's own validation-error schemas: every 422 here is a problem+json instead.
    for path in doc["paths"].values():
        for op in path.values():
            op.get("responses", {}).get("422", {}).get("content", {}).pop("application/json", None)
    text = json.dumps(doc["paths"]) + json.dumps(
        {k: v for k, v in schemas.items() if k != "HTTPValidationError"}
    )
    for name in ("HTTPValidationError", "ValidationError"):
        if f'/{name}"' not in text:
            schemas.pop(name, None)
    doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    for path, operations in doc["paths"].items():
        if path != "/healthz":
            for op in operations.values():
                op["security"] = [{"bearer": []}]
    doc["components"]["schemas"] = dict(sorted(schemas.items()))
    app.openapi_schema = doc
    return doc
