"""Issue 21: an officer adding a person is offered the people already on record who may be them,
and never learns anything of a case they may not see."""

import datetime
from dataclasses import replace

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as accounts_services
from accounts.models import Role, TeamMembership
from audit.models import AuditEvent
from cases import matching
from cases.models import Case, Party, PartyRole, Person
from tests.factories import TeamFactory, make_user

from .factories import CaseFactory, PartyFactory, victim_of
from .test_views import _new_case_post

pytestmark = pytest.mark.django_db

BORN = datetime.date(1984, 3, 9)
JANE = {
    "first_name": "Jane",
    "last_name": "Okafor",
    "date_of_birth": BORN,
    "phone": "07700 900123",
    "postcode": "NG1 5FS",
}


@pytest.fixture
def officer():
    officer = make_user(Role.OFFICER)
    accounts_services.add_to_team(team=TeamFactory(), user=officer)
    return officer


@pytest.fixture
def janes_case(officer):
    """Jane, a victim in a burglary the officer may see (not theirs: any unrestricted case)."""
    return CaseFactory(victim=dict(JANE), crime_reference="NS/000111/26")


def _candidate(**changes) -> matching.Candidate:
    return matching.Candidate(**{**JANE, **changes})


def test_the_same_name_and_date_of_birth_is_offered_with_the_case(officer, janes_case):
    [match] = matching.likely_matches(officer, _candidate(phone="", postcode=""))
    assert match.person == victim_of(janes_case).person
    assert match.reasons == ["Similar name", "Same date of birth"]
    [link] = match.cases
    assert (link.crime_reference, link.role) == ("NS/000111/26", "Victim")


def test_a_phone_written_another_way_is_the_same_phone(officer, janes_case):
    candidate = _candidate(first_name="J", last_name="Smith", date_of_birth=None, postcode="")
    [match] = matching.likely_matches(officer, replace(candidate, phone="+44 (7700) 900-123"))
    assert match.reasons == ["Same phone number"]


def test_a_postcode_alone_is_not_enough_but_with_the_surname_it_is(officer, janes_case):
    neighbour = _candidate(first_name="Peter", last_name="Hall", date_of_birth=None, phone="")
    assert matching.likely_matches(officer, replace(neighbour, postcode="ng15fs")) == []
    relative = replace(neighbour, last_name="Okafor", postcode="ng1 5fs")
    [match] = matching.likely_matches(officer, relative)
    assert "Same postcode" in match.reasons


def test_someone_unlike_anyone_on_record_has_no_matches(officer, janes_case):
    stranger = matching.Candidate(first_name="Ravi", last_name="Patel")
    assert matching.likely_matches(officer, stranger) == []


@pytest.mark.postgresql
def test_on_postgresql_a_misspelt_name_is_similar(officer, janes_case):
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm similarity is PostgreSQL's; SQLite uses the simpler fallback.")
    [match] = matching.likely_matches(
        officer, matching.Candidate(first_name="Jayne", last_name="Okafur")
    )
    assert match.reasons == ["Similar name"]


def test_on_sqlite_the_surname_and_the_start_of_the_first_name_match(
    officer, janes_case, monkeypatch
):
    # The fallback is what SQLite runs; on PostgreSQL it is run here by turning trigrams off.
    monkeypatch.setattr(matching, "_trigram", lambda: False)
    [match] = matching.likely_matches(
        officer, matching.Candidate(first_name="JANET", last_name="okafor")
    )
    assert match.reasons == ["Similar name"]


def test_matches_are_limited_and_read_in_two_queries(
    officer, janes_case, django_assert_max_num_queries
):
    for _ in range(7):
        PartyFactory(case=janes_case, person=Person.objects.create(**{**JANE, "phone": ""}))
    assert officer.roles  # read once per user, by the permission check before any page
    with django_assert_max_num_queries(2):
        matches = matching.likely_matches(officer, _candidate())
    assert len(matches) == matching.MATCH_LIMIT
    # The best first: Jane's own record matches by the phone too.
    assert matches[0].person == victim_of(janes_case).person


# --- restricted cases ---------------------------------------------------------------------------


def test_a_person_only_in_a_restricted_case_is_not_offered_at_all(officer):
    CaseFactory(victim=dict(JANE), restricted=True, crime_reference="NS/000999/26")
    assert matching.likely_matches(officer, _candidate()) == []


def test_a_restricted_case_of_a_matched_person_is_never_listed(officer, janes_case):
    jane = victim_of(janes_case).person
    hidden = CaseFactory(victim=jane, restricted=True, crime_reference="NS/000999/26")
    [match] = matching.likely_matches(officer, _candidate())
    assert [link.crime_reference for link in match.cases] == ["NS/000111/26"]
    # The restricted case's officer is offered both.
    [theirs] = matching.likely_matches(hidden.officer, _candidate())
    assert {link.crime_reference for link in theirs.cases} == {"NS/000111/26", "NS/000999/26"}


# --- the add-person page ------------------------------------------------------------------------


@pytest.fixture
def own_case(officer):
    return CaseFactory(officer=officer, crime_reference="NS/000222/26")


def _form(**changes) -> dict:
    return {
        "first_name": "Jane",
        "last_name": "Okafor",
        "date_of_birth": BORN.isoformat(),
        "phone": "",
        "postcode": "",
        "preferred_language": "English",
        "role": PartyRole.WITNESS,
        **changes,
    }


