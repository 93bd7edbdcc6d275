"""A charged case with a victim and a witness whose records a hand-over summarises."""

import datetime

from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Role, TeamKind
from cases import services as case_services
from cases.models import EventKind, PartyRole, SpecialMeasure
from referrals import services as referral_services
from tests.cases.factories import CaseFactory, PartyFactory, PersonFactory, victim_of
from tests.factories import AgencyFactory, TeamFactory, make_user


def wcu_officer(unit=None):
    unit = unit or TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT)
    user = make_user(Role.WITNESS_CARE)
    accounts_services.add_to_team(team=unit, user=user, is_supervisor=False)
    return user, unit


def charge(case, *, by=None, hours_ago: int = 2):
    return case_services.record_event(
        case=case,
        by=by or case.officer,
        kind=EventKind.CHARGE,
        occurred_at=timezone.now() - datetime.timedelta(hours=hours_ago),
    )


def recorded_case(**kwargs):
    """A charged case: its victim assessed, with special measures asked for, a safe-contact
    profile, an update agreement, a statement taken and a referral sent; and a witness."""
    case = CaseFactory(victim={"first_name": "Aurelia", "last_name": "Quenby"}, **kwargs)
    officer = case.officer
    victim = victim_of(case)
    case_services.record_needs_assessment(
        party=victim,
        by=officer,
        communication_and_language="Prefers short sentences",
        interpreter_needed=True,
        special_measures_needed=True,
        special_measures_notes="Screens in court",
        court_transport_needed=True,
    )
    case_services.record_special_measures(
        party=victim,
        by=officer,
        eligibility="intimidated",
        status="mg2_submitted",
        measures=[SpecialMeasure.objects.get(section="s23")],
        mg2_submitted_at=timezone.now() - datetime.timedelta(hours=3),
    )
    safe = victim.person.safe_contact
    case_services.save_safe_contact(
        person=victim.person,
        by=officer,
        expected_version=safe.version,
        phone_safe=False,
        safe_times="Weekdays after 6pm",
        may_leave_message=False,
    )
    case_services.agree_updates(party=victim, by=officer, frequency_days=14, method="email")
    case_services.record_vps(party=victim, by=officer, status="taken")
    agency = AgencyFactory(name="Northshire Victim Care")
    referral = referral_services.create_referral(
        party=victim,
        agency=agency,
        by=officer,
        support_requested="Emotional support",
        lawful_basis="consent",
        scope=["contact", "offence"],
        method="in_person",
    )
    referral_services.send_referral(referral=referral, by=officer)
    witness = PartyFactory(
        case=case,
        person=PersonFactory(first_name="Bertram", last_name="Oakes"),
        role=PartyRole.WITNESS,
    )
    charge(case)
    case.refresh_from_db()
    return case, victim, witness
