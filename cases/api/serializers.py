"""Shapes of the cases API. These check shape only (types, lengths, choices, which ids exist in
the case); every rule about what may be recorded lives in cases.services."""

from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Team, User
from cases import dates, selectors, services
from cases.models import (
    ASKED_FLAGS,
    VPS_ANSWERS,
    Basis,
    Case,
    CaseEvent,
    CaseOutcome,
    Contact,
    ContactOutcome,
    NeedsAssessment,
    OffenceCategory,
    Party,
    PartyRole,
    Person,
    ReopenReason,
    RiskAnswer,
    RiskAssessment,
    SafeContact,
    UpdateAgreement,
    VictimPersonalStatement,
    VpsReading,
    VpsStage,
)

VERSION_HELP = "The version you last read. Required: a stale version is refused with 409."

PERSON_INPUT_FIELDS = [
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "address",
    "postcode",
    "preferred_language",
    "interpreter_needed",
    "communication_needs",
    "sex",
    "ethnicity",
]


class RecordedAtField(serializers.DateTimeField):
    """A moment on a record: from 1900 on."""

    default_error_messages = {"too_early": dates.TOO_EARLY}

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if moment < dates.EARLIEST:
            self.fail("too_early")
        return moment


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "format": "email"}, {"type": "string", "enum": [""]}],
        "description": "An email address, or empty when none is held.",
    }
)
class OptionalEmailField(serializers.EmailField):
    """An email address that may be blank: the schema says so, as a plain EmailField does not."""


class RecordSerializer(serializers.ModelSerializer):
    """A model shape of this API: moments from 1900 on, emails that may be blank, and the
    `past_moments` not in the future (cases.dates, as the services and the forms judge them)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: RecordedAtField,
        models.EmailField: OptionalEmailField,
    }
    past_moments: tuple[str, ...] = ()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        moments = {name: attrs.get(name) for name in self.past_moments}
        errors = dates.past_errors(now=timezone.now(), **moments)
        if errors:
            raise serializers.ValidationError({name: [error] for name, error in errors.items()})
        return attrs


def _validate_date_of_birth(value):
    if value is not None and (
        error := dates.date_of_birth_error(value, today=timezone.localdate())
    ):
        raise serializers.ValidationError(error)
    return value


def _require_version(attrs: dict) -> dict:
    # PATCH validates partially, which would let `version` be left out; it never may be.
    if "version" not in attrs:
        raise serializers.ValidationError({"version": ["This field is required."]})
    return attrs


class CasePartyField(serializers.PrimaryKeyRelatedField):
    """A party id that must belong to the case in the serializer's context."""

    queryset = Party.objects.none()  # Narrowed to the case's parties by get_queryset.

    default_error_messages = {
        "does_not_exist": "This person is not part of this case.",
        "incorrect_type": "Give the id of a party in this case.",
    }

    def get_queryset(self):
        case = self.context.get("case")
        if case is None:
            return Party.objects.none()
        return Party.objects.filter(case=case).select_related("person", "case__offence")


class VisiblePersonField(serializers.PrimaryKeyRelatedField):
    """An existing person's id, among the people the view says this user may see."""

    queryset = Person.objects.none()  # Narrowed to the visible people by get_queryset.

    default_error_messages = {"does_not_exist": "No person with this id is available to you."}

    def get_queryset(self):
        return self.context.get("people", Person.objects.none())


# --- people ------------------------------------------------------------------------------------


class PersonSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "first_name", "last_name", "date_of_birth"]


class PersonInputSerializer(RecordSerializer):
    """A new person's details."""

    class Meta:
        model = Person
        fields = PERSON_INPUT_FIELDS

    def validate_date_of_birth(self, value):
        return _validate_date_of_birth(value)


class SafeContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = SafeContact
        fields = [
            "phone_safe",
            "text_safe",
            "email_safe",
            "letter_safe",
            "visit_safe",
            "safe_times",
            "may_leave_message",
            "alternative_contact",
            "notes",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class CrimeCountedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "crime_reference", "occurred_at"]
        read_only_fields = fields


