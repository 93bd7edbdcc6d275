from django import forms

from .models import Decision


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=Decision.choices,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Choose whether to retain or dispose of the case's data."},
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason",
        help_text="Required to retain: the policing purpose the information still serves.",
    )
    confirm = forms.BooleanField(
        required=False,
        label="I confirm the personal data in this case is to be removed. This cannot be undone.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.RETAIN and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why the case's information is still needed.")
        if data.get("decision") == Decision.DISPOSE and not data.get("confirm"):
            self.add_error("confirm", "Tick to confirm the disposal.")
        return data


class SubjectAccessForm(forms.Form):
    format = forms.ChoiceField(choices=[("page", "Page"), ("json", "JSON")], initial="page")


class PersonSearchForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="First name, last name or both.",
        error_messages={"required": "Enter a name to search for."},
    )
