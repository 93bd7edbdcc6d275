"""Closing a case in the browser, with and without Code duties still open, and a supervisor's
override seen on the compliance dashboard: axe at every step."""

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from cases.models import CaseClosure, CaseStatus
from entitlements.models import OPEN_STATUSES, Duty, DutyStatus
from tests.cases.factories import CaseFactory
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SUSPECT = "Investigation complete, no suspect identified"


def _sign_in(page, live_server, user):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _open_close_form(page, live_server, case):
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))
    page.get_by_role("link", name="Close case").click()
    page.wait_for_url("**/close/")


def test_an_officer_closes_a_case_with_nothing_open(page, live_server, assert_accessible):
    case = CaseFactory()
    Duty.objects.filter(case=case, status__in=OPEN_STATUSES).update(
        status=DutyStatus.NOT_APPLICABLE, reason="Not applicable here"
    )
    _sign_in(page, live_server, case.officer)

    _open_close_form(page, live_server, case)
    assert page.get_by_role("heading", name="Code duties still open").count() == 0
    assert_accessible(page)
    page.get_by_label("Outcome").select_option(label="Evidential difficulties")
    page.get_by_role("button", name="Close case").click()
    page.wait_for_url(f"**/cases/{case.pk}/")

    assert "Case closed." in page.locator("main").inner_text()
    assert_accessible(page)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_open_duties_stop_the_officer_and_a_supervisor_closes_over_them(
    page, live_server, assert_accessible
):
    case = CaseFactory()
    still_open = Duty.objects.filter(case=case, status__in=OPEN_STATUSES).count()
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=case.team, user=supervisor, is_supervisor=True)

    # The officer sees what is still owed, and is refused.
    _sign_in(page, live_server, case.officer)
    _open_close_form(page, live_server, case)
    listed = page.get_by_role("region", name=f"Code duties still open ({still_open})")
    assert listed.get_by_role("listitem").count() == still_open
    assert "Right 3" in listed.inner_text()
    assert_accessible(page)
    page.get_by_label("Outcome").select_option(
        label="Investigation complete, no suspect identified"
    )
    page.get_by_role("button", name="Close case").click()
    page.wait_for_load_state()
    assert "ask a supervisor of the case's team" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    # The supervisor must say why, then closes it over them.
    _sign_in(page, live_server, supervisor)
    _open_close_form(page, live_server, case)
    page.get_by_label("Outcome").select_option(
        label="Investigation complete, no suspect identified"
    )
    page.get_by_role("button", name="Close case").click()
    page.wait_for_load_state()
    reason = page.get_by_label("Why close the case with these duties still open?")
    assert reason.get_attribute("aria-invalid") == "true" or "is-invalid" in (
        reason.get_attribute("class") or ""
    )
    assert "Give the reason" in page.locator("main").inner_text()
    assert_accessible(page)
    reason.fill("The victim has moved abroad and asked for no further contact")
    page.get_by_role("button", name="Close case").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "Closed with open duties" in page.locator("main").inner_text()
    assert_accessible(page)
    assert CaseClosure.objects.get(case=case).open_duties == still_open

    # The dashboard counts it, and its list says why.
    page.goto(live_server.url + reverse("compliance-dashboard"))
    page.get_by_role("link", name="1 case closed with open duties").click()
    page.wait_for_url("**/closed-with-open-duties/**")
    assert "moved abroad" in page.get_by_role("table").inner_text()
    assert_accessible(page)
