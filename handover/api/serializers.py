from rest_framework import serializers

from accounts.models import Team, TeamKind

from ..models import HandOver


class HandOverSerializer(serializers.ModelSerializer):
    wcu_team_name = serializers.CharField(source="wcu_team.name", read_only=True)
    sent_by_name = serializers.CharField(source="sent_by.__str__", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    answered_by_name = serializers.SerializerMethodField()
    moved_duties = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    summary = serializers.JSONField(
        read_only=True,
        help_text=(
            "What was handed over, as it stood when sent: the case, and each person with their "
            "needs assessment, special measures, safe contact, update agreement, victim "
            "personal statement, referrals and open duties."
        ),
    )

    class Meta:
        model = HandOver
        fields = [
            "id",
            "case",
            "wcu_team",
            "wcu_team_name",
            "sent_by",
            "sent_by_name",
            "sent_at",
            "note",
            "state",
            "state_label",
            "answered_by",
            "answered_by_name",
            "answered_at",
            "missing",
            "moved_duties",
            "summary",
        ]
        read_only_fields = fields

    def get_answered_by_name(self, handover: HandOver) -> str | None:
        return str(handover.answered_by) if handover.answered_by_id else None


class SendSerializer(serializers.Serializer):
    wcu_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.filter(kind=TeamKind.WITNESS_CARE_UNIT),
        required=False,
        allow_null=True,
        help_text="The Witness Care Unit; left out, the unit the case was passed to.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    missing = serializers.CharField(
        help_text="What the officer must add before sending it again.",
        error_messages={"blank": "Say what is missing, so the officer can put it right."},
    )
