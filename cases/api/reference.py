"""Reference data the cases API asks for by id or code: offence categories (a case's `offence`),
what can come of a contact (a contact's `outcome`), case outcomes and event kinds (an event's
`kind`). Read-only, for the roles that record cases
(the `reference.view` action), each list paged by number like the other small lists.

Offence categories and contact outcomes are rows an administrator keeps; case outcomes and event
kinds are fixed choices, listed here with their labels so an integration shows the user's words,
never a code."""

from dataclasses import dataclass

import django_filters
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers

from accounts.access import HasAction
from cases.models import (
    RECEIVED_EVENT_KINDS,
    CaseOutcome,
    ContactOutcome,
    EventKind,
    OffenceCategory,
    OffenceFlag,
)

from .views import FORBIDDEN, NOT_FOUND

FLAG_LABELS = dict(OffenceFlag.choices)


class ReferenceView:
    """Read-only reference data: any role that records cases may read it."""

    permission_classes = [HasAction]
    action_required = "reference.view"


# --- offence categories ------------------------------------------------------------------------


class FlagSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. domestic_abuse")
    label = serializers.CharField(help_text="e.g. Domestic abuse")


class OffenceSerializer(serializers.ModelSerializer):
    flags = serializers.SerializerMethodField(
        help_text="What the offence means for the victim's rights and referrals."
    )

    class Meta:
        model = OffenceCategory
        fields = ["id", "code", "name", "offence_group", "flags", "is_active"]
        read_only_fields = fields

    @extend_schema_field(FlagSerializer(many=True))
    def get_flags(self, offence: OffenceCategory) -> list[dict]:
        flags = offence.flags if isinstance(offence.flags, list) else []
        return [{"code": flag, "label": FLAG_LABELS.get(flag, flag)} for flag in flags]


class OffenceFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(
        label="true: only offences a new case may be recorded under; false: retired ones"
    )
    offence_group = django_filters.CharFilter(label="The group used in reports, e.g. Burglary")

    class Meta:
        model = OffenceCategory
        fields = ["is_active", "offence_group"]


def offences():
    return OffenceCategory.objects.order_by("offence_group", "name", "id")


@extend_schema_view(
    get=extend_schema(
        summary="Offence categories: the ids a case's `offence` takes",
        responses={200: OffenceSerializer(many=True), 403: FORBIDDEN},
    )
)
class OffenceListView(ReferenceView, generics.ListAPIView):
    """Every offence category, by group and name, retired ones included (older cases carry
    them): `is_active=true` gives those a new case may take."""

    serializer_class = OffenceSerializer
    filterset_class = OffenceFilter

    def get_queryset(self):
        return offences()


