"""What an officer records about a crime and the people in it.

Reference data that law or local policy sets (offence categories and their flags, the crime
reference format, the enhanced-rights policy, the DASH question set, special measures) are rows
with an effective date and a source, so a force changes them without a deploy.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from audit.history import CaseHistory

# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------


class OffenceFlag(models.TextChoices):
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SEXUAL_OFFENCE = "sexual_offence", "Sexual offence"
    HATE_CRIME = "hate_crime", "Hate crime"
    TERRORISM = "terrorism", "Terrorism"
    TRAFFICKING = "trafficking", "Human trafficking or modern slavery"
    ATTEMPTED_MURDER = "attempted_murder", "Attempted murder"
    KIDNAP = "kidnap", "Kidnap"
    FALSE_IMPRISONMENT = "false_imprisonment", "False imprisonment"
    ARSON_ENDANGERING_LIFE = "arson_endangering_life", "Arson endangering life"
    GBH_WITH_INTENT = "gbh_with_intent", "Wounding or GBH with intent"
    HOMICIDE = "homicide", "Homicide"
    KNIFE_FIREARM = "knife_firearm", "Knife or firearm offence"


# The flags the new case form asks about, because they decide enhanced rights and the offence
# list does not always say (issue 19).
ASKED_FLAGS = (OffenceFlag.DOMESTIC_ABUSE, OffenceFlag.HATE_CRIME, OffenceFlag.SEXUAL_OFFENCE)


class OffenceCategory(models.Model):
    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    offence_group = models.CharField(max_length=100, help_text="Group used in reports.")
    flags = models.JSONField(default=list, blank=True, help_text="Codes from OffenceFlag.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["offence_group", "name"]
        verbose_name_plural = "offence categories"

    def __str__(self) -> str:
        return self.name

    def has_flag(self, flag: str) -> bool:
        return flag in self.flags


class EffectiveQuerySet(models.QuerySet):
    def in_force(self, on):
        """The row in force on a date: the latest that took effect on or before it."""
        return self.filter(effective_from__lte=on).order_by("-effective_from", "-id").first()


class CrimeReferenceFormat(models.Model):
    pattern = models.CharField(max_length=200, help_text="A regular expression, anchored.")
    example = models.CharField(max_length=50)
    effective_from = models.DateField()
    source = models.CharField(max_length=300)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.example} from {self.effective_from}"


class EnhancedRightsPolicy(models.Model):
    """Which facts make a victim eligible for enhanced rights, as in force from a date."""

    name = models.CharField(max_length=100)
    effective_from = models.DateField()
    source = models.CharField(max_length=300)
    most_serious_flags = models.JSONField(
        help_text="Offence flags that make the crime one of the most serious."
    )
    automatic_intimidated_flags = models.JSONField(
        help_text=(
            "Offence flag to the roles in the case who are intimidated unless they opt out, "
            'e.g. {"sexual_offence": ["victim"], "knife_firearm": ["victim", "witness"]}.'
        )
    )
    vulnerable_under_age = models.PositiveSmallIntegerField(default=18)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "enhanced rights policies"

    def __str__(self) -> str:
        return f"{self.name} from {self.effective_from}"


class PersistentTargetingPolicy(models.Model):
    """When a victim counts as persistently targeted: `crimes` crimes against them (cases in
    which they are a victim) within `within_days` days, as in force from a date. The Code names
    the basis but sets no number: the number is local policy."""

    name = models.CharField(max_length=100)
    effective_from = models.DateField()
    source = models.CharField(max_length=300)
    crimes = models.PositiveSmallIntegerField(
        help_text="How many crimes against the person, this one included (at least 2)."
    )
    within_days = models.PositiveSmallIntegerField(
        help_text="Within how many days of each other the crimes happened (at least 1)."
    )

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "persistent targeting policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(crimes__gte=2, within_days__gte=1),
                name="persistent_targeting_takes_repeat_crimes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} from {self.effective_from}"

    def describe(self) -> str:
        """The rule in words, for the basis's evidence and the people told of it."""
        return (
            f"{self.crimes} or more crimes against them within {self.within_days} days "
            f"(local policy: {self.name})"
        )


