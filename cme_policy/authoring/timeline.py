"""``cme-policy timeline``: a case's projected timeline, as text and as an SVG drawing.

From the first day of absence to the last date that matters (closure or dormancy, the
evaluation date, or the latest deadline the policy gives), each day is marked as a school day
(numbered as absence days), a weekend, a school holiday, a bank holiday, or a weekday assumed
to be a school day because the term dates are not known. Deadlines and earliest-permitted dates
come from :func:`cme_policy.evaluate` on the evaluation date; recorded history events are shown
too. Deadlines beyond the evaluation date are projections: they assume nothing else is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from ..calendar import SchoolCalendar, Term, TermYear, academic_year_of, bank_holidays
from ..case import Case
from ..engine.evaluate import evaluate
from ..pack.loaded import PolicyPack
from ..result import EvaluationResult
from ..vocabulary import Status
from .words import actor_label, identifier_words, kind_label, status_words

#: Events after which school days are no longer numbered as days of absence.
_ABSENCE_ENDS = frozenset({"returned_to_school", "removed_from_roll", "new_school_admitted"})

#: Longest span drawn; later marks are listed but not drawn day by day.
MAX_DAYS = 731

SCHOOL, WEEKEND, HOLIDAY, BANK_HOLIDAY, CLOSURE, ASSUMED = (
    "school", "weekend", "holiday", "bank_holiday", "closure", "assumed",
)
DAY_WORDS = {
    SCHOOL: "school day", WEEKEND: "weekend", HOLIDAY: "school holiday",
    BANK_HOLIDAY: "bank holiday", CLOSURE: "school closed",
    ASSUMED: "weekday assumed a school day (term dates not known)",
}


@dataclass(frozen=True)
class Day:
    on: dt.date
    kind: str
    absence_day: int | None = None  # school days numbered from the first day of absence
    reason: str = ""


@dataclass(frozen=True)
class Mark:
    on: dt.date
    kind: str  # start, event, due, from, forbidden, evaluation
    label: str
    detail: str = ""
    status: str = ""


@dataclass
class Timeline:
    title: str
    on: dt.date
    state: str
    start: dt.date
    end: dt.date
    days: list[Day] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


SVG_KEY = (
    "Each numbered badge on the strip of days is one of the numbered lines below. Red: due "
    "dates; green: dates from which an action is permitted; blue: recorded events; purple: the "
    "evaluation date. Absence days count school days from the first day of absence."
)

def _calendar(pack: PolicyPack, case: Case) -> SchoolCalendar:
    cal = pack.calendar
    if case.school.term_dates or case.school.closure_days:
        years = [
            TermYear(int(y.academic_year[:4]), tuple(Term(t.start_on, t.end_on) for t in y.terms),
                     tuple(y.closures), "supplied with the case")
            for y in case.school.term_dates or ()
        ]
        cal = cal.overlaid(years, case.school.closure_days)
    return cal


def _classify(cal: SchoolCalendar, day: dt.date, extra_closures: set[dt.date]) -> tuple[str, str]:
    bank = bank_holidays()
    if day.weekday() >= 5:
        return WEEKEND, ""
    if day in bank:
        return BANK_HOLIDAY, bank[day]
    school = cal.is_school_day(day)
    if not cal.is_known(day):
        return (ASSUMED, "") if school else (CLOSURE, "closure day")
    if school:
        return SCHOOL, ""
    year = cal.years.get(academic_year_of(day))
    if day in extra_closures or (year is not None and day in year.closures):
        return CLOSURE, "closure day"
    return HOLIDAY, "school holiday"


def build_timeline(pack: PolicyPack, case: Case, on: dt.date) -> Timeline:
    """The days and marks of one case's timeline as seen on ``on``."""
    result: EvaluationResult = evaluate(pack, case, on=on)
    cal = _calendar(pack, case)
    history = sorted((e for e in case.history or () if e.on <= on), key=lambda e: e.on)
    first = case.absence.first_day_on
    marks: list[Mark] = []
    if first is not None:
        marks.append(Mark(first, "start", "The first day of absence (absence day 1)."))
    for e in history:
        marks.append(Mark(e.on, "event", f"Recorded: {identifier_words(e.event.value)}."))
    for a in result.actions:
        who = actor_label(a.actor)
        what = kind_label(a.kind)
        detail = f"{a.rule_id}, {a.citation.section}"
        if a.status is Status.DONE and a.completed_on is not None:
            continue  # shown as the recorded event
        state = status_words(a.status.value)
        if a.due_on is not None:
            marks.append(Mark(a.due_on, "due", f"Due by this day ({state}): {what}, by {_lower(who)}.",
                              detail, a.status.value))
        elif a.not_before is not None:
            marks.append(Mark(a.not_before, "from",
                              f"Permitted from this day ({state}): {what}, by {_lower(who)}.",
                              detail, a.status.value))
    marks.append(Mark(on, "evaluation", "The day this timeline is drawn for (the evaluation date)."))
    start = min([first] if first else [m.on for m in marks])
    end = max(m.on for m in marks)
    tl = Timeline(
        title=f"{result.authority} ({result.policy})", on=on, state=_words_for_ids(result.state_reason),
        start=start, end=end,
    )
    if (end - start).days + 1 > MAX_DAYS:
        tl.truncated = True
        tl.end = start + dt.timedelta(days=MAX_DAYS - 1)
        tl.notes.append(f"drawn up to {tl.end}; later dates are listed only")
    extra = set(case.school.closure_days)
    ends = [e.on for e in history if e.event.value in _ABSENCE_ENDS]
    absence_end = min(ends) if ends else None
    n = 0
    day = tl.start
    while day <= tl.end:
        kind, reason = _classify(cal, day, extra)
        number = None
        if (
            first is not None and day >= first and kind in (SCHOOL, ASSUMED)
            and (absence_end is None or day < absence_end)
        ):
            n += 1
            number = n
        tl.days.append(Day(day, kind, number, reason))
        day += dt.timedelta(days=1)
    if any(d.kind == ASSUMED for d in tl.days):
        tl.notes.append(
            "term dates are not known for part of this span: those weekdays are assumed to be "
            "school days, so due dates there may come early, never late"
        )
    no_dates = [a for a in result.actions if a.due_on is None and a.not_before is None
                and a.status is not Status.DONE]
    if no_dates:
        tl.notes.append(f"{len(no_dates)} further action(s) have no date: see cme-policy evaluate")
    tl.marks = sorted(marks, key=lambda m: (m.on, m.kind != "start"))
    return tl


