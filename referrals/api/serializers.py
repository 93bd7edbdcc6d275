"""Shapes of the referrals API.

A referral is shown as referrals.selectors.agency_view builds it, the one representation of what
the agency sees (its page and the officer's preview render the same), and nothing more: the name
and the support asked for, then contact details and safe-contact rules only if the scope covers
contact, language and communication needs only if it covers language, the kind of crime only if
it covers the offence, the risk level only if it covers risk and the officer chose to share it.
The scope is what the victim agreed to or, shared without consent, what the officer recorded under
a named exception (`consent.shared_without_consent`, `consent.exception`). Once consent is
withdrawn nothing personal is shown at all; to an agency not even the notes in the history, which
may name the person. The police see the same referral, plus the case and party it belongs to and
the reason for sharing without consent (they reach the rest of the case through the cases API).

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
    SharingException,
    SupportAgency,
)
from referrals.selectors import agency_history, agency_sees_person, agency_view


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
        allow_null=True, help_text="Only if the scope covers contact details."
    )
    communication = SharedCommunicationSerializer(
        allow_null=True,
        help_text="Only if the scope covers language and communication needs.",
    )


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
    """The basis for sharing, from agency_view: never reads as the victim agreeing when they were
    not asked."""

    lawful_basis = NamedChoiceField(
        choices=LawfulBasis.choices, enum_name="LawfulBasisEnum", allow_blank=True, read_only=True
    )
    shared_without_consent = serializers.BooleanField(
        read_only=True, help_text="Shared on public task or legal obligation, not on consent."
    )
    exception = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Shared without consent: the exception relied on, e.g. 'Risk to life'.",
    )
    scope = serializers.ListField(
        child=NamedChoiceField(choices=ShareItem.choices, enum_name="ShareItemEnum"),
        read_only=True,
        help_text="What is shared: on consent, what the victim agreed may be shared.",
    )
    method = NamedChoiceField(
        choices=ConsentMethod.choices,
        enum_name="ConsentMethodEnum",
        allow_blank=True,
        read_only=True,
        help_text="How the victim gave consent; blank when shared without consent.",
    )
    recorded_at = LondonDateTimeField(read_only=True, allow_null=True)
    withdrawn_at = LondonDateTimeField(read_only=True, allow_null=True)
    active = serializers.BooleanField(read_only=True, help_text="Recorded and not withdrawn.")


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
        help_text="Only if the scope covers risk and the officer shared it."
    )
    offence = serializers.SerializerMethodField(
        help_text="Only if the scope covers the kind of crime and when."
    )
    consent = serializers.SerializerMethodField()
    sharing_reason = serializers.SerializerMethodField(
        help_text="Police only (null for agency users): why it was shared without consent."
    )
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
            "sharing_reason",
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

    def _view(self, referral: Referral) -> dict:
        """agency_view, built once per referral for all the fields read from it."""
        views = self.__dict__.setdefault("_views", {})
        if referral.pk not in views:
            views[referral.pk] = agency_view(referral)
        return views[referral.pk]

    @extend_schema_field(SharedPersonSerializer(allow_null=True))
    def get_person(self, referral: Referral) -> dict | None:
        view = self._view(referral)
        if view["withdrawn"]:
            return None
        return SharedPersonSerializer(view).data

    def get_support_requested(self, referral: Referral) -> str:
        return self._view(referral).get("support_requested", "")

    def get_risk_level(self, referral: Referral) -> str | None:
        return self._view(referral).get("risk_level")

    @extend_schema_field(SharedOffenceSerializer(allow_null=True))
    def get_offence(self, referral: Referral) -> dict | None:
        offence = self._view(referral).get("offence")
        return None if offence is None else SharedOffenceSerializer(offence).data

    @extend_schema_field(ReferralConsentSerializer)
    def get_consent(self, referral: Referral) -> dict:
        return ReferralConsentSerializer(self._view(referral)["sharing"]).data

    def get_sharing_reason(self, referral: Referral) -> str | None:
        return None if _agency_view(self.context) else referral.sharing_reason

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
    sharing_exception = serializers.PrimaryKeyRelatedField(
        queryset=SharingException.objects.all(),
        allow_null=True,
        default=None,
        help_text="Required on public task or legal obligation: the id of the exception that "
        "allows sharing without consent, in force and allowed for the agency's kind.",
    )
    sharing_reason = serializers.CharField(
        allow_blank=True,
        default="",
        help_text="Required on public task or legal obligation: why it must be shared "
        "without consent. Never shown to the agency.",
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
