"""The shared vocabulary every pack speaks: actors, action kinds, history events, statuses.

Authorities choose numbers, routes and rules in YAML; the words they use for *what* is done and
*by whom* come from here, so that two authorities' packs can be compared line by line.
"""

from __future__ import annotations

from enum import StrEnum


class Actor(StrEnum):
    """Who must act. A pack adds the team or route in free text (``route``)."""

    SCHOOL = "school"
    SCHOOL_LIAISON_OFFICER = "school_liaison_officer"
    EDUCATION_WELFARE_OFFICER = "education_welfare_officer"
    LA_CME_TEAM = "la_cme_team"
    LA_ATTENDANCE_TEAM = "la_attendance_team"
    LA_ADMISSIONS = "la_admissions"
    LA_EHE_TEAM = "la_ehe_team"
    EDUCATION_SAFEGUARDING_TEAM = "education_safeguarding_team"
    VIRTUAL_SCHOOL = "virtual_school"
    SOCIAL_WORKER = "social_worker"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    MASH = "mash"
    POLICE = "police"
    PARENT = "parent"
    ANY_PROFESSIONAL = "any_professional"


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


class ActionKind(StrEnum):
    """What a rule requires (or permits, or forbids). Shared by all packs for comparison."""

    CONTACT_PARENTS = "contact_parents"
    SCHOOL_CHECKS = "school_checks"
    REFER_TO_CME = "refer_to_cme"
    ASSESS_REFERRAL = "assess_referral"
    BEGIN_LA_ENQUIRIES = "begin_la_enquiries"
    COMPLETE_LA_ENQUIRIES = "complete_la_enquiries"
    HOME_VISIT = "home_visit"
    ADVISE_OFF_ROLL = "advise_off_roll"
    REMOVE_FROM_ROLL = "remove_from_roll"
    NOTIFY_LA_OF_REMOVAL = "notify_la_of_removal"
    NOTIFY_LA_OF_REGISTRATION = "notify_la_of_registration"
    UPLOAD_LOST_CTF = "upload_lost_ctf"
    PLACE_ON_ROLL = "place_on_roll"
    CONTACT_SOCIAL_CARE = "contact_social_care"
    CONTACT_POLICE = "contact_police"
    CALL_EMERGENCY_SERVICES = "call_emergency_services"
    SEEK_SAFEGUARDING_ADVICE = "seek_safeguarding_advice"
    RISK_ASSESS = "risk_assess"
    SHARE_RISK_ASSESSMENT = "share_risk_assessment"
    REFER_TO_HOME_OFFICE = "refer_to_home_office"
    MAKE_DORMANT = "make_dormant"
    REVIEW_DORMANT_CASE = "review_dormant_case"
    REVIEW_CASE = "review_case"
    CLOSE_CASE = "close_case"
    REOPEN_CASE = "reopen_case"
    REFER_TO_MASH = "refer_to_mash"
    INFORM_CME_TEAM = "inform_cme_team"
    INFORM_EWO = "inform_ewo"
    INFORM_VIRTUAL_SCHOOL = "inform_virtual_school"
    FIND_SCHOOL_PLACE = "find_school_place"
    TRACK_OUT_OF_EDUCATION = "track_out_of_education"
    HOLD_INCLUSION_MEETING = "hold_inclusion_meeting"
    INFORM_ADMISSIONS = "inform_admissions"
    SEND_LETTER = "send_letter"
    PHONE_CONTACTS = "phone_contacts"
    JOINT_ENQUIRIES = "joint_enquiries"
    NOTIFY_EHE_TEAM = "notify_ehe_team"
    CONSULT_EHE_TEAM = "consult_ehe_team"
    CONFIRM_DESTINATION = "confirm_destination"
    SERVE_SUITABILITY_NOTICE = "serve_suitability_notice"
    SERVE_SCHOOL_ATTENDANCE_ORDER = "serve_school_attendance_order"
    NOTIFY_LA_OF_ABSENCE = "notify_la_of_absence"
    RECORD_CHILD_NOT_IN_SCHOOL = "record_child_not_in_school"
    ADVISE_RECEIVING_SCHOOL = "advise_receiving_school"
    REFER_TO_OTHER_LA = "refer_to_other_la"
    CONTACT_EARLY_HELP = "contact_early_help"
    HOLD_ADMISSIONS_MEETING = "hold_admissions_meeting"
    ARRANGE_INDUCTION = "arrange_induction"
    EMAIL_PARENTS = "email_parents"
    INFORM_SOCIAL_WORKER = "inform_social_worker"
    CONTACT_OVERSEAS_AUTHORITIES = "contact_overseas_authorities"
    UPDATE_REFERRER = "update_referrer"
    RECORD_ON_LOST_PUPILS_DATABASE = "record_on_lost_pupils_database"
    CHECK_SAFEGUARDING_REFERRAL = "check_safeguarding_referral"
    NOTIFY_LA_OF_SICKNESS_ABSENCE = "notify_la_of_sickness_absence"
    REPLACE_CODE_N = "replace_code_n"
    SEND_COMMON_TRANSFER_FILE = "send_common_transfer_file"
    FOLLOW_SAFEGUARDING_PROTOCOL = "follow_safeguarding_protocol"
    INTERVIEW_PARENTS = "interview_parents"


