"""Shapes of the referrals API.

A referral is shown as what the victim agreed may be shared with the agency, and nothing more:
their name, then their contact details and safe-contact rules only if the consent scope covers
contact, their language and communication needs only if it covers language, the kind of crime
only if it covers the offence, the risk level only if it covers risk and the officer chose to
share it. Once consent is withdrawn nothing personal is shown at all; to an agency not even the
notes in the history, which may name the person. The police see the same referral, plus the case
and party it belongs to (they reach the rest of the case through the cases API).

Moves go through referrals.services, which own every rule about them.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Case, Party
from entitlements.api.serializers import LondonDateTimeField, NamedChoiceField
from referrals import automatic
from referrals.models import (
    ConsentMethod,
    LawfulBasis,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ShareItem,
    SupportAgency,
)
from referrals.selectors import agency_history, agency_sees_person


def shares(referral: Referral, item: str) -> bool:
    """Whether the victim's consent, still in force, covers this item."""
    return referral.consent_active and item in (referral.consent_scope or [])


def _agency_view(context) -> bool:
    return bool(context.get("agency_view", True))


# --- what is shared about the person -----------------------------------------------------------


class SafeChannelsSerializer(serializers.Serializer):
    phone = serializers.BooleanField(help_text="Safe to phone.")
    text = serializers.BooleanField(help_text="Safe to send a text message.")
    email = serializers.BooleanField(help_text="Safe to email.")
    letter = serializers.BooleanField(help_text="Safe to write.")
    visit = serializers.BooleanField(help_text="Safe to visit at home.")


class SharedContactSerializer(serializers.Serializer):
    """Contact details go only with the channels that are safe: no phone number unless phoning or
    texting is safe, no email address unless email is, no address unless a letter or a visit is."""

    safe_channels = SafeChannelsSerializer()
    safe_times = serializers.CharField(help_text="When it is safe to make contact.")
    may_leave_message = serializers.BooleanField()
    alternative_contact = serializers.CharField(help_text="Another safe way to reach them.")
    phone = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_null=True)
    postcode = serializers.CharField(allow_null=True)


class SharedCommunicationSerializer(serializers.Serializer):
    preferred_language = serializers.CharField()
    interpreter_needed = serializers.BooleanField()
    communication_needs = serializers.CharField()


class SharedPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    contact = SharedContactSerializer(
        allow_null=True, help_text="Only if the victim agreed to share contact details."
    )
    communication = SharedCommunicationSerializer(
        allow_null=True,
        help_text="Only if the victim agreed to share language and communication needs.",
    )


def _contact(person) -> dict:
    safe = getattr(person, "safe_contact", None)
    channels = {
        "phone": safe.phone_safe if safe else True,
        "text": safe.text_safe if safe else True,
        "email": safe.email_safe if safe else True,
        "letter": safe.letter_safe if safe else True,
        "visit": safe.visit_safe if safe else True,
    }
    by_post = channels["letter"] or channels["visit"]
    return {
        "safe_channels": channels,
        "safe_times": safe.safe_times if safe else "",
        "may_leave_message": safe.may_leave_message if safe else False,
        "alternative_contact": safe.alternative_contact if safe else "",
        "phone": person.phone if channels["phone"] or channels["text"] else None,
        "email": person.email if channels["email"] else None,
        "address": person.address if by_post else None,
        "postcode": person.postcode if by_post else None,
    }


def shared_person(referral: Referral) -> dict | None:
    if not agency_sees_person(referral):
        return None
    person = referral.party.person
    communication = None
    if shares(referral, ShareItem.LANGUAGE):
        communication = {
            "preferred_language": person.preferred_language,
            "interpreter_needed": person.interpreter_needed,
            "communication_needs": person.communication_needs,
        }
    return {
        "name": str(person),
        "contact": _contact(person) if shares(referral, ShareItem.CONTACT) else None,
        "communication": communication,
    }


# --- the referral ------------------------------------------------------------------------------


class ReferralAgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportAgency
        fields = ["id", "name"]
        read_only_fields = fields


class ReferralCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "crime_reference"]
        read_only_fields = fields


class SharedOffenceSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The kind of crime.")
    occurred_at = LondonDateTimeField(help_text="When it happened (or began), London time.")


class ReferralConsentSerializer(serializers.Serializer):
    lawful_basis = NamedChoiceField(
        choices=LawfulBasis.choices, enum_name="LawfulBasisEnum", allow_blank=True, read_only=True
    )
    scope = serializers.ListField(
        source="consent_scope",
        child=NamedChoiceField(choices=ShareItem.choices, enum_name="ShareItemEnum"),
        read_only=True,
        help_text="What the victim agreed may be shared.",
    )
    method = NamedChoiceField(
        source="consent_method",
        choices=ConsentMethod.choices,
        enum_name="ConsentMethodEnum",
        allow_blank=True,
        read_only=True,
    )
    recorded_at = LondonDateTimeField(source="consent_recorded_at", read_only=True, allow_null=True)
    withdrawn_at = LondonDateTimeField(
        source="consent_withdrawn_at", read_only=True, allow_null=True
    )
    active = serializers.BooleanField(
        source="consent_active", read_only=True, help_text="Given and not withdrawn."
    )


