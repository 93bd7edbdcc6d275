"""Query-string filters for the obligations API. They narrow a queryset that already holds only
the duties the user may see (Duty.objects.visible_to); none of them widens it."""

import django_filters
from django.utils import timezone

from cases.api.filters import IdFilter, MomentFilter
from entitlements.models import OPEN_STATUSES, Duty, DutyStatus, Owner


class OverdueFilter(django_filters.BooleanFilter):
    """true: still open and past the deadline now; false: everything else."""

    def filter(self, qs, value):
        if value is None:
            return qs
        overdue = {"status__in": OPEN_STATUSES, "due_at__lt": timezone.now()}
        return qs.filter(**overdue) if value else qs.exclude(**overdue)


class CaseDutyFilter(django_filters.FilterSet):
    """For the duties of one case."""

    status = django_filters.ChoiceFilter(choices=DutyStatus.choices)
    owner = django_filters.ChoiceFilter(
        choices=Owner.choices, label="Who owns the duty (officer, Witness Care Unit, supervisor)"
    )
    party = IdFilter(field_name="party_id", label="Party id")
    due_before = MomentFilter(
        field_name="due_at",
        lookup_expr="lt",
        label="Due before this moment (ISO 8601; a date alone means its start, London time)",
    )
    due_after = MomentFilter(
        field_name="due_at",
        lookup_expr="gte",
        label="Due at or after this moment (ISO 8601; a date alone means its start)",
    )
    overdue = OverdueFilter(label="Open and past its deadline now")

    class Meta:
        model = Duty
        fields = ["status", "owner", "party", "due_before", "due_after", "overdue"]


class DutyFilter(CaseDutyFilter):
    """For the duties of every case the user may see."""

    case = IdFilter(field_name="case_id", label="Case id")
    team = IdFilter(field_name="case__team_id", label="The case's owning team id")

    class Meta(CaseDutyFilter.Meta):
        fields = [*CaseDutyFilter.Meta.fields, "case", "team"]
