"""The errors cme_policy raises on purpose: one base class, and bad input is also a ValueError."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_MESSAGE = 1_000
MAX_PATH = 300
MAX_EXCERPT = 400


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    ``path`` is the dotted field path (``rules[2].then[0].deadline.after``); ``file``, ``line``
    and ``column`` are set when the input came from a file (line and column are 1-based).
    ``message`` never contains a value taken from a case: case facts are children's data.
    """

    path: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    severity: str = "error"
    #: The offending line of the file and a caret under the column, for an author to see (only
    #: ever set for pack, calendar and scenario files, never for a case file: see ``yaml_io``).
    excerpt: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # Bounded whatever went into them: a message quoting a 2 MB value from a hostile file
        # must not become a 2 MB line of output.
        if len(self.message) > MAX_MESSAGE:
            object.__setattr__(self, "message", self.message[: MAX_MESSAGE - 1] + "…")
        if len(self.path) > MAX_PATH:
            object.__setattr__(self, "path", self.path[: MAX_PATH - 1] + "…")
        if self.excerpt is not None and len(self.excerpt) > MAX_EXCERPT:
            object.__setattr__(self, "excerpt", self.excerpt[: MAX_EXCERPT - 1] + "…")

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line or 1}:{self.column or 1}: "
        path = f"{self.path}: " if self.path else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}{prefix}{path}{self.message}"

    def display(self) -> str:
        """The problem as shown to a person: its line, then the file's line with a caret."""
        return str(self) if not self.excerpt else f"{self}\n{self.excerpt}"


class CMEPolicyError(Exception):
    """Base class of every error cme_policy raises on purpose."""


class InputError(CMEPolicyError, ValueError):
    """Bad input: carries every :class:`Problem` found, not just the first."""

    def __init__(self, problems: Iterable[Problem], summary: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = [p.display() for p in self.problems]
        head = summary or f"{len(lines)} problem(s)"
        super().__init__(head + ("\n" + "\n".join(lines) if lines else ""))


class PolicyError(InputError):
    """A policy pack (or calendar, or scenario file) could not be loaded."""


class CaseError(InputError):
    """A case could not be read. Messages name field paths only, never the values."""


class UnknownAuthorityError(InputError, LookupError):
    """``load_policy`` was given a name that is neither a shipped pack nor a file."""


class EvaluationDateError(InputError):
    """The evaluation date is missing or not an ISO date."""