class ReferralEventSerializer(serializers.ModelSerializer):
    """One line of the history. To an agency, notes are blank once consent is withdrawn."""

    from_status = serializers.CharField(read_only=True, help_text="Blank unless a move.")
    to_status = serializers.CharField(read_only=True, help_text="Blank unless a move.")
    note = serializers.SerializerMethodField()
    at = LondonDateTimeField(read_only=True)
    by_name = serializers.SerializerMethodField()

    class Meta:
        model = ReferralEvent
        fields = ["id", "kind", "from_status", "to_status", "note", "at", "by_name"]
        read_only_fields = fields
        extra_kwargs = {
            "kind": {"help_text": "proposed, move, update, consent or consent_withdrawn."}
        }

    def get_note(self, event: ReferralEvent) -> str:
        if self.context.get("redact_notes"):
            return ""
        return event.note

    def get_by_name(self, event: ReferralEvent) -> str:
        if _agency_view(self.context):
            return "" if event.by_id is None or event.by.agency_id is None else str(event.by)
        return str(event.by) if event.by_id else "VictimCare"


class Right4Serializer(serializers.Serializer):
    """The victim's choice about the Right 4 referral to the victim service, what is shared, and
    why VictimCare has not sent it (if it has not)."""

    victim_choice = NamedChoiceField(
        source="choice", choices=automatic.Choice.choices, enum_name="VictimChoiceEnum"
    )
    victim_choice_label = serializers.CharField(source="choice_label")
    waiting_reason = serializers.CharField(
        source="reason",
        help_text="Why it is still a draft, or when VictimCare sends it, in plain words; blank "
        "once sent.",
    )
    shared = serializers.ListField(
        child=serializers.CharField(), help_text="What was shared, or will be if it is sent."
    )
    sent_automatically = serializers.BooleanField(help_text="Sent by VictimCare, not an officer.")


