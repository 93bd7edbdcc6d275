"""The cases API. Each view finds what the user may reach, hands the shape-checked input to the
service and translates the service's answer: a ValidationError becomes 400 with field errors,
an EditConflict becomes 409. Business rules live in cases.services, never here."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.access import HasAction
from audit import services as audit
from cases import matching, merging, services
from cases.models import (
    Case,
    CaseEvent,
    Contact,
    NeedsAssessment,
    Party,
    PartyRole,
    Person,
    RiskAssessment,
    UpdateAgreement,
    VictimPersonalStatement,
)
from cases.permissions import (
    PERSON_ON_HIDDEN_CASE,
    access_case,
    check_may_change_person,
    sees_every_case_of,
)
from cases.selectors import with_persistent_targeting

from . import serializers as s
from .filters import CaseFilter, EventFilter, PartyRecordFilter
from .pagination import NewestReportFirst

# --- translating service answers ---------------------------------------------------------------


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = services.EditConflict.message
    default_code = "edit_conflict"


def _error_detail(exc: DjangoValidationError) -> dict:
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(exc, "error_dict"):
        return {
            (non_field if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {non_field: exc.messages}


def run_service(function, /, **kwargs):
    """Call a service, turning its refusals into the API's 400 and 409 answers."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(_error_detail(exc)) from exc
    except services.EditConflict as exc:
        raise Conflict from exc


VALIDATION_ERROR = OpenApiResponse(description="Field errors: field name to a list of messages.")
NOT_FOUND = OpenApiResponse(description="No such record, or not one you may see.")
FORBIDDEN = OpenApiResponse(description="Your role may not take this action.")


# --- querysets ---------------------------------------------------------------------------------


def case_list_queryset(user):
    victims = Prefetch(
        "parties",
        queryset=with_persistent_targeting(
            Party.objects.filter(role=PartyRole.VICTIM).select_related("person")
        ),
        to_attr="victim_parties",
    )
    return (
        Case.objects.visible_to(user)
        .select_related("offence", "team", "officer")
        .prefetch_related(victims)
        .order_by("-reported_at", "-id")
    )


def case_detail_queryset():
    return Case.objects.select_related(
        "offence", "team", "officer", "wcu_team", "witness_care_officer"
    ).prefetch_related(
        Prefetch(
            "parties", queryset=with_persistent_targeting(Party.objects.select_related("person"))
        )
    )


def visible_people(user):
    """People who are party to at least one case the user can see."""
    return Person.objects.filter(
        pk__in=Party.objects.filter(case__in=Case.objects.visible_to(user)).values("person_id")
    )


class ActionByMethod:
    """Reading needs `read_action`; writing needs `write_action`. The matrix decides."""

    permission_classes = [HasAction]
    read_action = "cases.view"
    write_action = "cases.record"

    @property
    def action_required(self) -> str:
        return self.read_action if self.request.method in SAFE_METHODS else self.write_action

    def is_schema_request(self) -> bool:
        return getattr(self, "swagger_fake_view", False)


# --- cases -------------------------------------------------------------------------------------