@extend_schema_view(
    get=extend_schema(
        summary="One offence category",
        responses={200: OffenceSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
)
class OffenceDetailView(ReferenceView, generics.RetrieveAPIView):
    """One offence category, by the id a case's `offence` holds."""

    serializer_class = OffenceSerializer

    def get_queryset(self):
        return offences()


# --- what can come of a contact -----------------------------------------------------------------


class ContactOutcomeSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text="The value a contact's `outcome` takes.")
    counts_as_contact = serializers.BooleanField(
        read_only=True, help_text="The person was reached: a contact with it can meet a duty."
    )
    leaves_message = serializers.BooleanField(
        read_only=True,
        help_text="A message was left: refused where the person may not be left messages.",
    )

    class Meta:
        model = ContactOutcome
        fields = [
            "code",
            "label",
            "counts_as_contact",
            "leaves_message",
            "order",
            "is_active",
            "effective_from",
            "source",
        ]
        read_only_fields = fields


class ContactOutcomeFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(
        label="true: only outcomes a new contact may take; false: retired ones"
    )

    class Meta:
        model = ContactOutcome
        fields = ["is_active"]


def contact_outcomes():
    return ContactOutcome.objects.order_by("order", "label", "id")


@extend_schema_view(
    get=extend_schema(
        summary="Contact outcomes: the codes a contact's `outcome` takes",
        responses={200: ContactOutcomeSerializer(many=True), 403: FORBIDDEN},
    )
)
class ContactOutcomeListView(ReferenceView, generics.ListAPIView):
    """What can come of a contact or an attempt at one, in the order the form offers them,
    retired ones included (older contacts carry them): `is_active=true` gives those a new contact
    may take (from their `effective_from`)."""

    serializer_class = ContactOutcomeSerializer
    filterset_class = ContactOutcomeFilter

    def get_queryset(self):
        return contact_outcomes()


@extend_schema_view(
    get=extend_schema(
        summary="One contact outcome",
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="e.g. no_answer")
        ],
        responses={200: ContactOutcomeSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
)
class ContactOutcomeDetailView(ReferenceView, generics.RetrieveAPIView):
    """One contact outcome, by the code a contact's `outcome` takes."""

    serializer_class = ContactOutcomeSerializer
    lookup_field = "code"
    lookup_url_kwarg = "code"

    def get_queryset(self):
        return contact_outcomes()


# --- fixed choices: case outcomes and event kinds ----------------------------------------------


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    received_from_court: bool = False


OUTCOMES = [Choice(code, label) for code, label in CaseOutcome.choices]
EVENT_KINDS = [
    Choice(code, label, received_from_court=code in RECEIVED_EVENT_KINDS)
    for code, label in EventKind.choices
]


class CaseOutcomeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The value a case's `outcome` holds.")
    label = serializers.CharField()


class EventKindSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The value an event's `kind` takes.")
    label = serializers.CharField()
    received_from_court = serializers.BooleanField(
        help_text="News from the court or CPS: its clocks run from `received_at`, which the "
        "event needs."
    )


def _one(choices: list[Choice], code: str) -> Choice:
    for choice in choices:
        if choice.code == code:
            return choice
    raise Http404


class ChoiceListView(ReferenceView, generics.ListAPIView):
    choices: list[Choice] = []
    filter_backends = []  # a fixed list: nothing to filter

    def get_queryset(self):
        return self.choices


class ChoiceDetailView(ReferenceView, generics.RetrieveAPIView):
    choices: list[Choice] = []
    lookup_url_kwarg = ""  # the URL's name for the code

    def get_object(self):
        return _one(self.choices, self.kwargs[self.lookup_url_kwarg])


@extend_schema_view(
    get=extend_schema(
        summary="Case outcomes: how a case can end",
        responses={200: CaseOutcomeSerializer(many=True), 403: FORBIDDEN},
    )
)
class OutcomeListView(ChoiceListView):
    """Every outcome a case can close with, with its label."""

    choices = OUTCOMES
    serializer_class = CaseOutcomeSerializer


@extend_schema_view(
    get=extend_schema(
        summary="One case outcome",
        parameters=[
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                enum=CaseOutcome.values,
                description="e.g. charged",
            )
        ],
        responses={200: CaseOutcomeSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
)
class OutcomeDetailView(ChoiceDetailView):
    """One case outcome, by the code a case's `outcome` holds."""

    lookup_url_kwarg = "outcome"
    choices = OUTCOMES
    serializer_class = CaseOutcomeSerializer


@extend_schema_view(
    get=extend_schema(
        summary="Event kinds: the codes an event's `kind` takes",
        responses={200: EventKindSerializer(many=True), 403: FORBIDDEN},
    )
)
class EventKindListView(ChoiceListView):
    """Every kind of investigation and court event an officer or the Witness Care Unit records,
    with its label."""

    choices = EVENT_KINDS
    serializer_class = EventKindSerializer


@extend_schema_view(
    get=extend_schema(
        summary="One event kind",
        parameters=[
            OpenApiParameter(
                "kind",
                str,
                OpenApiParameter.PATH,
                enum=EventKind.values,
                description="e.g. arrest",
            )
        ],
        responses={200: EventKindSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
)
class EventKindDetailView(ChoiceDetailView):
    """One event kind, by the code an event's `kind` takes."""

    lookup_url_kwarg = "kind"
    choices = EVENT_KINDS
    serializer_class = EventKindSerializer
