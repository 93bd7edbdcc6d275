"""The dashboard's filters and the pack's month. GET forms: every value is an id or a code, never
a name, because it ends up in a URL."""

import datetime
import re
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role, Team, TeamMembership, User
from cases.models import OffenceCategory
from counting import policy
from counting.filters import (
    NO_FILTERS,
    NOT_RECORDED,
    NOT_RECORDED_LABEL,
    Filters,
    recorded_values,
)
from counting.periods import Period

MAX_DAYS = 3 * 366
RIGHTS = {"": None, "standard": False, "enhanced": True}
# Roles that answer for the whole force rather than for teams: they may choose any team and any
# officer. Only supervisors reach compliance today, so in practice everyone chooses from the teams
# they supervise; naming the roles here keeps a force-wide role given "compliance.view" later from
# silently getting empty choices.
FORCE_WIDE_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})


def is_force_wide(user) -> bool:
    return bool(user.roles & FORCE_WIDE_ROLES)


def teams_to_choose(user) -> QuerySet[Team]:
    """The teams a user may narrow the pack to: those they supervise, or every team for a
    force-wide role."""
    teams = Team.objects.order_by("name")
    if is_force_wide(user):
        return teams
    return teams.filter(
        pk__in=TeamMembership.objects.filter(user=user, is_supervisor=True).values("team_id")
    )


def officers_to_choose(user) -> QuerySet[User]:
    """The officers a user may filter the figures by: active officers in the teams they
    supervise (never an officer they have no business with), or every active officer for a
    force-wide role. By surname."""
    officers = User.objects.holding(Role.OFFICER).filter(is_active=True)
    if not is_force_wide(user):
        supervised = TeamMembership.objects.filter(user=user, is_supervisor=True).values("team_id")
        officers = officers.filter(memberships__team_id__in=supervised)
    return officers.distinct().order_by("last_name", "first_name", "pk")


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select", **attrs})


class PeriodForm(forms.Form):
    """A period of whole London days, by default the 30 days to `today` (the view's clock)."""

    start = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.initial.setdefault("end", self.today)
        self.initial.setdefault("start", self.today - datetime.timedelta(days=29))

    def clean(self):
        data = super().clean()
        end = data.get("end") or self.today
        start = data.get("start") or end - datetime.timedelta(days=29)
        if start > end:
            self.add_error("start", "The start of the period must be on or before its end.")
        elif (end - start).days >= MAX_DAYS:
            self.add_error("start", "Choose a period of three years or less.")
        data["start"], data["end"] = start, end
        return data

    def period(self) -> Period:
        """The chosen period (call after is_valid)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("end") or self.today
        return Period(data.get("start") or end - datetime.timedelta(days=29), end)


class FilterForm(PeriodForm):
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label="All teams",
        widget=_select(),
    )
    officer = OfficerChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="All officers",
        label="Officer in the case",
        widget=_select(),
    )
    offence_group = forms.ChoiceField(required=False, widget=_select())
    rights = forms.ChoiceField(
        required=False,
        label="Rights",
        choices=[
            ("", "Standard and enhanced"),
            ("standard", "Standard only"),
            ("enhanced", "Enhanced only"),
        ],
        widget=_select(),
    )
    age_band = forms.ChoiceField(
        required=False, label="Victim's age when reported", widget=_select()
    )
    sex = forms.ChoiceField(required=False, label="Victim's sex", widget=_select())
    ethnicity = forms.ChoiceField(required=False, label="Victim's ethnicity", widget=_select())

    FILTER_FIELDS = ("team", "officer", "offence_group", "rights", "age_band", "sex", "ethnicity")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Without a user to scope them, offer no officers rather than every officer.
        self.fields["officer"].queryset = (
            officers_to_choose(user) if user is not None else User.objects.none()
        )
        groups = (
            OffenceCategory.objects.order_by("offence_group")
            .values_list("offence_group", flat=True)
            .distinct()
        )
        self.fields["offence_group"].choices = [("", "All offence groups")] + [
            (g, g) for g in groups
        ]
        # The bands in force today (a period's figures read the code in the bands of its end).
        self.fields["age_band"].choices = (
            [("", "All ages")]
            + [(band.code, band.label) for band in policy.age_bands(self.today)]
            + [(NOT_RECORDED, NOT_RECORDED_LABEL)]
        )
        for field, everyone in (("sex", "All"), ("ethnicity", "All")):
            self.fields[field].choices = (
                [("", everyone)]
                + [(v, v) for v in recorded_values(field)]
                + [(NOT_RECORDED, NOT_RECORDED_LABEL)]
            )

    def filters(self) -> Filters:
        """The chosen filters (call after is_valid); none when the form is not valid."""
        if not (self.is_bound and self.is_valid()):
            return NO_FILTERS
        data = self.cleaned_data
        return Filters(
            team=data["team"].pk if data.get("team") else None,
            officer=data["officer"].pk if data.get("officer") else None,
            offence_group=data.get("offence_group") or "",
            enhanced=RIGHTS[data.get("rights") or ""],
            age_band=data.get("age_band") or "",
            sex=data.get("sex") or "",
            ethnicity=data.get("ethnicity") or "",
        )

    def query(self) -> str:
        """The chosen period and filters as a query string (ids and codes only), for links."""
        period = self.period()
        params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
        if self.is_bound and self.is_valid():
            for name in self.FILTER_FIELDS:
                value = self.cleaned_data.get(name)
                if value:
                    params[name] = value.pk if hasattr(value, "pk") else value
        return urlencode(params)


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthForm(forms.Form):
    month = forms.CharField(
        required=False,
        label="Month",
        help_text="As year and month, for example 2026-03.",
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control"}),
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean_month(self) -> Period:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            last_month = self.today.replace(day=1) - datetime.timedelta(days=1)
            return Period.month(last_month.year, last_month.month)
        match = MONTH.match(value)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise forms.ValidationError("Give the month as year and month, for example 2026-03.")
        return Period.month(int(match.group(1)), int(match.group(2)))


class PackForm(MonthForm):
    """The pack's month, and optionally one of the user's teams (force-wide when none)."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="All the teams you can see",
        error_messages={
            "invalid_choice": "Choose one of the teams listed: the teams you supervise.",
        },
        widget=_select(),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_to_choose(user)

    def filters(self) -> Filters:
        """The figures' filters (call after is_valid): the chosen team, or none."""
        team = self.cleaned_data.get("team")
        return Filters(team=team.pk) if team else NO_FILTERS


class ReassignForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=None, label="Give the chosen cases to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.holding(Role.OFFICER).filter(is_active=True)


QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
QUARTERS_LISTED = 12


def quarter_value(quarter: Period) -> str:
    """A quarter as the address writes it: 2026-Q3 (July to September 2026)."""
    return f"{quarter.start.year}-Q{(quarter.start.month - 1) // 3 + 1}"


class ReturnForm(forms.Form):
    """The compliance return's quarter (by default the last complete one) and optionally one of
    the user's teams."""

    quarter = forms.CharField(
        required=False,
        label="Quarter",
        help_text="A quarter of the year, January to March, April to June, July to September "
        "or October to December.",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="All the teams you can see",
        error_messages={
            "invalid_choice": "Choose one of the teams listed: the teams you supervise.",
        },
        widget=_select(),
    )

    def __init__(self, *args, user, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["team"].queryset = teams_to_choose(user)
        # The current quarter (so far) and the last few whole ones; the address takes any.
        quarter = Period.quarter(self.today.year, (self.today.month - 1) // 3 + 1)
        choices = []
        for _ in range(QUARTERS_LISTED + 1):
            label = f"{quarter.start:%B} to {quarter.end:%B %Y}"
            if quarter.end >= self.today:
                label += " (so far)"
            choices.append((quarter_value(quarter), label))
            quarter = Period.quarter(*_quarter_before(quarter))
        self.fields["quarter"].widget.choices = choices
        self.fields["quarter"].initial = quarter_value(Period.last_complete_quarter(self.today))

    def clean_quarter(self) -> Period:
        value = (self.cleaned_data.get("quarter") or "").strip().upper()
        if not value:
            return Period.last_complete_quarter(self.today)
        match = QUARTER.match(value)
        if not match or int(match.group(1)) < 2000:
            raise forms.ValidationError(
                "Give the quarter as the year and its number, for example 2026-Q3 for July to "
                "September 2026."
            )
        quarter = Period.quarter(int(match.group(1)), int(match.group(2)))
        if quarter.start > self.today:
            raise forms.ValidationError("That quarter has not started yet: choose an earlier one.")
        return quarter

    def filters(self) -> Filters:
        """The figures' filters (call after is_valid): the chosen team, or none."""
        team = self.cleaned_data.get("team")
        return Filters(team=team.pk) if team else NO_FILTERS

    def query(self) -> str:
        """The chosen quarter and team as a query string (call after is_valid), for links."""
        params = {"quarter": quarter_value(self.cleaned_data["quarter"])}
        if self.cleaned_data.get("team"):
            params["team"] = self.cleaned_data["team"].pk
        return urlencode(params)


def _quarter_before(quarter: Period) -> tuple[int, int]:
    before = quarter.start - datetime.timedelta(days=1)
    return before.year, (before.month - 1) // 3 + 1
