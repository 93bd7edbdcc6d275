from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from accounts.models import Role
from audit.history import CaseHistory
from cases.models import Case, EffectiveQuerySet


class AgencyKind(models.TextChoices):
    VICTIM_SERVICE = "victim_service", "Commissioned victim service"
    IDVA = "idva", "Independent domestic violence adviser (IDVA)"
    ISVA = "isva", "Independent sexual violence adviser (ISVA)"
    SARC = "sarc", "Sexual assault referral centre (SARC)"
    MARAC = "marac", "MARAC coordinator"
    WITNESS_SERVICE = "witness_service", "Witness Service"
    RESTORATIVE_JUSTICE = "restorative_justice", "Restorative justice"
    YOUNG_WITNESS = "young_witness", "Young witness service"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    MENTAL_HEALTH = "mental_health", "Mental health"
    OTHER = "other", "Other"


class SupportAgency(models.Model):
    """An organisation the force refers victims to. Its users see only its own referrals."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=AgencyKind.choices)
    area = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    response_target_working_days = models.PositiveSmallIntegerField(default=2)
    accepts_offence_flags = models.JSONField(
        default=list, blank=True, help_text="Offence flags it takes (empty: any offence)."
    )
    accepts_min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    accepts_max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    accepts_risk_levels = models.JSONField(
        default=list, blank=True, help_text="Risk grades it takes (empty: any)."
    )
    consent_basis = models.CharField(
        max_length=20,
        choices=[
            ("consent", "Consent"),
            ("explicit_consent", "Explicit consent"),
            ("public_task", "Public task"),
            ("legal_obligation", "Legal obligation"),
        ],
        default="consent",
        help_text="The lawful basis the agency needs for a referral.",
    )
    contact_route = models.CharField(
        max_length=300, blank=True, help_text="How referrals reach them outside VictimCare."
    )
    is_active = models.BooleanField(default=True)
    # What the public support page shows (/information/support/), in English and Welsh. Kept
    # apart from the contact fields above, which are how the police reach the agency and are
    # never shown to the public.
    listed_publicly = models.BooleanField(
        default=False, help_text="Show it on the public support page for victims."
    )
    public_summary_en = models.TextField(
        blank=True, help_text="What it offers, in plain English, for the public page."
    )
    public_summary_cy = models.TextField(blank=True, help_text="The same, in Welsh.")
    self_referral_en = models.TextField(
        blank=True,
        help_text="How a victim can contact it themselves, in plain English (public details only).",
    )
    self_referral_cy = models.TextField(blank=True, help_text="The same, in Welsh.")
    public_phone = models.CharField(
        max_length=40, blank=True, help_text="The agency's public helpline, for victims."
    )
    public_website = models.URLField(blank=True, help_text="The agency's public website.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "support agencies"

    def __str__(self) -> str:
        return self.name


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", "Consent"
    EXPLICIT_CONSENT = "explicit_consent", "Explicit consent"
    PUBLIC_TASK = "public_task", "Public task"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"


CONSENT_BASES = (LawfulBasis.CONSENT, LawfulBasis.EXPLICIT_CONSENT)


class ShareItem(models.TextChoices):
    """What the victim agreed may be shared with the agency."""

    CONTACT = "contact", "Contact details and safe times"
    LANGUAGE = "language", "Language and communication needs"
    OFFENCE = "offence", "The kind of crime and when"
    RISK = "risk", "Risk level"
    NEEDS = "needs", "Support needs"


class ConsentMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    WRITTEN = "written", "In writing"
    OTHER = "other", "Other"


def default_automatic_scope() -> list[str]:
    # The least a service needs to make contact. Communication needs can reveal a disability
    # (special category data, which needs explicit consent or substantial public interest):
    # they go only with the victim's answer, unless a force adds them here.
    return [ShareItem.CONTACT, ShareItem.OFFENCE]


class ReferralPolicy(models.Model):
    """The consent model and proposal rules, as in force from a date. DOMAIN.md marks the 2020
    opt-in / opt-out split as unconfirmed: a force sets its own here.

    A victim who need not opt in and has not opted out is referred to the commissioned victim
    service by VictimCare itself (referrals.automatic), on the lawful basis, exception to consent
    and sharing set here: the police may rely on public task to refer victims to a support
    service, the Victims' Code being a duty in law (DVCVA 2004 s.32; DOMAIN.md section 14,
    Victim Support's note on the legal bases)."""

    name = models.CharField(max_length=100)
    effective_from = models.DateField()
    source = models.CharField(max_length=300)
    opt_in_flags = models.JSONField(
        help_text="Offence flags for which the victim must opt in (explicit consent)."
    )
    opt_in_roles = models.JSONField(
        default=list, help_text="Roles that must opt in whatever the offence, e.g. bereaved."
    )
    sarc_recent_days = models.PositiveSmallIntegerField(
        default=7, help_text="A sexual offence this recent also proposes a SARC referral."
    )
    automatic_lawful_basis = models.CharField(
        max_length=20,
        choices=[
            ("public_task", "Public task"),
            ("legal_obligation", "Legal obligation"),
        ],
        default="public_task",
        db_default="public_task",
        help_text="The lawful basis VictimCare records when it sends a victim service referral "
        "itself: the victim need not opt in and did not opt out.",
    )
    automatic_exception_code = models.SlugField(
        max_length=40,
        default="legal_duty",
        db_default="legal_duty",
        help_text="The exception to consent (its code) an automatic referral relies on. It must "
        "be in force and allow the victim service; if none is, nothing is sent automatically.",
    )
    automatic_scope = models.JSONField(
        default=default_automatic_scope,
        db_default=["contact", "offence"],
        help_text="What an automatic referral shares with the victim service (contact, language, "
        "offence, risk, needs). The officer's own record of the victim's answer takes its place.",
    )
    automatic_after_hours = models.PositiveSmallIntegerField(
        default=4,
        db_default=4,
        help_text="Hours a proposal waits, for the officer to record an opt-out, before VictimCare "
        "sends it. It is only sent within the Right 4 time limit.",
    )

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "referral policies"

    def __str__(self) -> str:
        return f"{self.name} from {self.effective_from}"

    def clean(self) -> None:
        scope = self.automatic_scope
        if not isinstance(scope, list) or any(item not in ShareItem.values for item in scope):
            raise ValidationError(
                {
                    "automatic_scope": "List what may be shared from: "
                    + ", ".join(ShareItem.values)
                    + "."
                }
            )


