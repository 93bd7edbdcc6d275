"""What Track my case reads: the person's own page, the officer's portal page of a case, and the
messages waiting on an officer's home. Each is a few queries whatever the case holds (pinned in
tests/portal/test_queries.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.models import Case, CaseEvent, CaseStatus, EventKind, Party
from entitlements.models import Duty, DutyStatus
from referrals.models import Referral, ReferralStatus

from .models import Access, Direction, PortalMessage, SelfService, UrgentNotice, VictimEventRule
from .plain import NEXT_STEPS, OUTCOME_WORDS, event_words

HEARING_KINDS = {EventKind.HEARING_LISTED, EventKind.HEARING_MOVED}

SUPPORT_WORDS = {
    ReferralStatus.SENT: gettext_lazy("We asked them to contact you."),
    ReferralStatus.ACCEPTED: gettext_lazy("They will contact you."),
    ReferralStatus.IN_PROGRESS: gettext_lazy("They are helping you."),
    ReferralStatus.CLOSED: gettext_lazy("Their help has finished."),
    ReferralStatus.DECLINED: gettext_lazy("They could not help. Ask your officer about others."),
    ReferralStatus.RETURNED: gettext_lazy("We are sending your details to them."),
}


@dataclass
class Happened:
    when: datetime.datetime
    words: str
    hearing_at: datetime.datetime | None = None
    venue: str = ""


@dataclass
class VictimPage:
    crime_reference: str
    officer_name: str
    team_name: str
    witness_care: str
    happened: list[Happened]
    next_step: str
    next_hearing: Happened | None
    outcome: str
    rights_met: list[dict]
    support: list[dict]
    messages: list[PortalMessage]
    unconfirmed: list[dict] = field(default_factory=list)


def shareable_kinds(on: datetime.date) -> set[str]:
    return {kind for kind, rule in VictimEventRule.objects.in_force(on).items() if rule.shareable}


def shared_events(access: Access, *, on: datetime.date) -> QuerySet[CaseEvent]:
    """The events this person may see: current, of a kind the rules mark shareable, and about
    the whole case or about them (never an event about another witness). Only the columns the
    page shows are read: never notes, never the outcome's free text."""
    return (
        CaseEvent.objects.current()
        .filter(case_id=access.case_id, kind__in=shareable_kinds(on))
        .filter(Q(party__isnull=True) | Q(party_id=access.party_id))
        .only("id", "kind", "occurred_at", "hearing_at", "venue")
        .order_by("occurred_at", "id")
    )


def victim_page(access: Access, *, now: datetime.datetime) -> VictimPage:
    case = (
        Case.objects.select_related("officer", "team", "wcu_team", "witness_care_officer")
        .only(
            "crime_reference",
            "status",
            "outcome",
            "officer__first_name",
            "officer__last_name",
            "officer__collar_number",
            "team__name",
            "wcu_team__name",
            "witness_care_officer__first_name",
            "witness_care_officer__last_name",
        )
        .get(pk=access.case_id)
    )
    happened = []
    next_hearing = None
    for event in shared_events(access, on=timezone.localdate(now)):
        row = Happened(when=event.occurred_at, words=event_words(event.kind))
        if event.kind in HEARING_KINDS and event.hearing_at is not None:
            row.hearing_at, row.venue = event.hearing_at, event.venue
            if event.hearing_at >= now:
                next_hearing = row
        happened.append(row)
    officer = case.officer
    wco = case.witness_care_officer
    rights = (
        Duty.objects.filter(
            party_id=access.party_id, status__in=[DutyStatus.MET, DutyStatus.MET_LATE]
        )
        .values("rule__right__scheme", "rule__right__number", "rule__right__title")
        .distinct()
        .order_by("rule__right__scheme", "rule__right__number")
    )
    support = [
        {"agency": name, "words": str(SUPPORT_WORDS[status])}
        for name, status in Referral.objects.filter(
            party_id=access.party_id, status__in=list(SUPPORT_WORDS)
        )
        .order_by("agency__name")
        .values_list("agency__name", "status")
    ]
    return VictimPage(
        crime_reference=case.crime_reference,
        officer_name=" ".join(
            part for part in (officer.first_name, officer.last_name) if part
        ).strip(),
        team_name=case.team.name,
        witness_care=(
            f"{case.wcu_team.name}"
            + (f" ({wco.first_name} {wco.last_name})" if wco is not None else "")
            if case.status == CaseStatus.WITH_WCU and case.wcu_team is not None
            else ""
        ),
        happened=happened,
        next_step=str(NEXT_STEPS[case.status]),
        next_hearing=next_hearing,
        outcome=str(OUTCOME_WORDS.get(case.outcome, "")) if case.outcome else "",
        rights_met=[
            {
                "scheme": row["rule__right__scheme"],
                "number": row["rule__right__number"],
                "title": row["rule__right__title"],
            }
            for row in rights
        ],
        support=support,
        messages=list(
            PortalMessage.objects.filter(party_id=access.party_id)
            .only("direction", "body", "sent_at", "callback_requested")
            .order_by("-sent_at", "-id")[:50]
        ),
        unconfirmed=[
            {"id": notice.pk, "words": event_words(notice.event.kind)}
            for notice in UrgentNotice.objects.filter(
                party_id=access.party_id, confirmed_at__isnull=True
            )
            .select_related("event")
            .only("id", "event__kind")
        ],
    )


# --- the officer's side ---


@dataclass
class PersonRow:
    party: Party
    access: Access | None
    self_service: SelfService | None
    barred: str | None


def case_portal(case: Case) -> dict:
    """The officer's Track my case page of one case: each person, their access, messages and
    urgent news with every try."""
    from .services import NO_SELF_SERVICE, barred

    parties = list(case.parties.select_related("person").order_by("role", "id"))
    accesses = {a.party_id: a for a in Access.objects.active().filter(case=case)}
    rows_ss = {s.party_id: s for s in SelfService.objects.filter(party__case=case)}
    people = [
        PersonRow(
            party=p,
            access=accesses.get(p.pk),
            self_service=rows_ss.get(p.pk),
            barred=barred(p, case, rows_ss.get(p.pk) or NO_SELF_SERVICE),
        )
        for p in parties
    ]
    return {
        "people": people,
        "portal_messages": list(
            PortalMessage.objects.filter(case=case)
            .select_related("party__person", "by")
            .order_by("-sent_at", "-id")[:100]
        ),
        "notices": list(
            UrgentNotice.objects.filter(case=case)
            .select_related("party__person", "event")
            .prefetch_related("tries")
            .order_by("-created_at", "-id")[:50]
        ),
    }


def unanswered_for(user) -> QuerySet[PortalMessage]:
    """Messages from people in the officer's own cases, not answered yet, newest first."""
    return (
        PortalMessage.objects.filter(
            direction=Direction.FROM_PERSON, answered_at__isnull=True, case__officer=user
        )
        .select_related("case")
        .only("id", "sent_at", "callback_requested", "case__id", "case__crime_reference")
        .order_by("-sent_at", "-id")
    )