class PersistentTargetingSerializer(serializers.Serializer):
    label = serializers.SerializerMethodField()
    found_at = serializers.DateTimeField(help_text="When the system first found it.")
    policy = serializers.CharField(
        source="policy.describe", help_text="The local policy it was found under, in words."
    )
    crimes = CrimeCountedSerializer(
        many=True, help_text="The crimes that counted, among the cases you may see only."
    )

    def get_label(self, targeting) -> str:
        return Basis.PERSISTENTLY_TARGETED.label


class PersonSerializer(RecordSerializer):
    safe_contact = SafeContactSerializer(read_only=True, allow_null=True)
    persistently_targeted = serializers.SerializerMethodField(
        help_text="Found persistently targeted by the system (local policy), or null."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            *PERSON_INPUT_FIELDS,
            "safe_contact",
            "persistently_targeted",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PersistentTargetingSerializer(allow_null=True))
    def get_persistently_targeted(self, person):
        request = self.context.get("request")
        if request is None:
            return None
        found = selectors.persistent_targeting(request.user, {person.pk}).get(person.pk)
        return PersistentTargetingSerializer(found).data if found is not None else None


class PersonUpdateSerializer(RecordSerializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)

    class Meta:
        model = Person
        fields = [*PERSON_INPUT_FIELDS, "version"]

    def validate_date_of_birth(self, value):
        return _validate_date_of_birth(value)

    def validate(self, attrs):
        return _require_version(super().validate(attrs))


class PersonConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = PersonSerializer(help_text="The record as it now stands.")


# --- parties -----------------------------------------------------------------------------------


class PartySerializer(serializers.ModelSerializer):
    person = PersonSummarySerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    persistently_targeted = serializers.SerializerMethodField(
        help_text="Whether the basis 'persistently targeted' applies to them in this case."
    )

    class Meta:
        model = Party
        fields = [
            "id",
            "case",
            "person",
            "role",
            "role_label",
            "enhanced",
            "persistently_targeted",
            "added_at",
        ]
        read_only_fields = fields

    def get_persistently_targeted(self, party) -> bool:
        # Lists annotate it (selectors.with_persistent_targeting); one party just made asks.
        if hasattr(party, "persistently_targeted"):
            return party.persistently_targeted
        return party.bases.filter(basis=Basis.PERSISTENTLY_TARGETED, applies=True).exists()


class PartyCreateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=PartyRole.choices)
    person = PersonInputSerializer(required=False, help_text="A new person's details, or...")
    person_id = VisiblePersonField(required=False, help_text="...an existing person's id.")

    def validate(self, attrs):
        if ("person" in attrs) == ("person_id" in attrs):
            raise serializers.ValidationError(
                {"person": ["Give either a new person's details or an existing person's id."]}
            )
        return attrs


class PersonMatchQuerySerializer(serializers.Serializer):
    """Who the caller is about to add: sent in the body, never in an address."""

    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)

    def validate_date_of_birth(self, value):
        return _validate_date_of_birth(value)


class MatchCaseSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    crime_reference = serializers.CharField()
    offence = serializers.CharField()
    role = serializers.CharField(help_text="The person's part in that case, in words.")


class PersonMatchSerializer(serializers.Serializer):
    person = PersonSummarySerializer()
    postcode = serializers.CharField(source="person.postcode")
    reasons = serializers.ListField(child=serializers.CharField())
    cases = MatchCaseSerializer(many=True, help_text="Only cases you may see.")


class PersonMatchesSerializer(serializers.Serializer):
    matches = PersonMatchSerializer(many=True)


class PersonMergeInputSerializer(serializers.Serializer):
    kept = VisiblePersonField(help_text="The record to keep.")
    merged = VisiblePersonField(help_text="The record folded into it, then removed.")
    reason = serializers.CharField(max_length=2000, help_text="Why they are the same person.")


class PersonMergeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kept = serializers.IntegerField(source="kept_id")
    merged_person_id = serializers.IntegerField()
    merged_at = serializers.DateTimeField()
    merged_by = serializers.CharField(source="merged_by.get_username")
    reason = serializers.CharField()
    parties_moved = serializers.IntegerField()


