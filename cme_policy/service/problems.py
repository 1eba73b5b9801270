"""Errors as RFC 9457 problem details: a type, a title, the status and every field problem,
each with its path and a message that never repeats a value from the request."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..errors import Problem

MEDIA_TYPE = "application/problem+json"
#: Problem type URIs (RFC 4151 tag URIs: names, not addresses to fetch).
INVALID_INPUT = "tag:cme-policy,2026:problem:invalid-input"
TOO_LARGE = "tag:cme-policy,2026:problem:too-large"
UNAUTHORIZED = "tag:cme-policy,2026:problem:unauthorized"
NOT_FOUND = "tag:cme-policy,2026:problem:not-found"
UNSUPPORTED_MEDIA = "tag:cme-policy,2026:problem:unsupported-media-type"
FORBIDDEN_HOST = "tag:cme-policy,2026:problem:forbidden-host"
INTERNAL = "tag:cme-policy,2026:problem:internal-error"


class ServiceProblem(Exception):
    """Raised by a route; turned into a problem+json response."""

    def __init__(
        self,
        status: int,
        title: str,
        *,
        type: str = "about:blank",
        detail: str | None = None,
        errors: Iterable[Problem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.type = type
        self.detail = detail
        self.errors = tuple(errors)
        self.headers = headers or {}

    def body(self, instance: str | None) -> dict[str, Any]:
        return {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
            "errors": [problem_dict(p) for p in self.errors],
        }

    def encode(self, instance: str | None) -> bytes:
        return json.dumps(self.body(instance), ensure_ascii=False).encode("utf-8")


def problem_dict(p: Problem) -> dict[str, Any]:
    return {"path": p.path, "message": p.message, "line": p.line, "column": p.column}


def invalid(
    problems: Iterable[Problem], detail: str = "The request has problems: see errors."
) -> ServiceProblem:
    return ServiceProblem(422, "Invalid input", type=INVALID_INPUT, detail=detail, errors=problems)


def under(prefix: str, p: Problem) -> Problem:
    """The problem with its path put under ``prefix`` (``case`` + ``child.x`` -> ``case.child.x``)."""
    path = prefix if not p.path else prefix + (p.path if p.path.startswith("[") else "." + p.path)
    return Problem(path, p.message, None, p.line, p.column)
