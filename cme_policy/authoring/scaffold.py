"""``cme-policy new AUTHORITY``: a starting pack, its scenario file and its calendar file.

The three files validate and the scenarios pass as written; their comments teach the format,
so an author edits them into the authority's own procedure instead of deleting from a copy of
a shipped pack.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

PACK = """\
# yaml-language-server: $schema={schema}
#
# {name}: Children Missing Education (CME) procedure, as a policy pack.
#
# Made by `cme-policy new {id}`. Replace what is in <angle brackets> style comments below with
# your authority's own procedure, one rule per duty, and keep every rule citing its paragraph.
# The guide is docs/authoring.md in the cme_policy repository.
#
# How YAML works here, in four lines:
#   * `key: value` pairs; the space after the colon is needed.
#   * Indent with spaces (two per level), never tabs. What belongs inside a key is indented
#     under it, and keys of the same thing line up in the same column.
#   * A list item starts with "- " (dash, space), lined up with its siblings.
#   * Put text in quotes when it contains ": " or starts with a symbol: title: "Note: this".
#
# Check the file with:   cme-policy validate policies/{id}.yaml
# Run its scenarios:     cme-policy test scenarios/{id}.yaml
# Read it back:          cme-policy explain policies/{id}.yaml
pack_format: 1
id: {id}                      # the pack id: lower case and underscores, as the file name
authority:
  id: {id}
  name: {name}
  contact: cme@example.invalid   # a team mailbox or phone line, never a named person
calendar: {id}                # term dates: policies/calendars/{id}.yaml
# effective_from: 2026-01-05   # the day the procedure took effect: rules do not apply before it
review_due_on: {review}       # dates are always YYYY-MM-DD; validate warns once this one passes

# Every document the rules cite. A rule's citation names one of these ids.
sources:
  - id: {id}_cme_procedure
    title: Children Missing Education Procedure
    publisher: {name}
    version: "1"              # quoted: a version is text, not a number
    issued_on: {today}
    review_due_on: {review}
    location: https://www.example.invalid/cme-procedure.pdf   # where a reviewer can read it

# One rule per duty in the text. A rule: when these facts hold, then this actor must act, by then.
rules:
  - id: school_refers_after_10_days      # stable snake_case id; never reuse it for another rule
    title: The school refers a pupil absent 10 school days whose whereabouts are unknown
    citation:
      source: {id}_cme_procedure        # an id from `sources` above
      section: "4.2"                    # the paragraph as numbered in the source, in quotes
      quote: >-
        Replace this with the operative words of the paragraph, copied exactly. A `>-` block
        lets a long quote run over several indented lines.
    # Where the text could be read two ways, say which reading you took and why:
    interpretation:
      question: Is the referral due on the 10th day of absence or the day after it?
      reading: Due on absence day 11, the first school day after ten whole school days of absence.
      why: Ten consecutive school days of absence are complete only once the tenth day is over.
    # `when`: facts combined with all / any / not. Each fact test names one fact (your editor
    # completes the names) and one comparison: is, in, includes_any, at_least, at_most, known.
    when:
      all:
        - {{fact: school.on_roll, is: true}}
        - {{fact: absence.explained, is: false}}
        - {{fact: whereabouts.known, is: false}}
    # `then`: a list of actions. kind and actor come from the shared vocabulary; route is free
    # text (a team, a form, a mailbox: roles only, never a named person).
    then:
      - kind: refer_to_cme
        actor: school
        route: CME referral form to cme@example.invalid
        deadline:                       # everything under deadline is indented under it
          type: by                      # by: due on or before; not_before: permitted from
          anchor: absence_started       # counts from the first day of absence (absence day 1)
          after: {{school_days: 10}}      # one unit: school_days, working_days, calendar_days, months

# Parts of the source with no duty in them (introduction, definitions, forms), and why.
not_encoded:
  - source: {id}_cme_procedure
    section: "1"
    why: Introduction; no duty, trigger or time limit.