class FirstPartySerializer(PartyCreateSerializer):
    """The case's first victim: as when adding a party, with the role "victim" unless given."""

    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.VICTIM)


# --- cases -------------------------------------------------------------------------------------


class CaseListSerializer(serializers.ModelSerializer):
    offence_code = serializers.CharField(source="offence.code", read_only=True)
    offence_name = serializers.CharField(source="offence.name", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    officer_name = serializers.CharField(source="officer", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    victims = PartySerializer(source="victim_parties", many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "crime_reference",
            "offence",
            "offence_code",
            "offence_name",
            "offence_summary",
            "occurred_at",
            "reported_at",
            "recorded_at",
            "team",
            "team_name",
            "officer",
            "officer_name",
            "status",
            "status_label",
            "restricted",
            "thrive_grade",
            "victims",
            "version",
        ]
        read_only_fields = fields


class CaseDetailSerializer(serializers.ModelSerializer):
    offence_code = serializers.CharField(source="offence.code", read_only=True)
    offence_name = serializers.CharField(source="offence.name", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    officer_name = serializers.CharField(source="officer", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # Declared: DRF drops allow_blank from a read-only field, so the schema would refuse "".
    outcome = serializers.ChoiceField(choices=CaseOutcome.choices, allow_blank=True, read_only=True)
    wcu_team_name = serializers.CharField(source="wcu_team", read_only=True, allow_null=True)
    witness_care_officer_name = serializers.CharField(
        source="witness_care_officer", read_only=True, allow_null=True
    )
    parties = PartySerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "crime_reference",
            "offence",
            "offence_code",
            "offence_name",
            "offence_summary",
            "occurred_at",
            "reported_at",
            "recorded_at",
            "team",
            "team_name",
            "officer",
            "officer_name",
            "status",
            "status_label",
            "outcome",
            "closed_at",
            "wcu_team",
            "wcu_team_name",
            "witness_care_officer",
            "witness_care_officer_name",
            "restricted",
            "mental_health_demand",
            "thrive_grade",
            "parties",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CaseCreateSerializer(RecordSerializer):
    # Declared, so no uniqueness check here: the service owns that rule and its message.
    crime_reference = serializers.CharField(max_length=50)
    offence = serializers.PrimaryKeyRelatedField(queryset=OffenceCategory.objects.all())
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    officer = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    victim = FirstPartySerializer()
    added_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=[(f.value, f.label) for f in ASKED_FLAGS]),
        required=False,
        default=list,
        help_text="What the offence also was, when its category does not say: domestic abuse, "
        "hate crime or sexual offence. Each decides enhanced rights.",
    )
    victim_bases = serializers.ListField(
        child=serializers.ChoiceField(
            choices=[
                (b.value, b.label)
                for b in (
                    Basis.MENTAL_DISORDER,
                    Basis.IMPAIRMENT,
                    Basis.PHYSICAL,
                    Basis.INTIMIDATED,
                )
            ]
        ),
        required=False,
        default=list,
        help_text="The victim's answer to 'do you have a disability or mental health condition, "
        "or feel intimidated?': the bases it gives. Recorded before the duties are made.",
    )

    class Meta:
        model = Case
        fields = [
            "crime_reference",
            "offence",
            "added_flags",
            "victim_bases",
            "offence_summary",
            "occurred_at",
            "reported_at",
            "recorded_at",
            "team",
            "officer",
            "restricted",
            "mental_health_demand",
            "thrive_grade",
            "victim",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors: dict = {
            name: [error]
            for name, error in dates.case_date_errors(
                occurred_at=attrs.get("occurred_at"),
                reported_at=attrs.get("reported_at"),
                recorded_at=attrs.get("recorded_at"),
                now=timezone.now(),
            ).items()
        }
        born = attrs["victim"].get("person", {}).get("date_of_birth")
        if born is not None and attrs["victim"]["role"] in dates.BORN_BY_OFFENCE:
            offence_on = timezone.localdate(attrs["occurred_at"])
            if error := dates.date_of_birth_error(
                born, today=timezone.localdate(), offence_on=offence_on
            ):
                errors["victim"] = {"person": {"date_of_birth": [error]}}
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class CaseUpdateSerializer(RecordSerializer):
    offence = serializers.PrimaryKeyRelatedField(queryset=OffenceCategory.objects.all())
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    officer = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)

    class Meta:
        model = Case
        fields = [
            "offence",
            "offence_summary",
            "occurred_at",
            "reported_at",
            "recorded_at",
            "team",
            "officer",
            "restricted",
            "mental_health_demand",
            "thrive_grade",
            "version",
        ]

    past_moments = ("occurred_at", "reported_at", "recorded_at")

    def validate(self, attrs):
        return _require_version(super().validate(attrs))


class CaseConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = CaseDetailSerializer(help_text="The case as it now stands.")


# --- what happens on the case ------------------------------------------------------------------


class ContactOutcomeField(serializers.SlugRelatedField):
    """An outcome by its code, among those an officer may choose today."""

    default_error_messages = {
        "does_not_exist": "No outcome {slug_name}={value}: see /api/v1/contact-outcomes/.",
        "invalid": "Give the code of what came of the contact.",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        return ContactOutcome.objects.offered(on=timezone.localdate())


class ContactSerializer(RecordSerializer):
    past_moments = ("occurred_at",)
    party = CasePartyField()
    outcome = ContactOutcomeField(
        help_text=(
            "What came of it, by code (/api/v1/contact-outcomes/). Only an outcome that counts "
            "as contact meets a duty."
        )
    )
    outcome_label = serializers.CharField(source="outcome.label", read_only=True)
    counts_as_contact = serializers.BooleanField(
        source="outcome.counts_as_contact",
        read_only=True,
        help_text="The person was reached: false for an attempt.",
    )
    person_name = serializers.CharField(source="party.person", read_only=True)
    by_name = serializers.CharField(source="by", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "case",
            "party",
            "person_name",
            "occurred_at",
            "method",
            "direction",
            "purpose",
            "outcome",
            "outcome_label",
            "counts_as_contact",
            "summary",
            "by",
            "by_name",
            "recorded_at",
        ]
        read_only_fields = ["id", "case", "by", "recorded_at"]


class EventSerializer(RecordSerializer):
    past_moments = ("occurred_at", "received_at")
    party = CasePartyField(
        required=False,
        allow_null=True,
        help_text="The witness it concerns, or who made a complaint (required for those).",
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    wcu_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text="The Witness Care Unit, when the case is passed to one.",
    )

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "case",
            "kind",
            "kind_label",
            "occurred_at",
            "received_at",
            "party",
            "hearing_at",
            "venue",
            "outcome",
            "custody_months",
            "notes",
            "wcu_team",
            "recorded_by",
            "recorded_at",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
        ]
        read_only_fields = [
            "id",
            "case",
            "recorded_by",
            "recorded_at",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
        ]


class CaseCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CaseOutcome.choices)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=(
            "A supervisor of the case's team closing it while Code duties are still open says "
            "why here. Without it, such a close is refused with 400: `open_duties` lists them."
        ),
    )
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class CaseReopenSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReopenReason.choices)
    details = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why, in words: required when the reason is `other`.",
    )
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class EventWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why the event is being withdrawn.")