class ReferralSerializer(serializers.ModelSerializer):
    """A referral as the agency receives it; the police also see its case and party."""

    status = NamedChoiceField(
        choices=ReferralStatus.choices, enum_name="ReferralStatusEnum", read_only=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    agency = ReferralAgencySerializer(read_only=True)
    case = serializers.SerializerMethodField(help_text="Police only: null for agency users.")
    party = serializers.SerializerMethodField(help_text="Police only: null for agency users.")
    person = serializers.SerializerMethodField(
        help_text="What is shared about the person: null once consent is withdrawn."
    )
    support_requested = serializers.SerializerMethodField()
    risk_level = serializers.SerializerMethodField(
        help_text="Only if the victim agreed to share it and the officer shared it."
    )
    offence = serializers.SerializerMethodField(
        help_text="Only if the victim agreed to share the kind of crime and when."
    )
    consent = ReferralConsentSerializer(source="*", read_only=True)
    reason = serializers.SerializerMethodField(help_text="Why declined, returned or withdrawn.")
    outcome = serializers.SerializerMethodField()
    created_at = LondonDateTimeField(read_only=True)
    sent_at = LondonDateTimeField(read_only=True, allow_null=True)
    respond_by = LondonDateTimeField(
        read_only=True,
        allow_null=True,
        help_text="The agency's answer is due by then, London time.",
    )
    responded_at = LondonDateTimeField(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField(help_text="Sent, unanswered and past respond_by.")
    sent_automatically = serializers.BooleanField(
        read_only=True, help_text="Sent by VictimCare itself for Right 4, not by an officer."
    )
    right4 = serializers.SerializerMethodField(
        help_text="Police only, victim service referrals only: the victim's choice, what is "
        "shared and why it is not sent yet. Null otherwise."
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "status",
            "status_label",
            "agency",
            "case",
            "party",
            "person",
            "support_requested",
            "risk_level",
            "offence",
            "consent",
            "reason",
            "outcome",
            "created_at",
            "sent_at",
            "respond_by",
            "responded_at",
            "overdue",
            "sent_automatically",
            "right4",
            "version",
        ]
        read_only_fields = fields

    def _redacted(self, referral: Referral) -> bool:
        """Personal details stop with consent; for an agency, so do the free-text notes."""
        return _agency_view(self.context) and not agency_sees_person(referral)

    @extend_schema_field(ReferralCaseSerializer(allow_null=True))
    def get_case(self, referral: Referral) -> dict | None:
        if _agency_view(self.context):
            return None
        return ReferralCaseSerializer(referral.case).data

    def get_party(self, referral: Referral) -> int | None:
        return None if _agency_view(self.context) else referral.party_id

    @extend_schema_field(SharedPersonSerializer(allow_null=True))
    def get_person(self, referral: Referral) -> dict | None:
        person = shared_person(referral)
        return None if person is None else SharedPersonSerializer(person).data

    def get_support_requested(self, referral: Referral) -> str:
        return referral.support_requested if referral.consent_active else ""

    def get_risk_level(self, referral: Referral) -> str | None:
        if not shares(referral, ShareItem.RISK):
            return None
        return referral.risk_level or None

    @extend_schema_field(SharedOffenceSerializer(allow_null=True))
    def get_offence(self, referral: Referral) -> dict | None:
        if not shares(referral, ShareItem.OFFENCE):
            return None
        case = referral.case
        return SharedOffenceSerializer(
            {"name": case.offence.name, "occurred_at": case.occurred_at}
        ).data

    def get_reason(self, referral: Referral) -> str:
        return "" if self._redacted(referral) else referral.reason

    def get_outcome(self, referral: Referral) -> str:
        return "" if self._redacted(referral) else referral.outcome

    @extend_schema_field(Right4Serializer(allow_null=True))
    def get_right4(self, referral: Referral) -> dict | None:
        if _agency_view(self.context):
            return None
        # Read once for the whole page (two queries), not once per referral.
        known = self.context.setdefault("_right4", {})
        if "duties" not in known:
            page = self.parent.instance if self.parent is not None else [referral]
            known["duties"] = automatic.right4_duties(list(page))
            known["policy"] = automatic.policy_in_force()
        status = automatic.referral_status(
            referral, duty=known["duties"].get(referral.party_id), policy=known["policy"]
        )
        return None if status is None else Right4Serializer(status).data

    def get_overdue(self, referral: Referral) -> bool:
        return (
            referral.status == ReferralStatus.SENT
            and referral.respond_by is not None
            and referral.respond_by < timezone.now()
        )


class ReferralDetailSerializer(ReferralSerializer):
    history = serializers.SerializerMethodField(help_text="Every move, update and consent change.")

    class Meta(ReferralSerializer.Meta):
        fields = [*ReferralSerializer.Meta.fields, "history"]
        read_only_fields = fields

    @extend_schema_field(ReferralEventSerializer(many=True))
    def get_history(self, referral: Referral) -> list[dict]:
        context = {**self.context, "redact_notes": self._redacted(referral)}
        events = agency_history(referral) if _agency_view(self.context) else referral.history.all()
        return ReferralEventSerializer(events, many=True, context=context).data


# --- making and moving a referral --------------------------------------------------------------


class VisiblePartyField(serializers.PrimaryKeyRelatedField):
    """A party to a case the user may see."""

    queryset = Party.objects.none()  # Narrowed to the user's cases by get_queryset.

    default_error_messages = {
        "does_not_exist": "No party with this id is on a case you may see.",
        "incorrect_type": "Give the id of the person's party to the case.",
    }

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Party.objects.none()
        cases = Case.objects.visible_to(request.user)
        return Party.objects.filter(case__in=cases).select_related("case__offence", "person")


class ReferralCreateSerializer(serializers.Serializer):
    party = VisiblePartyField(help_text="The id of the person's party to the case.")
    agency = serializers.PrimaryKeyRelatedField(
        queryset=SupportAgency.objects.all(), help_text="The support agency's id."
    )
    support_requested = serializers.CharField(allow_blank=True, default="")
    lawful_basis = NamedChoiceField(choices=LawfulBasis.choices, enum_name="LawfulBasisEnum")
    scope = serializers.ListField(
        child=NamedChoiceField(choices=ShareItem.choices, enum_name="ShareItemEnum"),
        help_text="What the victim agreed may be shared.",
    )
    method = NamedChoiceField(
        choices=ConsentMethod.choices,
        enum_name="ConsentMethodEnum",
        allow_blank=True,
        default="",
        help_text="How the victim gave consent; required for a consent basis.",
    )
    share_risk = serializers.BooleanField(
        default=False, help_text="Share the latest risk grade (if the scope covers risk)."
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, required=False, default="")


class UpdateNoteSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, help_text="The update. Required.")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why, in words. Required.")


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(allow_blank=True, help_text="What came of it. Required.")


class ConsentWithdrawalSerializer(serializers.Serializer):
    how = serializers.CharField(
        allow_blank=True, help_text="How the victim withdrew consent. Required."
    )


class EmptySerializer(serializers.Serializer):
    pass