class SharingExceptionQuerySet(models.QuerySet):
    def in_force(self, on):
        """The exceptions a force relies on that day: taken effect and not yet ended."""
        return self.filter(effective_from__lte=on).filter(
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gt=on)
        )


class SharingException(models.Model):
    """A named exception that lets the police share a victim's details without their consent
    (safeguarding a child, an adult at risk, risk to life, a legal duty), and the kinds of agency
    it may be relied on for. Policy, not code: a force edits these in the admin, dated, with the
    source it relies on."""

    code = models.SlugField(
        max_length=40, help_text="A short name for the exception, e.g. risk_to_life."
    )
    name = models.CharField(max_length=100, help_text="As officers and supervisors read it.")
    description = models.TextField(blank=True, help_text="When it applies, in plain words.")
    agency_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="The kinds of agency it allows sharing with (AgencyKind codes). Empty: none.",
    )
    effective_from = models.DateField()
    effective_to = models.DateField(
        null=True, blank=True, help_text="The last day is the day before; empty: still in force."
    )
    source = models.CharField(max_length=300)

    objects = SharingExceptionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="sharing_exception_code_from_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gt=models.F("effective_from")),
                name="sharing_exception_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def allows(self, kind: str, on) -> bool:
        """Whether it may be relied on, that day, to share with an agency of this kind."""
        in_force = self.effective_from <= on and (
            self.effective_to is None or on < self.effective_to
        )
        return in_force and kind in (self.agency_kinds or [])


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn by the police"
    RETURNED = "returned", "Returned for more information"


# The state machine: from status -> {to status: who may make the move}. The police send, resend
# and withdraw; the agency accepts, declines, returns, starts and closes (referrals.services
# makes the moves).
POLICE, AGENCY = "police", "agency"
_S = ReferralStatus
TRANSITIONS: dict[str, dict[str, str]] = {
    _S.DRAFT: {_S.SENT: POLICE, _S.WITHDRAWN: POLICE},
    _S.SENT: {_S.ACCEPTED: AGENCY, _S.DECLINED: AGENCY, _S.RETURNED: AGENCY, _S.WITHDRAWN: POLICE},
    _S.RETURNED: {_S.SENT: POLICE, _S.WITHDRAWN: POLICE},
    _S.ACCEPTED: {_S.IN_PROGRESS: AGENCY, _S.CLOSED: AGENCY, _S.WITHDRAWN: POLICE},
    _S.IN_PROGRESS: {_S.CLOSED: AGENCY, _S.WITHDRAWN: POLICE},
    _S.DECLINED: {},
    _S.CLOSED: {},
    _S.WITHDRAWN: {},
}
# What "an open referral" means, everywhere (the duplicate check, withdrawing consent, the
# agency's list, the home pages): one that can still move, i.e. not declined, closed or
# withdrawn. Worked out from the state machine, so a status added to it is open or not by what
# it allows, never by a list kept elsewhere.
OPEN_REFERRAL_STATUSES = tuple(status for status, moves in TRANSITIONS.items() if moves)
# Open and waiting on the agency (its worklist): a status only the agency can move on from
# (sent, accepted, in progress), where a draft or a returned referral waits on the police.
WITH_AGENCY = tuple(
    status
    for status, moves in TRANSITIONS.items()
    if any(actor == AGENCY for to, actor in moves.items() if to != _S.WITHDRAWN)
)


