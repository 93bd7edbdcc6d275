"""The directory of support agencies, for the police: the ids a referral's `agency` takes and
what each agency offers. Directory information only: the agency's own email, phone and route
outside VictimCare are for the force's administrators, not every officer's integration."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers

from cases.api.reference import ReferenceView
from cases.api.views import FORBIDDEN, NOT_FOUND
from referrals.models import AgencyKind, SupportAgency


class AgencySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    consent_basis_label = serializers.CharField(source="get_consent_basis_display", read_only=True)
    accepts_offence_flags = serializers.SerializerMethodField(
        help_text="Offence flags it takes; empty: any offence."
    )
    accepts_risk_levels = serializers.SerializerMethodField(
        help_text="Risk grades it takes; empty: any."
    )

    class Meta:
        model = SupportAgency
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "area",
            "accepts_offence_flags",
            "accepts_min_age",
            "accepts_max_age",
            "accepts_risk_levels",
            "consent_basis",
            "consent_basis_label",
            "response_target_working_days",
            "is_active",
        ]
        read_only_fields = fields

    # Lists kept in the admin as JSON: anything but a list of words reads as "any".
    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_accepts_offence_flags(self, agency: SupportAgency) -> list[str]:
        return _words(agency.accepts_offence_flags)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_accepts_risk_levels(self, agency: SupportAgency) -> list[str]:
        return _words(agency.accepts_risk_levels)


def _words(value) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


class AgencyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices)
    is_active = django_filters.BooleanFilter(label="true: only agencies taking referrals now")

    class Meta:
        model = SupportAgency
        fields = ["kind", "is_active"]


def agencies():
    return SupportAgency.objects.order_by("name", "id")


@extend_schema_view(
    get=extend_schema(
        summary="Support agencies: the ids a referral's `agency` takes",
        responses={200: AgencySerializer(many=True), 403: FORBIDDEN},
    )
)
class AgencyListView(ReferenceView, generics.ListAPIView):
    """The support agencies by name, with what each takes and how soon it answers."""

    serializer_class = AgencySerializer
    filterset_class = AgencyFilter

    def get_queryset(self):
        return agencies()


@extend_schema_view(
    get=extend_schema(
        summary="One support agency",
        responses={200: AgencySerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
)
class AgencyDetailView(ReferenceView, generics.RetrieveAPIView):
    """One support agency, by the id a referral's `agency` takes."""

    serializer_class = AgencySerializer

    def get_queryset(self):
        return agencies()
