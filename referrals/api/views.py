"""The referrals API, for agency systems (signed in with an agency token, or as agency staff) and
for police integrations. Every query starts from Referral.objects.visible_to(user): an agency
reaches its own referrals once sent, the police those on cases they may see, and anything else is
404. Moves go to referrals.services and their answers are translated as in the cases API: a
ValidationError becomes 400 with field errors, a PermissionDenied (the wrong side making the move)
403."""

import django_filters
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from accounts.models import Role
from cases.api.filters import IdFilter, MomentFilter
from cases.api.pagination import KeysetPagination
from cases.api.views import FORBIDDEN, NOT_FOUND, VALIDATION_ERROR, ActionByMethod, run_service
from referrals import services
from referrals.models import Referral, ReferralEvent, ReferralStatus

from . import serializers as s

# --- querysets and filters ---------------------------------------------------------------------

RELATED = ("agency", "case__offence", "party__person__safe_contact", "sharing_exception")


def is_agency_user(user) -> bool:
    return Role.AGENCY in user.roles


def visible_referrals(user):
    """Referral.objects.visible_to, and for an agency only what was ever sent to it: a draft the
    police withdrew before sending was never shared (visible_to shows it; see its xfail test)."""
    referrals = Referral.objects.visible_to(user)
    if is_agency_user(user):
        referrals = referrals.filter(sent_at__isnull=False)
    return referrals


def referral_queryset(user):
    """The referrals the user may see, with everything the list shows in the same query."""
    return visible_referrals(user).select_related(*RELATED).order_by("-created_at", "-id")


def referral_detail_queryset(user):
    history = Prefetch("history", queryset=ReferralEvent.objects.select_related("by"))
    return referral_queryset(user).prefetch_related(history)


class ReferralFilter(django_filters.FilterSet):
    """Narrows what the user may see; never widens it."""

    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices)
    agency = IdFilter(
        field_name="agency_id",
        label="Support agency id (for the police: an agency sees only its own referrals)",
    )
    case = IdFilter(field_name="case_id", label="Case id")
    respond_by_before = MomentFilter(
        field_name="respond_by",
        lookup_expr="lt",
        label="The agency's answer is due before this moment (ISO 8601)",
    )

    class Meta:
        model = Referral
        fields = ["status", "agency", "case", "respond_by_before"]


class NewestFirst(KeysetPagination):
    ordering = ("-created_at", "-id")


# --- access ------------------------------------------------------------------------------------


class ReferralAccess(ActionByMethod):
    read_action = "referrals.view"
    write_action = "referrals.make"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.is_schema_request():
            context["agency_view"] = is_agency_user(self.request.user)
        return context

    def detail(self, referral: Referral, *, status_code=status.HTTP_200_OK) -> Response:
        """The referral as read back after a change, shaped for the caller."""
        referral = referral_detail_queryset(self.request.user).get(pk=referral.pk)
        data = s.ReferralDetailSerializer(referral, context=self.get_serializer_context()).data
        return Response(data, status=status_code)


# --- reading and making referrals --------------------------------------------------------------


class ReferralListCreateView(ReferralAccess, generics.ListCreateAPIView):
    """Referrals the user may see, newest first; or, for the police, make a new one."""

    filterset_class = ReferralFilter
    pagination_class = NewestFirst

    def get_queryset(self):
        if self.is_schema_request():
            return Referral.objects.none()
        return referral_queryset(self.request.user)

    def get_serializer_class(self):
        if self.request.method == "POST":
            return s.ReferralCreateSerializer
        return s.ReferralSerializer

    @extend_schema(summary="List the referrals you may see")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Make a referral (police)",
        description=(
            "Drafts the referral with the victim's answer recorded: the lawful basis, what they "
            "agreed may be shared, and how. Send it with /send/."
        ),
        request=s.ReferralCreateSerializer,
        responses={201: s.ReferralDetailSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN},
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = run_service(
            services.create_referral, by=request.user, **serializer.validated_data
        )
        return self.detail(referral, status_code=status.HTTP_201_CREATED)


