"""One verdict per duty, and the law underneath every local pack: properties over every pack.

Cases are generated around the moments that matter (an unexplained absence from a school roll,
joint enquiries, advice, notices, removals) with the school's own term dates supplied, so that a
local pack and the national baseline count the same school days and can be compared date for
date.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cme_policy import ActionKind, EventKind, Status, evaluate, load_policy, shipped_policies
from cme_policy.vocabulary import STATUTORY_GROUNDS, Role

PACKS = shipped_policies()
NATIONAL = "england"
LOCAL = [p for p in PACKS if load_policy(p).policy.authority.kind != "national"]
ON_FLOOR = [p for p in LOCAL if all(x.id != NATIONAL for x in load_policy(p).lineage())]

# Term dates of a school, 2024/25 to 2026/27 (as a case supplies them; invented for the tests,
# realistic in shape: six terms, a week's half terms, two weeks at Christmas and Easter).
_YEARS = {
    "2024/25": ["2024-09-04", "2024-10-25", "2024-11-04", "2024-12-20", "2025-01-06", "2025-02-14",
                "2025-02-24", "2025-04-04", "2025-04-22", "2025-05-23", "2025-06-02", "2025-07-22"],
    "2025/26": ["2025-09-03", "2025-10-24", "2025-11-03", "2025-12-19", "2026-01-05", "2026-02-13",
                "2026-02-23", "2026-03-27", "2026-04-13", "2026-05-22", "2026-06-01", "2026-07-21"],
    "2026/27": ["2026-09-03", "2026-10-23", "2026-11-02", "2026-12-18", "2027-01-04", "2027-02-12",
                "2027-02-22", "2027-03-25", "2027-04-12", "2027-05-28", "2027-06-07", "2027-07-21"],
}
def _pairs(d: list[str]) -> list[tuple[str, str]]:
    return list(zip(d[::2], d[1::2], strict=True))


TERMS = [
    {"academic_year": y, "terms": [{"start_on": a, "end_on": b} for a, b in _pairs(d)]}
    for y, d in _YEARS.items()
]

KEY_EVENTS = [
    EventKind.JOINT_ENQUIRIES_COMPLETED,
    EventKind.OFF_ROLL_ADVICE_GIVEN,
    EventKind.CME_REFERRAL_MADE,
    EventKind.LA_NOTIFIED_OF_REMOVAL,
    EventKind.REMOVED_FROM_ROLL,
    EventKind.NEW_SCHOOL_ADMITTED,
    EventKind.EHE_TEAM_NOTIFIED,
    EventKind.EHE_CONSULTATION_HELD,
    EventKind.HOME_EDUCATION_NOTIFIED,
    EventKind.LEAVE_OF_ABSENCE_ENDED,
    EventKind.SCHOOL_CHECKS_COMPLETED,
    EventKind.LA_ENQUIRIES_EXHAUSTED,
    EventKind.CASE_CLOSED,
]
days = st.dates(dt.date(2024, 9, 4), dt.date(2027, 7, 1))
maybe = st.sampled_from([True, False, None])
mostly_true = st.sampled_from([True, True, True, None, False])
mostly_false = st.sampled_from([False, False, False, None, True])


@st.composite
def cases(draw):
    first = draw(days)
    events = draw(
        st.lists(
            st.tuples(
                st.sampled_from(KEY_EVENTS) | st.sampled_from(list(EventKind)),
                st.integers(0, 60),
                st.sampled_from([True, False, None]),
            ),
            max_size=7,
        )
    )
    history = []
    for kind, offset, writing in events:
        e = {"event": kind.value, "on": (first + dt.timedelta(days=offset)).isoformat()}
        written = (EventKind.HOME_EDUCATION_NOTIFIED, EventKind.CONFIRMED_IN_OTHER_LA)
        if kind in written and writing is not None:
            e["in_writing"] = writing
        history.append(e)
    case = {
        "child": {
            "date_of_birth": draw(st.dates(dt.date(2009, 9, 1), dt.date(2018, 8, 31))).isoformat(),
            "looked_after": draw(mostly_false),
            "child_protection_plan": draw(mostly_false),
            "safeguarding_concerns": [],
        },
        "school": {"on_roll": draw(mostly_true), "term_dates": TERMS},
        "absence": {
            "first_day_on": first.isoformat(),
            "explained": draw(mostly_false),
            "authorised": draw(mostly_false),
            "every_session_coded_g_n_o": draw(mostly_true),
        },
        "whereabouts": {"known": draw(mostly_false)},
        "education": {"suitable": draw(maybe)},
        "history": history,
    }
    return case, first + dt.timedelta(days=draw(st.integers(0, 70)))


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cases(), st.sampled_from(PACKS))
def test_a_result_never_holds_two_entries_for_one_duty(case_on, pack_id):
    case, on = case_on
    result = evaluate(pack_id, case, on=on)
    keys = [(a.kind, a.actor) for a in result.actions]
    assert len(keys) == len(set(keys))
    for a in result.actions:
        assert a.rules and sum(r.binding for r in a.rules) == 1
        assert a.rules[0].binding and a.rules[0].rule_id == a.rule_id


@SETTINGS
@given(cases(), st.sampled_from(PACKS))
def test_permitted_only_on_a_ground_met_in_full_with_every_restriction_met(case_on, pack_id):
    case, on = case_on
    for a in evaluate(pack_id, case, on=on).actions:
        if a.status is not Status.PERMITTED:
            continue
        roles = {r.role for r in a.rules}
        grounds = [r for r in a.rules if r.role is Role.GROUND]
        if a.kind in STATUTORY_GROUNDS or Role.GROUND in roles:
            met = [g for g in grounds if g.status is Status.PERMITTED and not g.unmet]
            assert met, f"{a.kind} permitted with no ground met in full"
            assert all(g.not_before is None or g.not_before <= on for g in met)
        if a.kind in STATUTORY_GROUNDS:
            assert any(load_policy(g.pack).policy.authority.kind == "national" for g in grounds)
        for r in a.rules:
            if r.role is Role.RESTRICTION:
                assert r.status is Status.PERMITTED and not r.unmet, f"restriction {r.rule_id} unmet"
            assert not (r.role is Role.PROHIBITION and r.status is Status.FORBIDDEN)


@SETTINGS
@given(cases(), st.sampled_from(ON_FLOOR))
def test_a_local_pack_never_permits_what_the_national_baseline_does_not(case_on, pack_id):
    case, on = case_on
    local = evaluate(pack_id, case, on=on)
    national = evaluate(NATIONAL, case, on=on)
    for kind in STATUTORY_GROUNDS:
        mine = [a for a in local.actions if a.kind == kind and a.status is Status.PERMITTED]
        for a in mine:
            theirs = national.action(kind, a.actor)
            assert theirs is not None and theirs.status is Status.PERMITTED
            assert a.not_before is None or theirs.not_before is None or a.not_before >= theirs.not_before
    own = evaluate(pack_id, case, on=on, statutory_floor=False)
    assert not [a for a in own.actions if a.kind in STATUTORY_GROUNDS and a.status is Status.PERMITTED], (
        "a local pack's own text has no ground for a statutory action"
    )


@SETTINGS
@given(cases(), st.sampled_from(ON_FLOOR))
def test_every_applicable_national_duty_appears_no_later_under_a_local_pack(case_on, pack_id):
    case, on = case_on
    local = evaluate(pack_id, case, on=on)
    national = evaluate(NATIONAL, case, on=on)
    assert local.statutory_floor == NATIONAL
    outstanding = (Status.UPCOMING, Status.DUE, Status.OVERDUE, Status.NEEDS_INFORMATION)
    for duty in national.actions:
        permission = duty.deadline_type is not None and duty.kind in STATUTORY_GROUNDS
        if duty.status not in outstanding or permission:
            continue
        mine = local.action(duty.kind, duty.actor)
        assert mine is not None, f"national duty {duty.kind} ({duty.actor}) missing under {pack_id}"
        national_rules = {r.rule_id for r in duty.rules}
        assert national_rules <= set(mine.rule_ids())
        if duty.due_on is not None and mine.due_on is not None:
            assert mine.due_on <= duty.due_on


def test_manchester_removal_waits_for_the_20_day_gate():
    # Absent and untraced from Mon 6 Jan 2025, joint enquiries recorded Fri 17 Jan, evaluated
    # Mon 20 Jan. Absence days 1-5: 6-10 Jan, 6-10: 13-17 Jan, 11-15: 20-24 Jan, 16-20: 27-31 Jan;
    # day 21, the first day the 20-school-day ground can be met, is Mon 3 Feb 2025. Manchester
    # has no published term dates for 2024/25, so the date is a lower bound (weekdays counted).
    case = {
        "child": {"date_of_birth": "2013-03-14"},
        "school": {"on_roll": True},
        "absence": {"first_day_on": "2025-01-06", "explained": False, "authorised": False},
        "whereabouts": {"known": False},
        "history": [{"event": "joint_enquiries_completed", "on": "2025-01-17"}],
    }
    for pack in ("manchester", "derbyshire", "england", "kent"):
        result = evaluate(pack, case, on="2025-01-20")
        removals = [a for a in result.actions if a.kind is ActionKind.REMOVE_FROM_ROLL]
        assert len(removals) == 1, pack
        removal = removals[0]
        assert removal.status is Status.NOT_YET_PERMITTED, pack
        assert removal.not_before == dt.date(2025, 2, 3), pack
        ground = next(r for r in removal.rules if r.rule_id == "deletion_20_school_days_2024")
        assert any("Mon 03 Feb 2025" in u for u in ground.unmet), pack


def test_a_removal_no_ground_allowed_is_breached_naming_every_ground_and_why():
    # Kent: a pupil attending with authorised, explained absence is taken off roll on Wed 5 Feb
    # 2025. No deletion ground of the 2024 Regulations applied that day, so the removal is a
    # breach, and each ground beneath says what it lacked.
    case = {
        "child": {"date_of_birth": "2013-05-01", "detention_order_months": 0},
        "school": {"on_roll": False, "dual_registered": False, "boarder": False},
        "education": {
            "staying_after_compulsory_school_age": True,
            "meets_sixth_form_entry_requirements": True,
        },
        "absence": {"first_day_on": "2025-02-03", "explained": True, "authorised": True,
                    "every_session_coded_g_n_o": False},
        "whereabouts": {"known": True},
        "history": [{"event": "removed_from_roll", "on": "2025-02-05"}],
    }
    removal = evaluate("kent", case, on="2025-03-10").action(ActionKind.REMOVE_FROM_ROLL, "school")
    assert removal.status is Status.BREACHED and removal.completed_on == dt.date(2025, 2, 5)
    grounds = [r for r in removal.rules if r.role is Role.GROUND]
    named = {g.rule_id for g in grounds}
    assert {"deletion_20_school_days_2024", "deletion_registered_at_another_school_2024"} <= named
    for g in grounds:
        assert g.status is Status.NOT_YET_PERMITTED and g.unmet[0].startswith("it did not apply")