class OtherTeams(models.TextChoices):
    NOBODY = "nobody", "Nobody: they read only"
    SUPERVISORS = "supervisors", "Supervisors of any team"
    OFFICERS = "officers", "Any officer or supervisor"


class CaseEditPolicy(models.Model):
    """Who outside a case's teams may change it, as in force from a date.

    The officer in the case and the members of its owning team (and, after charge, of its
    Witness Care Unit) always may; others who can see the case read it, unless this says
    otherwise. Every change it allows across teams goes into the audit trail."""

    name = models.CharField(max_length=100)
    effective_from = models.DateField()
    source = models.CharField(max_length=300)
    other_teams_may_change = models.CharField(
        max_length=20,
        choices=OtherTeams.choices,
        default=OtherTeams.SUPERVISORS,
        verbose_name="From other teams, who may change a case",
    )

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "case edit policies"

    def __str__(self) -> str:
        return f"{self.name} from {self.effective_from}"


class RiskQuestionSet(models.Model):
    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=100)
    effective_from = models.DateField()
    source = models.CharField(max_length=300)
    medium_threshold = models.PositiveSmallIntegerField(help_text="Yes answers for medium risk.")
    high_threshold = models.PositiveSmallIntegerField(help_text="Yes answers for high risk.")
    escalation_incidents = models.PositiveSmallIntegerField(
        help_text="Domestic abuse incidents within the window that call for MARAC."
    )
    escalation_window_days = models.PositiveSmallIntegerField(default=365)
    repeat_window_days = models.PositiveSmallIntegerField(
        default=365, help_text="A new incident within this time of a MARAC referral is a repeat."
    )

    objects = EffectiveQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name


class RiskQuestion(models.Model):
    question_set = models.ForeignKey(
        RiskQuestionSet, on_delete=models.CASCADE, related_name="questions"
    )
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=400)
    is_high_risk_factor = models.BooleanField(default=False)

    class Meta:
        ordering = ["question_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "number"], name="unique_question"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class SpecialMeasure(models.Model):
    section = models.CharField(max_length=10, unique=True, help_text="YJCEA 1999 section.")
    name = models.CharField(max_length=200)
    vulnerable = models.BooleanField(default=True, help_text="Available to vulnerable witnesses.")
    intimidated = models.BooleanField(default=True, help_text="Available to intimidated witnesses.")
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["section"]

    def __str__(self) -> str:
        return f"{self.section}: {self.name}"


# ---------------------------------------------------------------------------------------------
# The case and its people
# ---------------------------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    UNDER_INVESTIGATION = "under_investigation", "Under investigation"
    WITH_WCU = "with_wcu", "Charged, with the Witness Care Unit"
    CLOSED = "closed", "Closed"


class CaseOutcome(models.TextChoices):
    CHARGED = "charged", "Charged or summonsed"
    OUT_OF_COURT = "out_of_court", "Out-of-court disposal"
    EVIDENTIAL_DIFFICULTIES = "evidential_difficulties", "Evidential difficulties"
    VICTIM_DOES_NOT_SUPPORT = "victim_does_not_support", "Victim does not support action"
    NOT_IN_PUBLIC_INTEREST = "not_in_public_interest", "Not in the public interest"
    NO_SUSPECT = "no_suspect", "Investigation complete, no suspect identified"
    CONVICTED = "convicted", "Convicted at court"
    ACQUITTED = "acquitted", "Acquitted at court"
    OTHER = "other", "Other"


class ThriveGrade(models.TextChoices):
    IMMEDIATE = "immediate", "Grade 1: immediate"
    PRIORITY = "priority", "Grade 2: priority"
    SCHEDULED = "scheduled", "Grade 3: scheduled"
    RESOLUTION = "resolution", "Grade 4: resolution without deployment"


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=CaseStatus.CLOSED)

    def visible_to(self, user):
        """Every list, search, count and export of cases starts here."""
        from .permissions import visible_cases

        return visible_cases(self, user)


