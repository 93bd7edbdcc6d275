"""The case page's forms that offer what the apps above cases hold (the duties to tick)."""

from django import forms
from django.utils import timezone

from cases.forms import DateTimeInput, LocalDateTimeField, PastMomentsForm, now_local
from cases.models import ContactDirection, ContactMethod, ContactPurpose, Party
from entitlements.models import Duty


class ContactForm(PastMomentsForm):
    past_moments = ("occurred_at",)

    party = forms.ModelChoiceField(queryset=None, label="Who")
    occurred_at = LocalDateTimeField(label="When", widget=DateTimeInput(), initial=now_local)
    method = forms.ChoiceField(choices=ContactMethod.choices)
    direction = forms.ChoiceField(choices=ContactDirection.choices)
    purpose = forms.ChoiceField(choices=ContactPurpose.choices, initial=ContactPurpose.UPDATE)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    meets = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="This contact also meets",
        help_text="Tick the duties this contact fulfilled for the same person.",
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh queryset: case.parties may carry the case page's prefetches.
        self.fields["party"].queryset = Party.objects.filter(case=case).select_related("person")
        self.fields["party"].label_from_instance = lambda p: (
            f"{p.person} ({p.get_role_display().lower()})"
        )
        self.fields["meets"].queryset = (
            Duty.objects.open()
            .filter(case=case, rule__recurring=False)
            .select_related("rule", "party__person")
            .order_by("due_at")
        )
        self.fields["meets"].label_from_instance = lambda d: (
            f"{d.party.person}: {d.rule.title} (due {timezone.localtime(d.due_at):%d %b})"
        )
