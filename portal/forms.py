"""Forms of Track my case: their shape only; every rule is a service's."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import UpdateMethod

from .models import Channel, Factor
from .services import MESSAGE_MAX, PASSCODE_MIN_LENGTH

# --- the officer's ---


class IssueAccessForm(forms.Form):
    party = forms.TypedChoiceField(coerce=int, label="Person")
    channel = forms.ChoiceField(choices=Channel.choices, label="Send the link by")
    factor = forms.ChoiceField(
        choices=Factor.choices, label="How they will prove who they are", initial=Factor.PASSCODE
    )
    passcode = forms.CharField(
        required=False,
        min_length=PASSCODE_MIN_LENGTH,
        max_length=64,
        label="Passcode agreed with them in person",
        help_text="Only for a passcode. Not stored: only a hash of it is kept.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [
            (p.pk, f"{p.person} ({p.get_role_display()})") for p in parties
        ]


class ReplyForm(forms.Form):
    party = forms.IntegerField(widget=forms.HiddenInput)
    body = forms.CharField(
        max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 3}), label="Reply"
    )


class AllowForm(forms.Form):
    party = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=300, label="Why self-service is safe for them")


# --- the person's ---


class PasscodeForm(forms.Form):
    passcode = forms.CharField(
        label=_("The passcode you agreed with your officer"),
        max_length=64,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class DateOfBirthForm(forms.Form):
    day = forms.IntegerField(label=_("Day"), min_value=1, max_value=31)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["date_of_birth"] = datetime.date(data["year"], data["month"], data["day"])
        except ValueError:
            raise forms.ValidationError(_("Enter a real date.")) from None
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code we sent you"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    callback = forms.BooleanField(label=_("Please call me back"), required=False)


FREQUENCY_CHOICES = [
    (7, _("Every week")),
    (14, _("Every 2 weeks")),
    (28, _("Every 4 weeks")),
]
METHOD_CHOICES = [
    (UpdateMethod.PHONE, _("Phone call")),
    (UpdateMethod.TEXT, _("Text message")),
    (UpdateMethod.EMAIL, _("Email")),
    (UpdateMethod.LETTER, _("Letter")),
]
NO_LONGER_SAFE_CHOICES = [
    ("phone_safe", _("Do not phone me")),
    ("text_safe", _("Do not text me")),
    ("email_safe", _("Do not email me")),
    ("letter_safe", _("Do not write to me")),
    ("visit_safe", _("Do not visit my home")),
]


class PreferencesForm(forms.Form):
    frequency_days = forms.TypedChoiceField(
        coerce=int, choices=FREQUENCY_CHOICES, label=_("How often"), widget=forms.RadioSelect
    )
    method = forms.ChoiceField(choices=METHOD_CHOICES, label=_("How"), widget=forms.RadioSelect)
    safe_times = forms.CharField(
        required=False, max_length=200, label=_("Safe times to contact me")
    )
    no_longer_safe = forms.MultipleChoiceField(
        required=False,
        choices=NO_LONGER_SAFE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label=_("Ways that are not safe any more"),
    )
    no_surveys = forms.BooleanField(required=False, label=_("Do not send me surveys"))
