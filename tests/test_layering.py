"""Layered packs: a school's layer may tighten its authority's pack, never loosen it.

Every test goes through the public API: small pack files written to a temporary folder, loaded
with ``load_policy`` and run with ``evaluate``.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from cme_policy import PolicyError, Status, evaluate, load_policy
from cme_policy.cli import main

D = dt.date

# A small authority pack: refer by day 11, off roll no earlier than day 21, never close an
# untraced case, visit + letter when referred, monthly review of a dormant case.
AUTHORITY = """
id: authority
authority: {id: authority, name: An authority}
sources:
  - {id: la, title: CME policy, publisher: An authority}
rules:
  - id: refer_by_day_11
    title: School refers 10 days of unexplained absence
    citation: {source: la, section: "5.2"}
    when:
      all:
        - {fact: school.on_roll, is: true}
        - {fact: absence.explained, is: false}
    until:
      any:
        - {fact: history.returned_to_school, is: true}
    then:
      - kind: refer_to_cme
        actor: school
        deadline: {type: by, anchor: absence_started, after: {school_days: 10}}
  - id: off_roll_not_before_day_21
    title: Not off roll before 20 school days
    citation: {source: la, section: "8.1"}
    when:
      all:
        - {fact: school.on_roll, is: true}
    then:
      - kind: remove_from_roll
        actor: school
        permission: restriction
        deadline: {type: not_before, anchor: absence_started, after: {school_days: 20}}
  - id: never_close_untraced
    title: Never close an untraced case
    citation: {source: la, section: "7"}
    when:
      all:
        - {fact: whereabouts.known, is: false}
    then:
      - kind: close_case
        actor: la_cme_team
        forbidden: true
  - id: visit_and_write
    title: The team visits and writes once referred
    citation: {source: la, section: "6"}
    when:
      all:
        - {fact: history.cme_referral_made, is: true}
    then:
      - kind: home_visit
        actor: education_welfare_officer
        deadline: {type: by, anchor: cme_referral_made, after: {working_days: 5}}
      - kind: send_letter
        actor: la_cme_team
  - id: dormant_review
    title: Dormant cases reviewed monthly
    citation: {source: la, section: "7"}
    when:
      all:
        - {fact: history.case_made_dormant, is: true}
    then:
      - kind: review_dormant_case
        actor: la_cme_team
        deadline: {type: by, anchor: case_made_dormant, after: {months: 1}}
        repeat: {months: 1}
"""

LAYER_HEAD = """
id: school
authority: {id: school, name: A school, kind: school}
extends: authority
sources:
  - {id: sch, title: School attendance policy, publisher: A school}
