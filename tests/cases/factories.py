"""Shared case factories. Cases, people and parties are built through cases.services, so every
record a test starts from has what the services would give it (a safe contact record, the
victim's party, derived eligibility bases and the enhanced-status history)."""

import datetime

import factory
from django.utils import timezone

from accounts.models import Role
from cases import services
from cases.models import (
    Case,
    ContactOutcome,
    OffenceCategory,
    Party,
    PartyRole,
    Person,
    ThriveGrade,
)
from entitlements.models import OPEN_STATUSES, Duty, DutyStatus
from tests.factories import TeamFactory, make_user


def offence(code: str = "theft_other") -> OffenceCategory:
    """An offence category seeded by the reference data migration, e.g. "abh_domestic"."""
    return OffenceCategory.objects.get(code=code)


def outcome(code: str = ContactOutcome.REACHED) -> ContactOutcome:
    """A contact outcome seeded by the data migration: "reached", "no_answer", "message_left"..."""
    return ContactOutcome.objects.get(code=code)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")

    @classmethod
    def _create(cls, model_class, *args, by=None, **kwargs):
        return services.create_person(by=by, **kwargs)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case with one victim. Pass `victim=` a Person (or a dict of person details), and
    `offence=offence("abh_domestic")` for another offence. `created_by` defaults to the officer.
    """

    class Meta:
        model = Case

    crime_reference = factory.Sequence(lambda n: f"NS/{n + 100000:06d}/26")
    offence = factory.LazyFunction(offence)
    offence_summary = ""
    # The clock the case is opened by (passed on to create_case): it happened two days before.
    now = None
    occurred_at = factory.LazyAttribute(
        lambda c: (c.now or timezone.now()) - datetime.timedelta(days=2)
    )
    reported_at = factory.LazyAttribute(lambda c: c.occurred_at + datetime.timedelta(hours=1))
    team = factory.SubFactory(TeamFactory)
    officer = factory.LazyFunction(lambda: make_user(Role.OFFICER))
    created_by = factory.LazyAttribute(lambda c: c.officer)
    restricted = False
    mental_health_demand = False
    thrive_grade = ThriveGrade.SCHEDULED
    victim = factory.Dict(
        {
            "first_name": factory.Faker("first_name", locale="en_GB"),
            "last_name": factory.Faker("last_name", locale="en_GB"),
        }
    )

    @classmethod
    def _create(cls, model_class, *args, created_by, crime_reference, victim, now=None, **kwargs):
        return services.create_case(
            by=created_by, crime_reference=crime_reference, victim=victim, now=now, **kwargs
        )


class PartyFactory(factory.django.DjangoModelFactory):
    """Another person's part in a case (a witness unless `role=` says otherwise)."""

    class Meta:
        model = Party

    case = factory.SubFactory(CaseFactory)
    person = factory.SubFactory(PersonFactory)
    role = PartyRole.WITNESS

    @classmethod
    def _create(cls, model_class, *args, case, person, role, by=None, now=None, **kwargs):
        return services.add_party(
            case=case, person=person, role=role, by=by or case.officer, now=now
        )


def victim_of(case: Case) -> Party:
    """The case's first victim party (the one create_case added)."""
    return case.parties.filter(role=PartyRole.VICTIM).order_by("id").first()


def close_settled(
    case: Case,
    *,
    by=None,
    outcome: str = "no_suspect",
    now: datetime.datetime | None = None,
) -> Case:
    """Close a case whose open duties are not what the test is about: each is marked not
    applicable first (one UPDATE), as an officer settles them before closing. The closure gate
    itself is tested in tests/cases/test_closure.py."""
    Duty.objects.filter(case=case, status__in=OPEN_STATUSES).exclude(rule__recurring=True).update(
        status=DutyStatus.NOT_APPLICABLE, reason="Settled before the test closes the case"
    )
    case.refresh_from_db()
    return services.close_case(
        case=case,
        by=by or case.officer,
        outcome=outcome,
        expected_version=case.version,
        now=now,
    )