def _words_for_ids(text: str) -> str:
    """Quoted identifiers in an engine sentence ("'case_made_dormant' recorded") as words."""
    import re

    return re.sub(r"'([a-z][a-z0-9]*(?:_[a-z0-9]+)+)'", lambda m: identifier_words(m.group(1)), text)


def _lower(who: str) -> str:
    """"The school" -> "the school" inside a sentence; names ("Police", "LA ...") as they are."""
    return who[:1].lower() + who[1:] if who.startswith(("The ", "Any ")) else who


# -- text -------------------------------------------------------------------------------------------


def _fmt(d: dt.date) -> str:
    return f"{d:%a %d %b %Y}"


def _cell(day: Day, marks: dict[dt.date, list[Mark]]) -> str:
    core = {WEEKEND: ".", HOLIDAY: "hol", BANK_HOLIDAY: "BH", CLOSURE: "cl"}.get(day.kind, "")
    if day.absence_day is not None:
        core = str(day.absence_day) + ("~" if day.kind == ASSUMED else "")
    elif day.kind in (SCHOOL, ASSUMED):
        core = "s" if day.kind == SCHOOL else "~"
    here = marks.get(day.on, [])
    pre = "@" if any(m.kind == "evaluation" for m in here) else ""
    post = "*" if any(m.kind in ("due", "from") for m in here) else ""
    post += "+" if any(m.kind == "event" for m in here) else ""
    return pre + core + post


