"""A person who has been the victim of crime repeatedly (a number of crimes within a period, as a
dated local policy row) is found persistently targeted: the basis is recorded for them by the
system, their open duties are re-timed to enhanced deadlines, and the supervisors of the case's
team are told once (issue 21)."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import reset_queries
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import add_to_team
from cases import events, selectors, services
from cases.models import (
    Basis,
    BasisSource,
    EligibilityBasis,
    EventKind,
    PartyRole,
    PersistentTargeting,
    PersistentTargetingPolicy,
)
from entitlements.models import Duty, DutyRetiming
from notifications import services as notifications
from notifications.models import Kind, Notification
from tests.factories import TeamFactory, make_user

from .factories import CaseFactory, PartyFactory, PersonFactory, close_settled, victim_of

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DAY = datetime.timedelta(days=1)


def london(y, m, d, hh=9, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def crime(person, at, **kwargs):
    """A case in which `person` is the first victim, the crime at `at`, reported an hour later
    and recorded then."""
    return CaseFactory(
        victim=person,
        occurred_at=at,
        reported_at=at + datetime.timedelta(hours=1),
        now=at + datetime.timedelta(hours=1),
        **kwargs,
    )


def basis(party):
    return EligibilityBasis.objects.filter(
        party=party, basis=Basis.PERSISTENTLY_TARGETED, applies=True
    ).first()


def told(kind=Kind.PERSISTENT_TARGET):
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id"))


@pytest.fixture
def person():
    return PersonFactory()


def test_the_policy_in_force_is_seeded_as_local_policy():
    policy = PersistentTargetingPolicy.objects.in_force(datetime.date(2026, 3, 1))
    assert (policy.crimes, policy.within_days) == (3, 365)
    assert "Local policy" in policy.source


def test_a_third_crime_within_a_year_makes_the_victim_persistently_targeted(person):
    first = crime(person, london(2026, 1, 5))
    second = crime(person, london(2026, 2, 10))
    assert basis(victim_of(first)) is None and basis(victim_of(second)) is None

    third = crime(person, london(2026, 3, 16))

    for case in (first, second, third):
        row = basis(victim_of(case))
        assert row is not None
        assert row.source == BasisSource.POLICY and row.assessed_by is None
        assert row.evidence == (
            "3 or more crimes against them within 365 days (local policy: Repeat victimisation)"
        )
        assert victim_of(case).enhanced
    finding = PersistentTargeting.objects.get(person=person)
    assert set(finding.cases.all()) == {first, second, third}
    assert finding.party == victim_of(third)


def test_three_crimes_spread_over_more_than_the_period_do_not(person):
    crime(person, london(2025, 1, 6))
    crime(person, london(2025, 8, 1))
    last = crime(person, london(2026, 1, 20))  # 379 days after the first

    assert basis(victim_of(last)) is None
    assert not PersistentTargeting.objects.exists()
    assert told() == []


def test_a_crime_recorded_late_counts_with_those_after_it(person):
    crime(person, london(2026, 2, 1))
    crime(person, london(2026, 3, 1))
    # Happened before both, recorded after them: the three are within a year of each other.
    late = crime(person, london(2025, 6, 1))
    assert basis(victim_of(late)) is not None


def test_only_crimes_as_a_victim_count(person):
    crime(person, london(2026, 1, 5))
    crime(person, london(2026, 2, 10))
    PartyFactory(case=CaseFactory(), person=person, role=PartyRole.WITNESS)
    assert not PersistentTargeting.objects.exists()


def test_their_open_duties_are_re_timed_with_a_trace_and_the_new_case_is_enhanced_at_once(
    person,
):
    first = crime(person, london(2026, 3, 2))
    services.record_event(
        case=first,
        by=first.officer,
        kind=EventKind.ARREST,
        occurred_at=london(2026, 3, 13, 18),
        now=london(2026, 3, 13, 18),
    )
    arrest_duty = Duty.objects.get(party=victim_of(first), rule__code="R7")
    assert arrest_duty.due_at == datetime.datetime(2026, 3, 20, 23, 59, 59, tzinfo=LONDON)
    crime(person, london(2026, 3, 10))

    third = crime(person, london(2026, 3, 16))

    arrest_duty.refresh_from_db()
    assert arrest_duty.enhanced
    assert arrest_duty.due_at == datetime.datetime(2026, 3, 16, 23, 59, 59, tzinfo=LONDON)
    move = DutyRetiming.objects.get(duty=arrest_duty)
    assert move.was_due_at == datetime.datetime(2026, 3, 20, 23, 59, 59, tzinfo=LONDON)
    assert move.changed_by is None
    assert move.reason.startswith(
        "They gained enhanced rights: persistently targeted, recorded by the system: 3 or more"
    )
    # The third case's duties were made enhanced: nothing of theirs had to move.
    new_duties = Duty.objects.filter(party=victim_of(third))
    assert new_duties and all(d.enhanced for d in new_duties)
    assert not DutyRetiming.objects.filter(duty__in=new_duties).exists()


def test_a_closed_case_keeps_its_record_as_it_was(person):
    first = crime(person, london(2026, 1, 5))
    close_settled(first, now=london(2026, 2, 1))
    crime(person, london(2026, 2, 10))
    third = crime(person, london(2026, 3, 16))
    assert basis(victim_of(first)) is None
    assert basis(victim_of(third)) is not None
    # It still counted.
    assert first in PersistentTargeting.objects.get(person=person).cases.all()


def test_an_officers_finding_that_it_does_not_apply_stands(person):
    first = crime(person, london(2026, 1, 5))
    services.record_basis(
        party=victim_of(first),
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=False,
        evidence="Unrelated incidents",
        by=first.officer,
        now=london(2026, 1, 6),
    )
    crime(person, london(2026, 2, 10))
    crime(person, london(2026, 3, 16))
    assert basis(victim_of(first)) is None


def test_the_supervisors_of_the_cases_team_are_told_once(person):
    team = TeamFactory()
    supervisor, other_supervisor = make_user(Role.SUPERVISOR), make_user(Role.SUPERVISOR)
    add_to_team(team=team, user=supervisor, is_supervisor=True)
    add_to_team(team=TeamFactory(), user=other_supervisor, is_supervisor=True)
    crime(person, london(2026, 1, 5), team=team)
    crime(person, london(2026, 2, 10), team=team)
    third = crime(person, london(2026, 3, 16), team=team)

    notices = told()
    assert [n.recipient for n in notices] == [supervisor]
    assert notices[0].case == third
    assert notices[0].title == f"Persistently targeted: a victim in {third.crime_reference}"
    assert person.last_name not in notices[0].title + notices[0].body

    # A fourth crime in the same run joins the finding: recorded, not told again.
    fourth = crime(person, london(2026, 4, 1), team=team)
    assert basis(victim_of(fourth)) is not None
    assert len(told()) == 1
    assert PersistentTargeting.objects.get(person=person).cases.count() == 4


def test_telling_again_of_the_same_finding_adds_nothing(person):
    team = TeamFactory()
    supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=team, user=supervisor, is_supervisor=True)
    crime(person, london(2026, 1, 5), team=team)
    crime(person, london(2026, 2, 10), team=team)
    crime(person, london(2026, 3, 16), team=team)
    finding = PersistentTargeting.objects.get(person=person)

    again = notifications.notify_persistently_targeted(
        events.PersistentlyTargeted(targeting=finding, now=london(2026, 3, 17))
    )

    assert again == []
    assert len(told()) == 1


def test_a_new_policy_row_applies_to_later_crimes_only():
    PersistentTargetingPolicy.objects.create(
        name="Two in six months",
        effective_from=datetime.date(2026, 3, 1),
        source="Local policy, test",
        crimes=2,
        within_days=183,
    )
    before, after = PersonFactory(), PersonFactory()
    crime(before, london(2026, 1, 5))
    crime(before, london(2026, 2, 10))  # two before the new row: the old policy asked three
    crime(after, london(2026, 3, 2))
    latest = crime(after, london(2026, 3, 20))

    assert not PersistentTargeting.objects.filter(person=before).exists()
    finding = PersistentTargeting.objects.get(person=after)
    assert finding.policy.name == "Two in six months"
    assert basis(victim_of(latest)).evidence.startswith("2 or more crimes against them within 183")


# --- what people see ----------------------------------------------------------------------------


@pytest.fixture
def restricted_run(person):
    """Three crimes against the person: the first restricted to another team, the two others
    the officer's."""
    officer = make_user(Role.OFFICER)
    hidden = crime(person, london(2026, 1, 5), restricted=True, crime_reference="NS/900001/26")
    second = crime(person, london(2026, 2, 10), officer=officer, crime_reference="NS/900002/26")
    third = crime(person, london(2026, 3, 16), officer=officer, crime_reference="NS/900003/26")
    return officer, hidden, second, third


