"""A case is a timeline: dated changes, duties from the day they arose, implied records.

Hand-worked cases for each part of the change, then replay properties: a case stepped day by
day through a term, under every shipped pack.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cme_policy import (
    ActionKind,
    CaseError,
    EvaluationDateError,
    Status,
    evaluate,
    load_policy,
    shipped_policies,
)
from cme_policy.vocabulary import EventKind, Role

D = dt.date

# -- the day a duty arose ---------------------------------------------------------------------


def test_a_protection_plan_before_the_absence_makes_the_immediate_duties_overdue_next_day():
    # Derbyshire §7.1-7.2: a child with a child protection plan, absent and untraced from
    # Mon 3 Mar 2025, no concerns_identified_on. Before the absence the pupil was attending
    # (whereabouts known), so the conditions (a §7.1 concern and a child who may go missing)
    # first all held on Mon 3 Mar: the immediate contact and the same-day referral were due
    # that day and are overdue on Tue 4 Mar.
    case = {
        "child": {"date_of_birth": "2013-05-01", "child_protection_plan": True},
        "school": {"on_roll": True},
        "absence": {"first_day_on": "2025-03-03", "explained": False, "authorised": False},
        "whereabouts": {"known": False},
        "history": [],
    }
    result = evaluate("derbyshire", case, on="2025-03-04")
    contact = result.action(ActionKind.CONTACT_SOCIAL_CARE, "school")
    referral = result.action(ActionKind.REFER_TO_CME, "school")
    for duty in (contact, referral):
        assert (duty.status, duty.due_on) == (Status.OVERDUE, D(2025, 3, 3))
        # The record that would date it exactly:
        assert any("concerns_identified_on" in c for c in duty.caveats)
    # Recorded, the concern's own date is used: a plan made on Wed 5 Mar during the absence.
    case["child"]["concerns_identified_on"] = "2025-03-05"
    later = evaluate("derbyshire", case, on="2025-03-05")
    assert later.action(ActionKind.CONTACT_SOCIAL_CARE, "school").status is Status.DUE


def test_a_plan_made_during_the_absence_dates_the_duty_from_the_plan():
    # The same child, but the plan begins on Thu 6 Mar (a dated change): the duty arose that day.
    none = {"looked_after": False, "privately_fostered": False, "serious_concern_for_safety": False}
    case = {
        "child": {
            "date_of_birth": "2013-05-01",
            "child_protection_plan": True,
            "safeguarding_concerns": [],
            **none,
        },
        "school": {"on_roll": True},
        "absence": {"first_day_on": "2025-03-03", "explained": False, "authorised": False},
        "whereabouts": {"known": False},
        "changes": [
            {"field": "child.child_protection_plan", "on": "2025-03-03", "value": False},
            {"field": "child.child_protection_plan", "on": "2025-03-06", "value": True},
        ],
        "history": [],
    }
    before = {**case, "child": {**case["child"], "child_protection_plan": None}}  # today: 5 Mar
    on_5 = evaluate("derbyshire", before, on="2025-03-05")
    assert on_5.action(ActionKind.CONTACT_SOCIAL_CARE, "school") is None  # no plan yet on 5 Mar
    on_7 = evaluate("derbyshire", case, on="2025-03-07")
    contact = on_7.action(ActionKind.CONTACT_SOCIAL_CARE, "school")
    assert (contact.status, contact.due_on) == (Status.OVERDUE, D(2025, 3, 6))


# -- implied records --------------------------------------------------------------------------

MANCHESTER_ASSIGNED = {
    "child": {"date_of_birth": "2013-05-01"},
    "school": {"on_roll": False},
    "absence": {"first_day_on": "2024-12-02", "explained": False, "authorised": False},
    "whereabouts": {"known": False},
    "history": [
        {"event": "referral_assigned", "on": "2025-01-06"},
        {"event": "la_enquiries_exhausted", "on": "2025-06-30"},
    ],
}


def test_an_assigned_referral_implies_the_referral_and_the_closure_does_not_vanish():
    # Manchester closes an untraced case at most six months after the referral. Only the
    # assignment (Mon 6 Jan 2025) is recorded; the referral was made on or before it, so the
    # closure is due by Sun 6 Jul 2025 at the latest (months are not moved off weekends).
    result = evaluate("manchester", MANCHESTER_ASSIGNED, on="2025-07-08")
    closure = result.action(ActionKind.CLOSE_CASE, "la_cme_team")
    assert closure is not None and closure.due_on == D(2025, 7, 6)
    six_months = next(r for r in closure.rules if r.rule_id == "mcr_close_untraced_max_6_months")
    # Its date needs the missing record; past the latest date it could be due, it says so.
    assert six_months.status is Status.NEEDS_INFORMATION and six_months.due_on == D(2025, 7, 6)
    assert any("overdue whatever" in c for c in six_months.caveats)
    assert any("cme_referral_made" in f for f in six_months.facts_needed)
    assert any("cme_referral_made" in f for f in closure.facts_needed)
    # The MASH referral and the Lost Pupils Database upload are still missing, so closing is
    # forbidden for now: the prohibition wins, and the entry keeps the date.
    assert closure.status is Status.FORBIDDEN
    done = {**MANCHESTER_ASSIGNED, "history": [
        *MANCHESTER_ASSIGNED["history"],
        {"event": "mash_enquiry_made", "on": "2025-07-01"},
        {"event": "lost_pupils_database_updated", "on": "2025-07-01"},
    ]}
    result = evaluate("manchester", done, on="2025-07-08")
    closure = result.action(ActionKind.CLOSE_CASE, "la_cme_team")
    assert (closure.status, closure.due_on) == (Status.NEEDS_INFORMATION, D(2025, 7, 6))


def test_an_implied_record_never_opens_a_not_before_gate(tmp_path):
    pack = tmp_path / "units.yaml"
    pack.write_text(
        """\
