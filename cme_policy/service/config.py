"""The service's settings: address, bearer tokens and limits, fixed at start-up.

Tokens come from ``CME_POLICY_TOKENS`` (separated by commas or white space) or a file named by
``--token-file`` or ``CME_POLICY_TOKEN_FILE`` (one token a line, ``#`` comments). Without a
token the service listens on a loopback address only.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem

TOKENS_ENV = "CME_POLICY_TOKENS"
TOKEN_FILE_ENV = "CME_POLICY_TOKEN_FILE"
#: A token shorter than this is refused: it could be guessed.
MIN_TOKEN_CHARS = 16
MAX_TOKENS = 100

#: Largest body of /v1/evaluate and /v1/timeline: a case of 10,000 history events is ~530 KB.
MAX_BODY_BYTES = 4 * 1024 * 1024
#: Most cases in one /v1/evaluate/batch request, and its largest body.
MAX_BATCH_CASES = 1_000
MAX_BATCH_BYTES = 32 * 1024 * 1024
#: Largest body of the streaming worklist (read one line at a time: memory stays flat).
MAX_STREAM_BYTES = 1024 * 1024 * 1024


@dataclass(frozen=True)
class ServiceConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    tokens: tuple[str, ...] = ()
    max_body_bytes: int = MAX_BODY_BYTES
    max_batch_cases: int = MAX_BATCH_CASES
    max_batch_bytes: int = MAX_BATCH_BYTES
    max_stream_bytes: int = MAX_STREAM_BYTES
    #: Reload the packs on SIGHUP (set by ``cme-policy serve``; a test server in a thread cannot).
    reload_on_sighup: bool = False

    def check(self) -> None:
        """Refuse a non-loopback address without tokens, and weak tokens."""
        problems = []
        if not self.tokens and not is_loopback(self.host):
            problems.append(
                Problem(
                    "--host",
                    "without bearer tokens the service listens on a loopback address only "
                    f"(127.0.0.1, ::1, localhost); set {TOKENS_ENV} or --token-file to listen elsewhere",
                )
            )
        for i, token in enumerate(self.tokens, 1):
            if len(token) < MIN_TOKEN_CHARS or not token.isascii() or not token.isprintable():
                problems.append(
                    Problem("tokens", f"token {i}: use at least {MIN_TOKEN_CHARS} printable ASCII characters")
                )
        if len(self.tokens) > MAX_TOKENS:
            problems.append(Problem("tokens", f"more than {MAX_TOKENS} tokens"))
        if not 0 <= self.port <= 65535:
            problems.append(Problem("--port", "give a port from 0 to 65535"))
        if problems:
            raise InputError(problems, "cannot start the service")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_tokens(token_file: str | None = None, environ: dict[str, str] | None = None) -> tuple[str, ...]:
    """The tokens configured for this start: from the file, else from the environment."""
    env = os.environ if environ is None else environ
    path = token_file or env.get(TOKEN_FILE_ENV)
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise InputError(
                [Problem("--token-file", f"cannot read the token file: {reason}", path)]
            ) from None
        lines = (line.strip() for line in text.splitlines())
        return tuple(line for line in lines if line and not line.startswith("#"))
    return tuple(env.get(TOKENS_ENV, "").replace(",", " ").split())
