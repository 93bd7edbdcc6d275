"""A supervisor reaches a chart's point with the keyboard and opens the duties behind it."""

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


def test_a_chart_point_is_reached_by_keyboard_and_opens_its_duties(
    page, live_server, assert_accessible
):
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
    page.goto(live_server.url + reverse("compliance-dashboard"))
    assert page.get_by_role("img", name="Percentage of duties met on time, by month").is_visible()
    bar = page.get_by_role("link", name=f"{case.team.name}: ").first
    assert bar.is_visible()
    assert_accessible(page)

    # Tab from the top of the page until a point of the trend chart has the focus.
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.closest('#trend-chart') ? "
            "document.activeElement.getAttribute('aria-label') : null"
        )
        if focused:
            break
    assert focused and "not met on time, open those duties" in focused
    page.keyboard.press("Enter")
    page.wait_for_url("**/compliance/duties/**outcome=not_on_time**")
    assert case.crime_reference in page.locator("main").inner_text()
    assert "Duties not met on time" in page.locator("h1").inner_text()
    assert_accessible(page)