# --- assessments -------------------------------------------------------------------------------


class NeedsAssessmentSerializer(serializers.ModelSerializer):
    party = CasePartyField()
    version = serializers.IntegerField(
        min_value=0,
        help_text=(
            "Sending: the version of the party's latest needs assessment you last read (0 if it "
            "has none). Required: a stale version is refused with 409. Answered: the version "
            "this assessment became."
        ),
    )
    intimidation_factors = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False
    )

    class Meta:
        model = NeedsAssessment
        fields = [
            "id",
            "party",
            "version",
            "assessed_at",
            "assessed_by",
            "reason",
            "communication_and_language",
            "interpreter_needed",
            "safe_contact_notes",
            "health_and_disability",
            "mental_disorder",
            "impairment_of_intelligence",
            "physical_disability",
            "persistently_targeted",
            "intimidated",
            "intimidation_factors",
            "support_needs",
            "special_measures_needed",
            "special_measures_notes",
            "court_childcare_needed",
            "court_transport_needed",
            "restorative_justice_info_given",
            "vps_offered",
            "notes",
        ]
        read_only_fields = ["id", "assessed_at", "assessed_by"]
        # The version sent is the one read, not the one to write: the service checks it.
        validators = []


class RiskAssessmentSerializer(serializers.ModelSerializer):
    party = CasePartyField()
    question_set = serializers.SlugRelatedField(slug_field="code", read_only=True)
    answers = serializers.DictField(
        child=serializers.ChoiceField(choices=RiskAnswer.choices),
        help_text='Every question number to an answer, e.g. {"1": "yes", "2": "not_known"}.',
    )
    # Plain strings in the schema: one choice set under three names would make three enums.
    actuarial_grade = serializers.CharField(
        read_only=True, help_text="From the score alone: standard, medium or high."
    )
    grade = serializers.CharField(
        read_only=True, help_text="The higher of the actuarial and judgement grades."
    )
    marac_reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "party",
            "question_set",
            "assessed_at",
            "assessed_by",
            "answers",
            "score",
            "actuarial_grade",
            "judgement_grade",
            "judgement_reason",
            "grade",
            "marac_referral",
            "marac_reasons",
            "domestic_abuse_incidents_in_window",
        ]
        read_only_fields = [
            "id",
            "assessed_at",
            "assessed_by",
            "score",
            "actuarial_grade",
            "grade",
            "marac_referral",
            "marac_reasons",
            "domestic_abuse_incidents_in_window",
        ]