def _crimes_listed(page: str, marker: str) -> list[str]:
    start = page.index(marker)
    return re.findall(r"NS/9\d{5}/26", page[start : start + 2000])


def test_the_case_page_lists_the_crimes_that_counted_but_never_a_hidden_one(client, restricted_run):
    officer, hidden, second, third = restricted_run
    client.force_login(officer)
    page = client.get(reverse("case-detail", kwargs={"pk": third.pk})).content.decode()
    assert "Persistently targeted" in page
    assert "the crimes that counted that you can see" in page
    listed = _crimes_listed(page, "the crimes that counted")
    assert set(listed) == {second.crime_reference, third.crime_reference}
    assert hidden.crime_reference not in page

    # The restricted case's officer may see all three (their page first asks why they open it).
    shown = selectors.persistent_targeting(hidden.officer, {hidden.parties.get().person_id})
    assert [c.crime_reference for c in shown[victim_of(hidden).person_id].crimes] == [
        hidden.crime_reference,
        second.crime_reference,
        third.crime_reference,
    ]


def test_the_person_page_shows_the_finding_and_only_the_crimes_the_viewer_may_see(
    client, restricted_run, person
):
    officer, hidden, second, third = restricted_run
    client.force_login(officer)
    page = client.get(reverse("person-record", kwargs={"pk": person.pk})).content.decode()
    assert '<h2 class="h4">Persistently targeted</h2>' in page
    assert "recorded by the system under local policy: 3 or more crimes" in page
    assert set(_crimes_listed(page, "The crimes that counted")) == {
        second.crime_reference,
        third.crime_reference,
    }
    assert hidden.crime_reference not in page