class Case(models.Model):
    crime_reference = models.CharField(max_length=50, unique=True)
    offence = models.ForeignKey(OffenceCategory, on_delete=models.PROTECT, related_name="cases")
    offence_summary = models.CharField(max_length=300, blank=True)
    occurred_at = models.DateTimeField(help_text="When the offence happened (or began).")
    reported_at = models.DateTimeField()
    recorded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the crime was recorded on the crime recording system, if not at once.",
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="cases", verbose_name="Owning team"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_in_charge",
        verbose_name="Officer in the case",
    )
    status = models.CharField(
        max_length=30, choices=CaseStatus.choices, default=CaseStatus.UNDER_INVESTIGATION
    )
    outcome = models.CharField(max_length=40, choices=CaseOutcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    wcu_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wcu_cases",
        verbose_name="Witness Care Unit",
    )
    witness_care_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wcu_cases",
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Visible only to the officer, the team's supervisors and named staff.",
    )
    mental_health_demand = models.BooleanField(
        default=False, verbose_name="Mental-health-related demand"
    )
    thrive_grade = models.CharField(
        max_length=20, choices=ThriveGrade.choices, verbose_name="THRIVE grading at first contact"
    )
    # The offence list cannot say everything: a common assault may be domestic abuse, any offence
    # a hate crime. What the officer records here counts as the offence's own flags do.
    # Nullable with no default: SQLite then adds it with ALTER TABLE ADD COLUMN, where a default
    # would rebuild the table, which the summary's triggers on it do not survive.
    added_flags = models.JSONField(
        null=True,
        blank=True,
        verbose_name="Also recorded as",
        help_text="Codes from OffenceFlag the officer recorded beyond the offence category's.",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = CaseHistory()

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["officer", "status"]),
            models.Index(fields=["team", "status"]),
            # The API's case list, newest report first, a page at a time (cases/api/pagination).
            models.Index(fields=["-reported_at", "-id"], name="case_newest_report_idx"),
            # The same list filtered to restricted cases, about one in a hundred: read from the
            # few restricted rows rather than walking past the rest. (A "contains" search on the
            # crime reference has a trigram index too, PostgreSQL's only: migration 0007.)
            models.Index(
                fields=["-reported_at", "-id"],
                condition=Q(restricted=True),
                name="case_restricted_newest_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_at__gte=models.F("occurred_at")),
                name="reported_not_before_occurred",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(outcome="")),
                name="closed_case_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.crime_reference

    @property
    def offence_flags(self) -> list[str]:
        """The offence category's flags and those the officer added, each once."""
        return sorted(set(self.offence.flags) | set(self.added_flags or ()))

    @property
    def offence_flag_words(self) -> list[str]:
        """The offence's flags and those the officer added, in words, as a page shows them."""
        return [
            OffenceFlag(flag).label.lower()
            if flag in OffenceFlag.values
            else flag.replace("_", " ")
            for flag in self.offence_flags
        ]


class ReopenReason(models.TextChoices):
    NEW_EVIDENCE = "new_evidence", "New evidence"
    APPEAL = "appeal", "An appeal"
    VICTIMS_RIGHT_TO_REVIEW = "vrr", "A review under the Victims' Right to Review"
    OTHER = "other", "Another reason (say what)"