class UpdateAgreementSerializer(serializers.ModelSerializer):
    party = CasePartyField()

    class Meta:
        model = UpdateAgreement
        fields = [
            "id",
            "party",
            "frequency_days",
            "method",
            "notes",
            "agreed_at",
            "agreed_by",
            "superseded_at",
            "next_update_due_at",
        ]
        read_only_fields = ["id", "agreed_at", "agreed_by", "superseded_at", "next_update_due_at"]


class VpsOfferSerializer(RecordSerializer):
    """An offer of a victim personal statement at one stage, with the person's answer and, for a
    statement made, how they want it used in court."""

    party = CasePartyField()
    stage = serializers.ChoiceField(choices=VpsStage.choices)
    answer = serializers.ChoiceField(
        source="status",
        choices=VPS_ANSWERS,
        help_text="The person's answer: taken means they made a statement.",
    )
    reading_preference = serializers.ChoiceField(
        choices=VpsReading.choices, default=VpsReading.UNDECIDED
    )
    read_by = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Who reads it aloud: required when someone else reads it for the person.",
    )
    offered_at = RecordedAtField(
        required=False, help_text="When it was offered; not in the future. Empty: now."
    )
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    answer_label = serializers.CharField(source="get_status_display", read_only=True)
    reading_preference_label = serializers.CharField(
        source="get_reading_preference_display", read_only=True
    )

    class Meta:
        model = VictimPersonalStatement
        fields = [
            "id",
            "party",
            "stage",
            "stage_label",
            "offered_at",
            "answer",
            "answer_label",
            "taken_at",
            "reading_preference",
            "reading_preference_label",
            "read_by",
            "is_further_statement",
            "notes",
            "recorded_by",
        ]
        read_only_fields = ["id", "taken_at", "is_further_statement", "recorded_by"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        # The service's own checks, as field errors in one 400 (it refuses the same things).
        errors = services.vps_offer_errors(
            status=attrs.get("status", ""),
            stage=attrs.get("stage", ""),
            reading_preference=attrs.get("reading_preference", VpsReading.UNDECIDED),
            read_by=attrs.get("read_by", ""),
            offered_at=attrs.get("offered_at"),
            now=timezone.now(),
        )
        if errors:
            # The model's status is the API's answer.
            raise serializers.ValidationError(
                {ANSWER.get(name, name): [error] for name, error in errors.items()}
            )
        return attrs


ANSWER = {"status": "answer"}
