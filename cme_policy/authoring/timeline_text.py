"""A case's timeline as text: a calendar of weeks, a key, the dates in order, and notes.

``cme-policy timeline`` prints it; the timeline itself comes from
:func:`~cme_policy.authoring.timeline.build_timeline`.
"""

from __future__ import annotations

import datetime as dt

from .timeline_model import (
    ASSUMED,
    BANK_HOLIDAY,
    CLOSURE,
    DAY_WORDS,
    HOLIDAY,
    SCHOOL,
    WEEKEND,
    Day,
    Mark,
    Timeline,
    fmt,
)


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
        f"Projected timeline: {tl.title}, as of {fmt(tl.on)}",
        f"Case state: {tl.state}",
        f"From {fmt(tl.start)} to {fmt(tl.end)}.",
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
        entries.append((m.on, 1, f"{fmt(m.on)}  {num:<16} {m.label}{source}"))
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
            span = fmt(a) if a == b else f"{fmt(a)} to {fmt(b)}"
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