class CaseListCreateView(ActionByMethod, generics.ListCreateAPIView):
    """Cases the user may see, newest report first; or open a new case with its first victim."""

    write_action = "cases.create"
    filterset_class = CaseFilter
    pagination_class = NewestReportFirst

    def get_queryset(self):
        if self.is_schema_request():
            return Case.objects.none()
        return case_list_queryset(self.request.user)

    def get_serializer_class(self):
        if self.request.method == "POST":
            return s.CaseCreateSerializer
        return s.CaseListSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.is_schema_request():
            context["people"] = visible_people(self.request.user)
        return context

    @extend_schema(
        summary="Open a case with its first victim",
        request=s.CaseCreateSerializer,
        responses={201: s.CaseDetailSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN},
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        first = data.pop("victim")
        case = run_service(
            services.create_case,
            by=request.user,
            victim=first.get("person_id") or first["person"],
            victim_role=first["role"],
            **data,
        )
        case = case_detail_queryset().get(pk=case.pk)
        return Response(s.CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseDetailView(ActionByMethod, generics.GenericAPIView):
    """One case with its parties. A change must carry the `version` last read."""

    write_action = "cases.edit"
    serializer_class = s.CaseDetailSerializer

    def get_queryset(self):
        return case_detail_queryset()

    def get_object(self):
        return access_case(
            self.request.user, self.kwargs["pk"], self.action_required, self.get_queryset()
        )

    @extend_schema(responses={200: s.CaseDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Change a case's details",
        request=s.CaseUpdateSerializer,
        responses={
            200: s.CaseDetailSerializer,
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: s.CaseConflictSerializer,
        },
    )
    def patch(self, request, *args, **kwargs):
        case = self.get_object()
        serializer = s.CaseUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        version = fields.pop("version")
        try:
            run_service(
                services.update_case,
                case=case,
                by=request.user,
                expected_version=version,
                **fields,
            )
        except Conflict as exc:
            current = self.get_serializer(self.get_object()).data
            return Response({"detail": exc.detail, "current": current}, status=exc.status_code)
        return Response(self.get_serializer(self.get_object()).data)


class CaseActionView(ActionByMethod, generics.GenericAPIView):
    """A POST that acts on the whole case (close, reopen) and answers with the case."""

    write_action = "cases.edit"

    def get_queryset(self):
        return case_detail_queryset()

    def get_object(self):
        return access_case(
            self.request.user, self.kwargs["pk"], self.action_required, self.get_queryset()
        )

    def answer(self, case):
        return Response(s.CaseDetailSerializer(self.get_object()).data)


class CaseCloseView(CaseActionView):
    serializer_class = s.CaseCloseSerializer

    @extend_schema(
        summary="Close a case",
        description=(
            "Refused with 400 while a Code duty is still open for any of the case's people "
            "(due, or missed and not resolved): `open_duties` lists them by Right and "
            "`override_reason` says what may be done. A supervisor of the case's team may close "
            "it over them with an `override_reason`; the duties stay open, and the closing is "
            "shown on the compliance dashboard."
        ),
        request=s.CaseCloseSerializer,
        responses={
            200: s.CaseDetailSerializer,
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(description="The case changed since the version you read."),
        },
    )
    def post(self, request, *args, **kwargs):
        case = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run_service(
            services.close_case,
            case=case,
            by=request.user,
            outcome=data["outcome"],
            override_reason=data.get("override_reason", ""),
            expected_version=data["version"],
        )
        return self.answer(case)


class CaseReopenView(CaseActionView):
    serializer_class = s.CaseReopenSerializer

    @extend_schema(
        summary="Reopen a closed case",
        description=(
            "Only a supervisor of the case's team (403 otherwise). The duties the closing "
            "withdrew come back and the rules for a reopening start."
        ),
        request=s.CaseReopenSerializer,
        responses={
            200: s.CaseDetailSerializer,
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(description="The case changed since the version you read."),
        },
    )
    def post(self, request, *args, **kwargs):
        case = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run_service(
            services.reopen_case,
            case=case,
            by=request.user,
            reason=data["reason"],
            details=data.get("details", ""),
            expected_version=data["version"],
        )
        return self.answer(case)


# --- people ------------------------------------------------------------------------------------


class PersonDetailView(ActionByMethod, generics.GenericAPIView):
    """A person who is party to a case the user may see, with their safe contact details."""

    write_action = "cases.edit"
    serializer_class = s.PersonSerializer

    def get_queryset(self):
        if self.is_schema_request():
            return Person.objects.none()
        return visible_people(self.request.user).select_related("safe_contact")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(
        description=(
            "Safe contact `notes` are blank when the person is also party to a case you cannot "
            "see: they may have been written for that case."
        ),
        responses={200: s.PersonSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        person = self.get_object()
        data = self.get_serializer(person).data
        if data.get("safe_contact") and not sees_every_case_of(request.user, person):
            data["safe_contact"]["notes"] = ""
        return Response(data)

    @extend_schema(
        summary="Change a person's details",
        request=s.PersonUpdateSerializer,
        responses={
            200: s.PersonSerializer,
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: s.PersonConflictSerializer,
        },
    )
    def patch(self, request, *args, **kwargs):
        person = self.get_object()
        if not sees_every_case_of(request.user, person):
            raise PermissionDenied(PERSON_ON_HIDDEN_CASE)
        check_may_change_person(request.user, person)
        serializer = s.PersonUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        version = fields.pop("version")
        try:
            run_service(
                services.update_person,
                person=person,
                by=request.user,
                expected_version=version,
                **fields,
            )
        except Conflict as exc:
            current = self.get_serializer(self.get_object()).data
            return Response({"detail": exc.detail, "current": current}, status=exc.status_code)
        return Response(self.get_serializer(self.get_object()).data)


class PersonMatchView(ActionByMethod, generics.GenericAPIView):
    """The people already on record who may be the person you are about to add (before adding
    them by `person_id`): only people in cases you may see, and only those cases."""

    write_action = "cases.edit"
    serializer_class = s.PersonMatchQuerySerializer

    @extend_schema(
        summary="Find people on record who may be the person you are adding",
        description=(
            "Likely matches by a similar name, the same date of birth, phone or postcode, best "
            "first, at most five. A person whose every case is hidden from you is not listed; "
            "a listed person's cases are only those you may see. Names go in the body, never in "
            "an address."
        ),
        request=s.PersonMatchQuerySerializer,
        responses={200: s.PersonMatchesSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN},
    )
    def post(self, request, *args, **kwargs):
        serializer = s.PersonMatchQuerySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        candidate = matching.candidate_from(serializer.validated_data)
        matches = matching.likely_matches(request.user, candidate)
        audit.record(
            request,
            audit.AuditAction.SEARCH,
            person_ids=[match.person.pk for match in matches],
            detail=f"People on record who may be a person being added: {len(matches)} found.",
        )
        return Response(s.PersonMatchesSerializer({"matches": matches}).data)


class PersonMergeView(ActionByMethod, generics.GenericAPIView):
    """Two records of the same person made one, by a supervisor of every case they are in."""

    write_action = "people.merge"
    serializer_class = s.PersonMergeInputSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.is_schema_request():
            context["people"] = visible_people(self.request.user)
        return context

    @extend_schema(
        summary="Merge two records of the same person",
        description=(
            "Every case link of `merged` (and all kept per party: duties, contacts, "
            "assessments, referrals) moves to `kept`; the safe contact instructions are "
            "combined, never loosened; `kept`'s blank details are filled from `merged`, which "
            "is then removed. Recorded with who, when and why, and in the audit trail."
        ),
        request=s.PersonMergeInputSerializer,
        responses={
            201: s.PersonMergeSerializer,
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            merge = run_service(
                merging.merge_people,
                kept=data["kept"],
                merged=data["merged"],
                by=request.user,
                reason=data["reason"],
                request=request,
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(s.PersonMergeSerializer(merge).data, status=status.HTTP_201_CREATED)


# --- records within one case -------------------------------------------------------------------


class CaseRecordsView(ActionByMethod, generics.ListCreateAPIView):
    """A collection of records within one case: list them, or record a new one.

    The case is reached through access_case (404 if the user may not see it, 403 if they may
    not take the action), and the list holds only that case's records.
    """

    model = None
    case_lookup = "case"
    related = ()
    list_order = ()

    def get_case(self) -> Case:
        if not hasattr(self, "_case"):
            self._case = access_case(
                self.request.user, self.kwargs["case_pk"], self.action_required
            )
        return self._case

    def get_queryset(self):
        if self.is_schema_request():
            return self.model.objects.none()
        return (
            self.model.objects.filter(**{self.case_lookup: self.get_case()})
            .select_related(*self.related)
            .order_by(*self.list_order)
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.is_schema_request():
            context["case"] = self.get_case()
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = self.record(self.get_case(), dict(serializer.validated_data))
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    def record(self, case: Case, data: dict):
        raise NotImplementedError


STALE = OpenApiResponse(description="Someone saved a newer version since the one you read.")


def _collection_schema(
    name: str, serializer, write_summary: str, request=None, *, versioned: bool = False
):
    responses = {201: serializer, 400: VALIDATION_ERROR, 403: FORBIDDEN, 404: NOT_FOUND}
    if versioned:
        responses[409] = STALE
    return extend_schema_view(
        get=extend_schema(summary=f"List the case's {name}"),
        post=extend_schema(
            summary=write_summary, request=request or serializer, responses=responses
        ),
    )


@_collection_schema(
    "parties",
    s.PartySerializer,
    "Add a person to the case in a role",
    request=s.PartyCreateSerializer,
)
class PartyListCreateView(CaseRecordsView):
    """The people in the case and their roles; enhanced status is worked out, never sent."""

    model = Party
    write_action = "cases.edit"
    related = ("person",)
    list_order = ("role", "id")

    def get_queryset(self):
        return with_persistent_targeting(super().get_queryset())

    def get_serializer_class(self):
        if self.request.method == "POST":
            return s.PartyCreateSerializer
        return s.PartySerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.is_schema_request():
            context["people"] = visible_people(self.request.user)
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = self.get_case()
        with transaction.atomic():
            person = data.get("person_id") or run_service(
                services.create_person, by=request.user, **data["person"]
            )
            party = run_service(
                services.add_party, case=case, person=person, role=data["role"], by=request.user
            )
        return Response(s.PartySerializer(party).data, status=status.HTTP_201_CREATED)


@_collection_schema("contacts", s.ContactSerializer, "Record a contact with a party")
class ContactListCreateView(CaseRecordsView):
    """Contacts with the people in the case, newest first."""

    model = Contact
    serializer_class = s.ContactSerializer
    filterset_class = PartyRecordFilter
    related = ("party__person", "by", "outcome")
    list_order = ("-occurred_at", "-id")

    def record(self, case, data):
        return run_service(services.record_contact, case=case, by=self.request.user, **data)


@_collection_schema("events", s.EventSerializer, "Record an event on the case")
class EventListCreateView(CaseRecordsView):
    """What has happened on the case, newest first, including withdrawn events."""

    model = CaseEvent
    serializer_class = s.EventSerializer
    filterset_class = EventFilter
    list_order = ("-occurred_at", "-id")

    def record(self, case, data):
        return run_service(services.record_event, case=case, by=self.request.user, **data)


class EventWithdrawView(ActionByMethod, generics.GenericAPIView):
    """Withdraw a mistaken event."""

    serializer_class = s.EventWithdrawSerializer

    def get_queryset(self):
        if self.is_schema_request():
            return CaseEvent.objects.none()
        case = access_case(self.request.user, self.kwargs["case_pk"], self.action_required)
        return CaseEvent.objects.filter(case=case)

    @extend_schema(
        summary="Withdraw a mistaken event",
        description="The event stays on record, marked withdrawn, with who withdrew it and why.",
        request=s.EventWithdrawSerializer,
        responses={200: s.EventSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, *args, **kwargs):
        event = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = run_service(
            services.withdraw_event,
            event=event,
            by=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(s.EventSerializer(event).data)


@_collection_schema(
    "needs assessments",
    s.NeedsAssessmentSerializer,
    "Record a party's needs assessment",
    versioned=True,
)
class NeedsAssessmentListCreateView(CaseRecordsView):
    """Needs assessments of the case's parties; a reassessment is a new version."""

    model = NeedsAssessment
    serializer_class = s.NeedsAssessmentSerializer
    filterset_class = PartyRecordFilter
    case_lookup = "party__case"
    list_order = ("-assessed_at", "-id")

    def record(self, case, data):
        return run_service(
            services.record_needs_assessment,
            by=self.request.user,
            expected_version=data.pop("version"),
            **data,
        )


@_collection_schema("risk assessments", s.RiskAssessmentSerializer, "Assess a party's risk (DASH)")
class RiskAssessmentListCreateView(CaseRecordsView):
    """Risk assessments; the score, grade and MARAC referral are worked out by the service."""

    model = RiskAssessment
    serializer_class = s.RiskAssessmentSerializer
    filterset_class = PartyRecordFilter
    case_lookup = "party__case"
    related = ("question_set",)
    list_order = ("-assessed_at", "-id")

    def record(self, case, data):
        return run_service(services.assess_risk, by=self.request.user, **data)


@_collection_schema(
    "update agreements", s.UpdateAgreementSerializer, "Agree how a party is kept updated"
)
class UpdateAgreementListCreateView(CaseRecordsView):
    """Agreements on how often and how a party is updated; a change supersedes the last."""

    model = UpdateAgreement
    serializer_class = s.UpdateAgreementSerializer
    filterset_class = PartyRecordFilter
    case_lookup = "party__case"
    list_order = ("-agreed_at", "-id")

    def record(self, case, data):
        return run_service(services.agree_updates, by=self.request.user, **data)


@_collection_schema(
    "victim personal statement offers",
    s.VpsOfferSerializer,
    "Record an offer of a victim personal statement and the answer",
)
class VpsOfferListCreateView(CaseRecordsView):
    """Offers of a victim personal statement, at each stage, newest first. Recording one meets
    the duty to offer it at that stage."""

    model = VictimPersonalStatement
    serializer_class = s.VpsOfferSerializer
    filterset_class = PartyRecordFilter
    case_lookup = "party__case"
    list_order = ("-offered_at", "-id")

    def record(self, case, data):
        return run_service(services.record_vps, by=self.request.user, **data)
