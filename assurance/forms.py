import datetime

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from counting.periods import Period

from . import services
from .models import Area, ChecklistItem, Result


class SampleForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None, label="Team")
    officer = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Officer",
        help_text="Leave empty to sample the whole team's cases.",
        empty_label="Whole team",
    )
    # A date box takes only yyyy-mm-dd: the en-GB default (07/12/2026) shows it empty.
    period_start = forms.DateField(
        label="Cases reported from",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label="Cases reported up to",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    size = forms.IntegerField(
        label="Number of cases",
        min_value=services.MIN_SIZE,
        max_value=services.MAX_SIZE,
        initial=10,
    )
    seed = forms.CharField(
        required=False,
        max_length=32,
        label="Seed (optional)",
        help_text="Leave empty for a new random draw. Enter an earlier sample's seed, with the "
        "same team and period, to draw the same cases again.",
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", "Use only letters, digits and hyphens.")],
    )

    def __init__(self, *args, user, today: datetime.date | None = None, **kwargs):
        today = today or timezone.localdate()
        kwargs.setdefault(
            "initial",
            {"period_start": today - datetime.timedelta(days=90), "period_end": today, "size": 10},
        )
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = services.supervised_teams(user)
        self.fields["officer"].queryset = services.supervised_officers(user)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", "The end of the period must be on or after its start.")
        return data

    def period(self) -> Period:
        return Period(self.cleaned_data["period_start"], self.cleaned_data["period_end"])


def area_label(area: str) -> str:
    return Area(area).label if area in Area.values else area


class ReviewForm(forms.Form):
    """One Met / Not met / Not applicable question per checklist item, a note per area and an
    overall note. The fields are built from the sample's checklist version."""

    overall_note = forms.CharField(
        required=False, label="Overall note", widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, items: list[ChecklistItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.areas: list[str] = []
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                choices=Result.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                label=item.question,
                help_text=item.good_looks_like,
                error_messages={"required": "Choose met, not met or not applicable."},
            )
            if item.area not in self.areas:
                self.areas.append(item.area)
                self.fields[f"note_{item.area}"] = forms.CharField(
                    required=False,
                    label=f"Note on {area_label(item.area).lower()}",
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    @classmethod
    def initial_from(cls, review) -> dict:
        if review is None:
            return {"version": 0}
        initial = {"overall_note": review.overall_note, "version": review.version}
        initial.update({f"item_{a.item_id}": a.result for a in review.answers.all()})
        initial.update({f"note_{area}": note for area, note in review.area_notes.items()})
        return initial

    def groups(self) -> list[dict]:
        """Questions grouped by area for the template, in area order."""
        groups = []
        for area in self.areas:
            groups.append(
                {
                    "label": area_label(area),
                    "items": [
                        (item, self[f"item_{item.pk}"]) for item in self.items if item.area == area
                    ],
                    "note": self[f"note_{area}"],
                }
            )
        return groups

    def answers(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}

    def area_notes(self) -> dict[str, str]:
        return {area: self.cleaned_data.get(f"note_{area}", "") for area in self.areas}