def render_text(tl: Timeline) -> str:
    by_day: dict[dt.date, list[Mark]] = {}
    for m in tl.marks:
        by_day.setdefault(m.on, []).append(m)
    lines = [
        f"Projected timeline: {tl.title}, as of {_fmt(tl.on)}",
        f"Case state: {tl.state}",
        f"From {_fmt(tl.start)} to {_fmt(tl.end)}.",
        "",
        "Week of       " + "".join(f"{d:>6}" for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")),
    ]
    if tl.days:
        monday = tl.days[0].on - dt.timedelta(days=tl.days[0].on.weekday())
        index = {d.on: d for d in tl.days}
        while monday <= tl.days[-1].on:
            cells = []
            for i in range(7):
                d = monday + dt.timedelta(days=i)
                cells.append(f"{_cell(index[d], by_day) if d in index else '':>6}")
            lines.append(f"{monday:%d %b %Y}   " + "".join(cells))
            monday += dt.timedelta(days=7)
    lines += [
        "",
        "Key: N = absence day N (a school day); ~ = weekday assumed a school day (term dates not "
        "known); hol = school holiday; BH = bank holiday; cl = school closed; . = weekend; "
        "* = deadline or earliest date; + = event recorded; @ = evaluation date",
        "",
        "Dates:",
    ]
    index = {d.on: d for d in tl.days}
    entries: list[tuple[dt.date, int, str]] = [(a, 0, text) for a, text in _non_school_runs(tl.days)]
    for m in tl.marks:
        day = index.get(m.on)
        num = f"absence day {day.absence_day}" if day and day.absence_day else ""
        source = f" Rule {m.detail}." if m.detail else ""
        entries.append((m.on, 1, f"{_fmt(m.on)}  {num:<16} {m.label}{source}"))
    lines += [f"  {text}" for _, _, text in sorted(entries, key=lambda e: (e[0], e[1]))]
    if tl.notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in tl.notes]
    return "\n".join(lines) + "\n"


def _non_school_runs(days: list[Day]) -> list[tuple[dt.date, str]]:
    """Holidays, bank holidays and closures as date ranges (weekends inside a run are joined)."""
    out: list[tuple[dt.date, str]] = []
    run: list[Day] = []

    def flush() -> None:
        if run:
            a, b = run[0].on, run[-1].on
            reason = run[0].reason or DAY_WORDS[run[0].kind]
            span = _fmt(a) if a == b else f"{_fmt(a)} to {_fmt(b)}"
            out.append((a, f"{span}: {reason}"))
            run.clear()

    for d in days:
        if d.kind in (HOLIDAY, BANK_HOLIDAY, CLOSURE):
            same = run and run[-1].kind == d.kind and run[-1].reason == d.reason
            gap = run and all(
                x.kind == WEEKEND for x in days
                if run[-1].on < x.on < d.on
            )
            if not (same and gap):
                flush()
            run.append(d)
        elif d.kind != WEEKEND:
            flush()
    flush()
    return out


# -- SVG --------------------------------------------------------------------------------------------

COLOURS = {
    SCHOOL: "#cfe6cf", WEEKEND: "#e4e4e4", HOLIDAY: "#f6d8a6", BANK_HOLIDAY: "#f1b0b0",
    CLOSURE: "#d9c8ec", ASSUMED: "#eef5e6",
}
MARK_COLOURS = {"due": "#b3261e", "from": "#1f6f43", "forbidden": "#555", "event": "#1d4f91",
                "start": "#000", "evaluation": "#6b3fa0"}

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
    """Lines of ``text`` no wider than ``width`` pixels by the :data:`CHAR` estimate."""
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
    return f"{_fmt(m.on)}{number}: {m.label}"


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
    for line in _wrap_px(f"As of {_fmt(tl.on)}. Case state: {tl.state}", right - left):
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
        tip = f"{_fmt(d.on)}: {d.reason or DAY_WORDS[d.kind]}"
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
