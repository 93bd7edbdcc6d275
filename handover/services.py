"""Sending a charged case to the Witness Care Unit, and the unit's answer: accepted (its duties
pass to the accepting witness care officer) or returned to the officer with what is missing.

Above cases, entitlements, referrals and notifications (ARCHITECTURE.md): it reads duties and
referrals for the summary, tells people through notifications, and changes the case only through
cases.services."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Team, TeamKind, TeamMembership, User
from cases import services as case_services
from cases.models import Case, CaseEvent, CaseStatus, EventKind
from entitlements.models import Duty, Owner
from notifications import services as notifications
from notifications.models import Kind

from .models import HandOver, HandOverState
from .permissions import may_answer, may_send
from .summary import build_summary

NOT_CHARGED = (
    "This case has not been charged. A case is handed over to the Witness Care Unit at charge: "
    "record the charge first."
)
ALREADY_OPEN = (
    "This case's hand-over is already with the Witness Care Unit, waiting for their answer."
)
ALREADY_ANSWERED = "This hand-over has already been answered."
SAY_WHAT_IS_MISSING = "Say what is missing, so the officer can put it right."


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now if now is not None else timezone.now()


def is_charged(case: Case) -> bool:
    """A charge on record that has not been withdrawn."""
    return CaseEvent.objects.current().filter(case=case, kind=EventKind.CHARGE).exists()


def open_handover(case: Case) -> HandOver | None:
    return HandOver.objects.waiting().filter(case=case).first()


def link(handover: HandOver) -> str:
    return reverse("handover", kwargs={"pk": handover.case_id, "handover_pk": handover.pk})


@transaction.atomic
def send_handover(
    *,
    case: Case,
    by: User,
    wcu_team: Team | None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> HandOver:
    """Send the case to `wcu_team` with the summary of its record as it stands now. The case is
    passed to the unit (an event, as if recorded by hand) unless it is with that unit already,
    so its witness care officers see it and its "assign a witness care officer" duty starts."""
    now = _now(now)
    if not may_send(by, case):
        raise PermissionDenied
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("offence", "team", "officer")
        .get(pk=case.pk)
    )
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("This case is closed: reopen it before handing it over.")
    if not is_charged(case):
        raise ValidationError(NOT_CHARGED)
    if open_handover(case) is not None:
        raise ValidationError(ALREADY_OPEN)
    wcu_team = wcu_team if wcu_team is not None else case.wcu_team
    if wcu_team is None or wcu_team.kind != TeamKind.WITNESS_CARE_UNIT:
        raise ValidationError({"wcu_team": "Choose the Witness Care Unit to send it to."})
    if case.wcu_team_id != wcu_team.pk:
        case_services.record_event(
            case=case,
            by=by,
            kind=EventKind.PASSED_TO_WCU,
            occurred_at=now,
            wcu_team=wcu_team,
            notes="Sent with a hand-over summary.",
            now=now,
        )
    handover = HandOver.objects.create(
        case=case,
        wcu_team=wcu_team,
        sent_by=by,
        sent_at=now,
        note=note.strip(),
        summary=build_summary(case),
    )
    _tell_unit(handover, now=now)
    return handover


def _tell_unit(handover: HandOver, *, now: datetime.datetime) -> None:
    """Each witness care officer of the unit: a hand-over is waiting (nothing of the people)."""
    members = (
        TeamMembership.objects.filter(
            team_id=handover.wcu_team_id,
            user__is_active=True,
            user__role_grants__role=Role.WITNESS_CARE,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in members:
        notifications.notify(
            recipient_id=user_id,
            kind=Kind.HANDOVER_SENT,
            key=f"handover:{handover.pk}:sent",
            case_id=handover.case_id,
            title=f"Hand-over waiting: case {handover.case.crime_reference}",
            body="An officer has sent a charged case to your unit. Accept it or return it.",
            link=link(handover),
            now=now,
        )


def _locked(handover: HandOver, by: User) -> HandOver:
    if not may_answer(by, handover):
        raise PermissionDenied
    handover = HandOver.objects.select_for_update().get(pk=handover.pk)
    if handover.state != HandOverState.SENT:
        raise ValidationError(ALREADY_ANSWERED)
    return handover


@transaction.atomic
def accept_handover(
    *, handover: HandOver, by: User, now: datetime.datetime | None = None
) -> HandOver:
    """The unit takes the case: the accepting witness care officer becomes its named witness
    care officer, so the open duties the rules give the Witness Care Unit are theirs from now
    (entitlements.selectors: a unit's duty goes to the case's named officer). The duties that
    moved are kept on the hand-over as its trace."""
    now = _now(now)
    handover = _locked(handover, by)
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("wcu_team")
        .get(pk=handover.case_id)
    )
    if case.wcu_team_id != handover.wcu_team_id:
        raise ValidationError(
            "This case has since been passed to another Witness Care Unit: it is theirs to accept."
        )
    case_services.assign_witness_care_officer(case=case, officer=by, by=by, now=now)
    HandOver.objects.filter(pk=handover.pk).update(
        state=HandOverState.ACCEPTED, answered_by=by, answered_at=now
    )
    handover.refresh_from_db()
    # After the assignment, which meets the "assign a witness care officer" duty itself.
    handover.moved_duties.set(
        Duty.objects.open().filter(case=case, owner=Owner.WCU).values_list("pk", flat=True)
    )
    handover.save()  # kept in the hand-over's history
    return handover


@transaction.atomic
def return_handover(
    *, handover: HandOver, by: User, missing: str, now: datetime.datetime | None = None
) -> HandOver:
    """The unit sends it back: the officer is told, and sends a new one once it is put right."""
    now = _now(now)
    missing = (missing or "").strip()
    if not missing:
        raise ValidationError({"missing": SAY_WHAT_IS_MISSING})
    handover = _locked(handover, by)
    handover.state = HandOverState.RETURNED
    handover.answered_by = by
    handover.answered_at = now
    handover.missing = missing
    handover.save()
    case = Case.objects.get(pk=handover.case_id)
    # The officer in the case, and whoever sent it if someone else: never what is missing in
    # the message itself, which may go by email; the page behind the link says it.
    for user_id in sorted({case.officer_id, handover.sent_by_id}):
        notifications.notify(
            recipient_id=user_id,
            kind=Kind.HANDOVER_RETURNED,
            key=f"handover:{handover.pk}:returned",
            case_id=case.pk,
            title=f"Hand-over returned: case {case.crime_reference}",
            body="The Witness Care Unit returned the hand-over: open it to see what is missing.",
            link=link(handover),
            now=now,
        )
    return handover