class CaseClosure(models.Model):
    """One closing of a case and, if it was reopened, its reopening: who, when and why.

    A case closed with Code duties still open (a supervisor's override) keeps the number and the
    reason here: the compliance dashboard lists these closures, and the duties stay open and
    counted, so an override never hides a duty the force failed to deliver."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a case closed before closings were recorded.",
    )
    outcome = models.CharField(max_length=40, choices=CaseOutcome.choices)
    open_duties = models.PositiveIntegerField(
        default=0, help_text="Code duties still open when the case was closed."
    )
    override_reason = models.TextField(
        blank=True, help_text="Why a supervisor closed the case with duties still open."
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.CharField(max_length=20, choices=ReopenReason.choices, blank=True)
    reopen_details = models.TextField(blank=True)
    history = CaseHistory()

    class Meta:
        ordering = ["-closed_at", "-id"]
        indexes = [
            # The dashboard's "closed with open duties": a few rows among all closures.
            models.Index(
                fields=["closed_at", "id"],
                condition=Q(open_duties__gt=0),
                name="closure_with_open_duties",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(reopened_at__isnull=True), name="one_standing_closure"
            ),
            models.CheckConstraint(
                condition=Q(open_duties=0) | ~Q(override_reason=""),
                name="override_has_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="reopening_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Closure of case {self.case_id} on {self.closed_at:%Y-%m-%d}"

    @property
    def overridden(self) -> bool:
        return self.open_duties > 0


class Person(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    preferred_language = models.CharField(max_length=60, default="English")
    interpreter_needed = models.BooleanField(default=False)
    communication_needs = models.TextField(blank=True)
    sex = models.CharField(max_length=30, blank=True, help_text="For equality monitoring.")
    ethnicity = models.CharField(max_length=60, blank=True, help_text="For equality monitoring.")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = CaseHistory()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PersonMerge(models.Model):
    """Two records of the same person made one by a supervisor (cases/merging.py): who, when,
    why, and which record was folded into which. The folded record is removed; its id stays
    here, so the audit trail and anyone holding it can find the person it became."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges")
    merged_person_id = models.BigIntegerField(help_text="The record folded into the kept one.")
    merged_at = models.DateTimeField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    parties_moved = models.PositiveIntegerField(help_text="Case links moved to the kept record.")
    history = CaseHistory()

    class Meta:
        ordering = ["-merged_at", "-id"]
        indexes = [models.Index(fields=["merged_person_id"], name="person_merge_merged_idx")]

    def __str__(self) -> str:
        return f"Person {self.merged_person_id} merged into person {self.kept_id}"


class SafeContact(models.Model):
    """How, and when, a person may safely be contacted. Shown before any contact is made."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="safe_contact")
    phone_safe = models.BooleanField(default=True)
    text_safe = models.BooleanField(default=True)
    email_safe = models.BooleanField(default=True)
    letter_safe = models.BooleanField(default=True)
    visit_safe = models.BooleanField(default=True)
    safe_times = models.CharField(max_length=200, blank=True)
    may_leave_message = models.BooleanField(default=False)
    alternative_contact = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    # When an officer recorded the person's own answer. Until then the flags above are only the
    # defaults a new profile starts with, not the person's word, and pages say "not asked yet".
    answered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = CaseHistory()

    CHANNELS = [
        ("phone_safe", "phone"),
        ("text_safe", "text message"),
        ("email_safe", "email"),
        ("letter_safe", "letter"),
        ("visit_safe", "home visit"),
    ]

    def unsafe_channels(self) -> list[str]:
        return [label for field, label in self.CHANNELS if not getattr(self, field)]

    def has_warnings(self) -> bool:
        return bool(self.unsafe_channels() or self.safe_times or not self.may_leave_message)

    @property
    def asked(self) -> bool:
        """Whether the person has been asked how they may safely be contacted."""
        return self.answered_at is not None


class PartyRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    WITNESS = "witness", "Witness"
    BEREAVED = "bereaved", "Bereaved close relative"
    PARENT_GUARDIAN = "parent_guardian", "Parent or guardian of a victim under 18"
    FAMILY_SPOKESPERSON = "family_spokesperson", "Nominated family spokesperson"
    BUSINESS_CONTACT = "business_contact", "Business point of contact"


class Party(models.Model):
    """A person's part in one case. Enhanced status is derived from the bases, never typed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(max_length=30, choices=PartyRole.choices)
    enhanced = models.BooleanField(default=False, editable=False)
    added_at = models.DateTimeField(auto_now_add=True)
    history = CaseHistory()

    class Meta:
        ordering = ["case", "role", "id"]
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="unique_party_role"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}) in {self.case}"


