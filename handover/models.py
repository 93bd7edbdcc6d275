"""The hand-over of a charged case to the Witness Care Unit (handover/services.py).

The summary is a snapshot, kept on the row as JSON when the officer sends it, not read live from
the record: the Witness Care Unit accepts or returns what it was shown, the printed copy and the
API say the same thing later, and a return's "what is missing" is read against what was sent.
The record goes on changing after charge (a new needs assessment, a duty met), and a live summary
would make an accepted hand-over say something nobody accepted. A retention disposal blanks the
snapshot with the rest of the case's personal data (retention/services.py: dispose)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from audit.history import CaseHistory
from cases.permissions import visibility


class HandOverState(models.TextChoices):
    SENT = "sent", "Sent, waiting for the Witness Care Unit"
    ACCEPTED = "accepted", "Accepted by the Witness Care Unit"
    RETURNED = "returned", "Returned to the officer"


class HandOverQuerySet(models.QuerySet):
    def visible_to(self, user) -> "HandOverQuerySet":
        """Hand-overs of the cases the user may see (cases.permissions: restricted ones too)."""
        return self.filter(visibility(user, "case__"))

    def waiting(self) -> "HandOverQuerySet":
        return self.filter(state=HandOverState.SENT)


class HandOver(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="handovers")
    wcu_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="Witness Care Unit",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    note = models.TextField(blank=True, help_text="The officer's note to the Witness Care Unit.")
    summary = models.JSONField(help_text="What was handed over, as it stood when it was sent.")
    state = models.CharField(
        max_length=10, choices=HandOverState.choices, default=HandOverState.SENT
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    missing = models.TextField(blank=True, help_text="On a return: what the officer must add.")
    # The trace of an acceptance: the open Witness Care Unit duties that passed to the accepting
    # witness care officer.
    moved_duties = models.ManyToManyField("entitlements.Duty", blank=True, related_name="+")
    history = CaseHistory()

    objects = HandOverQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="sent"), name="one_open_handover_per_case"
            ),
            models.CheckConstraint(
                condition=Q(state="sent", answered_at__isnull=True, answered_by__isnull=True)
                | Q(
                    ~Q(state="sent"),
                    answered_at__isnull=False,
                    answered_by__isnull=False,
                ),
                name="handover_answered_when_not_sent",
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(missing=""),
                name="handover_returned_says_what_is_missing",
            ),
        ]
        indexes = [models.Index(fields=["wcu_team", "state", "sent_at"])]

    def __str__(self) -> str:
        return f"Hand-over {self.pk} of case {self.case_id}"

    @property
    def accepted(self) -> bool:
        return self.state == HandOverState.ACCEPTED

    @property
    def returned(self) -> bool:
        return self.state == HandOverState.RETURNED
