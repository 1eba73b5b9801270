"""A caseload's lines, each within the record limit: the reading the JSON and CSV readers share.

:data:`MAX_RECORD_BYTES` bounds every record (a line, a JSON list element, a CSV row). The JSON
Lines and CSV readers take the file a line at a time from here: a line over the limit is
skipped without being kept and reported ("record longer than 1024 KiB"), and reading goes on
with the next line. The JSON list reader reports an element over the limit the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from .batch import RecordError
from .errors import Problem

#: The most bytes one record (a JSON line, a list element, a CSV row) may take.
MAX_RECORD_BYTES = 1 << 20


class _TooLong(Exception):
    pass


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; ``None`` for a line over :data:`MAX_RECORD_BYTES`, whose
    rest is skipped without being kept."""
    number = 0
    while True:
        line = stream.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            while True:
                more = stream.readline(1 << 16)
                if not more or more.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def _too_long(position: int, name: str, line: int) -> RecordError:
    return RecordError(
        position, None, (Problem("", f"record longer than {MAX_RECORD_BYTES // 1024} KiB", name, line, 1),)
    )
