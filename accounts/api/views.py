from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.access import HasAction

from .serializers import MeSerializer, TeamSerializer


class MeView(APIView):
    permission_classes = [HasAction]
    action_required = "profile.view"

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        teams = list(selectors.teams_of(request.user).only("id", "name"))
        return Response(MeSerializer(request.user, context={"teams": teams}).data)


class TeamListAPIView(generics.ListAPIView):
    permission_classes = [HasAction]
    action_required = "teams.view"
    serializer_class = TeamSerializer

    def get_queryset(self):
        return selectors.teams_with_members()
