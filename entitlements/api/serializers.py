"""Shapes of the obligations API. Duties are read-only here: meeting, declining, marking not
applicable and waiving go through entitlements.services, which own every rule about them."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.api.serializers import RecordedAtField
from cases.models import Case, Contact, Person
from entitlements import duty_notes, selectors
from entitlements.calendar import LONDON
from entitlements.models import OPEN_STATUSES, Duty, DutyStatus, Owner, Right, Trigger


class LondonDateTimeField(serializers.DateTimeField):
    """ISO 8601 in London time with its offset (+00:00 in winter, +01:00 in summer), never 'Z':
    a deadline reads as the end of the London day it falls on."""

    def to_representation(self, value):
        if value is None:
            return None
        return timezone.localtime(value, LONDON).isoformat()


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose OpenAPI enum is a component of its own name.

    drf-spectacular names enums after the field ("StatusEnum") and, when two choice sets share a
    field name (a case's status and a duty's), renames the existing components and warns. A named
    component keeps the cases API's enum names as they are.
    """

    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def map_serializer_field(self, auto_schema, direction):
        schema = build_choice_field(self.target)
        schema.pop("x-spec-enum-id", None)
        component = ResolvedComponent(
            name=self.target.enum_name,
            type=ResolvedComponent.SCHEMA,
            schema=schema,
            object=self.target.enum_name,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class DutyCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "crime_reference"]
        read_only_fields = fields


class DutyPersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "name"]
        read_only_fields = fields


class DutyRightSerializer(serializers.ModelSerializer):
    scheme = NamedChoiceField(
        choices=Right.Scheme.choices, enum_name="RightSchemeEnum", read_only=True
    )

    class Meta:
        model = Right
        fields = ["scheme", "number", "title"]
        read_only_fields = fields


class DutyTriggerSerializer(serializers.Serializer):
    kind = NamedChoiceField(
        source="rule.trigger",
        choices=Trigger.choices,
        enum_name="DutyTriggerEnum",
        read_only=True,
        help_text="What started it.",
    )
    at = LondonDateTimeField(
        source="trigger_at", read_only=True, help_text="When the clock started, London time."
    )
    label = serializers.CharField(source="trigger_label", read_only=True)
    event = serializers.IntegerField(
        source="trigger_event_id",
        read_only=True,
        allow_null=True,
        help_text="The case event that triggered it, if an event did.",
    )


class DutySerializer(serializers.ModelSerializer):
    case = DutyCaseSerializer(read_only=True)
    person = DutyPersonSerializer(source="party.person", read_only=True)
    party = serializers.PrimaryKeyRelatedField(read_only=True)
    role = serializers.CharField(
        source="party.role", read_only=True, help_text="The person's role in the case."
    )
    right = DutyRightSerializer(source="rule.right", read_only=True)
    rule = serializers.CharField(source="rule.code", read_only=True, help_text="e.g. R7.")
    title = serializers.CharField(source="rule.title", read_only=True)
    source = serializers.CharField(
        source="rule.source", read_only=True, help_text="Where the rule comes from."
    )
    trigger = DutyTriggerSerializer(source="*", read_only=True)
    enhanced = serializers.BooleanField(read_only=True, help_text="Timed for enhanced rights.")
    due_at = LondonDateTimeField(read_only=True)
    owner = NamedChoiceField(choices=Owner.choices, enum_name="DutyOwnerEnum", read_only=True)
    status = NamedChoiceField(
        choices=DutyStatus.choices, enum_name="DutyStatusEnum", read_only=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    overdue = serializers.SerializerMethodField(help_text="Open and past its deadline now.")
    met_at = LondonDateTimeField(read_only=True, allow_null=True)
    met_by_name = serializers.CharField(source="met_by", read_only=True, allow_null=True)
    resolved_at = LondonDateTimeField(read_only=True, allow_null=True)
    resolved_by_name = serializers.CharField(source="resolved_by", read_only=True, allow_null=True)

    class Meta:
        model = Duty
        fields = [
            "id",
            "case",
            "person",
            "party",
            "role",
            "right",
            "rule",
            "title",
            "source",
            "trigger",
            "enhanced",
            "due_at",
            "owner",
            "status",
            "status_label",
            "is_open",
            "overdue",
            "met_at",
            "met_by",
            "met_by_name",
            "met_contact",
            "met_record",
            "reason",
            "resolved_at",
            "resolved_by",
            "resolved_by_name",
            "explanation",
        ]
        read_only_fields = fields

    def get_overdue(self, duty: Duty) -> bool:
        return duty.status in OPEN_STATUSES and duty.due_at < timezone.now()


class DutyAttemptSerializer(serializers.Serializer):
    contact = serializers.IntegerField(source="contact_id", read_only=True)
    at = LondonDateTimeField(source="contact.occurred_at", read_only=True)
    method = serializers.CharField(source="contact.method", read_only=True)
    outcome = serializers.CharField(source="contact.outcome.code", read_only=True)
    outcome_label = serializers.CharField(source="contact.outcome.label", read_only=True)
    by_name = serializers.CharField(source="contact.by", read_only=True)


class DutyDetailSerializer(DutySerializer):
    """One duty, with what other apps say about it: for Right 4, the victim's choice about the
    referral to victim services and why it has not been sent (the page shows the same lines);
    and the attempts to reach the person that did not, kept as evidence of effort."""

    notes = serializers.SerializerMethodField(
        help_text="Plain sentences about the duty, such as why the Right 4 referral waits."
    )
    attempts = serializers.SerializerMethodField(
        help_text="Contacts made for this duty that did not reach the person, oldest first."
    )
    attempts_summary = serializers.SerializerMethodField(
        help_text='e.g. "2 attempts: Mon 7 Dec 10:02 no answer, Mon 7 Dec 16:40 no answer" '
        "(London time); empty when none."
    )

    class Meta(DutySerializer.Meta):
        fields = [*DutySerializer.Meta.fields, "notes", "attempts", "attempts_summary"]
        read_only_fields = fields

    def get_notes(self, duty: Duty) -> list[str]:
        return duty_notes.for_duty(duty)

    def _attempts(self, duty: Duty) -> list:
        if getattr(duty, "_attempts", None) is None:
            duty._attempts = selectors.attempts(duty)
        return duty._attempts

    @extend_schema_field(DutyAttemptSerializer(many=True))
    def get_attempts(self, duty: Duty) -> list[dict]:
        return DutyAttemptSerializer(self._attempts(duty), many=True).data

    def get_attempts_summary(self, duty: Duty) -> str:
        return selectors.attempts_summary(self._attempts(duty))


# --- resolving a duty --------------------------------------------------------------------------


class DutyContactField(serializers.PrimaryKeyRelatedField):
    """A contact recorded on the duty's case (the service checks it was with the same person)."""

    queryset = Contact.objects.none()  # Narrowed to the duty's case by get_queryset.

    default_error_messages = {
        "does_not_exist": "No contact with this id is recorded on this case.",
        "incorrect_type": "Give the id of a contact recorded on this case.",
    }

    def get_queryset(self):
        duty = self.context.get("duty")
        if duty is None:
            return Contact.objects.none()
        return Contact.objects.filter(case_id=duty.case_id)


class DutyMeetSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="How the duty was met. Required unless a contact is given.",
    )
    contact = DutyContactField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The id of the contact with the person that met the duty.",
    )
    at = RecordedAtField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When it was met; now if left out. Never in the future.",
    )


class DutyReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why, in words. Required.")