#: The history events that complete an action of each kind. An action is ``done`` once one of
#: its events is recorded on or before the evaluation date (and on or after the rule's anchor,
#: for actions that recur).
COMPLETED_BY: dict[ActionKind, tuple[EventKind, ...]] = {
    ActionKind.CONTACT_PARENTS: (EventKind.PARENTS_CONTACTED,),
    ActionKind.SCHOOL_CHECKS: (EventKind.SCHOOL_CHECKS_COMPLETED,),
    ActionKind.REFER_TO_CME: (EventKind.CME_REFERRAL_MADE,),
    ActionKind.ASSESS_REFERRAL: (EventKind.REFERRAL_ASSESSED,),
    ActionKind.BEGIN_LA_ENQUIRIES: (EventKind.LA_ENQUIRIES_STARTED,),
    ActionKind.COMPLETE_LA_ENQUIRIES: (EventKind.LA_ENQUIRIES_EXHAUSTED,),
    ActionKind.HOME_VISIT: (EventKind.HOME_VISIT_MADE,),
    ActionKind.ADVISE_OFF_ROLL: (EventKind.OFF_ROLL_ADVICE_GIVEN,),
    ActionKind.REMOVE_FROM_ROLL: (EventKind.REMOVED_FROM_ROLL,),
    ActionKind.NOTIFY_LA_OF_REMOVAL: (EventKind.LA_NOTIFIED_OF_REMOVAL,),
    ActionKind.NOTIFY_LA_OF_REGISTRATION: (EventKind.LA_NOTIFIED_OF_REGISTRATION,),
    ActionKind.UPLOAD_LOST_CTF: (EventKind.LOST_CTF_UPLOADED,),
    ActionKind.PLACE_ON_ROLL: (EventKind.REGISTERED_ON_ROLL,),
    ActionKind.CONTACT_SOCIAL_CARE: (EventKind.SOCIAL_CARE_CONTACTED, EventKind.MASH_ENQUIRY_MADE),
    ActionKind.CONTACT_POLICE: (EventKind.POLICE_CONTACTED,),
    ActionKind.CALL_EMERGENCY_SERVICES: (EventKind.EMERGENCY_SERVICES_CALLED,),
    ActionKind.SEEK_SAFEGUARDING_ADVICE: (EventKind.SAFEGUARDING_ADVICE_SOUGHT,),
    ActionKind.RISK_ASSESS: (EventKind.RISK_ASSESSMENT_COMPLETED,),
    ActionKind.SHARE_RISK_ASSESSMENT: (EventKind.RISK_ASSESSMENT_SHARED,),
    ActionKind.REFER_TO_HOME_OFFICE: (EventKind.HOME_OFFICE_REFERRAL_MADE,),
    ActionKind.MAKE_DORMANT: (EventKind.CASE_MADE_DORMANT,),
    ActionKind.REVIEW_DORMANT_CASE: (EventKind.DORMANT_REVIEW_HELD,),
    ActionKind.REVIEW_CASE: (EventKind.CASE_REVIEWED,),
    ActionKind.CLOSE_CASE: (EventKind.CASE_CLOSED,),
    ActionKind.REOPEN_CASE: (EventKind.CASE_REOPENED,),
    ActionKind.REFER_TO_MASH: (EventKind.MASH_ENQUIRY_MADE,),
    ActionKind.INFORM_CME_TEAM: (EventKind.CME_TEAM_INFORMED, EventKind.CME_REFERRAL_MADE),
    ActionKind.INFORM_EWO: (EventKind.EWO_INFORMED,),
    ActionKind.INFORM_VIRTUAL_SCHOOL: (EventKind.VIRTUAL_SCHOOL_INFORMED,),
    ActionKind.FIND_SCHOOL_PLACE: (EventKind.SCHOOL_PLACE_IDENTIFIED, EventKind.NEW_SCHOOL_ADMITTED),
    ActionKind.TRACK_OUT_OF_EDUCATION: (EventKind.TRACKING_REVIEW_HELD,),
    ActionKind.HOLD_INCLUSION_MEETING: (EventKind.INCLUSION_MEETING_HELD,),
    ActionKind.INFORM_ADMISSIONS: (EventKind.ADMISSIONS_INFORMED,),
    ActionKind.SEND_LETTER: (EventKind.LETTER_SENT,),
    ActionKind.PHONE_CONTACTS: (EventKind.PHONE_CALLS_MADE,),
    ActionKind.JOINT_ENQUIRIES: (EventKind.JOINT_ENQUIRIES_COMPLETED,),
    ActionKind.NOTIFY_EHE_TEAM: (EventKind.EHE_TEAM_NOTIFIED,),
    ActionKind.CONSULT_EHE_TEAM: (EventKind.EHE_CONSULTATION_HELD,),
    ActionKind.CONFIRM_DESTINATION: (EventKind.DESTINATION_CONFIRMED,),
    ActionKind.SERVE_SUITABILITY_NOTICE: (EventKind.SUITABILITY_NOTICE_SERVED,),
    ActionKind.SERVE_SCHOOL_ATTENDANCE_ORDER: (EventKind.SCHOOL_ATTENDANCE_ORDER_SERVED,),
    ActionKind.NOTIFY_LA_OF_ABSENCE: (
        EventKind.ABSENCE_RETURN_MADE,
        EventKind.CME_REFERRAL_MADE,
        EventKind.CME_TEAM_INFORMED,
        EventKind.EWO_INFORMED,
    ),
    ActionKind.RECORD_CHILD_NOT_IN_SCHOOL: (EventKind.RECORDED_AS_NOT_IN_SCHOOL,),
    ActionKind.ADVISE_RECEIVING_SCHOOL: (EventKind.RECEIVING_SCHOOL_ADVISED,),
    ActionKind.REFER_TO_OTHER_LA: (EventKind.REFERRED_TO_OTHER_LA,),
    ActionKind.CONTACT_EARLY_HELP: (EventKind.EARLY_HELP_CONTACTED,),
    ActionKind.HOLD_ADMISSIONS_MEETING: (EventKind.ADMISSIONS_MEETING_HELD,),
    ActionKind.ARRANGE_INDUCTION: (EventKind.INDUCTION_HELD,),
    ActionKind.EMAIL_PARENTS: (EventKind.PARENTS_EMAILED,),
    ActionKind.INFORM_SOCIAL_WORKER: (EventKind.SOCIAL_WORKER_INFORMED,),
    ActionKind.CONTACT_OVERSEAS_AUTHORITIES: (EventKind.OVERSEAS_AUTHORITIES_CONTACTED,),
    ActionKind.UPDATE_REFERRER: (EventKind.REFERRER_UPDATED,),
    ActionKind.RECORD_ON_LOST_PUPILS_DATABASE: (
        EventKind.LOST_PUPILS_DATABASE_UPDATED,
        EventKind.LOST_CTF_UPLOADED,
    ),
    ActionKind.CHECK_SAFEGUARDING_REFERRAL: (EventKind.SAFEGUARDING_REFERRAL_CHECKED,),
    ActionKind.NOTIFY_LA_OF_SICKNESS_ABSENCE: (EventKind.SICKNESS_RETURN_MADE,),
    ActionKind.REPLACE_CODE_N: (EventKind.CODE_N_REPLACED,),
    ActionKind.SEND_COMMON_TRANSFER_FILE: (EventKind.CTF_SENT,),
    ActionKind.FOLLOW_SAFEGUARDING_PROTOCOL: (EventKind.SAFEGUARDING_PROTOCOL_FOLLOWED,),
    ActionKind.INTERVIEW_PARENTS: (EventKind.PARENTS_INTERVIEWED,),
}

