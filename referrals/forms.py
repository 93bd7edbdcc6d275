from django import forms
from django.utils import timezone

from .models import ConsentMethod, LawfulBasis, ShareItem, SharingException, SupportAgency

FREE_TEXT_WARNING = (
    "This goes to the agency word for word. Do not write anything the victim did not agree to "
    "share, such as the crime, the risk or a disability, unless you tick it below."
)


class ConsentFields(forms.Form):
    lawful_basis = forms.ChoiceField(
        choices=LawfulBasis.choices,
        label="Lawful basis for sharing",
        help_text="Public task or legal obligation: sharing without the victim's consent.",
    )
    sharing_exception = forms.ModelChoiceField(
        queryset=SharingException.objects.none(),
        required=False,
        label="Exception that allows sharing without consent",
        empty_label="Not needed: the victim consented",
        help_text="Only for public task or legal obligation. Your supervisor reviews it.",
    )
    sharing_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Why it must be shared without consent",
        help_text="Only for public task or legal obligation. The agency never sees it.",
    )
    scope = forms.MultipleChoiceField(
        choices=ShareItem.choices,
        widget=forms.CheckboxSelectMultiple,
        label="What will be shared",
        help_text="On consent: only the items the victim agreed to.",
    )
    method = forms.ChoiceField(
        choices=[("", "Not needed: not a consent basis"), *ConsentMethod.choices],
        required=False,
        label="How they gave their answer",
    )

    def __init__(self, *args, agency: SupportAgency | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # In force today, not on the day the server started; for a known agency, only those
        # allowed for its kind (the service checks again either way).
        today = timezone.localdate()
        exceptions = SharingException.objects.in_force(today)
        if agency is not None:
            allowed = [e.pk for e in exceptions if e.allows(agency.kind, today)]
            exceptions = SharingException.objects.filter(pk__in=allowed)
        self.fields["sharing_exception"].queryset = exceptions


class NewReferralForm(ConsentFields):
    agency = forms.ModelChoiceField(queryset=SupportAgency.objects.filter(is_active=True))
    support_requested = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What support is asked for",
        help_text=FREE_TEXT_WARNING,
    )
    share_risk = forms.BooleanField(required=False, label="Share the latest risk level")

    field_order = [
        "agency",
        "support_requested",
        "share_risk",
        "lawful_basis",
        "sharing_exception",
        "sharing_reason",
        "scope",
        "method",
    ]


class ConsentForm(ConsentFields):
    support_requested = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What support is asked for",
        required=False,
        help_text=FREE_TEXT_WARNING,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason")


class NoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Update")


class OutcomeForm(forms.Form):
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Outcome")


class WithdrawConsentForm(forms.Form):
    how = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="How and when the victim withdrew consent"
    )
