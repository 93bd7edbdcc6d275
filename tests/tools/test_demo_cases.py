"""The demo cases: the mix of cases an evaluator needs to see, built through the services."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases import rules
from cases.models import (
    Basis,
    Case,
    CaseOutcome,
    CaseStatus,
    Contact,
    ContactPurpose,
    EventKind,
    OffenceFlag,
    Party,
    PartyRole,
    Person,
    RiskGrade,
    SpecialMeasuresStatus,
    VpsStatus,
)
from tools.demo.cases import DEMO_CASES, create_demo_cases
from tools.management.commands.demo_data import Command

pytestmark = pytest.mark.django_db

# A Sunday in British Summer Time, early in the morning: the clock times the demo picks must
# still all fall before `now`.
NOW = datetime.datetime(2026, 6, 14, 5, 30, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def _demo_made(django_db_setup, django_db_blocker):
    """The demo made once for the module (it takes seconds), in a transaction rolled back at
    the module's end; each test runs in a savepoint inside it, so what one test changes the
    next does not see."""
    with django_db_blocker.unblock(), transaction.atomic():
        Command()._create()
        create_demo_cases(now=NOW)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_made, db):
    return {case.crime_reference: case for case in Case.objects.all()}


def first_party(case: Case) -> Party:
    return case.parties.order_by("id").first()


def applying(party: Party) -> set[str]:
    return set(party.bases.filter(applies=True).values_list("basis", flat=True))


def case_with(demo, offence_code: str) -> Case:
    [case] = [c for c in demo.values() if c.offence.code == offence_code]
    return case


def test_demo_creates_every_case_in_the_mix(demo):
    assert set(demo) == {reference for reference, _ in DEMO_CASES}
    codes = {case.offence.code for case in demo.values()}
    assert {
        "burglary_residential",
        "common_assault",
        "abh_domestic",
        "rape",
        "racially_aggravated_assault",
        "murder",
    } <= codes


def test_demo_cases_are_spread_over_the_demo_officers_and_their_teams(demo):
    officers = {case.officer.username for case in demo.values()}
    assert officers == {"officer", "officer2", "officer3", "supervisor"}
    for case in demo.values():
        assert case.officer.memberships.filter(team=case.team).exists(), case
    assert len({case.team_id for case in demo.values()}) == 3


def test_every_demo_victim_has_first_contact_and_an_update_agreement(demo):
    for case in demo.values():
        party = first_party(case)
        assert party.contacts.filter(purpose=ContactPurpose.INITIAL).exists(), case
        assert party.update_agreements.filter(superseded_at__isnull=True).exists(), case
        assert party.needs_assessments.exists(), case
        assert party.enhanced_history.exists(), case
    assert Contact.objects.filter(purpose=ContactPurpose.UPDATE).count() >= 8


def test_demo_people_are_fictional(demo):
    for person in Person.objects.all():
        assert not person.email or person.email.endswith("@example.com"), person
        assert not person.phone or person.phone.startswith("07700 900"), person
        assert not person.postcode or person.postcode.startswith("NS"), person


def test_every_demo_date_is_relative_to_now(demo):
    for case in demo.values():
        assert NOW - datetime.timedelta(days=90) < case.occurred_at <= case.reported_at < NOW
    assert not Contact.objects.filter(occurred_at__gt=NOW).exists()


def test_demo_burglary_victim_is_not_enhanced(demo):
    victim = first_party(case_with(demo, "burglary_residential"))
    assert not victim.enhanced


def test_demo_common_assault_has_an_overdue_update(demo):
    victim = first_party(case_with(demo, "common_assault"))
    agreement = victim.update_agreements.get()
    assert agreement.next_update_due_at < NOW


def test_demo_domestic_abuse_victim_is_high_risk_referred_to_marac_with_safe_contact(demo):
    case = case_with(demo, "abh_domestic")
    victim = first_party(case)
    assert OffenceFlag.DOMESTIC_ABUSE in case.offence.flags
    assert applying(victim) >= {Basis.MOST_SERIOUS, Basis.INTIMIDATED}
    risk = victim.risk_assessments.get()
    assert (risk.grade, risk.marac_referral) == (RiskGrade.HIGH, True)
    assert risk.score >= 14
    safe = victim.person.safe_contact
    assert not safe.letter_safe
    assert not safe.may_leave_message
    assert not safe.text_safe
    assert safe.safe_times
    assert set(case.events.values_list("kind", flat=True)) >= {EventKind.ARREST, EventKind.BAIL}
    assert victim.update_agreements.get().next_update_due_at > NOW


def test_demo_rape_victim_is_most_serious_and_automatically_intimidated(demo):
    victim = first_party(case_with(demo, "rape"))
    assert applying(victim) >= {Basis.MOST_SERIOUS, Basis.INTIMIDATED}
    assert victim.bases.get(basis=Basis.INTIMIDATED).source == "automatic"
    assert victim.statements.get().status == VpsStatus.LATER


def test_demo_hate_crime_victim_is_a_victim_of_the_most_serious_crime(demo):
    case = case_with(demo, "racially_aggravated_assault")
    assert Basis.MOST_SERIOUS in applying(first_party(case))
    assert case.parties.filter(role=PartyRole.WITNESS).exists()


def test_demo_homicide_has_a_bereaved_relative_and_a_family_spokesperson(demo):
    case = case_with(demo, "murder")
    bereaved = case.parties.filter(role=PartyRole.BEREAVED)
    assert bereaved.count() == 2
    for party in bereaved:
        assert Basis.BEREAVED in applying(party)
    spokesperson = case.parties.get(role=PartyRole.FAMILY_SPOKESPERSON)
    assert spokesperson.update_agreements.exists()


def test_demo_child_victim_is_under_18_by_derivation(demo):
    case = case_with(demo, "robbery_personal")
    child = first_party(case)
    offence_date = timezone.localdate(case.occurred_at)
    assert rules.age_on(child.person.date_of_birth, offence_date) < 18
    assert Basis.UNDER_18 in applying(child)
    assert case.parties.filter(role=PartyRole.PARENT_GUARDIAN).exists()


def test_demo_post_charge_case_is_with_the_witness_care_unit_and_ready_for_trial(demo):
    case = Case.objects.get(status=CaseStatus.WITH_WCU)
    assert case.wcu_team.name == "Witness Care Unit"
    trial = case.events.current().filter(kind=EventKind.HEARING_LISTED, hearing_at__gt=NOW).get()
    assert trial.venue == "Northshire Crown Court"
    assert trial.received_at is not None
    victim = first_party(case)
    required = case.events.filter(kind=EventKind.REQUIRED_TO_GIVE_EVIDENCE)
    assert victim.pk in set(required.values_list("party", flat=True))
    measures = victim.special_measures.get()
    assert measures.status == SpecialMeasuresStatus.GRANTED
    assert list(measures.measures.values_list("section", flat=True)) == ["s23"]
    assert victim.statements.get().status == VpsStatus.TAKEN
    care = victim.witness_care
    assert care.dates_to_avoid
    assert care.pre_trial_visit_offered_at is not None
    # The Witness Care Unit's agreement replaced the officer's, which is kept.
    assert victim.update_agreements.count() == 2
    assert victim.update_agreements.filter(superseded_at__isnull=True).count() == 1
    witnesscare = User.objects.get(username="witnesscare")
    assert Case.objects.visible_to(witnesscare).filter(pk=case.pk).exists()


def test_demo_has_one_closed_case_with_its_outcome(demo):
    closed = Case.objects.get(status=CaseStatus.CLOSED)
    assert closed.outcome == CaseOutcome.NO_SUSPECT
    assert closed.closed_at < NOW


def test_demo_restricted_case_is_hidden_from_other_officers(demo):
    restricted = Case.objects.get(restricted=True)
    for username, sees in [("supervisor", True), ("officer", False), ("officer3", False)]:
        user = User.objects.get(username=username)
        assert Case.objects.visible_to(user).filter(pk=restricted.pk).exists() is sees, username


def test_demo_cases_are_created_once(demo):
    counts = (Case.objects.count(), Person.objects.count(), Contact.objects.count())
    assert create_demo_cases(now=NOW + datetime.timedelta(days=1)) == []
    assert (Case.objects.count(), Person.objects.count(), Contact.objects.count()) == counts
