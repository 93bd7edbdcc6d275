"""The case page's forms that offer what the apps above cases hold (the duties to tick)."""

from collections.abc import Iterable

from django import forms
from django.utils import timezone

from cases import safe_channels
from cases.forms import (
    ChoicesWithReasons,
    DateTimeInput,
    LocalDateTimeField,
    PastMomentsForm,
    now_local,
    offer_people,
    person_label,
)
from cases.models import (
    ContactDirection,
    ContactMethod,
    ContactOutcome,
    ContactPurpose,
    Party,
    SafeContact,
)
from entitlements.models import Duty


def _duty_label(duty: Duty) -> str:
    return f"{duty.party.person}: {duty.rule.title} (due {timezone.localtime(duty.due_at):%d %b})"


class ContactForm(PastMomentsForm):
    past_moments = ("occurred_at",)

    party = forms.ModelChoiceField(queryset=None, label="Who")
    occurred_at = LocalDateTimeField(label="When", widget=DateTimeInput(), initial=now_local)
    method = forms.ChoiceField(choices=ContactMethod.choices)
    direction = forms.ChoiceField(choices=ContactDirection.choices)
    purpose = forms.ChoiceField(choices=ContactPurpose.choices, initial=ContactPurpose.UPDATE)
    outcome = forms.ModelChoiceField(
        queryset=None,
        label="What came of it",
        empty_label="Choose what came of it",
        help_text="Only a contact that reached them meets a duty; an attempt is kept on it.",
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    meets = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="This contact was for",
        help_text=(
            "Tick the duties this contact was for, for the same person: met if they were "
            "reached, otherwise the attempt is listed on each."
        ),
    )

    def __init__(self, *args, case, people: Iterable[Party] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(case=case).select_related("person")
        self.fields["party"].label_from_instance = person_label
        self.fields["outcome"].queryset = ContactOutcome.objects.offered(on=timezone.localdate())
        self.fields["meets"].queryset = self._open_duties(case)
        self.fields["meets"].label_from_instance = _duty_label
        self.case = case
        if people is not None:
            self.offer(people)

    @staticmethod
    def _open_duties(case):
        return (
            Duty.objects.open()
            .filter(case=case, rule__recurring=False)
            .select_related("rule", "party__person")
            .order_by("due_at", "pk")
        )

    def offer(self, people: Iterable[Party], duties: Iterable[Duty] | None = None) -> None:
        """Offer only these people and their open duties (the case page's page of them, so a
        case of 300 people does not list them all); any person or duty of the case is still
        accepted, and the service checks a duty is the person's. `duties`: those people's
        duties, if already read (with their rule and person), to spare a query."""
        people = list(people)
        offer_people(self.fields["party"], people)
        if duties is None:
            offered = self._open_duties(self.case).filter(party__in=[p.pk for p in people])
        else:
            offered = sorted(
                (d for d in duties if d.is_open and not d.rule.recurring),
                key=lambda d: (d.due_at, d.pk),
            )
        self.fields["meets"].widget.choices = [(d.pk, _duty_label(d)) for d in offered]


class PersonContactForm(ContactForm):
    """Contacting one person: the channels and outcomes their safe-contact profile forbids are
    rendered disabled with the reason beside them (the service still refuses them)."""

    def __init__(self, *args, case, party: Party, safe: SafeContact | None, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.party = party
        # Reaching out to them: a contact they made is logged from the case page.
        del self.fields["party"], self.fields["direction"]
        self.fields["method"].widget = ChoicesWithReasons(
            choices=ContactMethod.choices, refused=safe_channels.refused_methods(safe)
        )
        outcomes = list(self.fields["outcome"].queryset)
        refused_outcomes = {}
        if safe_channels.refuses_messages(safe):
            refused_outcomes = {
                str(o.pk): safe_channels.NO_MESSAGES for o in outcomes if o.leaves_message
            }
        self.fields["outcome"].widget = ChoicesWithReasons(refused=refused_outcomes)
        self.fields["outcome"].widget.choices = [(o.pk, o.label) for o in outcomes]
        self.fields["meets"].queryset = self.fields["meets"].queryset.filter(party=party)
        self.fields["meets"].widget.choices = [
            (d.pk, _duty_label(d)) for d in self.fields["meets"].queryset
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["party"] = self.party
        cleaned["direction"] = ContactDirection.OUTGOING
        return cleaned