id: units
authority: {id: units, name: Units Council}
sources: [{id: src, title: Units policy, publisher: Units Council}]
rules:
  - id: close_after_referral
    title: A case may be closed once referred
    citation: {source: src, section: "1"}
    then:
      - kind: close_case
        actor: la_cme_team
        permission: ground
        deadline: {type: not_before, anchor: cme_referral_made, after: {same_day: true}}
""",
        encoding="utf-8",
    )
    case = {
        "child": {"date_of_birth": "2013-05-01"},
        "history": [{"event": "referral_assigned", "on": "2025-01-06"}],
    }
    closure = evaluate(str(pack), case, on="2025-02-03", statutory_floor=False).action("close_case")
    assert closure.status is Status.NEEDS_INFORMATION
    assert any("cme_referral_made" in f for f in closure.facts_needed)


# -- completions in their window; the past judged as it stood ---------------------------------


def test_a_home_visit_before_the_duty_arose_does_not_complete_it(kent_case):
    # Kent §5.2: once referred (Mon 3 Mar 2025), the School Liaison Officer visits the home. A
    # visit recorded on Fri 28 Feb, before the referral, does not complete that duty.
    kent_case["history"] = [
        {"event": "home_visit_made", "on": "2025-02-28"},
        {"event": "cme_referral_made", "on": "2025-03-03"},
    ]
    result = evaluate("kent", kent_case, on="2025-03-05")
    visit = result.action(ActionKind.HOME_VISIT, "school_liaison_officer")
    assert visit.status is not Status.DONE
    slo = next(r for r in visit.rules if r.rule_id == "slo_responds_to_referral")
    assert "2025-02-28" in slo.reason and "does not complete it" in slo.reason
    kent_case["history"].append({"event": "home_visit_made", "on": "2025-03-04"})
    result = evaluate("kent", kent_case, on="2025-03-05")
    visit = result.action(ActionKind.HOME_VISIT, "school_liaison_officer")
    assert visit.status is Status.DONE and visit.completed_on == D(2025, 3, 4)


CLOSED_TWICE = {
    "child": {"date_of_birth": "2013-05-01"},
    "school": {"on_roll": False},
    "absence": {"first_day_on": "2024-12-02", "explained": False, "authorised": False},
    "whereabouts": {"known": True},
    "history": [
        {"event": "cme_referral_made", "on": "2025-01-06"},
        {"event": "la_enquiries_exhausted", "on": "2025-03-14"},
        {"event": "mash_enquiry_made", "on": "2025-03-17"},
        {"event": "lost_ctf_uploaded", "on": "2025-03-17"},
        {"event": "case_closed", "on": "2025-03-20"},
        {"event": "new_information_received", "on": "2025-05-01"},
        {"event": "case_reopened", "on": "2025-05-01"},
        {"event": "found_on_roll_elsewhere", "on": "2025-05-20"},
        {"event": "case_closed", "on": "2025-05-22"},
    ],
}


@pytest.mark.parametrize("dated", [False, True], ids=["snapshot", "dated changes"])
def test_closed_reactivated_and_closed_again_reports_no_breach(dated):
    # Manchester: untraced and closed on Thu 20 Mar 2025 after the MASH referral and the Lost
    # Pupils Database upload (an allowed outcome); new information on 1 May reopens it; the child
    # is found on another school's roll on 20 May and the case is closed again on 22 May. Today
    # the whereabouts are known, but they were not on 20 Mar: the first closure is no breach.
    case = dict(CLOSED_TWICE)
    if dated:
        case["changes"] = [
            {"field": "whereabouts.known", "on": "2024-12-02", "value": False},
            {"field": "whereabouts.known", "on": "2025-05-20", "value": True},
        ]
    result = evaluate("manchester", case, on="2025-06-02")
    closure = result.action(ActionKind.CLOSE_CASE, "la_cme_team")
    assert closure.status is not Status.BREACHED
    if dated:
        assert closure.status is Status.DONE and closure.completed_on == D(2025, 3, 20)


# -- input sanity ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"absence": {"first_day_on": "2012-01-01"}}, "absence.first_day_on"),
        ({"history": [{"event": "cme_referral_made", "on": "2012-01-01"}]}, "history[0].on"),
        ({"changes": [{"field": "whereabouts.known", "on": "2012-01-01", "value": None}]}, "changes[0].on"),
        ({"absence": {"first_day_on": "2025-03-10"}}, "absence.first_day_on"),  # after `on`
        ({"changes": [{"field": "whereabouts.knwn", "on": "2025-01-01", "value": 1}]}, "changes[0].field"),
        ({"changes": [{"field": "whereabouts.known", "on": "2025-01-01", "value": "x"}]}, "changes[0].value"),
        (
            {
                "whereabouts": {"known": True},
                "changes": [{"field": "whereabouts.known", "on": "2025-01-01", "value": False}],
            },
            "changes[0].value",
        ),
    ],
)
def test_impossible_cases_are_refused_with_their_field_path(change, path):
    case = {"child": {"date_of_birth": "2013-05-01"}, **change}
    with pytest.raises(CaseError) as info:
        evaluate("kent", case, on="2025-03-03")
    assert path in [p.path for p in info.value.problems]
    assert "2012" not in str(info.value) and "knwn" not in str(info.value).replace("'whereabouts.knwn'", "")


def test_a_missing_evaluation_date_is_the_librarys_own_error():
    with pytest.raises(EvaluationDateError) as info:
        evaluate("kent", {})  # type: ignore[call-arg]
    assert [p.path for p in info.value.problems] == ["on"]


# -- replay properties ---------------------------------------------------------------------------

PACKS = shipped_policies()
FIELDS = {
    "child.child_protection_plan": st.booleans(),
    "whereabouts.known": st.booleans(),
    "absence.explained": st.booleans(),
    "child.looked_after": st.booleans(),
}
EVENTS = [
    EventKind.CME_REFERRAL_MADE, EventKind.JOINT_ENQUIRIES_COMPLETED, EventKind.SCHOOL_CHECKS_COMPLETED,
    EventKind.PARENTS_CONTACTED, EventKind.HOME_VISIT_MADE, EventKind.LA_ENQUIRIES_STARTED,
    EventKind.LA_ENQUIRIES_EXHAUSTED, EventKind.REFERRAL_ASSIGNED, EventKind.CASE_MADE_DORMANT,
    EventKind.OFF_ROLL_ADVICE_GIVEN, EventKind.SOCIAL_CARE_CONTACTED, EventKind.WHEREABOUTS_CONFIRMED,
]
START = D(2025, 1, 6)  # Kent, Derbyshire and Havering know their 2024/25 term dates


@st.composite
def timelines(draw):
    first = START + dt.timedelta(days=draw(st.integers(0, 20)))
    events = draw(st.lists(st.tuples(st.sampled_from(EVENTS), st.integers(0, 45)), max_size=6))
    changes = []
    for name, values in FIELDS.items():
        if draw(st.booleans()):
            days = sorted(set(draw(st.lists(st.integers(0, 45), min_size=1, max_size=3))))
            changes += [
                {"field": name, "on": (first + dt.timedelta(days=d)).isoformat(), "value": draw(values)}
                for d in days
            ]
    case = {
        "child": {"date_of_birth": "2013-05-01", "safeguarding_concerns": [], "in_immediate_danger": False},
        "school": {"on_roll": True},
        "absence": {
            "first_day_on": first.isoformat(),
            "explained": False,
            "authorised": False,
            "every_session_coded_g_n_o": True,
        },
        "whereabouts": {"known": False},
        "history": [
            {"event": k.value, "on": (first + dt.timedelta(days=d)).isoformat()} for k, d in events
        ],
        "changes": changes,
    }
    for c in changes:  # a changed fact's current value is its latest change: leave it out
        section, name = c["field"].split(".")
        case[section].pop(name, None)
    return case, first


def _as_it_stood(case: dict, day: D) -> dict:
    """The case as a case-management system would have exported it on ``day``: history and
    changes up to that day, and today's facts as they stood then."""
    out = {**case, "history": [e for e in case["history"] if e["on"] <= day.isoformat()]}
    out["changes"] = [c for c in case["changes"] if c["on"] <= day.isoformat()]
    sections = {k: dict(v) for k, v in case.items() if isinstance(v, dict)}
    for c in sorted(out["changes"], key=lambda c: c["on"]):
        section, name = c["field"].split(".")
        sections[section][name] = c["value"]
    for name in FIELDS:
        section, field = name.split(".")
        later_only = {c["field"] for c in case["changes"]} - {c["field"] for c in out["changes"]}
        if name in later_only:
            sections[section][field] = None  # no change yet, but later ones: unknown then
    out.update(sections)
    return out


