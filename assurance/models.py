"""Quality assurance: a supervisor dip-samples cases and reviews each against a checklist of what
good looks like. The checklist is data with an effective date and a source, so a force changes
its questions without a deploy; a sample keeps the version in force on the day it was drawn."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import TeamMembership


class Area(models.TextChoices):
    """The areas of service a review looks at (issue 8), in the order they are shown."""

    INITIAL_ENGAGEMENT = "initial_engagement", "Initial engagement"
    RISK = "risk", "Risk"
    VULNERABILITY = "vulnerability", "Vulnerability"
    ENTITLEMENTS = "entitlements", "Entitlements under the Victims' Code"
    FACE_TO_FACE = "face_to_face", "Face-to-face engagement"
    NEEDS_ASSESSMENT = "needs_assessment", "Needs assessment"
    SPECIAL_MEASURES = "special_measures", "Special measures"
    UPDATES = "updates", "Updates"
    POST_CHARGE = "post_charge", "Post-charge support"


AREA_ORDER = {code: i for i, code in enumerate(Area.values)}


class ChecklistVersionQuerySet(models.QuerySet):
    def in_force(self, on):
        """The version in force on a date: the latest that took effect on or before it and had
        not ended."""
        return (
            self.filter(effective_from__lte=on)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
            .order_by("-effective_from", "-id")
            .first()
        )


class ChecklistVersion(models.Model):
    name = models.CharField(max_length=150)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True, help_text="Last day in force, if any.")
    source = models.CharField(max_length=300)

    objects = ChecklistVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="checklist_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} from {self.effective_from}"


class ChecklistItem(models.Model):
    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="items")
    area = models.CharField(max_length=30, choices=Area.choices)
    code = models.CharField(max_length=20, help_text="Short reference, e.g. RISK-1.")
    question = models.CharField(max_length=300)
    good_looks_like = models.TextField(
        blank=True, verbose_name="What good looks like", help_text="Guidance for the reviewer."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_checklist_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.question}"


class SampleStatus(models.TextChoices):
    OPEN = "open", "Open for review"
    CLOSED = "closed", "Closed"


class SampleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A sample is seen by the supervisor who drew it and by its team's supervisors."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        supervised = TeamMembership.objects.filter(user=user, is_supervisor=True).values("team_id")
        return self.filter(Q(created_by=user) | Q(team_id__in=supervised))


class Sample(models.Model):
    """A reproducible random draw of a team's (or one officer's) cases reported in a period."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="qa_samples")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="qa_samples_of",
        help_text="Empty for a sample of the whole team.",
    )
    period_start = models.DateField(verbose_name="Reported from")
    period_end = models.DateField(verbose_name="Reported to")
    size = models.PositiveSmallIntegerField()
    seed = models.CharField(max_length=40)
    sampled_on = models.DateField(help_text="London date the cases were drawn.")
    checklist_version = models.ForeignKey(
        ChecklistVersion, on_delete=models.PROTECT, related_name="samples"
    )
    status = models.CharField(max_length=10, choices=SampleStatus.choices, default="open")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_samples_drawn"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SampleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="sample_period_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Sample {self.pk} of {self.team}"

    @property
    def is_open(self) -> bool:
        return self.status == SampleStatus.OPEN


class SampleCase(models.Model):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="sample_cases")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="qa_samples")
    position = models.PositiveSmallIntegerField()
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The officer in the case when it was drawn: the work being reviewed.",
    )

    class Meta:
        ordering = ["sample", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "case"], name="unique_case_per_sample"),
        ]

    def __str__(self) -> str:
        return f"{self.case} in {self.sample}"


class Result(models.TextChoices):
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Review(models.Model):
    sample_case = models.OneToOneField(SampleCase, on_delete=models.CASCADE, related_name="review")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qa_reviews"
    )
    reviewed_at = models.DateTimeField(help_text="When the review was first completed.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()
    area_notes = models.JSONField(default=dict, blank=True, help_text="Area code to note.")
    overall_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["reviewed_at"])]

    def __str__(self) -> str:
        return f"Review of {self.sample_case}"


class Answer(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers")
    result = models.CharField(max_length=20, choices=Result.choices)

    class Meta:
        ordering = ["review", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="unique_answer_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.get_result_display()}"
