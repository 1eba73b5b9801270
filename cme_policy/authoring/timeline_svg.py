"""A case's timeline as an SVG drawing: a strip of days, numbered badges, the marks as sentences.

``cme-policy timeline --svg`` writes it, and the service shows it; the timeline itself comes from
:func:`~cme_policy.authoring.timeline.build_timeline`. Every text is 14 px or larger and none
overlaps another (tests/test_reports_in_browser.py checks it in a browser).
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from .timeline_model import (
    ASSUMED,
    BANK_HOLIDAY,
    CLOSURE,
    DAY_WORDS,
    HOLIDAY,
    SCHOOL,
    WEEKEND,
    Mark,
    Timeline,
    fmt,
)

SVG_KEY = (
    "Each numbered badge on the strip of days is one of the numbered lines below. Red: due "
    "dates; green: dates from which an action is permitted; blue: recorded events; purple: the "
    "evaluation date. Absence days count school days from the first day of absence."
)

COLOURS = {
    SCHOOL: "#cfe6cf", WEEKEND: "#e4e4e4", HOLIDAY: "#f6d8a6", BANK_HOLIDAY: "#f1b0b0",
    CLOSURE: "#d9c8ec", ASSUMED: "#eef5e6",
}
MARK_COLOURS = {"due": "#b3261e", "from": "#1f6f43", "event": "#1d4f91", "start": "#000",
                "evaluation": "#6b3fa0"}

#: The drawing's width in pixels (it fits a laptop screen beside a browser's margins), the size
#: of every piece of text (never under 14 px), and a generous width per character, so that text
#: laid out by this estimate never runs into its neighbours in any common sans-serif font.
SVG_WIDTH = 960
FONT = 14
CHAR = 8.4
TEXT_CHAR = 7.6  # wrapping sentences: wide enough for Arial, Helvetica and DejaVu Sans at 14 px
LINE = 21
_BADGE_H = 20


def _wrap_px(text: str, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width`` pixels by the :data:`TEXT_CHAR` estimate."""
    import textwrap

    return textwrap.wrap(text, width=max(10, int(width // TEXT_CHAR))) or [""]


def _badge_width(number: int) -> float:
    return max(float(_BADGE_H), 10 + len(str(number)) * CHAR)


def _spread(xs: list[float], widths: list[float], lo: float, hi: float, gap: float = 4) -> list[float] | None:
    """Left edges for badges in one row, in the order of ``xs`` (their dates), each as near
    the point it stands for as the others allow, none overlapping; None if they cannot fit.

    Badges keep the order of their dates, so the slanted leader lines from each badge down to
    its date never cross one another or another badge.
    """
    if sum(widths) + gap * max(len(widths) - 1, 0) > hi - lo:
        return None
    x0s: list[float] = []
    for x, w in zip(xs, widths, strict=True):  # push right past the one before
        start = max(x - w / 2, lo, (x0s[-1] + widths[len(x0s) - 1] + gap) if x0s else lo)
        x0s.append(start)
    limit = hi
    for i in range(len(x0s) - 1, -1, -1):  # then back left from the right edge
        x0s[i] = min(x0s[i], limit - widths[i])
        limit = x0s[i] - gap
    return x0s


def _badge(x0: float, y: float, number: int, colour: str) -> str:
    w = _badge_width(number)
    return (
        f'<g class="badge"><rect x="{x0:.1f}" y="{y:.1f}" width="{w:.1f}" height="{_BADGE_H}" rx="10" '
        f'fill="{colour}"/><text x="{x0 + w / 2:.1f}" y="{y + 15:.1f}" text-anchor="middle" '
        f'font-size="{FONT}" font-weight="bold" fill="#fff">{number}</text></g>'
    )


def mark_sentence(tl: Timeline, m: Mark) -> str:
    """One mark as the sentence the drawing lists: "Mon 03 Mar 2025, absence day 11: Due ..."."""
    day = next((d for d in tl.days if d.on == m.on), None)
    number = f", absence day {day.absence_day}" if day is not None and day.absence_day else ""
    return f"{fmt(m.on)}{number}: {m.label}"


def render_svg(tl: Timeline) -> str:
    """The timeline drawn as SVG: a strip of days, numbered badges for the dated marks, and the
    marks as numbered sentences beneath; every text 14 px or larger, none overlapping another."""
    n = max(len(tl.days), 1)
    left = 20.0
    right = SVG_WIDTH - left
    px = (right - left) / n
    index = {d.on: i for i, d in enumerate(tl.days)}

    def x_of(day: dt.date) -> float:
        return left + index.get(day, n - 1 if day > tl.end else 0) * px + px / 2

    out: list[str] = []
    y = 10.0
    for line in _wrap_px(f"Projected timeline: {tl.title}", right - left - 40):
        y += 26
        out.append(f'<text x="{left}" y="{y:.1f}" font-size="20" font-weight="bold">{escape(line)}</text>')
    for line in _wrap_px(f"As of {fmt(tl.on)}. Case state: {tl.state}", right - left):
        y += LINE
        out.append(f'<text x="{left}" y="{y:.1f}" font-size="{FONT}">{escape(line)}</text>')
    # month names, each where its month starts, skipped where the previous one is still showing
    y += LINE + 6
    shown_to = -1e9
    for i, d in enumerate(tl.days):
        if d.on.day == 1 or i == 0:
            x = left + i * px
            label = f"{d.on:%b %Y}" if (i == 0 or d.on.month == 1) else f"{d.on:%b}"
            w = len(label) * CHAR
            if x >= shown_to + 10 and x + w <= right:
                out.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{FONT}" fill="#444">{label}</text>')
                shown_to = x + w
    drawn = [m for m in tl.marks if tl.start <= m.on <= tl.end]
    numbers = list(range(1, len(drawn) + 1))
    spread = _spread([x_of(m.on) for m in drawn], [_badge_width(k) for k in numbers], left, right)
    badge_y = y + 12
    strip_top = badge_y + _BADGE_H + (34 if drawn else 0)
    strip = 30.0
    if spread is not None:
        for m, k, x0 in zip(drawn, numbers, spread, strict=True):
            colour = MARK_COLOURS[m.kind]
            centre = x0 + _badge_width(k) / 2
            out.append(f'<line x1="{centre:.1f}" y1="{badge_y + _BADGE_H:.1f}" x2="{x_of(m.on):.1f}" '
                       f'y2="{strip_top:.1f}" stroke="{colour}" stroke-width="1.5"/>')
            out.append(_badge(x0, badge_y, k, colour))
    for i, d in enumerate(tl.days):
        x = left + i * px
        tip = f"{fmt(d.on)}: {d.reason or DAY_WORDS[d.kind]}"
        if d.absence_day:
            tip += f", absence day {d.absence_day}"
        out.append(
            f'<rect x="{x:.2f}" y="{strip_top:.1f}" width="{px:.2f}" height="{strip}" '
            f'fill="{COLOURS[d.kind]}"><title>{escape(tip)}</title></rect>'
        )
        if d.absence_day and px >= 26:
            out.append(f'<text x="{x + px / 2:.1f}" y="{strip_top + 20:.1f}" text-anchor="middle" '
                       f'font-size="{FONT}">{d.absence_day}</text>')
    for m in drawn if px < 26 else []:  # a tick across the strip, where no day number is drawn
        if m.kind in ("due", "from", "evaluation"):
            lx = x_of(m.on)
            dash = ' stroke-dasharray="4 2"' if m.kind == "evaluation" else ""
            out.append(f'<line x1="{lx:.1f}" y1="{strip_top:.1f}" x2="{lx:.1f}" y2="{strip_top + strip:.1f}" '
                       f'stroke="{MARK_COLOURS[m.kind]}" stroke-width="2"{dash}/>')
    # legend, wrapped
    y = strip_top + strip + 14
    x = left
    legend = [(COLOURS[k], "assumed school day" if k == ASSUMED else DAY_WORDS[k])
              for k in (SCHOOL, WEEKEND, HOLIDAY, BANK_HOLIDAY, CLOSURE, ASSUMED)]
    for colour, label in legend:
        w = 20 + len(label) * CHAR + 16
        if x + w > right:
            x = left
            y += LINE + 4
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="14" height="14" fill="{colour}" '
                   'stroke="#999" stroke-width="0.5"/>')
        out.append(f'<text x="{x + 20:.1f}" y="{y + 12:.1f}" font-size="{FONT}">{escape(label)}</text>')
        x += w
    y += 14
    for line in _wrap_px(SVG_KEY, right - left):
        y += LINE
        out.append(f'<text x="{left}" y="{y:.1f}" font-size="{FONT}" fill="#444">{escape(line)}</text>')
    # the marks as sentences, numbered as on the strip
    y += 12
    text_left = left + 40
    for m, k in zip(drawn, numbers, strict=True):
        lines = _wrap_px(mark_sentence(tl, m), right - text_left)
        out.append(_badge(left, y + 4, k, MARK_COLOURS[m.kind]))
        for j, line in enumerate(lines):
            out.append(f'<text x="{text_left:.1f}" y="{y + 19 + j * LINE:.1f}" font-size="{FONT}" '
                       f'class="sentence">{escape(line)}</text>')
        y += len(lines) * LINE + 8
    later = [m for m in tl.marks if m not in drawn]
    notes = [f"Also, after the drawn span: {mark_sentence(tl, m)}" for m in later] + [
        n[:1].upper() + n[1:] + "." for n in tl.notes
    ]
    for note in notes:
        for line in _wrap_px(note, right - left):
            y += LINE
            out.append(f'<text x="{left}" y="{y:.1f}" font-size="{FONT}" fill="#444">{escape(line)}</text>')
    height = y + 20
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {SVG_WIDTH} {height:.0f}" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="{FONT}" role="img">',
        f"<title>{escape(f'Projected timeline: {tl.title}, as of {tl.on}')}</title>",
        '<rect width="100%" height="100%" fill="#fff"/>',
    ]
    return "\n".join([*head, *out, "</svg>"]) + "\n"
