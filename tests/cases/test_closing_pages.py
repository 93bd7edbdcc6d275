"""Closing and reopening a case from its pages and the API, and the dashboard's closings over
open duties (issue 21). The rules themselves: tests/entitlements/test_case_life.py."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import add_to_team
from cases.models import CaseClosure, CaseStatus, ReopenReason
from entitlements.models import OPEN_STATUSES, Duty, DutyStatus
from tests.cases.factories import CaseFactory, close_settled, offence
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def make_case():
    return CaseFactory(offence=offence("theft_other"), occurred_at=NOW - 3 * DAY, now=NOW - DAY)


def supervisor_of(case):
    user = make_user(Role.SUPERVISOR)
    add_to_team(team=case.team, user=user, is_supervisor=True)
    return user


def settle(case):
    Duty.objects.filter(case=case, status__in=OPEN_STATUSES).update(
        status=DutyStatus.NOT_APPLICABLE, reason="Not applicable here"
    )


def close_form(client, case, **data):
    case.refresh_from_db()
    return client.post(
        reverse("case-close", kwargs={"pk": case.pk}),
        {"outcome": "no_suspect", "version": case.version, **data},
    )


# --- the close form -----------------------------------------------------------------------------


def test_the_close_form_lists_the_open_duties_by_right_for_the_officer(client):
    case = make_case()
    client.force_login(case.officer)

    page = client.get(reverse("case-close", kwargs={"pk": case.pk})).content.decode()

    n = Duty.objects.filter(case=case, status__in=OPEN_STATUSES).count()
    assert f"Code duties still open ({n})" in page
    assert "Right 3: To be provided with information when reporting the crime" in page
    assert not re.search(r"\bR\d+\b", page), "rule codes are not for the reader"
    assert "override_reason" not in page  # only a supervisor of the team is asked


def test_the_officer_is_refused_and_told_to_ask_a_supervisor(client):
    case = make_case()
    client.force_login(case.officer)

    page = close_form(client, case).content.decode()

    assert "ask a supervisor of the case&#x27;s team" in page
    case.refresh_from_db()
    assert case.status == CaseStatus.UNDER_INVESTIGATION


def test_a_supervisor_who_gives_no_reason_gets_a_field_error(client):
    case = make_case()
    client.force_login(supervisor_of(case))

    page = close_form(client, case, override_reason="").content.decode()

    assert 'id="id_override_reason"' in page and "is-invalid" in page
    assert "Give the reason for closing the case with these duties still open." in page
    assert not CaseClosure.objects.exists()


def test_a_supervisor_closes_over_open_duties_with_a_reason(client):
    case = make_case()
    client.force_login(supervisor_of(case))

    response = close_form(client, case, override_reason="Victim moved abroad, no contact")

    assert response.status_code == 302
    closing = CaseClosure.objects.get(case=case)
    assert closing.override_reason == "Victim moved abroad, no contact"
    page = client.get(reverse("case-detail", kwargs={"pk": case.pk})).content.decode()
    assert "Closed with open duties" in page and "Reopen case" in page


def test_a_case_with_nothing_open_closes_from_the_form(client):
    case = make_case()
    settle(case)
    client.force_login(case.officer)

    assert close_form(client, case).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_the_close_form_reads_a_bounded_number_of_queries(client, django_assert_num_queries):
    case = make_case()
    client.force_login(case.officer)
    url = reverse("case-close", kwargs={"pk": case.pk})
    client.get(url)  # warm the session and the caches
    with django_assert_num_queries(12) as first:
        client.get(url)
    # More people, more duties: the same queries.
    for _ in range(3):
        from tests.cases.factories import PartyFactory

        PartyFactory(case=case, now=NOW)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


# --- reopening from the page --------------------------------------------------------------------


def test_only_a_supervisor_of_the_team_opens_the_reopen_form(client):
    case = make_case()
    close_settled(case, now=NOW)
    client.force_login(case.officer)
    url = reverse("case-reopen", kwargs={"pk": case.pk})
    page = client.get(url).content.decode()
    assert "Only a supervisor of the case&#x27;s team can reopen it" in page
    assert "<form method" not in page.split("<main", 1)[-1]
    assert client.post(url, {"reason": ReopenReason.APPEAL, "version": 2}).status_code == 403


def test_a_supervisor_reopens_the_case_for_another_reason_only_with_details(client):
    case = make_case()
    close_settled(case, now=NOW)
    case.refresh_from_db()
    client.force_login(supervisor_of(case))
    url = reverse("case-reopen", kwargs={"pk": case.pk})

    refused = client.post(url, {"reason": ReopenReason.OTHER, "details": "", "version": 2})
    assert "Say why the case is being reopened." in refused.content.decode()

    response = client.post(
        url,
        {"reason": ReopenReason.OTHER, "details": "Suspect identified", "version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.UNDER_INVESTIGATION
    assert CaseClosure.objects.get(case=case).reopen_details == "Suspect identified"


# --- the API ------------------------------------------------------------------------------------


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_refuses_a_close_with_400_listing_the_open_duties():
    case = make_case()
    n = Duty.objects.filter(case=case, status__in=OPEN_STATUSES).count()

    response = api_for(case.officer).post(
        reverse("api-case-close", kwargs={"pk": case.pk}),
        {"outcome": "no_suspect", "version": case.version},
        format="json",
    )

    assert response.status_code == 400
    assert len(response.json()["open_duties"]) == n
    assert all(label.startswith("Right ") for label in response.json()["open_duties"])
    assert "override_reason" in response.json()


def test_the_api_closes_over_open_duties_for_a_supervisor_then_reopens():
    case = make_case()
    supervisor = supervisor_of(case)
    client = api_for(supervisor)

    closed = client.post(
        reverse("api-case-close", kwargs={"pk": case.pk}),
        {"outcome": "no_suspect", "version": case.version, "override_reason": "Moved abroad"},
        format="json",
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == CaseStatus.CLOSED

    reopened = client.post(
        reverse("api-case-reopen", kwargs={"pk": case.pk}),
        {"reason": ReopenReason.NEW_EVIDENCE, "version": closed.json()["version"]},
        format="json",
    )
    assert reopened.status_code == 200
    assert reopened.json()["status"] == CaseStatus.UNDER_INVESTIGATION


def test_the_api_refuses_a_reopening_by_the_officer():
    case = make_case()
    close_settled(case, now=NOW)
    case.refresh_from_db()
    response = api_for(case.officer).post(
        reverse("api-case-reopen", kwargs={"pk": case.pk}),
        {"reason": ReopenReason.APPEAL, "version": case.version},
        format="json",
    )
    assert response.status_code == 403


# --- the compliance dashboard -------------------------------------------------------------------


def closed_over(case, supervisor, reason="Victim moved abroad"):
    case.refresh_from_db()
    from cases import services

    services.close_case(
        case=case,
        by=supervisor,
        outcome="no_suspect",
        expected_version=case.version,
        override_reason=reason,
        now=NOW,
    )


def test_the_dashboard_counts_closings_over_open_duties_and_lists_them(client):
    team_case = make_case()
    supervisor = supervisor_of(team_case)
    closed_over(team_case, supervisor, reason="Victim moved abroad")
    close_settled(make_case(), now=NOW)  # closed with nothing open: not counted
    # Another team's restricted case, which the supervisor may not see.
    elsewhere = CaseFactory(
        offence=offence("theft_other"), occurred_at=NOW - 3 * DAY, now=NOW - DAY, restricted=True
    )
    closed_over(elsewhere, supervisor_of(elsewhere))
    client.force_login(supervisor)
    month = {"start": "2026-03-01", "end": "2026-03-20"}

    page = client.get(reverse("compliance-dashboard"), month).content.decode()
    listed = client.get(reverse("compliance-closed-with-open-duties"), month).content.decode()

    assert re.search(r"<strong>1</strong> case closed with open duties", page)
    assert team_case.crime_reference in listed and "Victim moved abroad" in listed
    assert elsewhere.crime_reference not in listed


def test_the_list_of_closings_reads_a_bounded_number_of_queries(client, django_assert_num_queries):
    team = TeamFactory()
    supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=team, user=supervisor, is_supervisor=True)
    client.force_login(supervisor)
    url = reverse("compliance-closed-with-open-duties")
    month = {"start": "2026-03-01", "end": "2026-03-20"}

    def closings(n):
        for _ in range(n):
            case = CaseFactory(
                offence=offence("theft_other"), occurred_at=NOW - 3 * DAY, now=NOW - DAY, team=team
            )
            closed_over(case, supervisor)

    closings(1)
    client.get(url, month)
    with django_assert_num_queries(QUERIES) as few:
        client.get(url, month)
    closings(4)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url, month).content.decode().count("Victim moved abroad") == 5


QUERIES = 11


def test_the_reopen_form_reads_a_bounded_number_of_queries(client, django_assert_num_queries):
    case = make_case()
    close_settled(case, now=NOW)
    client.force_login(supervisor_of(case))
    url = reverse("case-reopen", kwargs={"pk": case.pk})
    client.get(url)
    with django_assert_num_queries(REOPEN_QUERIES):
        assert client.get(url).status_code == 200


REOPEN_QUERIES = 13