"""

CASE = {
    "child": {"date_of_birth": "2015-06-14", "safeguarding_concerns": []},
    "school": {"on_roll": True, "phase": "primary"},
    "absence": {"first_day_on": "2025-02-10", "explained": False},
    "whereabouts": {"known": False},
    "history": [],
}


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def _layer(tmp_path: Path, rules: str) -> Path:
    _write(tmp_path, "authority.yaml", AUTHORITY)
    body = LAYER_HEAD + "rules:\n" + textwrap.indent(textwrap.dedent(rules).strip("\n"), "  ")
    return _write(tmp_path, "school.yaml", body + "\n")


def _refused(path: Path) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        load_policy(str(path))
    return info.value


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


# -- tightening loads ---------------------------------------------------------------------------


def test_a_tightening_layer_loads_and_its_earlier_date_is_used(tmp_path):
    path = _layer(tmp_path, """
        - id: refer_by_day_11
          title: The school refers after 5 days, not 10
          citation: {source: sch, section: "3"}
          when:
            all:
              - {fact: school.on_roll, is: true}
              - {fact: absence.explained, is: false}
          until:
            any:
              - {fact: history.returned_to_school, is: true}
          then:
            - kind: refer_to_cme
              actor: school
              route: Attendance lead
              deadline: {type: by, anchor: absence_started, after: {school_days: 5}}
    """)
    pack = load_policy(str(path))
    assert [p.id for p in pack.lineage()] == ["school", "authority"]
    assert pack.rule_pack("refer_by_day_11").id == "school"
    # No calendar in either pack: every weekday that is not a bank holiday is a school day.
    # Mon 10 Feb 2025 is absence day 1; 5 school days after it is Mon 17 Feb (day 6), where the
    # authority's 10 school days give Mon 24 Feb (day 11).
    got = evaluate(pack, CASE, on="2025-02-12")
    refer = [a for a in got.actions if a.rule_id == "refer_by_day_11"]
    assert len(refer) == 1
    assert refer[0].due_on == D(2025, 2, 17)
    assert refer[0].pack == "school"
    parent = evaluate(load_policy(str(tmp_path / "authority.yaml")), CASE, on="2025-02-12")
    assert [a.due_on for a in parent.actions if a.rule_id == "refer_by_day_11"] == [D(2025, 2, 24)]


def test_a_layer_with_no_rules_adopts_the_parent_procedure(tmp_path):
    _write(tmp_path, "authority.yaml", AUTHORITY)
    path = _write(tmp_path, "school.yaml", LAYER_HEAD)
    pack = load_policy(str(path))
    assert pack.policy.rules == []
    mine = evaluate(pack, CASE, on="2025-02-12")
    theirs = evaluate(pack.parent, CASE, on="2025-02-12")
    assert [(a.rule_id, a.due_on, a.not_before, a.status) for a in mine.actions] == [
        (a.rule_id, a.due_on, a.not_before, a.status) for a in theirs.actions
    ]
    assert {a.pack for a in mine.actions} - {"england"} == {"authority"}  # beside the national floor
    assert mine.policy == "school"


def test_later_not_before_more_actions_and_new_earlier_rules_are_tightening(tmp_path):
    path = _layer(tmp_path, """
        - id: off_roll_not_before_day_21
          title: Not off roll before 30 school days, and tell the EWO first
          citation: {source: sch, section: "4"}
          then:
            - kind: remove_from_roll
              actor: school
              permission: restriction
              deadline: {type: not_before, anchor: absence_started, after: {school_days: 30}}
            - kind: inform_ewo
              actor: school
              deadline: {type: by, anchor: absence_started, after: {same_day: true}}
        - id: visit_and_write
          title: The team visits and writes once referred, and the visit comes sooner
          citation: {source: sch, section: "6"}
          when:
            any:
              - {fact: history.cme_referral_made, is: true}
              - {fact: child.has_safeguarding_concerns, is: true}
          then:
            - kind: home_visit
              actor: education_welfare_officer
              deadline: {type: by, anchor: cme_referral_made, after: {immediately: true}}
            - kind: send_letter
              actor: la_cme_team
              deadline: {type: by, anchor: cme_referral_made, after: {working_days: 2}}
        - id: school_refers_on_day_6
          title: A new rule with an earlier referral
          citation: {source: sch, section: "5"}
          then:
            - kind: refer_to_cme
              actor: school
              deadline: {type: by, anchor: absence_started, after: {school_days: 5}}
        - id: never_close_untraced
          title: Still forbidden, under fewer conditions
          citation: {source: sch, section: "7"}
          then:
            - kind: close_case
              actor: la_cme_team
              forbidden: true
    """)
    pack = load_policy(str(path))
    got = evaluate(pack, CASE, on="2025-02-12")
    off = [a for a in got.actions if a.rule_id == "off_roll_not_before_day_21"]
    assert {a.kind.value for a in off} == {"remove_from_roll", "inform_ewo"}
    new = [a for a in got.actions if a.rule_id == "school_refers_on_day_6"]
    assert [(a.due_on, a.pack) for a in new] == [(D(2025, 2, 17), "school")]


# -- loosening is refused, naming both rules ----------------------------------------------------


LOOSENINGS = {
    "later_by": ("""
        - id: refer_by_day_11
          title: The school refers after 15 days
          citation: {source: sch, section: "3"}
          when:
            all:
              - {fact: school.on_roll, is: true}
              - {fact: absence.explained, is: false}
          until:
            any:
              - {fact: history.returned_to_school, is: true}
          then:
            - kind: refer_to_cme
              actor: school
              deadline: {type: by, anchor: absence_started, after: {school_days: 15}}
    """, "refer_by_day_11", "refer_by_day_11", "later than the parent's 10 school days",
        "school_days: 15"),
    "earlier_not_before": ("""
        - id: off_roll_not_before_day_21
          title: Off roll after 15 days
          citation: {source: sch, section: "4"}
          then:
            - kind: remove_from_roll
              actor: school
              permission: restriction
              deadline: {type: not_before, anchor: absence_started, after: {school_days: 15}}
    """, "off_roll_not_before_day_21", "off_roll_not_before_day_21",
        "earlier than the parent's 20 school days", "school_days: 15"),
    "dropped_not_before": ("""
        - id: off_roll_not_before_day_21
          title: Off roll at any time
          citation: {source: sch, section: "4"}
          then:
            - kind: remove_from_roll
              actor: school
    """, "off_roll_not_before_day_21", "off_roll_not_before_day_21",
        "permitted earlier", "kind: remove_from_roll"),
    "dropped_action": ("""
        - id: visit_and_write
          title: Only a letter
          citation: {source: sch, section: "6"}
          when:
            all:
              - {fact: history.cme_referral_made, is: true}
          then:
            - kind: send_letter
              actor: la_cme_team
    """, "visit_and_write", "visit_and_write", "drops the parent's action home_visit",
        "then:"),
    "unforbidden": ("""
        - id: never_close_untraced
          title: Close when the team decides
          citation: {source: sch, section: "7"}
          when:
            all:
              - {fact: whereabouts.known, is: false}
          then:
            - kind: close_case
              actor: la_cme_team
    """, "never_close_untraced", "never_close_untraced", "no longer forbids close_case",
        "kind: close_case"),
    "narrower_when": ("""
        - id: never_close_untraced
          title: Never close an untraced case in care
          citation: {source: sch, section: "7"}
          when:
            all:
              - {fact: whereabouts.known, is: false}
              - {fact: child.looked_after, is: true}
          then:
            - kind: close_case
              actor: la_cme_team
              forbidden: true
    """, "never_close_untraced", "never_close_untraced", "fewer cases", "when:"),
    "new_rule_later_by": ("""
        - id: school_refers_on_day_16
          title: A new rule giving the school 15 days to refer
          citation: {source: sch, section: "5"}
          when:
            all:
              - {fact: absence.explained, is: false}
          then:
            - kind: refer_to_cme
              actor: school
              deadline: {type: by, anchor: absence_started, after: {school_days: 15}}
    """, "school_refers_on_day_16", "refer_by_day_11", "later than the parent's 10 school days",
        "school_days: 15"),
    "added_action_later_by": ("""
        - id: visit_and_write
          title: Visit, write, and refer after 15 days
          citation: {source: sch, section: "6"}
          when:
            all:
              - {fact: history.cme_referral_made, is: true}
          then:
            - kind: home_visit
              actor: education_welfare_officer
              deadline: {type: by, anchor: cme_referral_made, after: {working_days: 5}}
            - kind: send_letter
              actor: la_cme_team
            - kind: refer_to_cme
              actor: school
              deadline: {type: by, anchor: absence_started, after: {school_days: 15}}
    """, "visit_and_write", "refer_by_day_11", "later than the parent's 10 school days",
        "school_days: 15"),
    "dropped_by": ("""
        - id: refer_by_day_11
          title: The school refers when it can
          citation: {source: sch, section: "3"}
          when:
            all:
              - {fact: school.on_roll, is: true}
              - {fact: absence.explained, is: false}
          until:
            any:
              - {fact: history.returned_to_school, is: true}
          then:
            - kind: refer_to_cme
              actor: school
    """, "refer_by_day_11", "refer_by_day_11", "leaving no time limit", "kind: refer_to_cme"),
    "other_anchor": ("""
        - id: refer_by_day_11
          title: The school refers 5 days after its checks
          citation: {source: sch, section: "3"}
          when:
            all:
              - {fact: school.on_roll, is: true}
              - {fact: absence.explained, is: false}
          until:
            any:
              - {fact: history.returned_to_school, is: true}
          then:
            - kind: refer_to_cme
              actor: school
              deadline: {type: by, anchor: school_checks_completed, after: {school_days: 5}}
    """, "refer_by_day_11", "refer_by_day_11", "instead of the parent's absence_started",
        "anchor: school_checks_completed"),
    "wider_until": ("""
        - id: refer_by_day_11
          title: The referral is no longer owed once the parents are contacted
          citation: {source: sch, section: "3"}
          when:
            all:
              - {fact: school.on_roll, is: true}
              - {fact: absence.explained, is: false}
          until:
            any:
              - {fact: history.returned_to_school, is: true}
              - {fact: history.parents_contacted, is: true}
          then:
            - kind: refer_to_cme
              actor: school
              deadline: {type: by, anchor: absence_started, after: {school_days: 10}}
    """, "refer_by_day_11", "refer_by_day_11", "may end the actions in more cases", "until:"),
    "more_completing_events": ("""
        - id: refer_by_day_11
          title: A phone call to the EWO counts as the referral
          citation: {source: sch, section: "3"}
          when:
            all:
              - {fact: school.on_roll, is: true}
              - {fact: absence.explained, is: false}
          until:
            any:
              - {fact: history.returned_to_school, is: true}
          then:
            - kind: refer_to_cme
              actor: school
              completed_by: [cme_referral_made, ewo_informed]
              deadline: {type: by, anchor: absence_started, after: {school_days: 10}}
    """, "refer_by_day_11", "refer_by_day_11", "accepts more events as completing refer_to_cme",
        "completed_by:"),
    "required_action_forbidden": ("""
        - id: visit_and_write
          title: No letters
          citation: {source: sch, section: "6"}
          when:
            all:
              - {fact: history.cme_referral_made, is: true}
          then:
            - kind: home_visit
              actor: education_welfare_officer
              deadline: {type: by, anchor: cme_referral_made, after: {working_days: 5}}
            - kind: send_letter
              actor: la_cme_team
              forbidden: true
    """, "visit_and_write", "visit_and_write", "which the parent requires, so the duty is dropped",
        "forbidden: true"),
    "less_often": ("""
        - id: dormant_review
          title: Dormant cases reviewed every two months
          citation: {source: sch, section: "7"}
          when:
            all:
              - {fact: history.case_made_dormant, is: true}
          then:
            - kind: review_dormant_case
              actor: la_cme_team
              deadline: {type: by, anchor: case_made_dormant, after: {months: 1}}
              repeat: {months: 2}
    """, "dormant_review", "dormant_review", "less often", "repeat:"),
    "later_in_force": ("""
        - id: dormant_review
          title: Dormant cases reviewed monthly, from 2030
          citation: {source: sch, section: "7"}
          effective_from: 2030-01-01
          when:
            all:
              - {fact: history.case_made_dormant, is: true}
          then:
            - kind: review_dormant_case
              actor: la_cme_team
              deadline: {type: by, anchor: case_made_dormant, after: {months: 1}}
              repeat: {months: 1}
    """, "dormant_review", "dormant_review", "comes into force later (2030-01-01)",
        "effective_from:"),
}


@pytest.mark.parametrize("case", sorted(LOOSENINGS))
def test_a_loosening_layer_is_refused_naming_both_rules(tmp_path, case):
    rules, layer_rule, parent_rule, why, at = LOOSENINGS[case]
    path = _layer(tmp_path, rules)
    err = _refused(path)
    text = str(err)
    assert f"layer rule {layer_rule!r}" in text
    assert f"rule {parent_rule!r} of pack 'authority'" in text
    assert why in text
    assert "authority.yaml:" in text  # where the parent's rule is written
    problem = err.problems[0]
    assert problem.file is not None and Path(problem.file).name == "school.yaml"
    assert problem.line == _line_of(path, at)


def test_durations_in_different_units_are_not_guessed(tmp_path):
    path = _layer(tmp_path, """
        - id: refer_by_day_11
          title: The school refers within 14 calendar days
          citation: {source: sch, section: "3"}
          when:
            all:
              - {fact: school.on_roll, is: true}
              - {fact: absence.explained, is: false}
          until:
            any:
              - {fact: history.returned_to_school, is: true}
          then:
            - kind: refer_to_cme
              actor: school
              deadline: {type: by, anchor: absence_started, after: {calendar_days: 7}}
    """)
    text = str(_refused(path))
    assert "cannot be checked against rule 'refer_by_day_11' of pack 'authority'" in text
    assert "write the layer's period in school days" in text


def test_every_loosening_is_reported_at_once(tmp_path):
    path = _layer(tmp_path, LOOSENINGS["later_by"][0] + LOOSENINGS["unforbidden"][0])
    err = _refused(path)
    assert len(err.problems) == 2
    assert {p.path for p in err.problems} == {
        "rules[0].then[0].deadline.after", "rules[1].then[0].forbidden"
    }


def test_a_layer_on_a_layer_is_checked_against_the_rule_in_force(tmp_path):
    _layer(tmp_path, """
        - id: refer_by_day_11
          title: The school refers after 5 days
          citation: {source: sch, section: "3"}
          when:
            all:
              - {fact: school.on_roll, is: true}
              - {fact: absence.explained, is: false}
          until:
            any:
              - {fact: history.returned_to_school, is: true}
          then:
            - kind: refer_to_cme
              actor: school
              deadline: {type: by, anchor: absence_started, after: {school_days: 5}}
    """)
    path = _write(tmp_path, "class.yaml", """
        id: year_4
        authority: {id: year_4, name: Year 4 team, kind: school}
        extends: school
        sources:
          - {id: y4, title: Year 4 note, publisher: A school}
        rules:
          - id: refer_by_day_11
            title: Back to the authority's 10 days
            citation: {source: y4, section: "1"}
            when:
              all:
                - {fact: school.on_roll, is: true}
                - {fact: absence.explained, is: false}
            until:
              any:
                - {fact: history.returned_to_school, is: true}
            then:
              - kind: refer_to_cme
                actor: school
                deadline: {type: by, anchor: absence_started, after: {school_days: 10}}
    """)
    text = str(_refused(path))
    assert "rule 'refer_by_day_11' of pack 'school'" in text
    assert "later than the parent's 5 school days" in text


# -- cycles -------------------------------------------------------------------------------------


def test_packs_that_extend_each_other_are_refused(tmp_path):
    for me, other in (("alpha", "beta"), ("beta", "alpha")):
        _write(tmp_path, f"{me}.yaml", f"""
            id: {me}
            authority: {{id: {me}, name: Pack {me}}}
            extends: {other}
            sources:
              - {{id: s, title: Policy, publisher: Someone}}
        """)
    err = _refused(tmp_path / "alpha.yaml")
    assert "cycle" in str(err)
    assert "alpha -> beta -> alpha" in str(err)


def test_a_pack_that_extends_itself_is_refused(tmp_path):
    path = _write(tmp_path, "solo.yaml", """
        id: solo
        authority: {id: solo, name: Solo}
        extends: solo
        sources:
          - {id: s, title: Policy, publisher: Someone}
    """)
    assert "cycle" in str(_refused(path))


def test_a_layer_may_extend_a_shipped_pack_by_id(tmp_path, kent_case):
    path = _write(tmp_path, "kent_school.yaml", """
        id: kent_school
        authority: {id: kent_school, name: A Kent school, kind: school}
        extends: kent
        sources:
          - {id: sch, title: School CME procedure, publisher: A Kent school}
        rules:
          - id: school_referral_after_10_days
            title: The school refers after 5 school days
            citation: {source: sch, section: "2"}
            when:
              all:
                - {fact: school.on_roll, is: true}
                - {fact: absence.explained, is: false}
                - {fact: whereabouts.known, is: false}
            until:
              any:
                - {fact: history.returned_to_school, is: true}
            then:
              - kind: refer_to_cme
                actor: school
                deadline: {type: by, anchor: absence_started, after: {school_days: 5}}
    """)
    got = evaluate(load_policy(str(path)), kent_case, on="2025-02-12")
    refer = [a for a in got.actions if a.rule_id == "school_referral_after_10_days"]
    # Kent half term is 17-21 Feb 2025: 5 school days after Mon 10 Feb is Mon 24 Feb (day 6),
    # where Kent's own 10 school days give Mon 3 Mar (day 11).
    assert [(a.due_on, a.pack, a.status) for a in refer] == [
        (D(2025, 2, 24), "kent_school", Status.UPCOMING)
    ]


def test_a_layer_may_set_the_commencement_day_the_parent_awaits(tmp_path):
    _write(tmp_path, "authority.yaml", """
        id: authority
        authority: {id: authority, name: An authority}
        sources:
          - {id: la, title: CME policy, publisher: An authority}
        rules:
          - id: register_children_not_in_school
            title: A duty enacted but not yet commenced
            citation: {source: la, section: "1"}
            commencement: {by: commencement regulations}
            when:
              all:
                - {fact: school.on_roll, is: false}
            then:
              - kind: record_child_not_in_school
                actor: la_cme_team
    """)
    path = _write(tmp_path, "school.yaml", LAYER_HEAD + textwrap.dedent("""
        rules:
          - id: register_children_not_in_school
            title: The same duty, commenced on 1 September 2026
            citation: {source: sch, section: "1"}
            commencement: {by: commencement regulations, on: 2026-09-01}
            when:
              all:
                - {fact: school.on_roll, is: false}
            then:
              - kind: record_child_not_in_school
                actor: la_cme_team
    """))
    pack = load_policy(str(path))
    case = {**CASE, "school": {"on_roll": False}}
    before = evaluate(pack, case, on="2026-08-31")
    after = evaluate(pack, case, on="2026-09-01")
    assert not [a for a in before.actions if a.rule_id == "register_children_not_in_school"]
    assert [a.pack for a in after.actions if a.rule_id == "register_children_not_in_school"] == [
        "school"
    ]


def test_actions_of_the_same_kind_are_paired_by_their_deadlines(tmp_path):
    _write(tmp_path, "authority.yaml", """
        id: authority
        authority: {id: authority, name: An authority}
        sources:
          - {id: la, title: CME policy, publisher: An authority}
        rules:
          - id: deletion_ground
            title: Two earliest dates for removal
            citation: {source: la, section: "8"}
            then:
              - kind: remove_from_roll
                actor: school
                permission: restriction
                deadline: {type: not_before, anchor: absence_started, after: {school_days: 20}}
              - kind: remove_from_roll
                actor: school
                permission: restriction
                deadline: {type: not_before, anchor: joint_enquiries_completed, after: {same_day: true}}
    """)
    path = _write(tmp_path, "school.yaml", LAYER_HEAD + textwrap.dedent("""
        rules:
          - id: deletion_ground
            title: The same two dates, written the other way round, one of them later
            citation: {source: sch, section: "8"}
            then:
              - kind: remove_from_roll
                actor: school
                permission: restriction
                deadline: {type: not_before, anchor: joint_enquiries_completed, after: {same_day: true}}
              - kind: remove_from_roll
                actor: school
                permission: restriction
                deadline: {type: not_before, anchor: absence_started, after: {school_days: 25}}
    """))
    pack = load_policy(str(path))
    assert pack.rule_pack("deletion_ground").id == "school"


def _deletion_rule_in_force(pack, on):
    """The parent's 20-school-day deletion rule in force on ``on``, found by what it does."""
    for rule in pack.rules:
        if not rule.in_force(on):
            continue
        dates = [
            a.deadline for a in rule.then
            if a.kind.value == "remove_from_roll" and a.deadline is not None
        ]
        if any(d.anchor == "absence_started" and d.after.school_days == 20 for d in dates) and any(
            d.anchor == "joint_enquiries_completed" for d in dates
        ):
            return rule
    raise AssertionError("no 20-school-day deletion rule with joint enquiries in force")