class Basis(models.TextChoices):
    MOST_SERIOUS = "most_serious", "Victim of the most serious crime"
    PERSISTENTLY_TARGETED = "persistently_targeted", "Persistently targeted"
    UNDER_18 = "under_18", "Vulnerable: under 18 at the time of the offence"
    MENTAL_DISORDER = "mental_disorder", "Vulnerable: mental disorder"
    IMPAIRMENT = (
        "impairment",
        "Vulnerable: significant impairment of intelligence and social functioning",
    )
    PHYSICAL = "physical", "Vulnerable: physical disability or disorder"
    INTIMIDATED = "intimidated", "Intimidated"
    BEREAVED = "bereaved", "Bereaved close relative"


# Bases the portal works out itself from the offence, the date of birth or the role.
DERIVED_BASES = frozenset({Basis.MOST_SERIOUS, Basis.UNDER_18, Basis.BEREAVED})


class BasisSource(models.TextChoices):
    DERIVED = "derived", "Worked out from the record"
    AUTOMATIC = "automatic", "Automatic for this offence"
    OFFICER = "officer", "Assessed by an officer"
    NEEDS_ASSESSMENT = "needs_assessment", "Found by a needs assessment"
    # The system, under the persistent targeting policy in force (cases/persistent_targeting.py).
    POLICY = "policy", "Recorded by the system under local policy"


class EligibilityBasis(models.Model):
    """One basis for enhanced rights, for one party, as last assessed."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="bases")
    basis = models.CharField(max_length=30, choices=Basis.choices)
    applies = models.BooleanField()
    opted_out = models.BooleanField(
        default=False, help_text="An automatic basis the person chose not to take up."
    )
    source = models.CharField(max_length=20, choices=BasisSource.choices)
    evidence = models.TextField(blank=True)
    intimidation_factors = models.JSONField(default=list, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField()
    history = CaseHistory()

    class Meta:
        ordering = ["party", "basis"]
        constraints = [
            models.UniqueConstraint(fields=["party", "basis"], name="unique_basis_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()}: {'yes' if self.applies else 'no'}"


class EnhancedStatusChange(models.Model):
    """History of a party's enhanced-rights entitlement: a row each time it is worked out anew."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="enhanced_history")
    enhanced = models.BooleanField()
    bases = models.JSONField(help_text="The bases that applied at the time.")
    reason = models.CharField(max_length=200)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["party", "changed_at", "id"]


