"""The supervisor opens the dashboard and drills from a red figure to the cases behind it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Role
from entitlements.models import Duty, DutyStatus
from tests.cases.factories import CaseFactory
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_drills_from_a_missed_figure_to_the_case(page, live_server, assert_accessible):
    case = CaseFactory()
    Duty.objects.filter(case=case, rule__code="R2").update(
        status=DutyStatus.MISSED, due_at=timezone.now() - datetime.timedelta(days=3)
    )
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=case.team, user=supervisor, is_supervisor=True)
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(supervisor.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Compliance").click()
    page.wait_for_url("**/compliance/")
    assert_accessible(page)

    # Filter by team and age band: the address carries the team's id, and the chart's figures
    # are in a table behind it.
    page.get_by_label("Team", exact=True).select_option(label=case.team.name)
    page.get_by_label("Victim's age when reported").select_option(label="Not recorded")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"**/compliance/?*team={case.team.pk}*")
    assert page.get_by_role("img", name="Percentage of duties met on time, by month").is_visible()
    page.get_by_text("Show the figures by month as a table").click()
    table = page.get_by_role("table", name="Duties met on time by the London month they fell due")
    assert table.is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Monthly performance pack").click()
    page.wait_for_url("**/compliance/pack/**")
    assert page.get_by_role("link", name="Download these figures (CSV)").is_visible()
    assert_accessible(page)
    page.go_back()
    page.wait_for_url("**/compliance/?*")
    page.get_by_role("link", name="1 missed, show the cases").first.click()
    page.wait_for_url("**/compliance/duties/**")
    assert case.crime_reference in page.locator("main").inner_text()
    assert_accessible(page)

    newcomer = make_user(Role.OFFICER, first_name="Nia", last_name="Evans")
    page.goto(live_server.url + reverse("compliance-overdue"))
    assert_accessible(page)
    page.get_by_label(f"Choose case {case.crime_reference}").first.check()
    page.get_by_label("Give the chosen cases to").select_option(label="Nia Evans")
    page.get_by_role("button", name="Reassign the chosen cases").click()
    page.get_by_text("given to Nia Evans").wait_for()
    case.refresh_from_db()
    assert case.officer == newcomer