def test_randal_cremers_off_roll_wording_would_be_refused_on_its_parent(tmp_path):
    # Expectations 4: "If any pupil does not return after 20 days, they will be ... taken off
    # roll." Encoded as the school's version of the national 20-day ground, it drops the joint
    # school and LA enquiries: the layer is refused, naming both rules. The shipped layer keeps
    # the national rule and records the wording in not_encoded.
    shipped = load_policy("randal_cremer")
    assert "taken off roll" in " ".join(n.section for n in shipped.policy.not_encoded)
    national = _deletion_rule_in_force(shipped, D(2026, 1, 5))
    parent_pack = shipped.rule_pack(national.id).id
    path = _write(tmp_path, "rc_off_roll.yaml", f"""
        id: rc_off_roll
        authority: {{id: rc_off_roll, name: Randal Cremer off-roll reading, kind: school}}
        extends: randal_cremer
        sources:
          - {{id: rc, title: CME expectations, publisher: Randal Cremer Primary School}}
        rules:
          - id: {national.id}
            title: Off roll after 20 days
            citation: {{source: rc, section: Expectations 4}}
            then:
              - kind: remove_from_roll
                actor: school
                permission: restriction
                deadline: {{type: not_before, anchor: absence_started, after: {{school_days: 20}}}}
    """)
    text = str(_refused(path))
    assert f"layer rule {national.id!r} is looser than rule {national.id!r} of pack {parent_pack!r}" in text
    assert "drops the parent's action joint_enquiries" in text
    assert "drops the parent's action remove_from_roll" in text