class ReferralDetailView(ReferralAccess, generics.RetrieveAPIView):
    """One referral, with its history."""

    serializer_class = s.ReferralDetailSerializer

    def get_queryset(self):
        if self.is_schema_request():
            return Referral.objects.none()
        return referral_detail_queryset(self.request.user)

    @extend_schema(
        summary="Read a referral",
        responses={200: s.ReferralDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- moves -------------------------------------------------------------------------------------

MOVE_RESPONSES = {
    200: s.ReferralDetailSerializer,
    400: OpenApiResponse(
        description="Field errors, e.g. under `status` when the referral cannot make this move."
    ),
    403: OpenApiResponse(description="Only the other side (agency or police) makes this move."),
    404: NOT_FOUND,
}


class ReferralMoveView(ReferralAccess, generics.GenericAPIView):
    """Find a referral the user may see (404 otherwise), check the body, call the service."""

    service = None  # A referrals.services function, as a staticmethod.
    success_status = status.HTTP_200_OK

    def get_queryset(self):
        if self.is_schema_request():
            return Referral.objects.none()
        return visible_referrals(self.request.user).select_related("agency")

    def post(self, request, *args, **kwargs):
        referral = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The services write the move and its history line separately: both or neither.
        with transaction.atomic():
            run_service(
                self.service, referral=referral, by=request.user, **serializer.validated_data
            )
        return self.detail(referral, status_code=self.success_status)


def _move(summary: str, serializer, *, action: str, service, description: str = "", **extra):
    """A move view: who may ask (the permission matrix), the body, and the service."""

    class View(ReferralMoveView):
        write_action = action
        serializer_class = serializer

        @extend_schema(
            summary=summary,
            description=description,
            request=serializer,
            responses={**MOVE_RESPONSES, **extra},
        )
        def post(self, request, *args, **kwargs):
            return super().post(request, *args, **kwargs)

    View.service = staticmethod(service)
    View.__name__ = View.__qualname__ = f"{service.__name__.title().replace('_', '')}View"
    View.__doc__ = summary
    return View


ANSWER, MAKE = "referrals.answer", "referrals.make"

AcceptView = _move(
    "Accept a referral (agency)", s.NoteSerializer, action=ANSWER, service=services.accept
)
DeclineView = _move(
    "Decline a referral (agency)", s.ReasonSerializer, action=ANSWER, service=services.decline
)
ReturnView = _move(
    "Return a referral for more information (agency)",
    s.ReasonSerializer,
    action=ANSWER,
    service=services.return_for_information,
)
StartView = _move(
    "Start work on an accepted referral (agency)",
    s.NoteSerializer,
    action=ANSWER,
    service=services.start,
)
CloseView = _move(
    "Close a referral with its outcome (agency)",
    s.OutcomeSerializer,
    action=ANSWER,
    service=services.close,
)
SendView = _move(
    "Send a referral (police)",
    s.EmptySerializer,
    action=MAKE,
    service=services.send_referral,
    description="Sends a draft, or a returned referral again; meets the Right 4 duty.",
)
WithdrawView = _move(
    "Withdraw a referral (police)", s.ReasonSerializer, action=MAKE, service=services.withdraw
)
WithdrawConsentView = _move(
    "Record that the victim withdrew consent (police)",
    s.ConsentWithdrawalSerializer,
    action=MAKE,
    service=services.withdraw_consent,
    description=(
        "Nothing personal is shared from now on; an open referral made on consent is withdrawn "
        "and the agency is told."
    ),
)


class UpdateView(ReferralMoveView):
    """An update on an open referral, from the agency (or the police)."""

    write_action = "referrals.view"
    serializer_class = s.UpdateNoteSerializer
    service = staticmethod(services.add_update)
    success_status = status.HTTP_201_CREATED

    @extend_schema(
        summary="Add an update to an open referral",
        request=s.UpdateNoteSerializer,
        responses={
            201: s.ReferralDetailSerializer,
            **{code: answer for code, answer in MOVE_RESPONSES.items() if code != 200},
        },
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