def _events_between(case: dict, a: D, b: D) -> bool:
    return any(a < D.fromisoformat(x["on"]) <= b for x in (*case["history"], *case["changes"]))


REPLAY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@REPLAY
@given(timelines(), st.sampled_from(PACKS))
def test_replaying_a_case_day_by_day(timeline, pack):
    # Steps of a school week through seven weeks from the first day of absence.
    case, first = timeline
    days = [first + dt.timedelta(days=i) for i in range(0, 50, 3)]
    previous = None
    for day in days:
        result = evaluate(pack, case, on=day)
        assert _without_ignored(result) == _without_ignored(evaluate(pack, _as_it_stood(case, day), on=day))
        if previous is not None:
            _compare(case, previous, result)
        previous = result


def _without_ignored(result) -> dict:
    got = result.to_dict()
    got["warnings"] = [w for w in got["warnings"] if "were ignored" not in w]
    return got


def _compare(case, before, after):
    new_record = _events_between(case, before.on, after.on)
    done_before = {
        (r.rule_id, a.kind, r.completed_on) for a in before.actions for r in a.rules
        if r.status is Status.DONE and r.role is Role.REQUIRES
    }
    done_after = {
        (r.rule_id, a.kind, r.completed_on) for a in after.actions for r in a.rules
        if r.status is Status.DONE and r.role is Role.REQUIRES
    }
    if new_record:
        return  # a new record or dated change may end a spell and raise the duty afresh
    if after.state.value != "not_applicable":
        assert done_before <= done_after, "a done action stays done"
    earlier = {(a.kind, a.actor): a for a in before.actions}
    for a in after.actions:
        was = earlier.get((a.kind, a.actor))
        if was is None:
            continue
        if was.status is Status.OVERDUE:
            assert a.status is not Status.UPCOMING, "overdue never returns to upcoming without a record"
        for r in a.rules:
            old = next((x for x in was.rules if x.rule_id == r.rule_id), None)
            if old is not None and old.due_on and r.due_on and not r.recurring:
                assert r.due_on >= old.due_on, f"{r.rule_id}: a deadline moved earlier"


