"""Compliance reports and comparisons as text, Markdown, self-contained HTML and JSON.

The HTML is one file with its styles inline: no scripts, no external resources, every value
escaped.
"""

from __future__ import annotations

import html
import json
import textwrap

from .report import (
    READING_NOTE,
    STATUS_WORDS,
    Comparison,
    ComplianceReport,
    Finding,
    Status,
)

FORMATS = ("text", "markdown", "html", "json")

SECTIONS = (
    ("requirement", "National requirements in force"),
    ("pending_commencement", "Enacted, not known to be in force"),
    ("superseded_citation", "Citations of replaced instruments"),
    ("review_overdue", "Review dates"),
    ("recorded_ambiguity", "Ambiguities recorded in the pack"),
)


def render_report(report: ComplianceReport, fmt: str = "text") -> str:
    if fmt == "json":
        return report.to_json()
    if fmt == "markdown":
        return _report_markdown(report)
    if fmt == "html":
        return _report_html(report)
    if fmt == "text":
        return _report_text(report)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _by_section(report: ComplianceReport) -> list[tuple[str, list[Finding]]]:
    return [(title, [f for f in report.findings if f.kind.value == kind]) for kind, title in SECTIONS]


# -- text ---------------------------------------------------------------------------------------


def _wrap(text: str, indent: str, width: int = 100) -> str:
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent)


def _report_text(report: ComplianceReport) -> str:
    lines = [
        f"Compliance of {report.authority} ({report.pack}) with the national baseline "
        f"({report.baseline}) on {report.on}",
        "",
        report.headline,
        _wrap(READING_NOTE, ""),
    ]
    for title, items in _by_section(report):
        if not items:
            continue
        lines += ["", title.upper(), "-" * len(title)]
        for f in items:
            lines.append(f"[{STATUS_WORDS[f.status]}] {f.title}")
            if f.requirement_id:
                lines.append(_wrap(f"baseline rule: {f.requirement_id}", "    "))
            if f.baseline_citation:
                lines.append(_wrap(f"national: {f.baseline_citation}", "    "))
            if f.detail:
                lines.append(_wrap(f.detail, "    "))
            for r in f.pack_rules:
                status = f"[{STATUS_WORDS[r.status]}] " if r.status else ""
                lines.append(_wrap(f"- {status}{r.pack}:{r.rule_id} ({r.citation})", "    "))
                if r.detail:
                    lines.append(_wrap(r.detail, "      "))
    return "\n".join(lines) + "\n"


