"""The rules API: read the editions of the Code and their rules, edit a draft's rule, schedule a
draft. The administrator's only (the matrix's editions.view and editions.manage). Thin: every
rule of the workflow is in entitlements.editions, and its refusals become 400 with field errors
in sentences (run_service)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from cases.api.views import FORBIDDEN, NOT_FOUND, VALIDATION_ERROR, ActionByMethod, run_service
from entitlements import editions
from entitlements.models import DutyRule, Edition

from . import edition_serializers as s


class EditionAccess(ActionByMethod):
    read_action = "editions.view"
    write_action = "editions.manage"


class EditionListView(EditionAccess, generics.ListAPIView):
    """Every edition: drafts first, then by start date, newest first. A handful of rows."""

    serializer_class = s.EditionSerializer
    pagination_class = None
    queryset = Edition.objects.all()

    @extend_schema(summary="List the editions of the Code")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EditionDetailView(EditionAccess, generics.GenericAPIView):
    """An edition with its rules as they stand at its end (or now)."""

    serializer_class = s.EditionDetailSerializer
    queryset = Edition.objects.all()

    @extend_schema(
        summary="Read an edition and its rules",
        responses={200: s.EditionDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        rules = editions.rows_at_end(
            edition, edition.rules.select_related("right").order_by("code")
        )
        serializer = s.EditionDetailSerializer(edition, context={"rules": rules})
        return Response(serializer.data)


class RuleView(EditionAccess, generics.GenericAPIView):
    """One rule of an edition; a draft's rule can be changed (PATCH, only the fields given)."""

    serializer_class = s.RuleSerializer

    def get_queryset(self):
        if self.is_schema_request():
            return DutyRule.objects.none()
        return DutyRule.objects.select_related("right", "code_edition").filter(
            code_edition_id=self.kwargs["pk"]
        )

    @extend_schema(
        summary="Read a rule of an edition",
        responses={200: s.RuleSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk, rule_pk):
        rule = get_object_or_404(self.get_queryset(), pk=rule_pk)
        return Response(s.RuleSerializer(rule).data)

    @extend_schema(
        summary="Change a draft's rule",
        description=(
            "Only a draft's rules can change. Unknown roles or offence flags, a rule with no "
            "clock (working days for standard and enhanced rights, or hours) and an age band "
            "whose maximum is below its minimum are refused with 400, in sentences on the "
            "fields."
        ),
        request=s.RuleSerializer,
        responses={200: s.RuleSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def patch(self, request, pk, rule_pk):
        rule = get_object_or_404(self.get_queryset(), pk=rule_pk)
        serializer = s.RuleSerializer(rule, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        for name, value in serializer.validated_data.items():
            setattr(rule, name, value)
        saved = run_service(editions.save_draft_rule, rule=rule, by=request.user)
        return Response(s.RuleSerializer(saved).data)


class EditionScheduleView(EditionAccess, generics.GenericAPIView):
    """Schedule a draft from a start date: the edition in force ends the day before."""

    serializer_class = s.ScheduleSerializer
    queryset = Edition.objects.all()

    @extend_schema(
        summary="Schedule a draft edition",
        description=(
            "A start date on or before today, or one that would overlap an edition already "
            "scheduled, is refused with 400 and a sentence on starts_on."
        ),
        request=s.ScheduleSerializer,
        responses={200: s.EditionSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        edition = get_object_or_404(Edition, pk=pk)
        serializer = s.ScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        today = timezone.localdate()
        done = run_service(
            editions.schedule_edition,
            edition=edition,
            starts_on=serializer.validated_data["starts_on"],
            by=request.user,
            today=today,
        )
        return Response(s.EditionSerializer(done, context={"today": today}).data)
