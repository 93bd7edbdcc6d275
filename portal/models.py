"""Track my case: a victim's or witness's own door into their case.

What the portal may show and how long its links and sessions live are rows with an effective
date and a source (`PortalPolicy`, `VictimEventRule`), so a force changes them without a deploy.
Secrets are never stored: a link's token, a passcode and a one-time code are kept only as hashes,
and the token and the code are made by the worker at the moment they are sent, so they are never
in the database or the broker either.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models import EffectiveQuerySet, EventKind


class PortalPolicy(models.Model):
    """How long a link and a session live, how many guesses a second factor allows, and the
    schedule urgent news is retried on, as in force from a date."""

    name = models.CharField(max_length=100)
    effective_from = models.DateField()
    source = models.CharField(max_length=300)
    link_valid_hours = models.PositiveSmallIntegerField(default=72)
    session_idle_minutes = models.PositiveSmallIntegerField(default=15)
    session_max_minutes = models.PositiveSmallIntegerField(default=60)
    code_valid_minutes = models.PositiveSmallIntegerField(default=10)
    max_failed_attempts = models.PositiveSmallIntegerField(
        default=5, help_text="Wrong answers to the second factor before the access is locked."
    )
    lockout_minutes = models.PositiveSmallIntegerField(default=30)
    urgent_first_within_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Urgent news must first reach the person within this time."
    )
    urgent_retry_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Minutes between tries of urgent news not yet confirmed."
    )
    urgent_max_attempts = models.PositiveSmallIntegerField(default=8)
    urgent_tell_officer_after_minutes = models.PositiveSmallIntegerField(default=60)
    new_link_every_minutes = models.PositiveSmallIntegerField(
        default=60,
        help_text="A person who asks for a new link gets one at most this often.",
    )

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name_plural = "portal policies"

    def __str__(self) -> str:
        return f"{self.name} from {self.effective_from}"


class VictimEventRuleQuerySet(models.QuerySet):
    def in_force(self, on) -> dict[str, "VictimEventRule"]:
        """Each event kind's rule in force on a date (the latest that took effect by then)."""
        rows = self.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gt=on), effective_from__lte=on
        ).order_by("kind", "effective_from", "id")
        return {row.kind: row for row in rows}


class VictimEventRule(models.Model):
    """Whether an event of a kind may be shown to the victim or witness, and whether it is urgent
    news (sent at once by their safe channel, retried until they confirm). A kind with no row is
    neither: nothing reaches a victim unless a row says so."""

    kind = models.CharField(max_length=40, choices=EventKind.choices)
    shareable = models.BooleanField(help_text="Shown on the victim's own page.")
    urgent = models.BooleanField(default=False, help_text="Sent at once and retried.")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300)

    objects = VictimEventRuleQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="one_event_rule_a_day"),
            models.CheckConstraint(
                condition=Q(urgent=False) | Q(shareable=True), name="urgent_is_shareable"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.effective_from}"


class SelfService(models.Model):
    """Why a person may not use Track my case by themselves, and a supervisor's leave to let them.

    A restricted case, or a person whose phone or email the suspect may see, has no self-service
    unless a supervisor allows it for that person."""

    party = models.OneToOneField("cases.Party", on_delete=models.CASCADE, related_name="+")
    suspect_may_see_phone = models.BooleanField(default=False)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    flagged_at = models.DateTimeField(null=True, blank=True)
    allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    allowed_at = models.DateTimeField(null=True, blank=True)
    allow_reason = models.CharField(max_length=300, blank=True)


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class Factor(models.TextChoices):
    PASSCODE = "passcode", "A passcode given in person"
    DOB_AND_CODE = "dob_and_code", "Date of birth and a code sent to them"


class LinkPurpose(models.TextChoices):
    """Why a link is sent: its message says so."""

    FIRST = "first", "The first link"
    REPLY = "reply", "The officer replied"
    AGAIN = "again", "The person asked for a new link"


class Send(models.TextChoices):
    """Where a message to the person stands in the outbox."""

    NONE = "", "Nothing to send"
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent"


class AccessQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class Access(models.Model):
    """One person's access to one case, issued by an officer, until revoked."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey("cases.Party", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    factor = models.CharField(max_length=20, choices=Factor.choices)
    passcode_hash = models.CharField(max_length=128, blank=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The link: its token's SHA-256, made and stored by the worker that sends it.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires_at = models.DateTimeField()
    link_status = models.CharField(max_length=10, choices=Send.choices, default=Send.PENDING)
    link_queued_at = models.DateTimeField(null=True, blank=True)
    link_sent_at = models.DateTimeField(null=True, blank=True)
    link_used_at = models.DateTimeField(null=True, blank=True)
    # The one-time code of the date-of-birth factor, likewise made by the worker.
    code_hash = models.CharField(max_length=128, blank=True)
    code_status = models.CharField(max_length=10, choices=Send.choices, blank=True, default="")
    code_requested_at = models.DateTimeField(null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    dob_confirmed_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(max_length=200, blank=True)
    link_purpose = models.CharField(
        max_length=10, choices=LinkPurpose.choices, default=LinkPurpose.FIRST
    )

    objects = AccessQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name_plural = "accesses"
        constraints = [
            models.UniqueConstraint(
                fields=["party"], condition=Q(revoked_at__isnull=True), name="one_active_access"
            ),
        ]
        indexes = [
            # The sweep prompts again what still waits to be sent.
            models.Index(
                fields=["link_queued_at"],
                name="portal_access_unsent",
                condition=Q(link_status="pending") | Q(code_status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"Portal access {self.pk}"


class Direction(models.TextChoices):
    FROM_PERSON = "from_person", "From the person"
    TO_PERSON = "to_person", "From the officer"


class PortalMessage(models.Model):
    """A message between the person and the officer. One from the person is also an incoming
    contact on the case (`contact`)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey("cases.Party", on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=12, choices=Direction.choices)
    body = models.TextField()
    callback_requested = models.BooleanField(default=False)
    sent_at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        "cases.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["party", "sent_at"]),
            # The officer's home: what the people in their cases sent that is not answered yet.
            models.Index(
                fields=["case", "sent_at"],
                name="portal_message_unanswered",
                condition=Q(direction="from_person", answered_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Portal message {self.pk}"


class UrgentNotice(models.Model):
    """Urgent news for one person, tried by their safe channel until they confirm it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey("cases.Party", on_delete=models.CASCADE, related_name="+")
    # None for a person with no Track my case access: the news still goes, by a safe channel of
    # their profile, and its link confirms it without signing in.
    access = models.ForeignKey(
        Access,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="urgent_notices",
    )
    channel = models.CharField(
        max_length=10,
        choices=Channel.choices,
        blank=True,
        help_text="Empty when no safe way to send it was found: the officer is told at once.",
    )
    event = models.ForeignKey("cases.CaseEvent", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    officer_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "party"], name="one_notice_per_event_person"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="portal_urgent_unconfirmed",
                condition=Q(confirmed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Urgent notice {self.pk}"


class UrgentAttempt(models.Model):
    """One try at sending urgent news: the attempt log."""

    notice = models.ForeignKey(UrgentNotice, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Send.choices, default=Send.PENDING)
    outcome = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The confirmation link's token's SHA-256: every try's link confirms the notice.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["notice", "number"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "number"], name="one_try_per_number"),
        ]

    def __str__(self) -> str:
        return f"Try {self.number} of urgent notice {self.notice_id}"
