"""The events a case's history records, by kind, and which of them prove that an earlier one
happened though its date is not recorded (``IMPLIES``, ``IMPLIED_BY``)."""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    """Things that can be recorded, dated, in a case's history."""

    SCHOOL_CHECKS_COMPLETED = "school_checks_completed"
    PARENTS_CONTACTED = "parents_contacted"
    CME_REFERRAL_MADE = "cme_referral_made"
    REFERRAL_ASSIGNED = "referral_assigned"
    REFERRAL_ASSESSED = "referral_assessed"
    LA_ENQUIRIES_STARTED = "la_enquiries_started"
    LA_ENQUIRIES_EXHAUSTED = "la_enquiries_exhausted"
    HOME_VISIT_MADE = "home_visit_made"
    OFF_ROLL_ADVICE_GIVEN = "off_roll_advice_given"
    REMOVED_FROM_ROLL = "removed_from_roll"
    LA_NOTIFIED_OF_REMOVAL = "la_notified_of_removal"
    LA_NOTIFIED_OF_REGISTRATION = "la_notified_of_registration"
    LOST_CTF_UPLOADED = "lost_ctf_uploaded"
    PLACE_OFFERED = "place_offered"
    NO_SHOW_ON_START_DATE = "no_show_on_start_date"
    ADMISSIONS_INFORMED = "admissions_informed"
    ADMISSIONS_CONFIRMED_NOT_ATTENDING = "admissions_confirmed_not_attending"
    LETTER_SENT = "letter_sent"
    PHONE_CALLS_MADE = "phone_calls_made"
    JOINT_ENQUIRIES_COMPLETED = "joint_enquiries_completed"
    EHE_TEAM_NOTIFIED = "ehe_team_notified"
    EHE_CONSULTATION_HELD = "ehe_consultation_held"
    DESTINATION_CONFIRMED = "destination_confirmed"
    LEAVE_OF_ABSENCE_ENDED = "leave_of_absence_ended"
    REGISTERED_ON_ROLL = "registered_on_roll"
    SOCIAL_CARE_CONTACTED = "social_care_contacted"
    POLICE_CONTACTED = "police_contacted"
    EMERGENCY_SERVICES_CALLED = "emergency_services_called"
    SAFEGUARDING_ADVICE_SOUGHT = "safeguarding_advice_sought"
    RISK_ASSESSMENT_COMPLETED = "risk_assessment_completed"
    RISK_ASSESSMENT_SHARED = "risk_assessment_shared"
    HOME_OFFICE_REFERRAL_MADE = "home_office_referral_made"
    CASE_MADE_DORMANT = "case_made_dormant"
    DORMANT_REVIEW_HELD = "dormant_review_held"
    CASE_REVIEWED = "case_reviewed"
    CASE_CLOSED = "case_closed"
    CASE_REOPENED = "case_reopened"
    NEW_INFORMATION_RECEIVED = "new_information_received"
    MASH_ENQUIRY_MADE = "mash_enquiry_made"
    CME_TEAM_INFORMED = "cme_team_informed"
    EWO_INFORMED = "ewo_informed"
    VIRTUAL_SCHOOL_INFORMED = "virtual_school_informed"
    SCHOOL_PLACE_IDENTIFIED = "school_place_identified"
    NEW_SCHOOL_ADMITTED = "new_school_admitted"
    FOUND_ON_ROLL_ELSEWHERE = "found_on_roll_elsewhere"
    FOUND_HOME_EDUCATED = "found_home_educated"
    CONFIRMED_IN_OTHER_LA = "confirmed_in_other_la"
    CONFIRMED_ABROAD = "confirmed_abroad"
    WHEREABOUTS_CONFIRMED = "whereabouts_confirmed"
    HOME_EDUCATION_NOTIFIED = "home_education_notified"
    TRACKING_REVIEW_HELD = "tracking_review_held"
    INCLUSION_MEETING_HELD = "inclusion_meeting_held"
    RETURNED_TO_SCHOOL = "returned_to_school"
    SUITABILITY_NOTICE_SERVED = "suitability_notice_served"  # EA 1996 s437(1) notice
    SCHOOL_ATTENDANCE_ORDER_SERVED = "school_attendance_order_served"  # EA 1996 s437(3)
    ABSENCE_RETURN_MADE = "absence_return_made"  # the school's attendance return to the LA
    RECORDED_AS_NOT_IN_SCHOOL = "recorded_as_not_in_school"  # CWSA 2026 register (s436B)
    HOME_EDUCATION_CONSENT_GIVEN = "home_education_consent_given"  # CWSA 2026 s434A
    RECEIVING_SCHOOL_ADVISED = "receiving_school_advised"
    MOVED_TO_OTHER_LA = "moved_to_other_la"
    REFERRED_TO_OTHER_LA = "referred_to_other_la"
    EARLY_HELP_CONTACTED = "early_help_contacted"
    ADMISSIONS_MEETING_HELD = "admissions_meeting_held"
    INDUCTION_HELD = "induction_held"
    PARENT_DECLINED_PLACE = "parent_declined_place"
    PARENTS_EMAILED = "parents_emailed"
    SOCIAL_WORKER_INFORMED = "social_worker_informed"
    OVERSEAS_AUTHORITIES_CONTACTED = "overseas_authorities_contacted"
    REFERRER_UPDATED = "referrer_updated"
    LOST_PUPILS_DATABASE_UPDATED = "lost_pupils_database_updated"
    SAFEGUARDING_REFERRAL_CHECKED = "safeguarding_referral_checked"
    # The parent told the school, after the child had gone, that the child is away on leave in
    # term time that the school had not granted (Randal Cremer Expectations 4).
    LEAVE_TAKEN_REPORTED = "leave_taken_reported"
    # The school learned that the pupil is leaving (or has left) the school, e.g. the parent
    # said the family is moving (Randal Cremer Expectations 4).
    LEAVING_NOTIFIED = "leaving_notified"
    # The authority's tracking and contact with the family got no response (Kent §5.3).
    NO_RESPONSE_TO_CONTACT = "no_response_to_contact"
    # The service could not engage the family: contact refused, or no response (Manchester
    # Section 3, Early Help Hub).
    FAMILY_NOT_ENGAGING = "family_not_engaging"
    # A child in care was moved to a new care placement without prior planning (Kent §5.4).
    UNPLANNED_PLACEMENT_MOVE = "unplanned_placement_move"
    # The named safeguarding protocol or child protection policy was followed for the child
    # (Kent §5.4 missing from home or care protocol; Randal Cremer Expectations 3, CP Policy).
    SAFEGUARDING_PROTOCOL_FOLLOWED = "safeguarding_protocol_followed"
    # A parent or carer asked the school for special (extended) leave in term time, and the
    # senior leader's interview on it was held (Randal Cremer Expectations 3).
    LEAVE_REQUESTED = "leave_requested"
    PARENTS_INTERVIEWED = "parents_interviewed"
    # Deletion grounds (2006 Regulations reg 8(1); 2024 Regulations reg 9(1)): the dated event
    # that meets each ground, so the earliest lawful deletion day can be counted from it.
    # The authority substituted another school for the one named in the school attendance order.
    SCHOOL_ATTENDANCE_ORDER_AMENDED = "school_attendance_order_amended"
    # The authority revoked the order because suitable education is arranged otherwise than at school.
    SCHOOL_ATTENDANCE_ORDER_REVOKED = "school_attendance_order_revoked"
    # Every other school at which a dual-registered pupil is registered consented to the deletion.
    OTHER_SCHOOLS_CONSENTED_TO_DELETION = "other_schools_consented_to_deletion"
    # The school learned that the pupil no longer (ordinarily or normally) lives within a
    # reasonable distance of the school.
    MOVED_BEYOND_REASONABLE_DISTANCE = "moved_beyond_reasonable_distance"
    # The school medical officer certified the pupil unlikely to be fit to attend before ceasing
    # to be of compulsory school age (2006 reg 8(1)(g)).
    CERTIFIED_UNFIT_TO_ATTEND = "certified_unfit_to_attend"
    # The pupil was detained under a final court order or an order of recall (or a sentence of
    # detention): the day the detention began.
    DETAINED_UNDER_COURT_ORDER = "detained_under_court_order"
    CHILD_DIED = "child_died"
    # At an independent or non-maintained special school: the pupil ceased to be a pupil of it.
    CEASED_TO_BE_PUPIL_OF_SCHOOL = "ceased_to_be_pupil_of_school"
    PERMANENTLY_EXCLUDED = "permanently_excluded"
    # A pupil admitted for nursery education did not, on completing it, transfer to (continue in)
    # a reception or higher class at the school.
    NOT_TRANSFERRED_FROM_NURSERY = "not_transferred_from_nursery"
    # A boarder's boarding charges remained unpaid at the end of the school term.
    BOARDING_CHARGES_UNPAID_AT_END_OF_TERM = "boarding_charges_unpaid_at_end_of_term"
    # The pupil has been located, and the school and the authority agreed there are no reasonable
    # grounds to believe the pupil will attend the school again (WTISA on 2024 grounds (h), (i)).
    NO_RETURN_AGREED = "no_return_agreed"
    # The school's sickness return to the authority (2024 Regulations reg 13).
    SICKNESS_RETURN_MADE = "sickness_return_made"
    # A session was recorded with code N (reasons for absence not yet established), and the
    # code was later replaced by another (2024 Regulations reg 10).
    SESSION_CODED_N = "session_coded_n"
    CODE_N_REPLACED = "code_n_replaced"
    # The common transfer file and educational record were sent to the pupil's new school.
    CTF_SENT = "ctf_sent"


#: Events whose record proves that an earlier event happened on or before it, though its own
#: date is not recorded: an assigned or assessed referral was made first. A deadline counted
#: from the implied event is then due by a date at the latest; a "not before" gate counted from
#: it is never taken as met.
IMPLIES: dict[EventKind, tuple[EventKind, ...]] = {
    EventKind.REFERRAL_ASSIGNED: (EventKind.CME_REFERRAL_MADE,),
    EventKind.REFERRAL_ASSESSED: (EventKind.CME_REFERRAL_MADE,),
    EventKind.LA_ENQUIRIES_EXHAUSTED: (EventKind.LA_ENQUIRIES_STARTED,),
    EventKind.DORMANT_REVIEW_HELD: (EventKind.CASE_MADE_DORMANT,),
    EventKind.RISK_ASSESSMENT_SHARED: (EventKind.RISK_ASSESSMENT_COMPLETED,),
}

#: The other way round: for each event, the events whose record implies it.
IMPLIED_BY: dict[EventKind, tuple[EventKind, ...]] = {
    implied: tuple(k for k, v in IMPLIES.items() if implied in v)
    for implied in dict.fromkeys(e for v in IMPLIES.values() for e in v)  # in a stable order
}
