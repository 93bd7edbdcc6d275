"""Shapes of the rules API: editions of the Code and their rules. A draft's rule is edited
through entitlements.editions (save_draft_rule), which checks it whole and answers in sentences;
these only check the shape (a list of codes, a whole number), so an unknown role or offence flag
is refused by the model's words, which name the choices."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from entitlements.models import DutyRule, Edition, MetBy, Owner, Trigger


class EditionSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text="draft, scheduled, in_force or ended.")
    period = serializers.CharField(read_only=True, help_text="The dates in words, inclusive.")
    copied_from = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Edition
        fields = ["id", "name", "source", "status", "starts_on", "ends_on", "period", "copied_from"]
        read_only_fields = fields

    def get_status(self, edition: Edition) -> str:
        return edition.status_on(self.context.get("today") or timezone.localdate())


def _list_error(what: str) -> dict[str, str]:
    return {
        "not_a_list": f"Give the {what} as a list of codes.",
        "invalid": f"Give the {what} as a list of codes.",
    }


class RuleSerializer(serializers.ModelSerializer):
    right = serializers.SerializerMethodField(help_text="The Right or standard, in words.")
    trigger = serializers.ChoiceField(
        choices=Trigger.choices,
        error_messages={"invalid_choice": '"{input}" is not a known event: choose from the list.'},
    )
    owner = serializers.ChoiceField(
        choices=Owner.choices,
        error_messages={"invalid_choice": '"{input}" is not a known owner: choose from the list.'},
    )
    met_by = serializers.ChoiceField(
        choices=MetBy.choices,
        error_messages={"invalid_choice": '"{input}" is not a known record: choose from the list.'},
    )
    roles = serializers.ListField(
        child=serializers.CharField(), error_messages=_list_error("roles")
    )
    offence_flags = serializers.ListField(
        child=serializers.CharField(), required=False, error_messages=_list_error("offence flags")
    )

    class Meta:
        model = DutyRule
        fields = [
            "id",
            "code",
            "right",
            "title",
            "trigger",
            "clock_from_receipt",
            "roles",
            "offence_flags",
            "min_custody_months",
            "min_age",
            "max_age",
            "standard_working_days",
            "enhanced_working_days",
            "calendar_hours",
            "recurring",
            "met_by",
            "owner",
            "source",
            "effective_from",
            "effective_to",
        ]
        read_only_fields = ["id", "code", "right", "recurring", "effective_from", "effective_to"]
        extra_kwargs = {
            name: {
                "error_messages": {
                    "invalid": "Enter a whole number.",
                    "min_value": "Enter a whole number of 0 or more.",
                }
            }
            for name in (
                "min_custody_months",
                "min_age",
                "max_age",
                "standard_working_days",
                "enhanced_working_days",
                "calendar_hours",
            )
        }

    def get_right(self, rule: DutyRule) -> str:
        return str(rule.right)


class EditionDetailSerializer(EditionSerializer):
    rules = serializers.SerializerMethodField()

    class Meta(EditionSerializer.Meta):
        fields = [*EditionSerializer.Meta.fields, "rules"]
        read_only_fields = fields

    @extend_schema_field(RuleSerializer(many=True))
    def get_rules(self, edition: Edition) -> list[dict]:
        return RuleSerializer(self.context["rules"], many=True).data


class ScheduleSerializer(serializers.Serializer):
    starts_on = serializers.DateField(
        error_messages={
            "required": "Give the date the new edition starts.",
            "invalid": "Enter the start date as a date, for example 2027-02-01.",
        }
    )
