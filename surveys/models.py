"""Quality-of-service surveys. Templates, questions and who is invited when are data; answers
belong to an invitation, never shown to staff beside a name."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    VICTIM = "victim", "Victims"
    WITNESS = "witness", "Witnesses"


class SurveyTemplate(models.Model):
    code = models.CharField(max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=200)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    introduction = models.TextField()
    # The survey page is in the language the victim chose: Welsh from these, English if empty.
    name_cy = models.CharField(max_length=200, blank=True, help_text="The name, in Welsh.")
    introduction_cy = models.TextField(blank=True, help_text="The introduction, in Welsh.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_template_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def name_in(self, language: str) -> str:
        return self.name_cy if language == "cy" and self.name_cy else self.name

    def introduction_in(self, language: str) -> str:
        if language == "cy" and self.introduction_cy:
            return self.introduction_cy
        return self.introduction


class Stage(models.TextChoices):
    EASE_OF_CONTACT = "ease_of_contact", "Ease of contact"
    ACTIONS_TAKEN = "actions_taken", "Actions taken"
    FOLLOW_UP = "follow_up", "Follow-up"
    TREATMENT = "treatment", "Treatment"
    WHOLE_EXPERIENCE = "whole_experience", "Whole experience"
    OTHER = "other", "Other"


class QuestionKind(models.TextChoices):
    SCALE = "scale", "Seven-point satisfaction scale"
    CHOICE = "choice", "Choice"
    TEXT = "text", "Free text"


# 1 is the best answer. "Satisfied" means completely, very or fairly satisfied (1 to 3). The
# labels are in the victim's language on the survey page (locale/cy), English elsewhere.
SCALE = [
    (1, _("Completely satisfied")),
    (2, _("Very satisfied")),
    (3, _("Fairly satisfied")),
    (4, _("Neither satisfied nor dissatisfied")),
    (5, _("Fairly dissatisfied")),
    (6, _("Very dissatisfied")),
    (7, _("Completely dissatisfied")),
]
SATISFIED = (1, 2, 3)


class Question(models.Model):
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.OTHER)
    text = models.CharField(max_length=300)
    choices = models.JSONField(default=list, blank=True, help_text="For a choice question.")
    text_cy = models.CharField(max_length=300, blank=True, help_text="The question, in Welsh.")
    choices_cy = models.JSONField(
        default=list,
        blank=True,
        help_text="The choices in Welsh, in the same order (the answer is kept in English).",
    )
    required = models.BooleanField(default=False)
    is_contact_consent = models.BooleanField(
        default=False, help_text="A yes to this question means the person may be contacted."
    )

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="unique_question_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    def text_in(self, language: str) -> str:
        return self.text_cy if language == "cy" and self.text_cy else self.text

    def choices_in(self, language: str) -> list[tuple[str, str]]:
        """(the value kept, the label shown): the answer is kept in English whatever the
        language, so the results count one answer once."""
        labels = self.choices
        if language == "cy" and len(self.choices_cy) == len(self.choices):
            labels = self.choices_cy
        return list(zip(self.choices, labels, strict=True))


class SurveyTrigger(models.TextChoices):
    CASE_CLOSED = "case_closed", "Case closed"
    AFTER_REPORT = "after_report", "Weeks after the report"
    COURT_OUTCOME = "court_outcome", "After the court outcome"


class SurveyRule(models.Model):
    """Who is invited, when: as data, with an effective date and a source."""

    name = models.CharField(max_length=200)
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="rules")
    trigger = models.CharField(max_length=20, choices=SurveyTrigger.choices)
    delay_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days after the trigger before inviting."
    )
    window_days = models.PositiveSmallIntegerField(
        default=30, help_text="Stop inviting this many days after the invitation fell due."
    )
    roles = models.JSONField(help_text="Roles in the case to invite.")
    always_flags = models.JSONField(
        default=list, blank=True, help_text="Offence flags always surveyed (e.g. domestic abuse)."
    )
    sampling_rate = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=1,
        help_text="Share of other cases invited (0 to 1).",
    )
    link_valid_days = models.PositiveSmallIntegerField(default=28)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SurveyOptOut(models.Model):
    """A person who does not want surveys. Never invited again."""

    person = models.OneToOneField("cases.Person", on_delete=models.CASCADE, related_name="+")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class RestrictedSurveyAllowance(models.Model):
    """A supervisor's permission to survey the people in a restricted case."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    allowed_at = models.DateTimeField()
    reason = models.CharField(max_length=300)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    # Closed by the system, not by the person: the page must never say they declined.
    CLOSED = "closed", "Closed by the system"


class ClosedReason(models.TextChoices):
    """Why the system closed a link. Kept for staff; the person is told only that it closed."""

    LINK_EXPIRED = "link_expired", "The link expired before it could be sent"
    OPTED_OUT = "opted_out", "The person asked for no surveys"
    CASE_RESTRICTED = "case_restricted", "The case became restricted"
    CHANNEL_UNSAFE = "channel_unsafe", "The channel is no longer safe to use"


class Invitation(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey("cases.Party", on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(SurveyRule, on_delete=models.PROTECT, related_name="+")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    nonce = models.CharField(max_length=64, help_text="Part of the link; changes nothing else.")
    channel = models.CharField(max_length=10)  # email or sms
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # A database default too: generate_force writes invitations with plain SQL.
    closed_reason = models.CharField(
        max_length=20, choices=ClosedReason.choices, blank=True, default="", db_default=""
    )
    contact_consent = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Never twice for one case.
            models.UniqueConstraint(fields=["case", "audience"], name="one_survey_per_case"),
        ]
        indexes = [
            models.Index(fields=["status", "completed_at"]),
            # The compliance dashboard counts the invitations made on the last day or two live.
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"Survey invitation {self.pk}"


class Answer(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    scale_value = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitation", "question"], name="one_answer_each"),
            models.CheckConstraint(
                condition=Q(scale_value__isnull=True) | Q(scale_value__gte=1, scale_value__lte=7),
                name="scale_one_to_seven",
            ),
        ]
