"""The same case under each authority's pack: the differences are the point."""

from __future__ import annotations

import datetime as dt

import pytest

from cme_policy import ActionKind, Status, evaluate

UNTRACED = {
    "child": {
        "date_of_birth": "2014-05-01",
        "looked_after": False,
        "child_protection_plan": False,
        "child_in_need_plan": False,
        "safeguarding_concerns": [],
        "serious_concern_for_safety": False,
        "in_immediate_danger": False,
    },
    "school": {"on_roll": False},
    "absence": {"first_day_on": "2024-12-02", "explained": False, "authorised": False},
    "whereabouts": {"known": False, "believed_abroad": False},
    "education": {"suitable": False},
    "history": [
        {"event": "cme_referral_made", "on": "2025-01-13"},
        {"event": "referral_assigned", "on": "2025-01-14"},
        {"event": "la_enquiries_started", "on": "2025-01-15"},
        {"event": "la_enquiries_exhausted", "on": "2025-03-31"},
        {"event": "risk_assessment_completed", "on": "2025-04-01", "level": "low"},
    ],
}
ON = "2025-08-01"


def _closures(pack, case=UNTRACED):
    result = evaluate(pack, case, on=ON)
    return result, [a for a in result.actions if a.kind == ActionKind.CLOSE_CASE]


def test_kent_never_closes_an_untraced_case_it_goes_dormant():
    result, closures = _closures("kent")
    assert [c.status for c in closures] == [Status.FORBIDDEN]
    assert any(a.kind == ActionKind.MAKE_DORMANT and a.status == Status.DUE for a in result.actions)


def test_manchester_closes_an_untraced_case_within_six_months():
    # Six months after the referral of Mon 13 Jan 2025 is Sun 13 Jul 2025. The closure is due by
    # then, but an untraced case may close only once the MASH referral and the Lost Pupils
    # Database upload are recorded: the prohibition wins, and the entry says both.
    _, closures = _closures("manchester")
    assert [(c.due_on, c.status) for c in closures] == [(dt.date(2025, 7, 13), Status.FORBIDDEN)]
    assert {"mcr_close_untraced_max_6_months", "mcr_case_closed_only_on_an_outcome"} <= set(
        closures[0].rule_ids()
    )
    assert any("requires it by Sun 13 Jul 2025" in c for c in closures[0].caveats)
    outcome = {
        **UNTRACED,
        "history": [
            *UNTRACED["history"],
            {"event": "mash_enquiry_made", "on": "2025-04-02"},
            {"event": "lost_ctf_uploaded", "on": "2025-04-02"},
        ],
    }
    _, closures = _closures("manchester", outcome)
    assert [(c.due_on, c.status) for c in closures] == [(dt.date(2025, 7, 13), Status.OVERDUE)]


def test_havering_reviews_then_closes_or_passes_to_social_care():
    result, closures = _closures("havering")
    assert any(a.kind == ActionKind.REVIEW_CASE and a.status == Status.DUE for a in result.actions)
    assert [c.status for c in closures] == [Status.FORBIDDEN]  # not before the review
    reviewed = {**UNTRACED, "history": [*UNTRACED["history"], {"event": "case_reviewed", "on": "2025-07-01"}]}
    _, closures = _closures("havering", reviewed)
    assert [(c.status, c.not_before) for c in closures] == [(Status.PERMITTED, dt.date(2025, 7, 1))]
    worried = {**reviewed, "child": {**UNTRACED["child"], "safeguarding_concerns": ["neglect"]}}
    result, closures = _closures("havering", worried)
    assert not [c for c in closures if c.status == Status.PERMITTED]
    assert any(
        a.kind == ActionKind.CONTACT_SOCIAL_CARE and a.rule_id.startswith("review_passes")
        for a in result.actions
    )


@pytest.mark.parametrize(
    ("pack", "due"), [("kent", dt.date(2025, 3, 3)), ("derbyshire", dt.date(2025, 3, 3))]
)
def test_referral_day_11_where_the_text_sets_it(pack, due):
    case = {
        **UNTRACED,
        "school": {"on_roll": True},
        "absence": {"first_day_on": "2025-02-10", "explained": False},
        "history": [],
    }
    result = evaluate(pack, case, on="2025-02-28")
    referrals = [
        a
        for a in result.actions
        if a.kind == ActionKind.REFER_TO_CME and a.actor == "school" and a.due_on is not None
    ]
    assert referrals and min(a.due_on for a in referrals) == due
