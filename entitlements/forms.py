from django import forms
from django.utils import timezone

from cases.forms import DateTimeInput, LocalDateTimeField, PastMomentsForm

from .models import FLAG_CHOICES, ROLE_CHOICES, DutyRule, Right


class DutyResolveForm(PastMomentsForm):
    past_moments = ("met_at",)

    ACTIONS = [
        ("meet", "It has been done"),
        ("decline", "The person declined it"),
        ("not_applicable", "It does not apply"),
        ("waive", "Waive it (supervisors)"),
    ]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect, label="What happened?")
    contact = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="The contact that met it",
        help_text="If it was met by a contact you have logged.",
    )
    met_at = LocalDateTimeField(required=False, widget=DateTimeInput(), label="When it was done")
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="How it was done, or why not",
    )

    def __init__(self, *args, duty, may_waive: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a contact that reached them can meet it: an attempt is listed on the duty.
        self.fields["contact"].queryset = (
            duty.party.contacts.filter(outcome__counts_as_contact=True)
            .select_related("outcome")
            .order_by("-occurred_at")
        )
        self.fields["contact"].label_from_instance = lambda c: (
            f"{timezone.localtime(c.occurred_at):%d %b %Y %H:%M}: {c.get_purpose_display()} by "
            f"{c.get_method_display().lower()}, {str(c.outcome).lower()}"
        )
        if not may_waive:
            self.fields["action"].choices = self.ACTIONS[:3]


class EditionCopyForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name of the new edition")
    source = forms.CharField(
        max_length=400,
        label="Where it comes from",
        help_text="For example: Code of Practice for Victims of Crime, 2027 edition.",
    )


class EditionScheduleForm(forms.Form):
    starts_on = forms.DateField(
        label="First day in force",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The edition in force now ends the day before. It must be a future date.",
        error_messages={
            "required": "Give the date the new edition starts.",
            "invalid": "Enter the start date as a date, for example 1 February 2027.",
        },
    )


def _choices_error(what: str) -> dict[str, str]:
    return {
        "invalid_choice": f"%(value)s is not a known {what}: choose from the list.",
        "invalid_list": f"Choose the {what}s from the list.",
    }


class DraftRuleForm(forms.ModelForm):
    """A draft's rule with typed fields: roles and offence flags are ticked from the lists (an
    unknown value is refused in words), the clock is a number of days or hours."""

    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label="Owed to",
        error_messages={
            "required": "Choose at least one role the duty is owed to.",
            **_choices_error("role"),
        },
    )
    offence_flags = forms.MultipleChoiceField(
        choices=FLAG_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Only for offences flagged",
        help_text="Tick none for every offence.",
        error_messages=_choices_error("offence flag"),
    )

    class Meta:
        model = DutyRule
        fields = [
            "title",
            "trigger",
            "clock_from_receipt",
            "roles",
            "offence_flags",
            "min_custody_months",
            "min_age",
            "max_age",
            "standard_working_days",
            "enhanced_working_days",
            "calendar_hours",
            "met_by",
            "owner",
            "source",
        ]
        labels = {
            "trigger": "Starts when",
            "standard_working_days": "Working days, standard rights",
            "enhanced_working_days": "Working days, enhanced rights",
            "calendar_hours": "Or a clock in hours",
            "met_by": "Met by",
            "min_age": "Only for people aged at least",
            "max_age": "Only for people aged at most",
        }
        error_messages = {
            "trigger": {"invalid_choice": "%(value)s is not a known event: choose from the list."},
            "owner": {"invalid_choice": "%(value)s is not a known owner: choose from the list."},
            "met_by": {"invalid_choice": "%(value)s is not a known record: choose from the list."},
            "standard_working_days": {"invalid": "Enter the working days as a whole number."},
            "enhanced_working_days": {"invalid": "Enter the working days as a whole number."},
            "calendar_hours": {"invalid": "Enter the hours as a whole number."},
            "min_age": {"invalid": "Enter the age in whole years."},
            "max_age": {"invalid": "Enter the age in whole years."},
            "title": {"required": "Say what the force must do, in a few words."},
            "source": {"required": "Say where the rule comes from."},
        }


class NewDraftRuleForm(DraftRuleForm):
    """A rule added to a draft: its code and the Right it belongs to, then the same typed
    fields as a changed rule."""

    class Meta(DraftRuleForm.Meta):
        fields = ["code", "right", *DraftRuleForm.Meta.fields]
        labels = {
            **DraftRuleForm.Meta.labels,
            "code": "Code",
            "right": "Right or standard it belongs to",
        }
        help_texts = {"code": "A code not used in this draft, for example R31."}
        error_messages = {
            **DraftRuleForm.Meta.error_messages,
            "code": {"required": "Give the rule a code, for example R31."},
            "right": {
                "required": "Choose the right or standard the rule belongs to.",
                "invalid_choice": "Choose one of this draft's rights.",
            },
        }

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["right"].queryset = edition.rights.all()
        self.fields["right"].empty_label = "Choose a right"


PLACEHOLDER_HELP = (
    "Write no number of days: name the rule, as {R7.standard} or {R7.enhanced} (its clock in "
    "words) or {R23.months} (its minimum custody), and the words come from the rule in force."
)


class DraftRightForm(forms.ModelForm):
    """A draft's Right: its guidance for officers and its summary for the victim."""

    class Meta:
        model = Right
        fields = ["victim_summary", "what_to_do", "what_to_say", "what_to_record"]
        labels = {
            "victim_summary": "For the victim",
            "what_to_do": "What to do",
            "what_to_say": "What to say",
            "what_to_record": "What to record",
        }
        help_texts = {name: PLACEHOLDER_HELP for name in fields}
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}
        error_messages = {
            "victim_summary": {"required": "Say what this right means for the victim."},
            "what_to_do": {"required": "Say what officers must do."},
        }
