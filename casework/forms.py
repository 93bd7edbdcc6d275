"""The case page's forms that offer what the apps above cases hold (the duties to tick)."""

from collections.abc import Iterable

from django import forms
from django.utils import timezone

from cases.forms import (
    DateTimeInput,
    LocalDateTimeField,
    PastMomentsForm,
    now_local,
    offer_people,
    person_label,
)
from cases.models import ContactDirection, ContactMethod, ContactPurpose, Party
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
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    meets = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="This contact also meets",
        help_text="Tick the duties this contact fulfilled for the same person.",
    )

    def __init__(self, *args, case, people: Iterable[Party] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(case=case).select_related("person")
        self.fields["party"].label_from_instance = person_label
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