"""

CALENDAR = """\
# Term dates for {name}, by academic year, each with where they were published.
#
# Until a year is listed here, every weekday that is not a bank holiday counts as a school day
# for that year: a "by" date can then only come out earlier (safe), and a "not before" date is
# withheld until the term dates are known. Add each year like the example below (remove the
# "# " at the start of its lines, keeping the indentation), one line per term, half terms left
# out as gaps between terms.
id: {id}
name: {name}
years: []
# years:
#   - academic_year: 2025/26
#     source: <the web page or document the dates come from>
#     terms:
#       - {{start_on: 2025-09-03, end_on: 2025-10-24}}
#       - {{start_on: 2025-11-03, end_on: 2025-12-19}}
#       - {{start_on: 2026-01-05, end_on: 2026-02-13}}
#       - {{start_on: 2026-02-23, end_on: 2026-03-27}}
#       - {{start_on: 2026-04-13, end_on: 2026-05-22}}
#       - {{start_on: 2026-06-01, end_on: 2026-07-21}}
#     closures: [2026-01-05]     # INSET and other closure days, if the authority sets them
"""

SCENARIOS = """\
# Scenarios for {name}: made-up cases with the answer worked out BY HAND from the text and
# the calendar, never copied from the program's output. Run them with
#   cme-policy test --coverage scenarios/{id}.yaml
#
# Hand count, written out so a reviewer can redo it: absent from Monday 12 January 2026
# (absence day 1). 12-16 January are absence days 1-5 and 19-23 January days 6-10 (no holidays
# or bank holidays in between), so "after 10 school days" is absence day 11, Monday 26 January.
#
# Each rule gets four scenarios, named by `tests:`: fires, does_not_fire, unknown_fact and
# boundary (the day before the date and the date itself, as `steps`).
policy: ../policies/{id}.yaml
scenarios:
  - name: "4.2: absent from Mon 12 Jan 2026, the referral is due on absence day 11, Mon 26 Jan"
    rule: school_refers_after_10_days   # the rule this scenario exercises
    tests: fires
    case:                               # the case, as in a case file (cme-policy schema --case)
      child: {{date_of_birth: 2015-06-14}}
      school: {{on_roll: true}}
      absence: {{first_day_on: 2026-01-12, explained: false}}
      whereabouts: {{known: false}}
      history: []
    on: 2026-01-19                      # the day the case is looked at
    expect:
      actions:                          # each must be found; only the keys given are checked
        - {{rule: school_refers_after_10_days, kind: refer_to_cme, status: upcoming, due_on: 2026-01-26}}

  - name: "4.2: no referral once the school knows where the child is"
    rule: school_refers_after_10_days
    tests: does_not_fire
    case:
      child: {{date_of_birth: 2015-06-14}}
      school: {{on_roll: true}}
      absence: {{first_day_on: 2026-01-12, explained: false}}
      whereabouts: {{known: true}}
      history: []
    on: 2026-01-26
    expect:
      absent:                           # each must NOT be found
        - {{rule: school_refers_after_10_days}}

  - name: "4.2: whereabouts not recorded, so the rule says it needs that fact"
    rule: school_refers_after_10_days
    tests: unknown_fact
    case:
      child: {{date_of_birth: 2015-06-14}}
      school: {{on_roll: true}}
      absence: {{first_day_on: 2026-01-12, explained: false}}
      history: []
    on: 2026-01-26
    expect:
      actions:
        - {{rule: school_refers_after_10_days, status: needs_information, facts_needed: [whereabouts.known]}}

  - name: "4.2: upcoming on day 10 (Fri 23 Jan), due on day 11 (Mon 26 Jan)"
    rule: school_refers_after_10_days
    tests: boundary
    case:
      child: {{date_of_birth: 2015-06-14}}
      school: {{on_roll: true}}
      absence: {{first_day_on: 2026-01-12, explained: false}}
      whereabouts: {{known: false}}
      history: []
    steps:                              # the same case on several days
      - on: 2026-01-23
        expect:
          actions: [{{rule: school_refers_after_10_days, status: upcoming, due_on: 2026-01-26}}]
      - on: 2026-01-26
        expect:
          actions: [{{rule: school_refers_after_10_days, status: due, due_on: 2026-01-26}}]
"""


def scaffold_texts(
    authority_id: str, name: str | None = None, today: dt.date | None = None
) -> dict[str, str]:
    """The three files' texts by path relative to the folder they go in."""
    if not ID_PATTERN.fullmatch(authority_id) or len(authority_id) > 80:
        raise ValueError(
            "an authority id is lower-case letters, digits and underscores, starting with a "
            "letter (e.g. exampleshire or north_exampleshire)"
        )
    day = today or dt.date.today()
    fill = {
        "id": authority_id,
        "name": _yaml_text(name or authority_id.replace("_", " ").title() + " Council"),
        "today": day.isoformat(),
        "review": day.replace(year=day.year + 1, day=min(day.day, 28)).isoformat(),
        "schema": "../schema/policy-pack.schema.json",
    }
    return {
        f"policies/{authority_id}.yaml": PACK.format(**fill),
        f"policies/calendars/{authority_id}.yaml": CALENDAR.format(**fill),
        f"scenarios/{authority_id}.yaml": SCENARIOS.format(**fill),
    }


def _yaml_text(text: str) -> str:
    """A name safe to write as a plain YAML value: quoted unless it is plain words."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,.'()&-]*", text) and ": " not in text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_scaffold(
    folder: str | Path, authority_id: str, name: str | None = None, today: dt.date | None = None
) -> list[Path]:
    """Write the three files under ``folder``; refuse (nothing written) if any exists. The pack
    schema is (re)written to ``schema/policy-pack.schema.json`` beside them, for the editor."""
    from .schema import policy_pack_schema_text

    texts = scaffold_texts(authority_id, name, today)
    base = Path(folder)
    targets = [base / rel for rel in texts]
    existing = [t for t in targets if t.exists()]
    if existing:
        raise FileExistsError(", ".join(str(t) for t in existing))
    for target, text in zip(targets, texts.values(), strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    schema = base / "schema" / "policy-pack.schema.json"
    schema.parent.mkdir(parents=True, exist_ok=True)
    schema.write_text(policy_pack_schema_text(), encoding="utf-8")
    return [*targets, schema]
