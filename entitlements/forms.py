from django import forms
from django.utils import timezone

from cases.forms import DateTimeInput, LocalDateTimeField, PastMomentsForm


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