ACTION_DESCRIPTIONS: dict[ActionKind, str] = {
    ActionKind.CONTACT_PARENTS: "Contact the parents or carers to find out why the child is absent.",
    ActionKind.SCHOOL_CHECKS: "School makes its reasonable enquiries to locate the child.",
    ActionKind.REFER_TO_CME: "Refer the child to the local authority as missing education.",
    ActionKind.ASSESS_REFERRAL: "Assess a CME referral (CME or an attendance matter?).",
    ActionKind.BEGIN_LA_ENQUIRIES: "Local authority begins its enquiries into a referred child.",
    ActionKind.COMPLETE_LA_ENQUIRIES: "Local authority completes (exhausts) its enquiries.",
    ActionKind.HOME_VISIT: "Visit the last known address.",
    ActionKind.ADVISE_OFF_ROLL: "Advise the school of the outcome and an off-roll date.",
    ActionKind.REMOVE_FROM_ROLL: "Delete the child's name from the admission register.",
    ActionKind.NOTIFY_LA_OF_REMOVAL: "Tell the local authority a name is to be deleted (deletion return).",
    ActionKind.NOTIFY_LA_OF_REGISTRATION: (
        "Tell the local authority a pupil has been added (new-pupil return)."
    ),
    ActionKind.UPLOAD_LOST_CTF: "Upload a 'lost' common transfer file to the Lost Pupils Database.",
    ActionKind.PLACE_ON_ROLL: "Enter the child on the admission register.",
    ActionKind.CONTACT_SOCIAL_CARE: "Contact or refer to children's social care.",
    ActionKind.CONTACT_POLICE: "Contact the police.",
    ActionKind.CALL_EMERGENCY_SERVICES: "Call 999: the child is in immediate danger.",
    ActionKind.SEEK_SAFEGUARDING_ADVICE: "Seek safeguarding advice or a consultation.",
    ActionKind.RISK_ASSESS: "Complete the authority's CME risk assessment.",
    ActionKind.SHARE_RISK_ASSESSMENT: "Send the completed risk assessment to the named partners.",
    ActionKind.REFER_TO_HOME_OFFICE: "Ask the Home Office to confirm the family has left the UK.",
    ActionKind.MAKE_DORMANT: "File the untraced case as dormant.",
    ActionKind.REVIEW_DORMANT_CASE: "Review the dormant case (recurring).",
    ActionKind.REVIEW_CASE: "Review the case at the end of enquiries and decide its outcome.",
    ActionKind.CLOSE_CASE: "Close the CME case.",
    ActionKind.REOPEN_CASE: "Reopen (reactivate) a closed or dormant case.",
    ActionKind.REFER_TO_MASH: "Make an enquiry to the Multi-Agency Safeguarding Hub.",
    ActionKind.INFORM_CME_TEAM: "Make sure the authority's CME team knows of the child.",
    ActionKind.INFORM_EWO: "Report the child to the Education Welfare Officer.",
    ActionKind.INFORM_VIRTUAL_SCHOOL: "Tell the Virtual School about a child in care.",
    ActionKind.FIND_SCHOOL_PLACE: "Identify a suitable education placement.",
    ActionKind.TRACK_OUT_OF_EDUCATION: "Track a child who is out of education (recurring review).",
    ActionKind.HOLD_INCLUSION_MEETING: "Hold the school's inclusion meeting (recurring).",
    ActionKind.INFORM_ADMISSIONS: "Tell the local authority's school admissions team.",
    ActionKind.SEND_LETTER: "Write to the last known address.",
    ActionKind.PHONE_CONTACTS: "Phone the last known numbers.",
    ActionKind.JOINT_ENQUIRIES: "School and local authority jointly make reasonable enquiries.",
    ActionKind.NOTIFY_EHE_TEAM: "Tell the elective home education team.",
    ActionKind.CONSULT_EHE_TEAM: "Let the elective home education team consult the parents.",
    ActionKind.CONFIRM_DESTINATION: "Confirm the new address and the new school.",
    ActionKind.SERVE_SUITABILITY_NOTICE: (
        "Serve written notice requiring the parent to satisfy the authority that the child is "
        "receiving suitable education (EA 1996 s437(1))."
    ),
    ActionKind.SERVE_SCHOOL_ATTENDANCE_ORDER: "Serve a school attendance order (EA 1996 s437(3)).",
    ActionKind.NOTIFY_LA_OF_ABSENCE: (
        "Tell the local authority of a pupil with a long unauthorised absence (attendance return)."
    ),
    ActionKind.RECORD_CHILD_NOT_IN_SCHOOL: (
        "Enter the child on the authority's register of children not in school."
    ),
    ActionKind.ADVISE_RECEIVING_SCHOOL: (
        "Advise the new school to ask its own LA to download the lost CTF from the LPD."
    ),
    ActionKind.REFER_TO_OTHER_LA: "Refer the case to the authority the child has moved to.",
    ActionKind.CONTACT_EARLY_HELP: "Liaise with the council's Early Help service.",
    ActionKind.HOLD_ADMISSIONS_MEETING: "Meet parent and child to discuss enrolment; give a start date.",
    ActionKind.ARRANGE_INDUCTION: "Arrange an induction in school before the start date.",
    ActionKind.EMAIL_PARENTS: "Email the parents or carers.",
    ActionKind.INFORM_SOCIAL_WORKER: "Give the allocated social worker information (border control).",
    ActionKind.CONTACT_OVERSEAS_AUTHORITIES: "Contact social-work or police counterparts abroad.",
    ActionKind.UPDATE_REFERRER: "Tell whoever made the referral the status of the case.",
    ActionKind.RECORD_ON_LOST_PUPILS_DATABASE: "Keep the child's record on the S2S Lost Pupils Database.",
    ActionKind.CHECK_SAFEGUARDING_REFERRAL: (
        "Check that the safeguarding referral to children's social care or the police was made."
    ),
    ActionKind.NOTIFY_LA_OF_SICKNESS_ABSENCE: (
        "Tell the local authority of a pupil expected to miss 15 school days through sickness "
        "(sickness return)."
    ),
    ActionKind.REPLACE_CODE_N: "Replace attendance code N (reason not yet established) with another code.",
    ActionKind.SEND_COMMON_TRANSFER_FILE: (
        "Send the common transfer file and educational record to the pupil's new school."
    ),
    ActionKind.FOLLOW_SAFEGUARDING_PROTOCOL: (
        "Follow the safeguarding protocol or child protection policy the route names."
    ),
    ActionKind.INTERVIEW_PARENTS: "A senior leader interviews the parents about a request for leave.",
}


