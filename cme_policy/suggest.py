"""Did-you-mean hints for messages: the closest word from our own vocabulary, never the input.

A leaf module, so that the case models, the pack checks and the readers can all suggest words
without importing one another.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
