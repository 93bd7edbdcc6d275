"""The quarterly compliance return as JSON: the page's figures, for a police and crime
commissioner's own tools. A bad quarter or team is a 400 with field errors."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.views import FORBIDDEN, VALIDATION_ERROR, ActionByMethod
from victimcare.db_routers import reporting_reads

from .. import returns
from ..forms import ReturnForm


class ReturnApiView(ActionByMethod, APIView):
    read_action = "compliance.view"
    write_action = "compliance.view"

    @extend_schema(
        summary="The quarterly Victims' Code compliance return",
        parameters=[
            OpenApiParameter(
                "quarter",
                OpenApiTypes.STR,
                description="The year and quarter, e.g. 2026-Q3 (July to September); by "
                "default the last complete quarter.",
            ),
            OpenApiParameter("team", OpenApiTypes.INT, description="One of your teams' ids."),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: VALIDATION_ERROR, 403: FORBIDDEN},
    )
    def get(self, request):
        now = timezone.now()
        form = ReturnForm(request.GET, user=request.user, today=timezone.localdate(now))
        if not form.is_valid():
            return Response(form.errors, status=400)
        with reporting_reads():
            figures = returns.return_for(
                request.user, quarter=form.cleaned_data["quarter"], filters=form.filters(), now=now
            )
        team = form.cleaned_data["team"]
        return Response({**figures, "team": {"id": team.pk, "name": team.name} if team else None})
