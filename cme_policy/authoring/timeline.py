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
from ..pack.load import PolicyPack
from ..result import EvaluationResult
from ..vocabulary import Status
from .words import actor_label

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
    "Numbers are absence days (school days from the first day of absence). "
    "Red: due dates; green: earliest permitted dates; blue: recorded events."
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
        marks.append(Mark(first, "start", "first day of absence (absence day 1)"))
    for e in history:
        marks.append(Mark(e.on, "event", f"{e.event.value.replace('_', ' ')} recorded"))
    for a in result.actions:
        who = actor_label(a.actor)
        detail = f"{a.rule_id}, {a.citation.section}"
        text = a.kind.value.replace("_", " ")
        if a.status is Status.DONE and a.completed_on is not None:
            continue  # shown as the recorded event
        if a.due_on is not None:
            marks.append(Mark(a.due_on, "due", f"{text} due ({who})", detail, a.status.value))
        elif a.not_before is not None:
            marks.append(Mark(a.not_before, "from", f"{text} permitted from ({who})", detail,
                              a.status.value))
    marks.append(Mark(on, "evaluation", "evaluation date"))
    start = min([first] if first else [m.on for m in marks])
    end = max(m.on for m in marks)
    tl = Timeline(
        title=f"{result.authority} ({result.policy})", on=on, state=result.state_reason,
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
        status = f" [{m.status}]" if m.status else ""
        detail = f" ({m.detail})" if m.detail else ""
        entries.append((m.on, 1, f"{_fmt(m.on)}  {num:<16} {m.label}{status}{detail}"))
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


def _place(items: list[tuple[float, float]], gap: float = 6) -> list[int]:
    """Greedy rows for labels ``(x, width)`` so that none overlaps another in its row."""
    ends: list[float] = []
    rows = []
    for x, w in items:
        for r, end in enumerate(ends):
            if x >= end + gap:
                ends[r] = x + w
                rows.append(r)
                break
        else:
            ends.append(x + w)
            rows.append(len(ends) - 1)
    return rows


def render_svg(tl: Timeline) -> str:
    n = max(len(tl.days), 1)
    px = max(3.0, min(22.0, 1200 / n))
    left, top, strip = 20.0, 70.0, 28.0
    width = left * 2 + n * px + 260
    char = 6.4
    index = {d.on: i for i, d in enumerate(tl.days)}

    def x_of(day: dt.date) -> float:
        return left + index.get(day, n - 1 if day > tl.end else 0) * px

    drawn = [m for m in tl.marks if tl.start <= m.on <= tl.end]
    above = [m for m in drawn if m.kind in ("event", "start")]
    below = [m for m in drawn if m.kind in ("due", "from", "forbidden")]

    def text_of(m: Mark) -> str:
        return f"{m.on:%d %b} {m.label}" + (f" [{m.status}]" if m.status else "")

    rows_above = _place([(x_of(m.on), len(text_of(m)) * char) for m in above])
    rows_below = _place([(x_of(m.on), len(text_of(m)) * char) for m in below])
    label_ends = [x_of(m.on) + px / 2 + 4 + len(text_of(m)) * char for m in [*above, *below]]
    width = max([width - 260 + 40, *label_ends, left + len(SVG_KEY) * char]) + 20
    n_above = max(rows_above, default=-1) + 1
    n_below = max(rows_below, default=-1) + 1
    top += n_above * 16
    legend_y = top + strip + 40 + n_below * 16 + 10
    height = legend_y + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Arial, sans-serif" font-size="11" '
        'role="img">',
        f"<title>{escape(f'Projected timeline: {tl.title}, as of {tl.on}')}</title>",
        '<rect width="100%" height="100%" fill="#fff"/>',
        f'<text x="{left}" y="20" font-size="15" font-weight="bold">'
        f"{escape(f'Projected timeline: {tl.title}')}</text>",
        f'<text x="{left}" y="38">{escape(f"As of {_fmt(tl.on)}. {tl.state}")}</text>',
    ]
    # months
    for i, d in enumerate(tl.days):
        if d.on.day == 1 or i == 0:
            x = left + i * px
            out.append(f'<text x="{x:.1f}" y="{top - 8 - n_above * 16:.1f}" fill="#444">'
                       f"{d.on:%b %Y}</text>")
    # days
    for i, d in enumerate(tl.days):
        x = left + i * px
        tip = f"{_fmt(d.on)}: {d.reason or DAY_WORDS[d.kind]}"
        if d.absence_day:
            tip += f", absence day {d.absence_day}"
        out.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{px:.1f}" height="{strip}" '
            f'fill="{COLOURS[d.kind]}" stroke="#fff" stroke-width="0.5"><title>{escape(tip)}</title></rect>'
        )
        if d.absence_day and (px >= 14 or d.absence_day % 5 == 0 or d.absence_day == 1):
            out.append(f'<text x="{x + px / 2:.1f}" y="{top + strip / 2 + 4:.1f}" '
                       f'text-anchor="middle" font-size="9">{d.absence_day}</text>')
    # evaluation date
    if tl.start <= tl.on <= tl.end:
        x = x_of(tl.on) + px / 2
        out.append(f'<line x1="{x:.1f}" y1="{top - 6:.1f}" x2="{x:.1f}" y2="{top + strip + 6:.1f}" '
                   f'stroke="{MARK_COLOURS["evaluation"]}" stroke-width="2" stroke-dasharray="4 2"/>')
        out.append(f'<text x="{x + 3:.1f}" y="{top + strip + 16:.1f}" fill="{MARK_COLOURS["evaluation"]}">'
                   f"as of {tl.on:%d %b}</text>")
    # events above the strip
    for m, r in zip(above, rows_above, strict=True):
        x = x_of(m.on) + px / 2
        y = top - 8 - r * 16
        colour = MARK_COLOURS[m.kind]
        out.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{top:.1f}" stroke="{colour}" '
                   'stroke-width="1"/>')
        out.append(f'<circle cx="{x:.1f}" cy="{top - 3:.1f}" r="3" fill="{colour}"/>')
        out.append(f'<text x="{x + 4:.1f}" y="{y:.1f}" fill="{colour}">{escape(text_of(m))}</text>')
    # deadlines below
    base = top + strip + 30
    for m, r in zip(below, rows_below, strict=True):
        x = x_of(m.on) + px / 2
        y = base + r * 16
        colour = MARK_COLOURS[m.kind]
        out.append(f'<line x1="{x:.1f}" y1="{top + strip:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
                   f'stroke="{colour}" stroke-width="1"/>')
        out.append(f'<path d="M{x - 4:.1f},{top + strip + 7:.1f} L{x + 4:.1f},{top + strip + 7:.1f} '
                   f'L{x:.1f},{top + strip + 1:.1f} Z" fill="{colour}"/>')
        out.append(f'<text x="{x + 4:.1f}" y="{y:.1f}" fill="{colour}">{escape(text_of(m))}'
                   f"<title>{escape(m.detail)}</title></text>")
    # legend
    x = left
    for kind in (SCHOOL, WEEKEND, HOLIDAY, BANK_HOLIDAY, CLOSURE, ASSUMED):
        out.append(f'<rect x="{x:.1f}" y="{legend_y:.1f}" width="12" height="12" fill="{COLOURS[kind]}" '
                   'stroke="#999" stroke-width="0.5"/>')
        label = "assumed school day" if kind == ASSUMED else DAY_WORDS[kind]
        out.append(f'<text x="{x + 16:.1f}" y="{legend_y + 10:.1f}">{escape(label)}</text>')
        x += 16 + len(label) * char + 14
    out.append(f'<text x="{left}" y="{legend_y + 28:.1f}" fill="#444">{escape(SVG_KEY)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
