"""The hand-over API: list and send on a case, read one (its summary as JSON), accept or return
it. Refusals from the services are 400 with field errors (cases.api.views.run_service)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from accounts.access import HasAction
from cases.api.views import FORBIDDEN, NOT_FOUND, VALIDATION_ERROR, run_service
from cases.permissions import access_case

from .. import selectors, services
from ..models import HandOver
from ..permissions import may_answer, may_send
from . import serializers as s


class CaseHandOvers(generics.GenericAPIView):
    permission_classes = [HasAction]
    serializer_class = s.HandOverSerializer
    queryset = HandOver.objects.none()  # for the schema: each view reads through the case
    pagination_class = None  # a case has a handful of hand-overs

    @property
    def action_required(self) -> str:
        return "handover.view" if self.request.method in SAFE_METHODS else "handover.send"

    def case(self):
        return access_case(self.request.user, self.kwargs["case_pk"], "cases.view")


class HandOverList(CaseHandOvers):
    @extend_schema(
        summary="The hand-overs of a case to the Witness Care Unit, newest first",
        operation_id="v1_cases_handovers_list",
        responses={200: s.HandOverSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, case_pk):
        handovers = selectors.of_case(self.case()).prefetch_related("moved_duties")
        return Response(s.HandOverSerializer(handovers, many=True).data)

    @extend_schema(
        summary="Send the case to the Witness Care Unit",
        description=(
            "Only once the case is charged, and one open hand-over at a time; the summary is "
            "built from the record as it stands."
        ),
        request=s.SendSerializer,
        responses={
            201: s.HandOverSerializer,
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, case_pk):
        case = self.case()
        if not may_send(request.user, case):
            raise PermissionDenied
        serializer = s.SendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        handover = run_service(
            services.send_handover,
            case=case,
            by=request.user,
            wcu_team=data.get("wcu_team"),
            note=data.get("note", ""),
        )
        return Response(s.HandOverSerializer(handover).data, status=status.HTTP_201_CREATED)


class HandOverDetail(CaseHandOvers):
    def handover(self):
        queryset = selectors.of_case(self.case()).prefetch_related("moved_duties")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    @extend_schema(
        summary="One hand-over, with what was handed over",
        responses={200: s.HandOverSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, case_pk, pk):
        return Response(s.HandOverSerializer(self.handover()).data)


class AnswerBase(HandOverDetail):
    action_required = "handover.receive"

    def answerable(self):
        handover = self.handover()
        if not may_answer(self.request.user, handover):
            raise PermissionDenied
        return handover

    def answer(self, handover):
        return Response(s.HandOverSerializer(self.handover()).data)


class HandOverAccept(AnswerBase):
    @extend_schema(
        summary="Accept: the Witness Care Unit's open duties pass to you",
        request=None,
        responses={
            200: s.HandOverSerializer,
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, case_pk, pk):
        handover = self.answerable()
        run_service(services.accept_handover, handover=handover, by=request.user)
        return self.answer(handover)


class HandOverReturn(AnswerBase):
    serializer_class = s.ReturnSerializer

    @extend_schema(
        summary="Return it to the officer, saying what is missing",
        request=s.ReturnSerializer,
        responses={
            200: s.HandOverSerializer,
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, case_pk, pk):
        handover = self.answerable()
        serializer = s.ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run_service(
            services.return_handover,
            handover=handover,
            by=request.user,
            missing=serializer.validated_data["missing"],
        )
        return self.answer(handover)
