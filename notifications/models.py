"""Reminders: one row per reminder and recipient, unique in the database, so that running a sweep
twice, or two beat processes at once, can never send the same reminder twice."""

from django.conf import settings
from django.db import models

from cases.permissions import visibility
from entitlements.models import OPEN_STATUSES


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(default=True, help_text="Send reminders by email too.")
    sms = models.BooleanField(default=False, help_text="Send urgent reminders by text message.")
    mobile_number = models.CharField(max_length=20, blank=True)
    digest = models.BooleanField(
        default=False,
        help_text="One email a day listing what is due and overdue, instead of one per duty.",
    )
    digest_hour = models.PositiveSmallIntegerField(
        default=7, help_text="Hour of the day (London time) for the daily summary."
    )

    def __str__(self) -> str:
        return f"Preferences of {self.user}"


class Kind(models.TextChoices):
    DUE_SOON = "due_soon", "Due by the end of the next working day"
    OVERDUE = "overdue", "Overdue"
    ESCALATION = "escalation", "Still overdue: list for supervisors"
    NOT_REACHABLE = "not_reachable", "Could not reach the person: try another safe way"
    DIGEST = "digest", "Daily summary"
    REFERRAL_NEW = "referral_new", "New referral sent by VictimCare"
    REFERRAL_DUE = "referral_due", "Referral waiting for an answer"
    REFERRAL_OVERDUE = "referral_overdue", "Referral past its response target"
    REFERRAL_WITHDRAWN = "referral_withdrawn", "Referral withdrawn"
    VICTIM_MESSAGE = "victim_message", "Message through Track my case"
    URGENT_UNCONFIRMED = "urgent_unconfirmed", "Urgent news not confirmed by the person"
    PERSISTENT_TARGET = "persistent_target", "A victim found persistently targeted"
    HANDOVER_SENT = "handover_sent", "Hand-over waiting for the Witness Care Unit"
    HANDOVER_RETURNED = "handover_returned", "Hand-over returned by the Witness Care Unit"


class Delivery(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent"
    OFF = "off", "Channel off"


UNDELIVERED = [Delivery.PENDING, Delivery.SENDING]


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user):
        """The user's own reminders, less any about a case they may no longer see (it has been
        restricted, or passed to someone else): the title names the case."""
        return self.filter(recipient=user).filter(
            models.Q(case__isnull=True) | visibility(user, "case__")
        )

    def unread(self):
        return self.filter(read_at__isnull=True)

    def current(self):
        """Unread reminders still worth reading: nothing about a duty already dealt with."""
        return self.unread().filter(
            models.Q(duty__isnull=True) | models.Q(duty__status__in=OPEN_STATUSES)
        )


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=120, help_text="What it is about, e.g. duty:42.")
    duty = models.ForeignKey(
        "entitlements.Duty",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=10, choices=Delivery.choices, default=Delivery.PENDING
    )
    email_sent_at = models.DateTimeField(null=True, blank=True)
    sms_status = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.OFF)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    # The outbox: when a message last prompted a worker to send this, and when a worker claimed
    # it to send. A row still waiting long after queued_at is queued again (the prompt was lost:
    # broker down, worker killed); a claim never recorded as sent is taken to have failed.
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"], name="one_reminder_per_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_status"]),
            # The redelivery sweep reads only what is still to be sent, oldest prompt first.
            models.Index(
                fields=["queued_at"],
                name="notification_undelivered",
                condition=models.Q(email_status__in=UNDELIVERED)
                | models.Q(sms_status__in=UNDELIVERED),
            ),
        ]

    def __str__(self) -> str:
        # Not the title: it names the case, and this shows in the admin and in logs.
        return f"{self.get_kind_display()} reminder {self.pk}"
