"""A small force for the security tests: one user per role, each placed so that the shared case
is one they may reach (the officer's own case, the supervisor's team, the witness care officer's
unit), and a referral sent to the agency user's agency. `add_review_work` adds what the
supervisor reviews on that case: a retention review due and a QA dip sample."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Role, Team, TeamKind, TeamMembership, User
from assurance import services as assurance_services
from assurance.models import Sample
from cases import services as case_services
from cases.models import Case, CaseEvent, EventKind, Party, Person
from counting.periods import Period
from entitlements.models import Duty
from handover import services as handover_services
from referrals import services as referral_services
from referrals.models import Referral, SupportAgency
from retention.models import CaseRetention, RetentionRule, RetentionStatus
from retention.services import rule_for
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import AgencyFactory, TeamFactory, make_user


@dataclass
class World:
    team: Team
    wcu: Team
    agency: SupportAgency
    users: dict[str, User]
    case: Case
    party: Party
    person: Person
    duty: Duty
    event: CaseEvent
    referral: Referral
    retention: CaseRetention | None = None
    sample: Sample | None = None
    extra: dict = field(default_factory=dict)


def join(user: User, team: Team, *, supervisor: bool = False) -> User:
    TeamMembership.objects.create(team=team, user=user, is_supervisor=supervisor)
    return user


def refer(party: Party, agency: SupportAgency, by: User) -> Referral:
    """Send the victim to the agency, confirming the service's own proposal if it made one."""
    answer = {
        "support_requested": "Emotional support",
        "lawful_basis": "consent",
        "scope": ["contact", "offence"],
        "method": "in_person",
    }
    referral = Referral.objects.filter(party=party, agency=agency, sent_at__isnull=True).first()
    if referral is None:
        referral = referral_services.create_referral(party=party, agency=agency, by=by, **answer)
    else:
        referral_services.record_consent(referral=referral, by=by, **answer)
    referral_services.send_referral(referral=referral, by=by)
    return referral


def pass_to_unit(case: Case, unit: Team, by: User) -> CaseEvent:
    return case_services.record_event(
        case=case,
        by=by,
        kind=EventKind.PASSED_TO_WCU,
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        received_at=timezone.now() - datetime.timedelta(minutes=30),
        wcu_team=unit,
    )


def build_world() -> World:
    team = TeamFactory(kind=TeamKind.VICTIM_BASED_CRIME)
    wcu = TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT)
    agency = AgencyFactory()
    users = {
        Role.OFFICER: join(make_user(Role.OFFICER), team),
        Role.SUPERVISOR: join(make_user(Role.SUPERVISOR), team, supervisor=True),
        Role.WITNESS_CARE: join(make_user(Role.WITNESS_CARE), wcu),
        Role.AGENCY: make_user(Role.AGENCY, agency=agency),
        Role.ADMIN: make_user(Role.ADMIN),
    }
    for role in Role.values:  # any other role: a plain account holding it
        users.setdefault(role, make_user(role))
    officer = users[Role.OFFICER]
    case = CaseFactory(officer=officer, team=team)
    event = pass_to_unit(case, wcu, officer)
    party = victim_of(case)
    referral = refer(party, agency, officer)
    return World(
        team=team,
        wcu=wcu,
        agency=agency,
        users=users,
        case=case,
        party=party,
        person=party.person,
        duty=Duty.objects.filter(case=case).order_by("id").first(),
        event=event,
        referral=referral,
    )


def send_world_handover(world: World):
    """Charge the shared case and send it to the world's unit (handover.services)."""
    officer = world.users[Role.OFFICER]
    case_services.record_event(
        case=world.case,
        by=officer,
        kind=EventKind.CHARGE,
        occurred_at=timezone.now() - datetime.timedelta(minutes=20),
    )
    return handover_services.send_handover(case=world.case, by=officer, wcu_team=world.wcu)


def add_review_work(world: World) -> World:
    """What the supervisor reviews, on the shared case: its retention record, due for review
    (an open case falls due when it has been inactive for its class's period), and a QA dip
    sample drawn by the supervisor through the assurance service, which holds the case."""
    case, supervisor = world.case, world.users[Role.SUPERVISOR]
    now = timezone.now()
    today = timezone.localdate(now)
    rule = rule_for(
        case.offence, list(RetentionRule.objects.in_force(today)), case.added_flags or ()
    )
    world.retention = CaseRetention.objects.create(
        case=case,
        rule=rule,
        retention_class_id=rule.retention_class_id,
        anchor_date=today.replace(year=today.year - rule.minimum_years - 1),
        review_due=today - datetime.timedelta(days=1),
        status=RetentionStatus.DUE,
        assigned_at=now,
        updated_at=now,
    )
    reported = timezone.localdate(case.reported_at)
    world.sample = assurance_services.create_sample(
        by=supervisor, team=world.team, officer=None, period=Period(reported, today), size=5
    )
    assert world.sample.sample_cases.filter(case=case).exists()
    return world
