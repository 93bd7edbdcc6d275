"""Two people editing one needs assessment: the second, stale save is refused (a message on the
page, 409 from the API), never silently replacing the first nor failing with a 500."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services as accounts_services
from accounts.models import Role
from cases import services
from cases.models import NeedsAssessment
from tests.factories import make_user

from .factories import CaseFactory, victim_of

STALE = "Someone else saved this record while you were editing it."


def _team_case():
    case = CaseFactory()
    colleague = make_user(Role.OFFICER)
    accounts_services.add_to_team(team=case.team, user=case.officer)
    accounts_services.add_to_team(team=case.team, user=colleague)
    return case, colleague


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_second_stale_save_on_the_page_is_refused_and_keeps_what_was_typed(client):
    case, colleague = _team_case()
    party = victim_of(case)
    url = reverse("needs-assessment", kwargs={"pk": case.pk, "party_pk": party.pk})
    client.force_login(case.officer)
    opened = client.get(url).context["form"].initial
    assert opened["version"] == 0
    first = {"reason": "Initial assessment", "support_needs": "Lock change", "version": 0}
    assert client.post(url, first).status_code == 302

    client.force_login(colleague)
    second = {"reason": "Initial assessment", "support_needs": "Counselling", "version": 0}
    response = client.post(url, second)

    content = response.content.decode()
    assert response.status_code == 200
    assert STALE in content and "Counselling" in content
    [kept] = NeedsAssessment.objects.filter(party=party)
    assert (kept.version, kept.support_needs) == (1, "Lock change")
    # Having seen the refusal, the colleague may now save deliberately, as version 2.
    assert client.post(url, {**second, "version": 1}).status_code == 302
    assert NeedsAssessment.objects.get(party=party, version=2).support_needs == "Counselling"


@pytest.mark.django_db
def test_the_page_opens_on_the_latest_version(client):
    case, _ = _team_case()
    party = victim_of(case)
    services.record_needs_assessment(party=party, by=case.officer, expected_version=0)
    client.force_login(case.officer)
    url = reverse("needs-assessment", kwargs={"pk": case.pk, "party_pk": party.pk})
    assert client.get(url).context["form"].initial["version"] == 1


@pytest.mark.django_db
def test_the_api_refuses_a_stale_needs_assessment_with_409():
    case, colleague = _team_case()
    party = victim_of(case)
    url = reverse("api-case-needs-assessments", args=[case.pk])
    body = {"party": party.pk, "support_needs": "Lock change", "version": 0}
    assert _api(case.officer).post(url, body, format="json").status_code == 201

    stale = _api(colleague).post(url, {**body, "support_needs": "Other"}, format="json")

    assert stale.status_code == 409
    assert stale.json()["detail"].startswith(STALE)
    assert list(NeedsAssessment.objects.values_list("version", "support_needs")) == [
        (1, "Lock change")
    ]
    fresh = _api(colleague).post(url, {**body, "version": 1}, format="json")
    assert fresh.status_code == 201, fresh.json()
    assert fresh.json()["version"] == 2


@pytest.mark.django_db
def test_the_api_needs_the_version_read():
    case, _ = _team_case()
    url = reverse("api-case-needs-assessments", args=[case.pk])
    response = _api(case.officer).post(url, {"party": victim_of(case).pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"version": ["This field is required."]}
    assert not NeedsAssessment.objects.exists()


@pytest.mark.django_db
def test_a_save_that_loses_the_race_on_the_unique_version_is_a_conflict(monkeypatch):
    case, _ = _team_case()
    party = victim_of(case)
    services.record_needs_assessment(party=party, by=case.officer, expected_version=0)
    # As if read before the other save committed: both try to write version 1.
    monkeypatch.setattr(services, "latest_needs_version", lambda party: 0)
    with pytest.raises(services.EditConflict):
        services.record_needs_assessment(party=party, by=case.officer, support_needs="Late")
    assert NeedsAssessment.objects.filter(party=party).count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_saves_on_postgresql_give_one_201_and_one_409_never_a_500():
    if connection.vendor != "postgresql":
        pytest.skip("Two connections saving at once needs PostgreSQL; SQLite takes turns.")
    case, colleague = _team_case()
    party = victim_of(case)
    url = reverse("api-case-needs-assessments", args=[case.pk])
    clients = [_api(case.officer), _api(colleague)]
    start = threading.Barrier(2)
    statuses: list[int] = []

    def save(client: APIClient, needs: str) -> None:
        try:
            start.wait()
            body = {"party": party.pk, "support_needs": needs, "version": 0}
            statuses.append(client.post(url, body, format="json").status_code)
        finally:
            connection.close()  # each thread's own connection

    threads = [
        threading.Thread(target=save, args=(client, f"Needs {n}"))
        for n, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [201, 409]
    assert NeedsAssessment.objects.filter(party=party).count() == 1
