"""What a rule requires (or permits, or forbids): the kinds of action, the history events that
complete each, what each means, and the actions whose grounds only the law may give."""

from __future__ import annotations

from enum import StrEnum

from .event_kinds import EventKind


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
