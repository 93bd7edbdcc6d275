from django import forms

from audit.models import AuditAction


class RestrictedReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to open this case?",
        help_text="For example the task you are doing. This is recorded with your name.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 5:
            raise forms.ValidationError("Give a reason of at least a few words.")
        return reason


class AuditSearchForm(forms.Form):
    """Sent by POST and kept in the session: a person's name never reaches a URL."""

    person = forms.CharField(
        label="Person's name", required=False, max_length=200, help_text="First or last name."
    )
    person_id = forms.IntegerField(label="Person id", required=False, min_value=1)
    username = forms.CharField(label="User name", required=False, max_length=150)
    action = forms.ChoiceField(
        label="What they did", required=False, choices=[("", "Anything"), *AuditAction.choices]
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the period must not be before its start.")
        return cleaned

    def to_session(self) -> dict:
        return {
            key: value.isoformat() if hasattr(value, "isoformat") else value
            for key, value in self.cleaned_data.items()
            if value not in (None, "")
        }