# -- the shipped school layers ------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _run(capsys, policy: str, example: str, on: str) -> dict:
    """Evaluate an example case file as a user would: ``cme-policy evaluate --format json``."""
    args = ["evaluate", "--policy", policy, "--on", on, "--format", "json", str(EXAMPLES / example)]
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def test_st_clements_adopts_manchesters_procedure_unchanged(capsys):
    school = load_policy("st_clements")
    assert school.policy.authority.kind == "school"
    assert school.policy.rules == []
    assert [p.id for p in school.lineage()] == ["st_clements", "manchester"]
    example = "st_clements/absent_untraced_20_school_days.yaml"
    for on in ("2026-10-05", "2026-11-06", "2026-11-09"):
        mine = _run(capsys, "st_clements", example, on)
        theirs = _run(capsys, "manchester", example, on)
        assert mine["policy"] == "st_clements"
        assert mine["actions"] == theirs["actions"]
        assert {a["pack"] for a in mine["actions"]} <= {"manchester", "england"}
    # 5-9, 12-16, 19-23 Oct and 2-6 Nov 2026 are absence days 1-20 (half term 26-30 Oct).
    removal = [
        a for a in _run(capsys, "st_clements", example, "2026-11-09")["actions"]
        if a["kind"] == "remove_from_roll" and a["not_before"] is not None
    ]
    assert [a["not_before"] for a in removal] == ["2026-11-09"]


