from rest_framework import serializers

from accounts.models import Team, TeamMembership, User


class MembershipSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.get_full_name")
    user_id = serializers.IntegerField()

    class Meta:
        model = TeamMembership
        fields = ["user_id", "user", "is_supervisor"]


class TeamSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    members = MembershipSerializer(source="memberships", many=True)

    class Meta:
        model = Team
        fields = ["id", "name", "kind", "kind_label", "members"]


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    agency = serializers.CharField(source="agency.name", default=None, allow_null=True)
    teams = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "roles", "agency", "teams"]

    def get_roles(self, user: User) -> list[str]:
        return sorted(user.roles)

    def get_teams(self, user: User) -> list[dict]:
        return [{"id": t.id, "name": t.name} for t in self.context["teams"]]
