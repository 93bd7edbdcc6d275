"""Query-string filters for the cases API. They narrow a queryset that already holds only what
the user may see; none of them widens it."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from cases.models import Case, CaseEvent, CaseStatus, EventKind


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A related record's id (a whole number)."""

    field_class = forms.IntegerField


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="crime_reference", lookup_expr="icontains", label="Crime reference contains"
    )
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    team = IdFilter(field_name="team_id", label="Owning team id")
    officer = IdFilter(field_name="officer_id", label="Officer in the case id")
    offence = IdFilter(field_name="offence_id", label="Offence category id")
    restricted = django_filters.BooleanFilter()
    reported_after = django_filters.IsoDateTimeFilter(
        field_name="reported_at", lookup_expr="gte", label="Reported at or after"
    )
    reported_before = django_filters.IsoDateTimeFilter(
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
