"""Before a restricted case opens, the user says why; the reason goes with the view events."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from tests.cases.factories import CaseFactory, victim_of

pytestmark = pytest.mark.django_db


def _views(case):
    return AuditEvent.objects.filter(action=AuditAction.VIEW, case_id=case.pk).order_by("id")


def test_a_restricted_case_page_asks_why_before_it_opens(client, team_supervisor):
    case = CaseFactory(restricted=True, team=team_supervisor.team)
    page = reverse("case-detail", args=[case.pk])
    client.force_login(team_supervisor)

    response = client.get(page)

    reason_url = reverse("audit-reason", args=[case.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{reason_url}?next=%2Fcases%2F{case.pk}%2F"
    assert not _views(case).exists()  # asking is not opening
    form = client.get(response["Location"])
    assert form.status_code == 200
    assert "Why are you opening case" in form.content.decode()


def test_without_a_reason_the_form_refuses_and_the_case_stays_closed(client, team_supervisor):
    case = CaseFactory(restricted=True, team=team_supervisor.team)
    client.force_login(team_supervisor)
    reason_url = reverse("audit-reason", args=[case.pk])

    response = client.post(reason_url, {"reason": "", "next": f"/cases/{case.pk}/"})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 302


def test_the_reason_is_recorded_with_each_view_of_that_case_this_session(client, team_supervisor):
    case = CaseFactory(restricted=True, team=team_supervisor.team)
    party = victim_of(case)
    client.force_login(team_supervisor)
    reason_url = reverse("audit-reason", args=[case.pk])

    response = client.post(
        reason_url, {"reason": "Checking the safeguarding referral", "next": f"/cases/{case.pk}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get(reverse("safe-contact", args=[case.pk, party.pk])).status_code == 200

    first, second = _views(case)
    assert first.reason == second.reason == "Checking the safeguarding referral"
    assert first.user == team_supervisor


def test_the_reason_lasts_for_this_session_only(client, team_supervisor):
    case = CaseFactory(restricted=True, team=team_supervisor.team)
    client.force_login(team_supervisor)
    client.post(reverse("audit-reason", args=[case.pk]), {"reason": "Court file review"})
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 200

    client.logout()
    client.force_login(team_supervisor)
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 302


def test_a_reason_for_one_case_does_not_open_another(client, team_supervisor):
    first = CaseFactory(restricted=True, team=team_supervisor.team)
    second = CaseFactory(restricted=True, team=team_supervisor.team)
    client.force_login(team_supervisor)
    client.post(reverse("audit-reason", args=[first.pk]), {"reason": "Court file review"})
    assert client.get(reverse("case-detail", args=[first.pk])).status_code == 200
    assert client.get(reverse("case-detail", args=[second.pk])).status_code == 302


def test_an_ordinary_case_opens_without_a_question(client, officer):
    case = CaseFactory(officer=officer)
    client.force_login(officer)
    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 200
    assert _views(case).get().reason == ""


def test_someone_who_may_not_see_the_case_is_not_told_it_is_restricted(client, officer):
    hidden = CaseFactory(restricted=True)
    client.force_login(officer)
    assert client.get(reverse("case-detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("audit-reason", args=[hidden.pk])).status_code == 404
    response = client.post(reverse("audit-reason", args=[hidden.pk]), {"reason": "Curious, really"})
    assert response.status_code == 404


def test_the_form_goes_back_only_to_a_page_on_this_site(client, team_supervisor):
    case = CaseFactory(restricted=True, team=team_supervisor.team)
    client.force_login(team_supervisor)
    response = client.post(
        reverse("audit-reason", args=[case.pk]),
        {"reason": "Court file review", "next": "https://evil.example/steal"},
    )
    assert response["Location"] == reverse("case-detail", args=[case.pk])
