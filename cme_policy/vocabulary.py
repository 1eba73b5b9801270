"""The shared vocabulary every pack speaks: actors, action kinds, history events, statuses.

Authorities choose numbers, routes and rules in YAML; the words they use for *what* is done and
*by whom* come from here, so that two authorities' packs can be compared line by line. Defined
here: who acts, the words of an answer and the case's enumerations; the kinds of history event and
of action live in :mod:`.event_kinds` and :mod:`.action_kinds`, and are importable from here too.
"""

from __future__ import annotations

from enum import StrEnum

from .action_kinds import ACTION_DESCRIPTIONS as ACTION_DESCRIPTIONS  # importable from here as before
from .action_kinds import COMPLETED_BY as COMPLETED_BY
from .action_kinds import STATUTORY_GROUNDS as STATUTORY_GROUNDS
from .action_kinds import ActionKind as ActionKind
from .event_kinds import IMPLIED_BY as IMPLIED_BY
from .event_kinds import IMPLIES as IMPLIES
from .event_kinds import EventKind as EventKind


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
