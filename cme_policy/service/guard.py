"""Every request passes here first: the bearer token, the Host header, the access log, and a
last catch that turns any unexpected exception into a bare 500.

The access log has the method, the path, the status and the time taken, nothing else: no
query string, no header, no body, so no case data. Tokens are compared with
:func:`hmac.compare_digest` against every configured token (no early exit). A browser may give
the token as the password of HTTP Basic authentication (any user name), so the page works
with a token without storing it in script.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import time
import traceback
from typing import Any

from .config import is_loopback
from .problems import FORBIDDEN_HOST, INTERNAL, MEDIA_TYPE, UNAUTHORIZED, ServiceProblem

ACCESS = logging.getLogger("cme_policy.service.access")
ERRORS = logging.getLogger("cme_policy.service.error")
OPEN_PATHS = frozenset({"/healthz"})
#: Paths a browser opens itself: a 401 there asks the browser for the token (as a password).
PAGE_PATHS = frozenset({"/", "/static/page.js", "/static/page.css"})


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def presented_token(authorization: str | None) -> str | None:
    """The token in an ``Authorization`` header: ``Bearer T``, or ``Basic`` with T as password."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return value.strip() or None
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


def token_ok(given: str | None, tokens: tuple[bytes, ...]) -> bool:
    if given is None:
        return False
    presented = given.encode("utf-8", "replace")
    ok = False
    for token in tokens:  # every token compared, whatever matched: no early exit
        ok |= hmac.compare_digest(presented, token)
    return ok


def host_ok(host: str | None) -> bool:
    """Without tokens only a loopback Host is served (a browser page elsewhere cannot reach the
    service by pointing a name of its own at 127.0.0.1: DNS rebinding)."""
    if not host:
        return False
    name = host.rsplit(":", 1)[0] if not host.endswith("]") and host.count(":") == 1 else host
    if name.startswith("[") and "]" in name:
        name = name[1 : name.index("]")]
    return is_loopback(name)


class Guard:
    def __init__(self, app: Any, tokens: tuple[str, ...] = ()) -> None:
        self.app = app
        self.tokens = tuple(t.encode("utf-8") for t in tokens)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        path = scope.get("path", "")
        status = {"code": 0, "started": False}

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["started"] = True
            await send(message)

        try:
            refusal = self._refusal(scope, path)
            if refusal is not None:
                await self._send_problem(sending, refusal, path)
            else:
                await self.app(scope, receive, sending)
        except Exception as exc:  # never a traceback with a message to the client or the log
            frames = "".join(traceback.format_tb(exc.__traceback__))
            ERRORS.error(
                "%s %s: internal error %s\n%s", scope.get("method"), path, type(exc).__name__, frames
            )
            if not status["started"]:
                problem = ServiceProblem(500, "Internal error", type=INTERNAL)
                await self._send_problem(sending, problem, path)
        finally:
            ACCESS.info(
                "%s %s %d %.1fms",
                scope.get("method"),
                path,
                status["code"],
                (time.perf_counter() - start) * 1000,
            )

    def _refusal(self, scope: dict[str, Any], path: str) -> ServiceProblem | None:
        if not self.tokens:
            if not host_ok(_header(scope, b"host")):
                return ServiceProblem(
                    403,
                    "Forbidden",
                    type=FORBIDDEN_HOST,
                    detail="Without tokens the service answers requests for a loopback host only.",
                )
            return None
        if path in OPEN_PATHS:
            return None
        if token_ok(presented_token(_header(scope, b"authorization")), self.tokens):
            return None
        challenge = (
            'Basic realm="cme-policy", charset="UTF-8"' if path in PAGE_PATHS else 'Bearer realm="cme-policy"'
        )
        return ServiceProblem(
            401,
            "Unauthorized",
            type=UNAUTHORIZED,
            detail="Give a valid bearer token.",
            headers={"www-authenticate": challenge},
        )

    @staticmethod
    async def _send_problem(send: Any, problem: ServiceProblem, path: str) -> None:
        body = problem.encode(path)
        headers = [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]
        headers += [(k.encode(), v.encode()) for k, v in problem.headers.items()]
        await send({"type": "http.response.start", "status": problem.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