class ReferralQuerySet(models.QuerySet):
    def open(self):
        """Referrals that are open (OPEN_REFERRAL_STATUSES)."""
        return self.filter(status__in=OPEN_REFERRAL_STATUSES)

    def with_agency(self):
        """Open referrals waiting on the agency (WITH_AGENCY)."""
        return self.filter(status__in=WITH_AGENCY)

    def visible_to(self, user):
        """Agency staff see their own agency's referrals once sent; police follow the case."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if Role.AGENCY in user.roles:
            if user.agency_id is None:
                return self.none()
            # Only what was actually sent: a draft withdrawn before sending was never shared.
            return self.filter(agency_id=user.agency_id, sent_at__isnull=False)
        return self.filter(case__in=Case.objects.visible_to(user))


class Referral(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    party = models.ForeignKey("cases.Party", on_delete=models.CASCADE, related_name="referrals")
    agency = models.ForeignKey(SupportAgency, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    proposed_reason = models.CharField(
        max_length=300, blank=True, help_text="Why the portal proposed it, if it did."
    )
    support_requested = models.TextField(blank=True)
    risk_level = models.CharField(max_length=10, blank=True)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices, blank=True)
    # Under a basis other than consent: the exception relied on, and why, for the supervisor.
    sharing_exception = models.ForeignKey(
        SharingException,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        help_text="The exception relied on to share without consent.",
    )
    sharing_reason = models.TextField(
        blank=True, help_text="Why sharing without consent was necessary (police only)."
    )
    consent_scope = models.JSONField(default=list, blank=True, help_text="ShareItem codes.")
    consent_method = models.CharField(max_length=20, choices=ConsentMethod.choices, blank=True)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    consent_withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why declined, returned or withdrawn.")
    outcome = models.TextField(blank=True)
    sent_automatically = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Sent by VictimCare itself (Right 4), not by an officer.",
    )
    version = models.PositiveIntegerField(default=1)
    # Not `history`: that name is the referral's own event log (ReferralEvent.referral).
    record_history = CaseHistory()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["status", "respond_by"]),
            # The compliance dashboard counts the referrals sent on the last day or two live.
            models.Index(fields=["sent_at"]),
            # The referrals API pages newest first.
            models.Index(fields=["-created_at", "-id"], name="referral_newest_idx"),
            # The automatic referral sweep reads the few drafts of the last days.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="draft"),
                name="referral_draft_by_created",
            ),
            # The supervisors' list of referrals shared without consent, newest first.
            models.Index(
                fields=["-consent_recorded_at", "-id"],
                condition=models.Q(lawful_basis__in=["public_task", "legal_obligation"]),
                name="referral_without_consent_idx",
            ),
        ]
        constraints = [
            # An exception is relied on only instead of consent, and never without a reason.
            models.CheckConstraint(
                condition=models.Q(sharing_exception__isnull=True)
                | (
                    models.Q(lawful_basis__in=["public_task", "legal_obligation"])
                    & ~models.Q(sharing_reason="")
                ),
                name="referral_exception_without_consent_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral to {self.agency}"

    @property
    def shared_without_consent(self) -> bool:
        """Recorded on a lawful basis other than the victim's consent."""
        return bool(self.lawful_basis) and self.lawful_basis not in CONSENT_BASES

    @property
    def consent_active(self) -> bool:
        return self.consent_recorded_at is not None and self.consent_withdrawn_at is None


class ReferralEvent(models.Model):
    """History: every move, update and consent change, with who and when."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=20)  # move, update, consent, consent_withdrawn
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]


class AgencyToken(models.Model):
    """An agency system's key to the referrals API. Only a SHA-256 hash of the key is stored: the
    raw key is shown once, when it is issued (referrals.tokens.issue_token). The token acts as its
    own service user, who holds the agency role and belongs to the agency, so every permission rule
    for agency staff applies to it unchanged."""

    agency = models.ForeignKey(SupportAgency, on_delete=models.PROTECT, related_name="api_tokens")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="agency_token",
        help_text="The service user the token signs in as.",
    )
    name = models.CharField(max_length=100, help_text="Which system uses it, e.g. 'Case system'.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agency__name", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