class PersistentTargeting(models.Model):
    """A person found persistently targeted under the policy in force: when, by which policy,
    on which party (whose case's supervisors were told) and the crimes that counted. A later
    crime that counts with these is added to the same finding, which is told once."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="persistent_targetings"
    )
    policy = models.ForeignKey(
        PersistentTargetingPolicy, on_delete=models.PROTECT, related_name="+"
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The victim whose crime brought the count to the policy's number.",
    )
    found_at = models.DateTimeField()
    cases = models.ManyToManyField(Case, related_name="+", help_text="The crimes that counted.")

    class Meta:
        ordering = ["person", "found_at", "id"]

    def __str__(self) -> str:
        return f"Persistent targeting finding {self.pk}"


# ---------------------------------------------------------------------------------------------
# What happens on the case
# ---------------------------------------------------------------------------------------------


class ContactMethod(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    HOME_VISIT = "home_visit", "Home visit"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    TEXT = "text", "Text message"
    # A message the person sent through Track my case (portal): always incoming.
    ONLINE_PORTAL = "online_portal", "Online portal"


class ContactDirection(models.TextChoices):
    OUTGOING = "outgoing", "We contacted them"
    INCOMING = "incoming", "They contacted us"


class ContactPurpose(models.TextChoices):
    INITIAL = "initial", "Initial engagement"
    UPDATE = "update", "Update"
    NEEDS_ASSESSMENT = "needs_assessment", "Needs assessment"
    VPS = "vps", "Victim personal statement"
    SPECIAL_MEASURES = "special_measures", "Special measures discussion"
    POST_CHARGE = "post_charge", "Post-charge support"
    OTHER = "other", "Other"


class ContactOutcomeQuerySet(models.QuerySet):
    def offered(self, *, on: datetime.date):
        """The outcomes an officer may choose for a contact on this day, in their order."""
        return self.filter(is_active=True, effective_from__lte=on).order_by("order", "label")


class ContactOutcome(models.Model):
    """What came of a contact or an attempt at one: a row an administrator keeps.

    Only an outcome that counts as contact meets a duty; the others are attempts, kept on the
    duty as evidence of effort. One that leaves a message is refused where the person's
    safe-contact profile says no messages."""

    REACHED = "reached"  # what contacts recorded before outcomes existed are taken to have been

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=120, help_text="What the officer reads and picks.")
    counts_as_contact = models.BooleanField(
        help_text="The person was reached: a contact with this outcome can meet a duty."
    )
    leaves_message = models.BooleanField(
        default=False,
        help_text="A message was left: refused where the person may not be left messages.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    effective_from = models.DateField()
    source = models.CharField(max_length=300)

    objects = ContactOutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


class Contact(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contacts")
    occurred_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=20, choices=ContactMethod.choices)
    direction = models.CharField(
        max_length=10, choices=ContactDirection.choices, default=ContactDirection.OUTGOING
    )
    purpose = models.CharField(max_length=20, choices=ContactPurpose.choices)
    outcome = models.ForeignKey(ContactOutcome, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = CaseHistory()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["party", "purpose", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} by {self.get_method_display()}"


class EventKind(models.TextChoices):
    ARREST = "arrest", "Suspect arrested"
    INTERVIEW = "interview", "Suspect interviewed under caution"
    RELEASED_NO_CHARGE = "released_no_charge", "Suspect released without charge"
    BAIL = "bail", "Suspect released on bail"
    RUI = "rui", "Suspect released under investigation"
    BAIL_CHANGED = "bail_changed", "Bail conditions changed or cancelled"
    ESCAPE = "escape", "Suspect escaped or absconded"
    NOT_INVESTIGATED = "not_investigated", "Decision not to investigate"
    CHARGE = "charge", "Suspect charged"
    OUT_OF_COURT = "out_of_court", "Out-of-court disposal"
    NO_PROSECUTION = "no_prosecution", "Decision not to prosecute"
    PASSED_TO_WCU = "passed_to_wcu", "Passed to the Witness Care Unit"
    HEARING_LISTED = "hearing_listed", "Hearing listed"
    HEARING_OUTCOME = "hearing_outcome", "Hearing outcome"
    HEARING_MOVED = "hearing_moved", "Hearing moved at short notice"
    REQUIRED_TO_GIVE_EVIDENCE = "required_to_give_evidence", "Witness required to give evidence"
    SPECIAL_MEASURES_DECISION = "special_measures_decision", "Special measures decision"
    VERDICT = "verdict", "Verdict"
    SENTENCE = "sentence", "Sentence"
    APPEAL = "appeal", "Appeal"
    VRR_REQUEST = "vrr_request", "Victims' Right to Review request received"
    COMPLAINT = "complaint", "Complaint received"


# Information that reaches the Witness Care Unit from the court or CPS: its clocks run from receipt.
RECEIVED_EVENT_KINDS = frozenset(
    {
        EventKind.HEARING_LISTED,
        EventKind.HEARING_OUTCOME,
        EventKind.HEARING_MOVED,
        EventKind.REQUIRED_TO_GIVE_EVIDENCE,
        EventKind.SPECIAL_MEASURES_DECISION,
        EventKind.VERDICT,
        EventKind.SENTENCE,
        EventKind.APPEAL,
    }
)


# The event form's fields that only some kinds of event ask for, and which: the form shows each
# only for its kinds (an arrest asks for no hearing date) and drops a value left in one hidden.
# The fields every event has (when, the person it concerns, notes) are not listed.
EVENT_KIND_FIELDS: dict[str, frozenset[str]] = {
    "received_at": RECEIVED_EVENT_KINDS,
    "hearing_at": frozenset({EventKind.HEARING_LISTED}),
    "venue": frozenset({EventKind.HEARING_LISTED}),
    "outcome": frozenset(
        {
            EventKind.OUT_OF_COURT,
            EventKind.HEARING_OUTCOME,
            EventKind.SPECIAL_MEASURES_DECISION,
            EventKind.VERDICT,
            EventKind.SENTENCE,
            EventKind.APPEAL,
            EventKind.VRR_REQUEST,
            EventKind.COMPLAINT,
        }
    ),
    "custody_months": frozenset({EventKind.SENTENCE}),
    "wcu_team": frozenset({EventKind.PASSED_TO_WCU}),
}


class EventQuerySet(models.QuerySet):
    def current(self):
        return self.filter(withdrawn_at__isnull=True)


class CaseEvent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(
        null=True, blank=True, help_text="When the Witness Care Unit received it from court or CPS."
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        help_text="The witness it concerns, where it concerns one.",
    )
    hearing_at = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    custody_months = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(max_length=300, blank=True)
    # What recording the event changed on the case, each field's value before and after
    # ({"status": ["under_investigation", "with_wcu"]}): withdrawing the event puts them back.
    changes = models.JSONField(null=True, blank=True)
    history = CaseHistory()

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "kind"])]

    def __str__(self) -> str:
        return self.get_kind_display()


class NeedsAssessment(models.Model):
    """A versioned victim needs assessment. A reassessment is a new version; none is edited."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="needs_assessments")
    version = models.PositiveSmallIntegerField()
    assessed_at = models.DateTimeField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=200, default="Initial assessment")
    communication_and_language = models.TextField(blank=True)
    interpreter_needed = models.BooleanField(default=False)
    safe_contact_notes = models.TextField(blank=True)
    health_and_disability = models.TextField(blank=True)
    mental_disorder = models.BooleanField(default=False)
    impairment_of_intelligence = models.BooleanField(default=False)
    physical_disability = models.BooleanField(default=False)
    persistently_targeted = models.BooleanField(default=False)
    intimidated = models.BooleanField(default=False)
    intimidation_factors = models.JSONField(default=list, blank=True)
    support_needs = models.TextField(blank=True)
    special_measures_needed = models.BooleanField(default=False)
    special_measures_notes = models.TextField(blank=True)
    court_childcare_needed = models.BooleanField(default=False)
    court_transport_needed = models.BooleanField(default=False)
    restorative_justice_info_given = models.BooleanField(default=False)
    vps_offered = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    history = CaseHistory()

    class Meta:
        ordering = ["party", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["party", "version"], name="unique_assessment_version"),
        ]


class UpdateMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"
    VISIT = "visit", "Visit"


class UpdateAgreement(models.Model):
    """The 'victim contract': how often and how a victim wants updates. A change is a new row."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="update_agreements")
    frequency_days = models.PositiveSmallIntegerField(help_text="Days between updates.")
    method = models.CharField(max_length=20, choices=UpdateMethod.choices)
    notes = models.CharField(max_length=300, blank=True)
    agreed_at = models.DateTimeField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    next_update_due_at = models.DateTimeField(
        null=True, blank=True, help_text="Derived from the frequency and the last update."
    )
    history = CaseHistory()

    class Meta:
        ordering = ["party", "-agreed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["party"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_update_agreement",
            ),
        ]
        indexes = [models.Index(fields=["next_update_due_at"])]


class RiskGrade(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


RISK_ORDER = {RiskGrade.STANDARD: 0, RiskGrade.MEDIUM: 1, RiskGrade.HIGH: 2}


class RiskAnswer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class RiskAssessment(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="risk_assessments")
    question_set = models.ForeignKey(RiskQuestionSet, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(help_text="Question number to yes, no or not known.")
    score = models.PositiveSmallIntegerField(help_text="Number of yes answers.")
    actuarial_grade = models.CharField(max_length=10, choices=RiskGrade.choices)
    judgement_grade = models.CharField(
        max_length=10,
        choices=RiskGrade.choices,
        blank=True,
        help_text="Professional judgement may raise the grade, never lower it.",
    )
    judgement_reason = models.TextField(blank=True)
    grade = models.CharField(max_length=10, choices=RiskGrade.choices)
    marac_referral = models.BooleanField(default=False)
    marac_reasons = models.JSONField(default=list)
    domestic_abuse_incidents_in_window = models.PositiveSmallIntegerField(default=0)
    history = CaseHistory()

    class Meta:
        ordering = ["party", "-assessed_at"]


class SpecialMeasuresStatus(models.TextChoices):
    CONSIDERED = "considered", "Considered"
    NOT_NEEDED = "not_needed", "Considered, not needed"
    MG2_SUBMITTED = "mg2_submitted", "MG2 submitted to CPS"
    APPLIED = "applied", "Applied for"
    GRANTED = "granted", "Granted"
    PARTLY_GRANTED = "partly_granted", "Partly granted"
    REFUSED = "refused", "Refused"


class SpecialMeasuresRecord(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="special_measures")
    measures = models.ManyToManyField(SpecialMeasure, related_name="+", blank=True)
    eligibility = models.CharField(
        max_length=20, choices=[("vulnerable", "Vulnerable"), ("intimidated", "Intimidated")]
    )
    status = models.CharField(max_length=20, choices=SpecialMeasuresStatus.choices)
    mg2_submitted_at = models.DateTimeField(null=True, blank=True)
    decision_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    considered_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = CaseHistory()

    class Meta:
        ordering = ["party", "-considered_at"]


class VpsStage(models.TextChoices):
    """When a victim personal statement is offered: the Code offers it when the statement is
    taken, and again at charge and before sentence, as the impact may have changed."""

    STATEMENT = "statement", "When the statement was taken"
    CHARGE = "charge", "At charge"
    BEFORE_SENTENCE = "before_sentence", "Before sentence"


class VpsStatus(models.TextChoices):
    """The person's answer to an offer."""

    # Older records kept only that the offer was made; new ones always say the answer.
    OFFERED = "offered", "Offered (answer not recorded)"
    DECLINED = "declined", "Declined"
    TAKEN = "taken", "Made a statement"
    LATER = "later", "Wants to make one later"


