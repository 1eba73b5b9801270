"""Deadline units, school calendars supplied with a case, unknown term dates, effective dates."""

from __future__ import annotations

import datetime as dt

import pytest

from cme_policy import Status, evaluate, load_policy

PACK = """\
id: units
authority: {{id: units, name: Units Council}}
calendar: kent
sources:
  - {{id: src, title: Units policy, publisher: Units Council}}
rules:
  - id: the_rule
    title: The rule
    citation: {{source: src, section: "1"}}
    {extra}
    when: {{fact: school.on_roll, is: true}}
    then:
      - kind: {kind}
        actor: school
        {permission}deadline: {{type: {type}, anchor: {anchor}, after: {after}}}
"""


def _load(
    tmp_path, *, kind="refer_to_cme", type="by", anchor="absence_started", after="{school_days: 10}", extra=""
):
    path = tmp_path / "units.yaml"
    permission = "permission: ground\n        " if type == "not_before" else ""
    path.write_text(
        PACK.format(kind=kind, type=type, anchor=anchor, after=after, extra=extra, permission=permission),
        encoding="utf-8",
    )
    return load_policy(str(path))


def _action(pack, case, on):
    # The pack's own text: the national duties beneath it are not what these units test.
    result = evaluate(pack, case, on=on, statutory_floor=False)
    assert len(result.actions) == 1, result.actions
    return result.actions[0], result


CASE = {
    "child": {"date_of_birth": "2015-06-14"},
    "school": {"on_roll": True},
    "absence": {"first_day_on": "2025-02-10"},
    "history": [{"event": "cme_referral_made", "on": "2025-04-17"}],
}


@pytest.mark.parametrize(
    ("anchor", "after", "due"),
    [
        # Thu 17 Apr 2025 + 2 working days: Good Friday and Easter Monday are skipped.
        ("cme_referral_made", "{working_days: 2}", dt.date(2025, 4, 23)),
        # + 5 calendar days lands on Tue 22 Apr (calendar days are not moved).
        ("cme_referral_made", "{calendar_days: 5}", dt.date(2025, 4, 22)),
        # + 1 month; months clamp at the end of the month.
        ("cme_referral_made", "{months: 1}", dt.date(2025, 5, 17)),
        ("cme_referral_made", "{same_day: true}", dt.date(2025, 4, 17)),
        ("absence_started", "{school_days: 10}", dt.date(2025, 3, 3)),
    ],
)
def test_units(tmp_path, anchor, after, due):
    got, _ = _action(_load(tmp_path, anchor=anchor, after=after), CASE, "2025-04-17")
    assert got.due_on == due


def test_month_end_is_clamped(tmp_path):
    case = {**CASE, "absence": {}, "history": [{"event": "cme_referral_made", "on": "2025-01-31"}]}
    got, _ = _action(_load(tmp_path, anchor="cme_referral_made", after="{months: 1}"), case, "2025-02-01")
    assert got.due_on == dt.date(2025, 2, 28)


def test_a_school_calendar_supplied_with_the_case_replaces_the_authoritys(tmp_path):
    pack = _load(tmp_path)
    case = {**CASE, "school": {"on_roll": True, "closure_days": ["2025-02-11", "2025-02-12"]}}
    got, _ = _action(pack, case, "2025-02-20")
    assert got.due_on == dt.date(2025, 3, 5)  # two INSET days push day 11 on by two school days
    assert "closure day" in got.reason
    own_terms = {
        **CASE,
        "school": {
            "on_roll": True,
            "term_dates": [
                {
                    "academic_year": "2024/25",
                    "terms": [
                        {"start_on": "2025-01-06", "end_on": "2025-02-21"},
                        {"start_on": "2025-03-03", "end_on": "2025-04-04"},
                    ],
                }
            ],
        },
    }
    got, _ = _action(pack, own_terms, "2025-02-20")
    # This school's half term is 24-28 Feb: days 1-10 are 10-21 Feb, day 11 is Mon 3 Mar.
    assert got.due_on == dt.date(2025, 3, 3)
    assert "Mon 24 Feb to Fri 28 Feb 2025" in got.reason


def test_unknown_term_dates_make_by_dates_early_and_say_so(tmp_path):
    # Kent's shipped term dates end with 2026/27, so 2027/28 is unknown and every weekday that
    # is not a bank holiday counts: day 1 Mon 11 Oct 2027, days 2-5 Tue 12 - Fri 15, days 6-10
    # Mon 18 - Fri 22, day 11 Mon 25 Oct 2027 (no half term is known to skip).
    case = {**CASE, "absence": {"first_day_on": "2027-10-11"}}
    got, result = _action(_load(tmp_path), case, "2027-10-12")
    assert got.due_on == dt.date(2027, 10, 25)
    assert any("2027/28" in c and "may be early" in c for c in got.caveats)
    assert any("2027/28" in w for w in result.warnings)


def test_unknown_term_dates_withhold_a_not_before_date(tmp_path):
    pack = _load(tmp_path, kind="close_case", type="not_before", after="{school_days: 20}")
    known, _ = _action(pack, CASE, "2025-03-03")
    assert known.not_before == dt.date(2025, 3, 17)  # absence day 21, after half term
    assert known.status == Status.NOT_YET_PERMITTED
    late = {**CASE, "absence": {"first_day_on": "2027-10-11"}}  # 2027/28: Kent terms not known
    got, result = _action(pack, late, "2027-12-01")
    assert got.not_before is None and got.status == Status.NEEDS_INFORMATION
    assert "term dates for 2027/28" in got.facts_needed
    assert "term dates for 2027/28" in result.facts_needed


def test_rules_follow_their_effective_dates(tmp_path):
    pack = _load(tmp_path, extra="effective_from: 2025-04-01")
    assert evaluate(pack, CASE, on="2025-03-31", statutory_floor=False).actions == []
    assert len(evaluate(pack, CASE, on="2025-04-01", statutory_floor=False).actions) == 1


def test_a_pack_not_yet_in_force_requires_nothing(kent_case):
    # Kent's guidance was issued on 23 September 2016.
    early = evaluate(
        "kent", {**kent_case, "absence": {"first_day_on": "2016-09-01", "explained": False}}, on="2016-09-22"
    )
    assert early.actions == []
    assert any("not in force" in w for w in early.warnings)


def test_a_permission_anchored_on_an_unknown_event_asks_for_the_history(tmp_path):
    pack = _load(
        tmp_path,
        kind="close_case",
        type="not_before",
        anchor="case_reviewed",
        after="{same_day: true}",
    )
    got, result = _action(pack, {**CASE, "history": None}, "2025-03-03")
    assert got.status == Status.NEEDS_INFORMATION and got.not_before is None
    assert got.facts_needed == ("history",) and "history" in result.facts_needed
