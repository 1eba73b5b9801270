"""The worklist over HTTP: a JSON Lines caseload read from the request body in a worker thread
and answered record by record as it is read, so memory stays flat however long the caseload.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from collections.abc import Iterator
from typing import Any

import anyio
import anyio.from_thread
from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import iterate_in_threadpool
from starlette.requests import ClientDisconnect

from ..batch import RecordError
from .packs import Packs
from .problems import ServiceProblem
from .reading import too_large

#: Worklist output is sent in pieces of about this size, or after this many seconds.
STREAM_CHUNK = 32 * 1024
STREAM_WAIT = 0.2


class BodyStream(io.RawIOBase):
    """The request body as a blocking binary stream for a worker thread: each read asks the
    event loop for the next chunk. Stops with :class:`ServiceProblem` past ``limit`` bytes."""

    def __init__(self, request: Request, limit: int) -> None:
        self.chunks = request.stream()
        self.limit = limit
        self.size = 0
        self.pending = b""
        self.done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending and not self.done:
            try:
                chunk = anyio.from_thread.run(_next_chunk, self.chunks)
            except ClientDisconnect:
                chunk = None
            if chunk is None:
                self.done = True
                break
            self.size += len(chunk)
            if self.size > self.limit:
                raise too_large(self.limit)
            self.pending = chunk
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


async def _next_chunk(chunks: Any) -> bytes | None:
    try:
        return await chunks.__anext__()
    except StopAsyncIteration:
        return None


def _line(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _error_line(err: RecordError) -> bytes:
    from ..worklist import shown

    return _line(
        {
            "type": "error",
            "record": err.position,
            "case_ref": shown(err.case_ref) if err.case_ref else None,
            "errors": [
                {"path": p.path, "message": p.message, "line": p.line, "column": p.column}
                for p in err.problems
            ],
        }
    )


def worklist_lines(
    packs: Packs, stream: BodyStream, day: dt.date, policy: str | None, within: int, statutory_floor: bool
) -> Iterator[bytes]:
    """The worklist of a JSON Lines caseload, record by record, in input order: for each case
    its overdue, due and (within ``within`` school days) upcoming duties, most urgent first,
    as ``cme-policy worklist`` chooses them; an error line for a record that cannot be
    evaluated; and a summary line last. Runs in a worker thread."""
    from ..caseload import read_jsonl
    from ..worklist import Summary, as_dict, build

    batch = packs.batch(policy, statutory_floor)
    total = Summary()
    buffered: list[bytes] = []
    size = 0
    sent = time.monotonic()
    try:
        items = batch.run(read_jsonl(io.BufferedReader(stream, 1 << 16), "body"), on=day)
        for position, item in enumerate(items, 1):
            work, summary = build([item], batch, day, within)
            total.cases_read += 1
            total.cases_with_errors += summary.cases_with_errors
            total.verdicts += summary.verdicts
            total.lines += summary.lines
            lines = (
                [_error_line(item)]
                if isinstance(item, RecordError)
                else [_line({"type": "item", **as_dict(row), "record": position}) for row in work]
            )
            work.close()
            buffered += lines
            size += sum(len(b) for b in lines)
            if size >= STREAM_CHUNK or time.monotonic() - sent > STREAM_WAIT:
                yield b"".join(buffered)
                buffered, size, sent = [], 0, time.monotonic()
    except ServiceProblem as exc:  # the body grew past the limit: say so, and stop
        buffered.append(
            _line(
                {
                    "type": "error",
                    "record": None,
                    "case_ref": None,
                    "errors": [
                        {"path": "", "message": exc.detail or exc.title, "line": None, "column": None}
                    ],
                }
            )
        )
    buffered.append(_line({"type": "summary", "summary": total.as_dict()}))
    yield b"".join(buffered)


class StreamResponse(Response):
    """JSON Lines produced by a worker thread while it reads the request body. Unlike
    Starlette's StreamingResponse it does not listen for a disconnect on ``receive``, which
    the body reader owns."""

    media_type = "application/x-ndjson"

    def __init__(self, lines: Iterator[bytes], status_code: int = 200) -> None:
        self.status_code = status_code
        self.background = None
        self.raw_headers = [(b"content-type", self.media_type.encode()), (b"cache-control", b"no-store")]
        self.lines = lines

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        async for chunk in iterate_in_threadpool(self.lines):
            if chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