def test_why_is_this_due_says_the_system_recorded_the_basis(client, person):
    crime(person, london(2026, 1, 5))
    crime(person, london(2026, 2, 10))
    third = crime(person, london(2026, 3, 16, 9))
    the_duty = Duty.objects.filter(party=victim_of(third)).order_by("id").first()
    client.force_login(third.officer)
    page = client.get(reverse("duty", args=[third.pk, the_duty.pk])).content.decode()
    assert (
        "Persistently targeted: 3 or more crimes against them within 365 days (local policy: "
        "Repeat victimisation) (recorded by the system under local policy)." in page
    )


def test_the_api_says_so_on_the_person_and_the_party_without_a_hidden_crime(restricted_run, person):
    officer, _hidden, second, third = restricted_run
    api = APIClient()
    api.force_login(officer)
    data = api.get(reverse("api-person-detail", kwargs={"pk": person.pk})).json()
    found = data["persistently_targeted"]
    assert found["label"] == "Persistently targeted"
    assert found["policy"].startswith("3 or more crimes")
    assert [c["crime_reference"] for c in found["crimes"]] == [
        second.crime_reference,
        third.crime_reference,
    ]
    parties = api.get(reverse("api-case-parties", kwargs={"case_pk": third.pk})).json()
    rows = parties["results"] if isinstance(parties, dict) else parties
    assert [p["persistently_targeted"] for p in rows] == [True]
    detail = api.get(reverse("api-case-detail", kwargs={"pk": third.pk})).json()
    assert [p["persistently_targeted"] for p in detail["parties"]] == [True]


def test_a_person_never_found_so_has_null_in_the_api(person):
    case = crime(person, london(2026, 3, 16))
    api = APIClient()
    api.force_login(case.officer)
    data = api.get(reverse("api-person-detail", kwargs={"pk": person.pk})).json()
    assert data["persistently_targeted"] is None


# --- bounded queries ----------------------------------------------------------------------------


def _flagged(n_people: int, team) -> object:
    """A case with `n_people` victims, each persistently targeted through two earlier crimes."""
    case = crime(PersonFactory(), london(2026, 3, 16), team=team)
    for _ in range(n_people):
        who = PersonFactory()
        crime(who, london(2026, 1, 5), team=team)
        crime(who, london(2026, 2, 10), team=team)
        PartyFactory(case=case, person=who, role=PartyRole.VICTIM, now=london(2026, 3, 17))
    return case


def test_the_case_page_costs_two_queries_more_however_many_people_were_found_so(
    client, django_assert_max_num_queries
):
    team = TeamFactory()
    plain = crime(PersonFactory(), london(2026, 3, 16), team=team)
    one, many = _flagged(1, team), _flagged(5, team)
    officer = make_user(Role.SUPERVISOR)
    add_to_team(team=team, user=officer, is_supervisor=True)
    client.force_login(officer)
    url = reverse("case-detail", kwargs={"pk": plain.pk})
    client.get(url)
    reset_queries()  # the set-up filled the log Django keeps, and a full log counts nothing
    with django_assert_max_num_queries(40) as base:
        assert client.get(url).status_code == 200
    base_count = len(base.captured_queries)
    for case in (one, many):
        url = reverse("case-detail", kwargs={"pk": case.pk})
        client.get(url)
        reset_queries()
        with django_assert_max_num_queries(base_count + 2):
            assert "the crimes that counted" in client.get(url).content.decode()


def test_the_person_page_costs_two_queries_for_the_finding(
    client, django_assert_max_num_queries, person
):
    crime(person, london(2026, 1, 5))
    crime(person, london(2026, 2, 10))
    third = crime(person, london(2026, 3, 16))
    client.force_login(third.officer)
    url = reverse("person-record", kwargs={"pk": person.pk})
    client.get(url)
    reset_queries()
    with django_assert_max_num_queries(16):
        assert "Persistently targeted" in client.get(url).content.decode()


def test_merging_two_records_counts_their_crimes_together(person):
    from cases import merging

    team = TeamFactory()
    supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=team, user=supervisor, is_supervisor=True)
    other = PersonFactory(first_name=person.first_name, last_name=person.last_name)
    first = crime(person, london(2026, 1, 5), team=team)
    second = crime(person, london(2026, 2, 10), team=team)
    third = crime(other, london(2026, 3, 2), team=team)
    assert not any(basis(victim_of(case)) for case in (first, second, third))
    merging.merge_people(
        kept=person,
        merged=other,
        by=supervisor,
        reason="One person recorded twice.",
        now=london(2026, 3, 3),
    )
    assert all(basis(victim_of(case)) for case in (first, second, third))
    assert PersistentTargeting.objects.filter(person=person).count() == 1
    assert len(told()) >= 1