class Status(StrEnum):
    """Where an action stands on the evaluation date."""

    UPCOMING = "upcoming"  # due later than the evaluation date
    DUE = "due"  # due on the evaluation date
    OVERDUE = "overdue"  # due date passed, not recorded as done
    DONE = "done"  # a completing event is recorded
    NOT_YET_PERMITTED = "not_yet_permitted"  # a "not before" action whose date has not come
    PERMITTED = "permitted"  # a "not before" action that may now be taken
    FORBIDDEN = "forbidden"  # the rule forbids the action while its condition holds
    BREACHED = "breached"  # a forbidden action was recorded as taken
    NEEDS_INFORMATION = "needs_information"  # the rule may apply: facts are missing to decide


class CaseState(StrEnum):
    OPEN = "open"
    DORMANT = "dormant"
    CLOSED = "closed"
    NOT_APPLICABLE = "not_applicable"  # outside compulsory school age: no CME duties


class SafeguardingConcern(StrEnum):
    """Concerns the seed policies name as reasons for immediate escalation."""

    CHILD_PROTECTION = "child_protection"
    CHILD_SEXUAL_EXPLOITATION = "child_sexual_exploitation"
    CHILD_CRIMINAL_EXPLOITATION = "child_criminal_exploitation"
    TRAFFICKING_OR_MODERN_SLAVERY = "trafficking_or_modern_slavery"
    FORCED_MARRIAGE = "forced_marriage"
    HONOUR_BASED_ABUSE = "honour_based_abuse"
    FEMALE_GENITAL_MUTILATION = "female_genital_mutilation"
    BREAST_IRONING = "breast_ironing"
    RADICALISATION = "radicalisation"
    DOMESTIC_ABUSE = "domestic_abuse"
    MISSING_FROM_HOME_OR_CARE = "missing_from_home_or_care"
    NEGLECT = "neglect"
    ABUSE = "abuse"
    SUBSTANCE_MISUSE = "substance_misuse"
    CRIME_IN_FAMILY = "crime_in_family"
    VICTIM_OR_INVOLVED_IN_CRIME = "victim_or_involved_in_crime"
    PARENTAL_MENTAL_HEALTH = "parental_mental_health"
    PARENTAL_LEARNING_DIFFICULTIES = "parental_learning_difficulties"
    CONTACT_WITH_PERSON_POSING_RISK = "contact_with_person_posing_risk"
    ABDUCTION = "abduction"
    SERIOUS_HEALTH_SAFETY_WELFARE = "serious_health_safety_welfare"
    OTHER_WELFARE_CONCERN = "other_welfare_concern"
    CARE_ORDER = "care_order"
    TAKEN_ABROAD_FOR_ILLEGAL_ACT = "taken_abroad_for_illegal_act"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class SchoolPhase(StrEnum):
    NURSERY = "nursery"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    ALL_THROUGH = "all_through"
    SPECIAL = "special"
    ALTERNATIVE_PROVISION = "alternative_provision"