# The answers an officer records now (an offer always has one).
VPS_ANSWERS = [(code, label) for code, label in VpsStatus.choices if code != VpsStatus.OFFERED]


class VpsReading(models.TextChoices):
    """How the person wants the statement used in court, if there is a guilty plea or verdict."""

    UNDECIDED = "undecided", "Not decided yet"
    READ_BY_VICTIM = "read_by_victim", "Read aloud in court by the victim"
    READ_FOR_VICTIM = "read_for_victim", "Read aloud by someone else"
    PLAYED = "played", "Played in court (recorded)"
    NOT_READ = "not_read", "Not used in court (the judge reads it)"


class VictimPersonalStatement(models.Model):
    """One offer of a victim personal statement at one stage, and the person's answer."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="statements")
    # db_default, so rows inserted in SQL (tools, older records) are of the first stage.
    stage = models.CharField(
        max_length=20,
        choices=VpsStage.choices,
        default=VpsStage.STATEMENT,
        db_default=VpsStage.STATEMENT,
    )
    status = models.CharField(max_length=10, choices=VpsStatus.choices)
    offered_at = models.DateTimeField()
    taken_at = models.DateTimeField(null=True, blank=True)
    reading_preference = models.CharField(
        max_length=20, choices=VpsReading.choices, default=VpsReading.UNDECIDED
    )
    read_by = models.CharField(
        max_length=200,
        blank=True,
        db_default="",
        help_text="Who reads it aloud, when someone else reads it for the person.",
    )
    is_further_statement = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = CaseHistory()

    class Meta:
        ordering = ["party", "-offered_at"]
        indexes = [models.Index(fields=["party", "stage"], name="vps_by_party_stage")]

    def clean(self) -> None:
        if self.reading_preference == VpsReading.READ_FOR_VICTIM and not self.read_by.strip():
            raise ValidationError({"read_by": "Say who will read the statement aloud."})


class WitnessCare(models.Model):
    """Post-charge support for one person in the case."""

    party = models.OneToOneField(Party, on_delete=models.CASCADE, related_name="witness_care")
    dates_to_avoid = models.TextField(blank=True)
    pre_trial_visit_offered_at = models.DateTimeField(null=True, blank=True)
    expenses_info_given_at = models.DateTimeField(null=True, blank=True)
    court_needs_assessed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = CaseHistory()
