"""The audit search page: who may use it, what each sees, the filters, and its query count."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditAction, AuditEvent
from audit.services import record
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/audit/"


def _search(client, **filters):
    response = client.post(URL, filters)
    assert response.status_code == 302 and response["Location"] == URL
    return client.get(URL)


def _shown(response):
    return [event.pk for event in response.context["page"]]


def test_only_supervisors_and_auditors_reach_the_trail(client, officer, auditor, supervisor):
    for user, status in [(officer, 403), (make_user(Role.ADMIN), 403), (auditor, 200)]:
        client.force_login(user)
        assert client.get(URL).status_code == status
    client.force_login(supervisor)
    assert client.get(URL).status_code == 200


def test_an_auditor_finds_a_view_by_the_persons_name_without_the_name_in_a_url(client, auditor):
    case = CaseFactory(victim={"first_name": "Oriel", "last_name": "Pennington"})
    other = CaseFactory(victim={"first_name": "Sam", "last_name": "Jones"})
    viewer = make_user(Role.OFFICER)
    seen = record(viewer, "view", obj=case, person_ids=[victim_of(case).person_id])
    record(viewer, "view", obj=other, person_ids=[victim_of(other).person_id])
    client.force_login(auditor)

    response = _search(client, person="oriel pennington", action="view")

    assert _shown(response) == [seen.pk]
    assert "Pennington" not in response.request["PATH_INFO"] + response.request["QUERY_STRING"]


def test_filters_by_person_id_user_action_and_period(client, auditor):
    case = CaseFactory()
    person_id = victim_of(case).person_id
    alice, bob = make_user(Role.OFFICER, username="alice"), make_user(Role.OFFICER, username="bob")
    by_alice = record(alice, "view", obj=case, person_ids=[person_id])
    record(bob, "view", obj=case, person_ids=[person_id])
    record(alice, "search", detail="q=x")
    client.force_login(auditor)

    assert _shown(_search(client, person_id=person_id, username="ALICE")) == [by_alice.pk]
    assert by_alice.pk in _shown(_search(client, action="view", username="alice"))
    today = timezone.localdate()
    assert (
        _shown(_search(client, username="alice", date_to=today - datetime.timedelta(days=1))) == []
    )
    assert len(_shown(_search(client, username="alice", date_from=today, date_to=today))) == 2


def test_a_period_ending_before_it_starts_is_a_form_error(client, auditor):
    client.force_login(auditor)
    response = client.post(URL, {"date_from": "2026-11-10", "date_to": "2026-11-01"})
    assert response.status_code == 400
    assert "must not be before its start" in response.content.decode()


def test_a_supervisor_sees_only_events_about_cases_they_can_see(client, team_supervisor, auditor):
    own_restricted = CaseFactory(restricted=True, team=team_supervisor.team)
    elsewhere_restricted = CaseFactory(restricted=True)
    ordinary = CaseFactory()
    officer = make_user(Role.OFFICER)
    mine = record(officer, "view", obj=own_restricted)
    hidden = record(officer, "view", obj=elsewhere_restricted)
    open_case = record(officer, "view", obj=ordinary)
    person_only = record(
        officer,
        "view",
        obj=victim_of(elsewhere_restricted).person,
        person_ids=[victim_of(elsewhere_restricted).person_id],
    )
    sign_in = record(officer, "login")

    client.force_login(team_supervisor)
    shown = set(_shown(_search(client, username=officer.username)))
    assert {mine.pk, open_case.pk} <= shown
    assert not shown & {hidden.pk, person_only.pk, sign_in.pk}

    client.force_login(auditor)
    shown = set(_shown(_search(client, username=officer.username)))
    assert {mine.pk, hidden.pk, open_case.pk, person_only.pk, sign_in.pk} <= shown


def test_a_change_shows_its_before_and_after(client, auditor, officer):
    from cases import services

    case = CaseFactory(officer=officer, victim={"first_name": "Ada", "last_name": "Brennan"})
    person = victim_of(case).person
    services.update_person(
        person=person,
        by=officer,
        expected_version=person.version,
        first_name="Ada",
        last_name="Brennan-Cole",
        preferred_language="English",
    )
    client.force_login(auditor)
    content = _search(client, person_id=person.pk, action="change").content.decode()
    assert "Last name" in content and "Brennan" in content and "Brennan-Cole" in content


def test_using_the_trail_is_itself_recorded(client, auditor):
    client.force_login(auditor)
    _search(client, username="alice", action="export")
    looked = AuditEvent.objects.filter(user=auditor, action=AuditAction.SEARCH).get()
    assert looked.detail == "audit trail: action=export; username=alice"
    assert looked.path == URL


def test_clear_forgets_the_filters(client, auditor):
    client.force_login(auditor)
    _search(client, username="alice")
    client.post(URL, {"clear": "1"})
    assert client.get(URL).context["form"]["username"].value() in (None, "")


def test_pages_of_the_trail_carry_only_their_number(client, auditor):
    case = CaseFactory()
    for _ in range(55):
        record(auditor, "view", obj=case)
    client.force_login(auditor)
    first = _search(client, action="view")
    assert len(first.context["page"]) == 50
    assert 'href="?page=2"' in first.content.decode()
    assert len(client.get(URL, {"page": 2}).context["page"]) == 5 + 0


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.SUPERVISOR])
def test_the_trail_takes_the_same_queries_for_a_few_or_many_events(
    client, django_assert_num_queries, role
):
    user = make_user(role)
    client.force_login(user)

    def add_events(n):
        for _ in range(n):
            case = CaseFactory()
            person = victim_of(case).person
            record(user, "view", obj=case, person_ids=[person.pk])
            from cases import services

            services.update_person(
                person=person,
                by=user,
                expected_version=person.version,
                first_name="New",
                last_name="Name",
                preferred_language="English",
            )

    add_events(2)
    client.get(URL)
    with django_assert_num_queries(12) as few:
        client.get(URL)
    add_events(12)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(URL)
