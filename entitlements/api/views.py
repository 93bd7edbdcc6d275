"""The obligations API: what the Victims' Code and the Witness Charter ask of the force, duty by
duty. Every list starts from Duty.objects.visible_to(user), so a duty is reachable exactly when its
case is. Marking a duty hands the shape-checked input to entitlements.services and translates its
answer as the cases API does: a ValidationError becomes 400 with field errors."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from cases.api.pagination import KeysetPagination
from cases.api.views import FORBIDDEN, NOT_FOUND, VALIDATION_ERROR, ActionByMethod, run_service
from cases.permissions import access_case, check_may_change
from entitlements import services
from entitlements.models import Duty

from . import serializers as s
from .filters import CaseDutyFilter, DutyFilter

RELATED = ("case", "party__person", "rule__right", "met_by", "resolved_by")


def duty_queryset(user):
    """The duties the user may see, with everything the serializer reads in the same query."""
    return Duty.objects.visible_to(user).select_related(*RELATED).order_by("due_at", "id")


class SoonestDeadlineFirst(KeysetPagination):
    ordering = ("due_at", "id")


class DutyAccess(ActionByMethod):
    read_action = "duties.view"
    write_action = "duties.resolve"


class DutyListView(DutyAccess, generics.ListAPIView):
    """Duties on every case the user may see, soonest deadline first."""

    serializer_class = s.DutySerializer
    filterset_class = DutyFilter
    pagination_class = SoonestDeadlineFirst

    def get_queryset(self):
        if self.is_schema_request():
            return Duty.objects.none()
        return duty_queryset(self.request.user)

    @extend_schema(summary="List the duties on the cases you may see")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CaseDutyListView(DutyAccess, generics.ListAPIView):
    """The duties owed on one case, soonest deadline first: 404 if the case is not one the user
    may see."""

    serializer_class = s.DutySerializer
    filterset_class = CaseDutyFilter
    # Paged as the list of every duty is, so that both answer in one shape.
    pagination_class = SoonestDeadlineFirst

    def get_queryset(self):
        if self.is_schema_request():
            return Duty.objects.none()
        case = access_case(self.request.user, self.kwargs["case_pk"], self.action_required)
        return duty_queryset(self.request.user).filter(case=case)

    @extend_schema(
        summary="List the case's duties",
        responses={200: s.DutySerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DutyDetailView(DutyAccess, generics.RetrieveAPIView):
    """One duty, with the working-day sum behind its deadline and why it waits, if it does."""

    serializer_class = s.DutyDetailSerializer

    def get_queryset(self):
        if self.is_schema_request():
            return Duty.objects.none()
        return duty_queryset(self.request.user)

    @extend_schema(
        summary="Read a duty",
        responses={200: s.DutyDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- resolving a duty --------------------------------------------------------------------------


RESOLVE_RESPONSES = {200: s.DutySerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN, 404: NOT_FOUND}


class DutyActionView(DutyAccess, generics.GenericAPIView):
    """Find a duty the user may see (404 otherwise), check the body, call the service."""

    def get_queryset(self):
        if self.is_schema_request():
            return Duty.objects.none()
        return duty_queryset(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "_duty"):
            context["duty"] = self._duty
        return context

    def post(self, request, *args, **kwargs):
        self._duty = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        check_may_change(request.user, self._duty.case)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.resolve(self._duty, dict(serializer.validated_data))
        duty = duty_queryset(request.user).get(pk=self._duty.pk)
        return Response(s.DutySerializer(duty, context=self.get_serializer_context()).data)

    def resolve(self, duty: Duty, data: dict) -> Duty:
        raise NotImplementedError


class DutyMeetView(DutyActionView):
    """Mark a duty met, on time or late."""

    serializer_class = s.DutyMeetSerializer

    @extend_schema(
        summary="Mark a duty met",
        description=(
            "Met on time if `at` (now, if left out) is by the deadline, met late otherwise. "
            "Give a note saying how, or the id of the contact with the person that met it."
        ),
        request=s.DutyMeetSerializer,
        responses=RESOLVE_RESPONSES,
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def resolve(self, duty, data):
        return run_service(
            services.meet_duty,
            duty=duty,
            by=self.request.user,
            at=data["at"],
            contact=data["contact"],
            note=data["note"],
        )


class DutyReasonView(DutyActionView):
    serializer_class = s.DutyReasonSerializer
    service = None  # The entitlements.services function, as a staticmethod.

    def resolve(self, duty, data):
        return run_service(self.service, duty=duty, by=self.request.user, reason=data["reason"])


class DutyDeclineView(DutyReasonView):
    """Record that the person did not want what the duty offers."""

    service = staticmethod(services.decline_duty)

    @extend_schema(
        summary="Record that the person declined a duty",
        description="For example, a victim who asked not to be told about arrests.",
        request=s.DutyReasonSerializer,
        responses=RESOLVE_RESPONSES,
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class DutyNotApplicableView(DutyReasonView):
    """Mark a duty that does not apply to this person or case, with the reason."""

    service = staticmethod(services.mark_not_applicable)

    @extend_schema(
        summary="Mark a duty not applicable",
        request=s.DutyReasonSerializer,
        responses=RESOLVE_RESPONSES,
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class DutyWaiveView(DutyReasonView):
    """A supervisor waives a duty, with the reason; anyone else is refused with 403."""

    write_action = "duties.waive"
    service = staticmethod(services.waive_duty)

    @extend_schema(
        summary="Waive a duty (supervisors only)",
        request=s.DutyReasonSerializer,
        responses=RESOLVE_RESPONSES,
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
