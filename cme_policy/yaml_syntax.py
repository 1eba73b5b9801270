"""YAML syntax errors in an author's words: what PyYAML's parser reports, said as what was found
and what to do, with the line of the file and a caret under the spot (:func:`excerpt`).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .errors import Problem
from .yaml_strict import MAX_DEPTH

#: The usual YAML slips, for a syntax error the parser does not narrow down.
SYNTAX_HINT = (
    "check the line shown and the one above it: indentation (spaces only, lined up with the "
    "lines it belongs with), ': ' after each key, '- ' before each list item, and quotes "
    "around text containing ': ' or ' #'"
)


def _plain_syntax(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, Any]:
    """A parser error in an author's words, and the mark to point the caret at.

    libyaml's own wording (``while parsing a block collection did not find expected '-'
    indicator``) names parser states; this says what was found and what to do about it.
    """
    context, problem = str(exc.context or ""), str(exc.problem or "")
    pm, cm = exc.problem_mark, exc.context_mark
    opened = f" (opened on line {cm.line + 1})" if cm is not None else ""
    if "expected '-' indicator" in problem:
        return (
            "this line is indented differently from the list items above it"
            + (f" (the list starts on line {cm.line + 1})" if cm is not None else "")
            + ": line its '- ' up with the other items' dashes, or, if it belongs to the item "
            "above, indent it to line up with that item's keys",
            pm,
        )
    if "did not find expected key" in problem:
        found = _char_at(text, pm)
        if found == "-":
            return (
                "a list item ('- ') where a key was expected: a list goes under its own key "
                "(key:, then '- item' lines indented beneath it), or this line is indented wrongly",
                pm,
            )
        if pm is not None and cm is not None and pm.line == cm.line:
            return "more text after a closing quote: put the whole value inside the quotes", pm
        return (
            "this line is indented differently from the keys above it"
            + (f" (the mapping starts on line {cm.line + 1})" if cm is not None else "")
            + ": keys of one mapping line up in the same column; if it belongs inside the key "
            "above, indent it further, under that key",
            pm,
        )
    if "mapping values are not allowed" in problem:
        line = _line_at(text, pm)
        key = re.match(r"( *)[A-Za-z_][A-Za-z0-9_.-]*:", line)
        if key is not None and pm is not None and key.end() - 1 == pm.column:
            at_key = yaml.Mark("", pm.index, pm.line, len(key.group(1)), None, None)
            return (
                "this key is indented further than the keys above it: line it up with them, in "
                "the same column (or, if it belongs inside the key above, that key needs a colon "
                "and nothing after it)",
                at_key,
            )
        return (
            "a ': ' inside a value: a value containing a colon and a space goes in quotes "
            '(title: "Note: this")',
            pm,
        )
    if "could not find expected ':'" in problem:
        return (
            "this line is neither 'key: value' nor '- item': a colon after the key is missing "
            "(or the '- ' of a list item), or text carried over from the line above needs "
            "indenting under its key",
            cm or pm,
        )
    if "block sequence entries are not allowed" in problem:
        return (
            "a list item ('- ') cannot follow a key on the same line: put each '- item' on its "
            "own line, indented under the key",
            pm,
        )
    if "flow mapping" in context or "flow sequence" in context:
        close = "}" if "mapping" in context else "]"
        start = "{" if close == "}" else "["
        return (
            f"the '{start}'{opened} is not closed where expected: a ',' between entries or the "
            f"closing '{close}' is missing, or a value containing ': ', ',' or '{close}' needs quotes",
            pm,
        )
    if "quoted scalar" in context:
        return (
            "a quote opened here is never closed: add the closing quote (a ' inside '...' is "
            "written twice: 'it''s')",
            cm or pm,
        )
    if "cannot start any token" in problem:
        found = _char_at(text, pm)
        what = f"'{found}'" if found in ("@", "`", "%", "|", ">") else "this character"
        return f"a value cannot start with {what}: put the value in quotes", pm
    if "an alias" in context or "an anchor" in context:
        return (
            "'*' and '&' start YAML aliases and anchors, which are not allowed: put the value in quotes",
            cm or pm,
        )
    if "block scalar" in context:
        return (
            "after '|' or '>' the text goes on the following lines, indented: put nothing else "
            "on this line, or quote the value instead",
            pm,
        )
    if "directive" in context:
        return "a line starting with '%' is a YAML directive: remove it, or quote the value", cm or pm
    return f"YAML cannot read this line; {SYNTAX_HINT}", pm or cm


def _line_at(text: str, mark: Any) -> str:
    if mark is None:
        return ""
    lines = text.split("\n", mark.line + 1)
    return lines[mark.line][:500] if len(lines) > mark.line else ""


def _char_at(text: str, mark: Any) -> str:
    if mark is None:
        return ""
    index = getattr(mark, "index", None)
    if isinstance(index, int) and 0 <= index < len(text):
        return text[index]
    return ""


#: Widest slice of a line shown under a message, in characters.
EXCERPT_WIDTH = 100


def excerpt(text: str, line: int, column: int) -> str:
    """Line ``line`` (1-based) of ``text`` and the non-blank line above it, numbered, with a
    caret under ``column``: what an author needs to see an indentation slip. Bounded: a long
    line is shown as the ``EXCERPT_WIDTH`` characters around the column; characters that do
    not print are shown as '?', and a tab as '→', so the caret stays aligned."""
    lines = text.split("\n", line)
    if line < 1 or len(lines) < line:
        return ""
    shown: list[tuple[int, str]] = []
    above = next((n for n in range(line - 1, max(line - 4, 0), -1) if lines[n - 1].strip()), None)
    if above is not None:
        shown.append((above, lines[above - 1]))
    shown.append((line, lines[line - 1]))
    width = len(str(line))
    start = max(0, column - 1 - EXCERPT_WIDTH // 2)
    out = []
    for number, raw in shown:
        body = raw.rstrip("\r")[start : start + EXCERPT_WIDTH]
        body = "".join(c if c.isprintable() else "→" if c == "\t" else "?" for c in body)
        lead = "…" if start else ""
        tail = "…" if len(raw.rstrip("\r")) > start + EXCERPT_WIDTH else ""
        out.append(f"  {number:>{width}} | {lead}{body}{tail}")
    caret = " " * (column - 1 - start + (1 if start else 0)) + "^"
    out.append(f"  {'':>{width}} | {caret}")
    return "\n".join(out)


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str | None, show_lines: bool) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if mark is not None and ("tab" in str(exc.problem) or "cannot start any token" in str(exc.problem)):
        lines = text.split("\n", mark.line + 1)
        if len(lines) > mark.line and "\t" in lines[mark.line][: mark.column + 1]:
            shown = excerpt(text, line, col) if show_lines else None
            return Problem("", "a tab cannot indent YAML: use spaces", file, line, col, excerpt=shown)
    if "maximum nesting depth" in str(exc.problem):  # libyaml's own limit, 1000 levels
        return Problem("", f"nested too deeply (more than {MAX_DEPTH} levels)", file, line, col)
    message, at = _plain_syntax(exc, text)
    if at is not None:
        line, col = at.line + 1, at.column + 1
    shown = excerpt(text, line, col) if show_lines else None
    return Problem("", message, file, line, col, excerpt=shown)
