from django import forms

from .models import ConsentMethod, LawfulBasis, ShareItem, SupportAgency


class ConsentFields(forms.Form):
    lawful_basis = forms.ChoiceField(choices=LawfulBasis.choices, label="Lawful basis for sharing")
    scope = forms.MultipleChoiceField(
        choices=ShareItem.choices,
        widget=forms.CheckboxSelectMultiple,
        label="What the victim agreed may be shared",
    )
    method = forms.ChoiceField(
        choices=[("", "Not needed: not a consent basis"), *ConsentMethod.choices],
        required=False,
        label="How they gave their answer",
    )


class NewReferralForm(ConsentFields):
    agency = forms.ModelChoiceField(queryset=SupportAgency.objects.filter(is_active=True))
    support_requested = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What support is asked for"
    )
    share_risk = forms.BooleanField(required=False, label="Share the latest risk level")

    field_order = ["agency", "support_requested", "share_risk", "lawful_basis", "scope", "method"]


class ConsentForm(ConsentFields):
    support_requested = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What support is asked for", required=False
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
