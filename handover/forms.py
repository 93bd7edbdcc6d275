from django import forms

from accounts.models import Team, TeamKind

from .services import SAY_WHAT_IS_MISSING


class SendForm(forms.Form):
    wcu_team = forms.ModelChoiceField(
        queryset=Team.objects.filter(kind=TeamKind.WITNESS_CARE_UNIT),
        label="Witness Care Unit",
        empty_label="Choose a unit",
        error_messages={"required": "Choose the Witness Care Unit to send it to."},
    )
    note = forms.CharField(
        label="Note for the Witness Care Unit (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(forms.Form):
    missing = forms.CharField(
        label="What is missing",
        help_text="The officer reads this and sends the hand-over again once it is put right.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": SAY_WHAT_IS_MISSING},
    )