# -- markdown -----------------------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _report_markdown(report: ComplianceReport) -> str:
    out = [
        f"# Compliance: {_md(report.authority)} (`{report.pack}`)",
        "",
        f"Checked against the national baseline `{report.baseline}` on {report.on}.",
        "",
        f"**{_md(report.headline)}**",
        "",
        _md(READING_NOTE),
    ]
    for title, items in _by_section(report):
        if not items:
            continue
        out += ["", f"## {title}", ""]
        for f in items:
            out.append(f"### {STATUS_WORDS[f.status]}: {_md(f.title)}")
            out.append("")
            if f.requirement_id:
                out.append(f"- Baseline rule: `{f.requirement_id}`")
            if f.baseline_citation:
                out.append(f"- National: {_md(f.baseline_citation)}")
            if f.detail:
                out.append(f"- {_md(f.detail)}")
            for r in f.pack_rules:
                status = f"**{STATUS_WORDS[r.status]}**: " if r.status else ""
                detail = f" {_md(r.detail)}" if r.detail else ""
                out.append(f"- {status}`{r.pack}:{r.rule_id}` ({_md(r.citation)}).{detail}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- html ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;line-height:1.45;color:#1b1b1b}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
table.compare td,table.compare th{min-width:18rem}table.compare tbody th{min-width:8rem}
th,td{border:1px solid #ccc;padding:.35rem .5rem;vertical-align:top;text-align:left;font-size:.9rem}
th{background:#f3f3f3}
.s{font-weight:600;white-space:nowrap;padding:.1rem .4rem;border-radius:3px}
.met{background:#dff0d8}.stricter{background:#d9edf7}.weaker{background:#f2dede;color:#8a1f11}
.not_addressed{background:#eee}.cannot_tell{background:#fcf8e3}.pending{background:#ece4f7}
.attention{background:#fcf8e3}.partly_met{background:#e8f3e0}
.summary{font-size:1.05rem;font-weight:600;padding:.4rem .6rem;border-left:.4rem solid #999}
.summary.weaker_found{border-color:#8a1f11}.summary.all_met{border-color:#3c763d}
ul{margin:.2rem 0;padding-left:1.2rem}
code{font-size:.85rem;overflow-wrap:anywhere}td{overflow-wrap:anywhere}
""".strip()


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _page(title: str, body: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _badge(status: Status) -> str:
    return f'<span class="s {status.value}">{_e(STATUS_WORDS[status])}</span>'


def _report_html(report: ComplianceReport) -> str:
    body = [
        f"<h1>Compliance: {_e(report.authority)} (<code>{_e(report.pack)}</code>)</h1>",
        f"<p>Checked against the national baseline <code>{_e(report.baseline)}</code> on "
        f"{_e(report.on)}.</p>",
        f'<p class="summary {_e(report.verdict.value)}">{_e(report.headline)}</p>',
        f"<p>{_e(READING_NOTE)}</p>",
    ]
    for title, items in _by_section(report):
        if not items:
            continue
        body.append(f"<h2>{_e(title)}</h2>")
        body.append(
            "<table><thead><tr><th>Status</th><th>Requirement</th><th>National citation</th>"
            "<th>Pack rules</th></tr></thead><tbody>"
        )
        for f in items:
            rules = "".join(
                f"<li>{_badge(r.status) + ' ' if r.status else ''}<code>{_e(r.pack)}:{_e(r.rule_id)}</code> "
                f"({_e(r.citation)}){'<br>' + _e(r.detail) if r.detail else ''}</li>"
                for r in f.pack_rules
            )
            req = f"<br><code>{_e(f.requirement_id)}</code>" if f.requirement_id else ""
            detail = f"<p>{_e(f.detail)}</p>" if f.detail else ""
            body.append(
                f"<tr><td>{_badge(f.status)}</td><td>{_e(f.title)}{req}{detail}</td>"
                f"<td>{_e(f.baseline_citation or '')}</td>"
                f"<td>{'<ul>' + rules + '</ul>' if rules else ''}</td></tr>"
            )
        body.append("</tbody></table>")
    return _page(f"Compliance: {report.authority} on {report.on}", body)


# -- comparisons --------------------------------------------------------------------------------

# One section per topic, one card per authority: the cards wrap onto as many rows as the
# screen needs (five across on a 1,366 px laptop, one on a phone), so nothing is cut off.
_COMPARE_CSS = """
.topic{margin-top:1.5rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.75rem}
.card{border:1px solid #ccc;border-radius:4px;padding:.5rem .7rem;min-width:0;background:#fff}
.card h3{font-size:1rem;margin:0 0 .3rem}
.card ul{padding-left:1.1rem}.card li{margin:.25rem 0;font-size:.92rem;overflow-wrap:anywhere}
.none{color:#555;font-style:italic}
@media (max-width:40rem){body{margin:1rem}}
""".strip()


def _lead(entry: str) -> str:
    """An entry with its lead (what and who, up to the first ': ') in bold."""
    head, sep, rest = entry.partition(": ")
    return f"<strong>{_e(head)}</strong>{sep}{_e(rest)}" if sep and len(head) < 160 else _e(entry)


def _comparison_html(comp: Comparison) -> str:
    body = [f"<h1>CME policies side by side (on {_e(comp.on)})</h1>"]
    for topic, row in comp.rows:
        body.append(f'<section class="topic"><h2>{_e(topic)}</h2><div class="cards">')
        for (pid, name), cells in zip(comp.packs, row, strict=True):
            items = (
                "<ul>" + "".join(f"<li>{_lead(x)}</li>" for x in cells) + "</ul>"
                if cells
                else '<p class="none">Nothing in the pack on this.</p>'
            )
            body.append(f'<div class="card" data-pack="{_e(pid)}"><h3>{_e(name)}</h3>{items}</div>')
        body.append("</div></section>")
    page = _page(f"CME policies side by side on {comp.on}", body)
    return page.replace("</style>", _COMPARE_CSS + "\n</style>", 1)


def render_comparison(comp: Comparison, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(comp.as_dict(), indent=2) + "\n"
    if fmt == "markdown":
        head = "| | " + " | ".join(f"{_md(n)} (`{p}`)" for p, n in comp.packs) + " |"
        sep = "|---" * (len(comp.packs) + 1) + "|"
        rows = [
            f"| **{_md(topic)}** | "
            + " | ".join("<br>".join(_md(x) for x in cells) or "—" for cells in row)
            + " |"
            for topic, row in comp.rows
        ]
        return "\n".join([f"# CME policies side by side (on {comp.on})", "", head, sep, *rows]) + "\n"
    if fmt == "html":
        return _comparison_html(comp)
    if fmt == "text":
        lines = [f"CME policies side by side (on {comp.on})"]
        for topic, row in comp.rows:
            lines += ["", topic.upper(), "-" * len(topic)]
            for (pid, name), cells in zip(comp.packs, row, strict=True):
                lines.append(f"{name} ({pid}):")
                for x in cells or ["(nothing in the pack)"]:
                    lines.append(_wrap(f"- {x}", "    "))
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
