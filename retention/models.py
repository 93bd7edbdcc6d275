"""How long a case's personal data is kept, and the decisions taken when it falls due for review.

The retention classes and their periods are rows with an effective date and a source (MoPI: a
minimum of 6 years, then review). DOMAIN.md section 14 marks the MoPI groups as unconfirmed [U], so
a force checks and changes them in the admin; a case keeps the rule version it was assigned.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q


class RetentionClass(models.Model):
    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "retention classes"

    def __str__(self) -> str:
        return self.name


class RuleQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gt=on), effective_from__lte=on
        )


class RetentionRule(models.Model):
    """Which cases a class applies to and for how long, as in force from a date. Of the rules in
    force, the highest priority one that matches the case wins: its offence's group, or a flag of
    the offence or one the officer added to the case (a common assault recorded as domestic
    abuse); a rule with no flags and no groups matches every offence (the default)."""

    retention_class = models.ForeignKey(
        RetentionClass, on_delete=models.PROTECT, related_name="rules"
    )
    offence_flags = models.JSONField(
        default=list, blank=True, help_text="Offence flags (any of them) that put a case here."
    )
    offence_groups = models.JSONField(
        default=list, blank=True, help_text="Offence groups (any of them) that put a case here."
    )
    priority = models.PositiveSmallIntegerField(
        default=0, help_text="Where several rules match, the highest priority wins."
    )
    minimum_years = models.PositiveSmallIntegerField(
        help_text="Years from closure (or last activity) before the first review."
    )
    review_interval_years = models.PositiveSmallIntegerField(
        help_text="Years until the next review when a review decides to retain."
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=400)
    unconfirmed = models.BooleanField(
        default=False, help_text="[U]: not confirmed against the primary text; check locally."
    )

    objects = RuleQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.retention_class.code} from {self.effective_from}"

    def matches(self, offence, added_flags: Iterable[str] = ()) -> bool:
        """Whether the rule covers an offence, with the flags an officer added to the case."""
        if not self.offence_flags and not self.offence_groups:
            return True
        flags = set(offence.flags) | set(added_flags)
        return bool(set(self.offence_flags) & flags) or (
            offence.offence_group in self.offence_groups
        )


class RetentionStatus(models.TextChoices):
    ACTIVE = "active", "Retained until its first review"
    DUE = "due", "Due for review"
    RETAINED = "retained", "Retained after review"
    DISPOSED = "disposed", "Disposed"


class CaseRetentionQuerySet(models.QuerySet):
    def due_for_review(self):
        return self.filter(status=RetentionStatus.DUE)


class CaseRetention(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="retention")
    rule = models.ForeignKey(
        RetentionRule,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text="The rule version in force when the case was assigned; it is kept.",
    )
    retention_class = models.ForeignKey(
        RetentionClass, on_delete=models.PROTECT, related_name="cases"
    )
    anchor_date = models.DateField(help_text="The case's closure, or its last activity if open.")
    review_due = models.DateField()
    status = models.CharField(
        max_length=10, choices=RetentionStatus.choices, default=RetentionStatus.ACTIVE
    )
    assigned_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    disposed_at = models.DateTimeField(null=True, blank=True)

    objects = CaseRetentionQuerySet.as_manager()

    class Meta:
        ordering = ["review_due", "id"]
        indexes = [models.Index(fields=["status", "review_due"])]

    def __str__(self) -> str:
        return f"Retention of case {self.case_id}"


class Decision(models.TextChoices):
    RETAIN = "retain", "Retain"
    DISPOSE = "dispose", "Dispose"


class ReviewDecision(models.Model):
    """A review's decision, kept for ever: a later review adds a row, none is edited."""

    retention = models.ForeignKey(CaseRetention, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["retention", "decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.decided_at:%Y-%m-%d}"


class DisposedParty(models.Model):
    """What the statistics need once a person's details are gone: no name, no date of birth."""

    retention = models.ForeignKey(
        CaseRetention, on_delete=models.CASCADE, related_name="disposed_parties"
    )
    party_id_at_disposal = models.PositiveIntegerField()
    role = models.CharField(max_length=30)
    enhanced = models.BooleanField()
    age_band_at_report = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["retention", "party_id_at_disposal"]
        verbose_name_plural = "disposed parties"