class SchoolType(StrEnum):
    MAINTAINED = "maintained"
    ACADEMY = "academy"
    FREE_SCHOOL = "free_school"
    INDEPENDENT = "independent"
    NON_MAINTAINED_SPECIAL = "non_maintained_special"
    PUPIL_REFERRAL_UNIT = "pupil_referral_unit"
    ALTERNATIVE_PROVISION = "alternative_provision"


class DeadlineType(StrEnum):
    BY = "by"  # the action is due on or before the date
    NOT_BEFORE = "not_before"  # the action is permitted from the date (never earlier)


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
    for implied in {e for v in IMPLIES.values() for e in v}
}


class Role(StrEnum):
    """How one rule bears on a duty, in a verdict's list of rules."""

    REQUIRES = "requires"  # the rule requires the action (by a date, or undated)
    GROUND = "ground"  # a lawful basis for a "not before" action
    RESTRICTION = "restriction"  # a further condition on a "not before" action
    PROHIBITION = "prohibition"  # the rule forbids the action while it applies


class Permission(StrEnum):
    """What a "not before" action says about taking that action.

    An action such as removal from roll is permitted only when one *ground* for it is met in
    full (its rule applies and every "not before" gate its rule gives that action has passed)
    and every *restriction* on it that applies is met; any applicable prohibition wins.
    """

    GROUND = "ground"  # a lawful basis for the action; the rule's gates for it are its conditions
    RESTRICTION = "restriction"  # a further condition on the action, whatever its ground


#: Actions whose grounds the law lists exhaustively: only a national pack may give a ground for
#: them; a local or school pack can only restrict them.
STATUTORY_GROUNDS: dict[ActionKind, str] = {
    ActionKind.REMOVE_FROM_ROLL: (
        "the School Attendance (Pupil Registration) (England) Regulations 2024, reg 9(1) (a name "
        "is deleted when, and only when, a ground applies), and before 19 Aug 2024 the 2006 "
        "Regulations, reg 8(1)"
    ),
    ActionKind.SERVE_SCHOOL_ATTENDANCE_ORDER: "the Education Act 1996, s437(3)",
}