def test_the_readme_example_of_dated_changes_is_a_valid_case():
    # A case-management export writes one row per change; the README shows such a case.
    text = (__import__("pathlib").Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert re.search(r"changes:", text), "the README documents dated changes"


# -- facts that read the same on every earlier day ---------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines(), st.sampled_from([True, False, None]), st.lists(st.integers(0, 45), max_size=2))
def test_a_fact_said_to_read_the_same_before_did_so_on_every_earlier_day(timeline, on_roll, removals):
    """What lets the engine skip walking back through a case for a rule that cannot have applied
    (Reading.never_applied): a test it needs true is false of such a fact today."""
    from cme_policy.case import parse_case
    from cme_policy.fact_reader import may_read_the_same_before, reads_the_same_before
    from cme_policy.facts import FACTS, CaseView

    case, first = timeline
    case = {**case, "school": {"on_roll": on_roll}}
    case["history"] = [
        *case["history"],
        *({"event": "removed_from_roll", "on": (first + dt.timedelta(days=d)).isoformat()} for d in removals),
    ]
    on = first + dt.timedelta(days=40)
    view = CaseView(parse_case(case), on, load_policy("kent").calendar)
    for name, fact in FACTS.items():
        if not may_read_the_same_before(name):
            continue
        value = fact.read(view)
        if not reads_the_same_before(view, name, value):
            continue
        for back in range(1, 60):
            assert fact.read(view.as_of(on - dt.timedelta(days=back))) == value, name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines(), st.integers(-5, 50), st.booleans())
def test_facts_read_at_once_are_what_each_fact_reads(timeline, offset, history_known):
    """The engine reads the case fields and the history facts in bulk (FactReader); each value
    must be what the fact's own reader gives on that day, whichever facts a pack tests."""
    from cme_policy.case import parse_case
    from cme_policy.fact_reader import FactReader
    from cme_policy.facts import FACTS, CaseView

    case, first = timeline
    if not history_known:
        case = {**case, "history": None}
    view = CaseView(parse_case(case), first + dt.timedelta(days=offset), load_policy("kent").calendar)
    every = FactReader()
    bulk = {**every.fields(view), **every.history(view)}
    assert {n for n in FACTS if n.startswith("history.")} <= bulk.keys()
    for name, value in bulk.items():
        assert FACTS[name].read(view) is value or FACTS[name].read(view) == value, name
    some = sorted(bulk)[::3]
    chosen = FactReader(some)
    assert {**chosen.fields(view), **chosen.history(view)} == {n: bulk[n] for n in some if n in bulk}