def test_randal_cremer_adds_the_schools_own_steps_on_the_national_rules(capsys):
    school = load_policy("randal_cremer")
    assert [p.id for p in school.lineage()] == ["randal_cremer", "england"]
    got = _run(capsys, "randal_cremer", "randal_cremer/leave_taken_not_returned.yaml", "2026-01-12")
    mine = {(a["rule_id"], a["kind"]): a for a in got["actions"] if a["pack"] == "randal_cremer"}
    report = mine[("rc_leave_not_returned_report_missing_education", "refer_to_cme")]
    assert (report["due_on"], report["status"]) == ("2026-02-02", "upcoming")
    assert mine[("rc_leave_taken_report_to_ewo_and_track", "inform_ewo")]["status"] == "done"
    # The tracking is the school's own enquiries; it is the national joint enquiries only where
    # the case records that the EWO acts for the local authority (the example does not).
    assert mine[("rc_leave_taken_report_to_ewo_and_track", "school_checks")]["status"] == "due"
    leaver = _run(capsys, "randal_cremer", "randal_cremer/leaver_no_named_school.yaml", "2026-03-16")
    due = [a["due_on"] for a in leaver["actions"] if a["rule_id"].startswith("rc_leaver_no_named")]
    assert due == ["2026-04-17"]
