"""Query-string filters for the cases API. They narrow a queryset that already holds only what
the user may see; none of them widens it."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from cases.models import Case, CaseEvent, CaseStatus, EventKind

# Ids are 64-bit: a larger number is refused with a field error rather than passed to the
# database, where SQLite cannot even bind it.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class MomentField(IsoDateTimeField):
    """An ISO 8601 moment, turned to UTC before it reaches the database: PostgreSQL refuses an
    offset past 15:59 hours (a 500), and the answer is the same moment either way."""

    default_error_messages = {"out_of_range": "Enter a date and time between the years 1 and 9999."}

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            message = self.error_messages["out_of_range"]
            raise ValidationError(message, code="out_of_range") from None


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A related record's id (a whole number)."""

    field_class = IdField


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="crime_reference", lookup_expr="icontains", label="Crime reference contains"
    )
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    team = IdFilter(field_name="team_id", label="Owning team id")
    officer = IdFilter(field_name="officer_id", label="Officer in the case id")
    offence = IdFilter(field_name="offence_id", label="Offence category id")
    restricted = django_filters.BooleanFilter()
    reported_after = MomentFilter(
        field_name="reported_at", lookup_expr="gte", label="Reported at or after"
    )
    reported_before = MomentFilter(
        field_name="reported_at", lookup_expr="lte", label="Reported at or before"
    )

    class Meta:
        model = Case
        fields = [
            "q",
            "status",
            "team",
            "officer",
            "offence",
            "restricted",
            "reported_after",
            "reported_before",
        ]


class PartyRecordFilter(django_filters.FilterSet):
    """For anything recorded against one party of the case."""

    party = IdFilter(field_name="party_id", label="Party id")


class EventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EventKind.choices)
    party = IdFilter(field_name="party_id", label="Party id")
    withdrawn = django_filters.BooleanFilter(
        field_name="withdrawn_at", lookup_expr="isnull", exclude=True, label="Withdrawn"
    )

    class Meta:
        model = CaseEvent
        fields = ["kind", "party", "withdrawn"]