def test_the_page_offers_the_match_before_making_a_record(
    client, officer, own_case, janes_case, django_assert_max_num_queries
):
    client.force_login(officer)
    url = reverse("party-add", args=[own_case.pk])
    people = Person.objects.count()
    with django_assert_max_num_queries(30):
        response = client.post(url, _form())
    assert response.status_code == 200
    body = response.content.decode()
    assert "This person may already be on record" in body
    assert "NS/000111/26" in body
    assert Person.objects.count() == people
    assert not Party.objects.filter(case=own_case, role=PartyRole.WITNESS).exists()


def test_using_the_person_on_record_links_them_to_the_case(client, officer, own_case, janes_case):
    jane = victim_of(janes_case).person
    client.force_login(officer)
    url = reverse("party-add", args=[own_case.pk])
    people = Person.objects.count()
    response = client.post(url, _form(match=str(jane.pk)))
    assert response.status_code == 302
    assert Party.objects.get(case=own_case, role=PartyRole.WITNESS).person == jane
    assert Person.objects.count() == people


def test_someone_new_makes_a_new_record(client, officer, own_case, janes_case):
    client.force_login(officer)
    people = Person.objects.count()
    response = client.post(reverse("party-add", args=[own_case.pk]), _form(match="new"))
    assert response.status_code == 302
    assert Person.objects.count() == people + 1
    assert (
        Party.objects.get(case=own_case, role=PartyRole.WITNESS).person
        != victim_of(janes_case).person
    )


def test_a_person_not_offered_cannot_be_linked_by_sending_their_id(client, officer, own_case):
    hidden = CaseFactory(victim=dict(JANE), restricted=True, crime_reference="NS/000999/26")
    client.force_login(officer)
    response = client.post(
        reverse("party-add", args=[own_case.pk]), _form(match=str(victim_of(hidden).person_id))
    )
    # Nothing offered: the page makes a new record, never links the restricted case's person.
    assert response.status_code == 302
    party = Party.objects.get(case=own_case, role=PartyRole.WITNESS)
    assert party.person_id != victim_of(hidden).person_id


def test_a_page_with_no_match_adds_the_person_at_once(client, officer, own_case):
    client.force_login(officer)
    response = client.post(reverse("party-add", args=[own_case.pk]), _form(last_name="Zed"))
    assert response.status_code == 302


def test_the_page_never_shows_a_restricted_case_of_the_match(client, officer, own_case, janes_case):
    CaseFactory(
        victim=victim_of(janes_case).person, restricted=True, crime_reference="NS/000909/26"
    )
    client.force_login(officer)
    body = client.post(reverse("party-add", args=[own_case.pk]), _form()).content.decode()
    assert "NS/000111/26" in body
    assert "NS/000909/26" not in body
    assert "details restricted" not in body


# --- the API ------------------------------------------------------------------------------------


def _api(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_the_api_answers_the_matches_with_only_the_cases_one_may_see(
    officer, janes_case, django_assert_max_num_queries
):
    CaseFactory(
        victim=victim_of(janes_case).person, restricted=True, crime_reference="NS/000909/26"
    )
    api = _api(officer)
    body = {"first_name": "Jane", "last_name": "Okafor", "date_of_birth": BORN.isoformat()}
    with django_assert_max_num_queries(15):
        response = api.post(reverse("api-person-matches"), body, format="json")
    assert response.status_code == 200
    [match] = response.json()["matches"]
    assert match["person"]["id"] == victim_of(janes_case).person_id
    assert match["reasons"] == ["Similar name", "Same date of birth"]
    assert [case["crime_reference"] for case in match["cases"]] == ["NS/000111/26"]


def test_the_api_offers_no_one_only_in_a_hidden_case(officer):
    CaseFactory(victim=dict(JANE), restricted=True, crime_reference="NS/000999/26")
    body = {"first_name": "Jane", "last_name": "Okafor", "phone": JANE["phone"]}
    response = _api(officer).post(reverse("api-person-matches"), body, format="json")
    assert response.json() == {"matches": []}


def test_the_api_gives_field_errors_for_bad_input(officer):
    response = _api(officer).post(
        reverse("api-person-matches"),
        {"first_name": "", "date_of_birth": "2090-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"first_name", "last_name", "date_of_birth"}


def test_the_api_refuses_roles_that_do_not_add_people():
    for role in (Role.WITNESS_CARE, Role.AGENCY):
        response = _api(make_user(role)).post(
            reverse("api-person-matches"), {"first_name": "A", "last_name": "B"}, format="json"
        )
        assert response.status_code == 403


def test_the_people_offered_are_in_the_audit_trail(client, officer, own_case, janes_case):
    client.force_login(officer)
    client.post(reverse("party-add", args=[own_case.pk]), _form())
    event = AuditEvent.objects.get(action="search", case_id=own_case.pk)
    assert list(event.people.values_list("person_id", flat=True)) == [
        victim_of(janes_case).person_id
    ]


# --- the new case form: its first victim --------------------------------------------------------


def test_a_new_case_offers_its_victim_on_record_and_uses_them(client, officer, janes_case):
    team = TeamMembership.objects.get(user=officer).team
    data = _new_case_post(
        team,
        officer,
        **{
            "victim-first_name": "Jane",
            "victim-last_name": "Okafor",
            "victim-date_of_birth": BORN.isoformat(),
        },
    )
    client.force_login(officer)
    offered = client.post(reverse("case-create"), data)
    assert offered.status_code == 200
    assert "This person may already be on record" in offered.content.decode()
    assert not Case.objects.filter(crime_reference="NS/054321/26").exists()

    jane = victim_of(janes_case).person
    used = client.post(reverse("case-create"), {**data, "match": str(jane.pk)})
    assert used.status_code == 302
    case = Case.objects.get(crime_reference="NS/054321/26")
    assert victim_of(case).person == jane
