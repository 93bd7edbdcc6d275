"""A supervisor draws a dip sample, reviews a case against the checklist and reads the results."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Role
from assurance.models import Review
from tests.cases.factories import CaseFactory
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_samples_reviews_and_sees_results(page, live_server, assert_accessible):
    case = CaseFactory()
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=case.team, user=supervisor, is_supervisor=True)
    accounts_services.add_to_team(team=case.team, user=case.officer)
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(supervisor.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text))
    page.get_by_role("link", name="Quality assurance").click()
    page.wait_for_url("**/assurance/")
    assert_accessible(page)
    page.get_by_role("link", name="Draw a new sample").click()
    page.wait_for_url("**/assurance/new/")
    assert_accessible(page)
    page.get_by_label("Team").select_option(label=str(case.team))
    today = timezone.localdate()
    # The default period shows in the date boxes (the last 90 days), with no console warning.
    assert page.get_by_label("Cases reported from").input_value() == (
        (today - datetime.timedelta(days=90)).isoformat()
    )
    assert page.get_by_label("Cases reported up to").input_value() == today.isoformat()
    assert not [w for w in warnings if "does not conform" in w], warnings
    page.get_by_label("Cases reported from").fill((today - datetime.timedelta(days=7)).isoformat())
    page.get_by_label("Cases reported up to").fill(today.isoformat())
    page.get_by_label("Number of cases").fill("5")
    page.get_by_role("button", name="Draw the sample").click()
    # Five asked for, one there: the page says so.
    page.get_by_text("You asked for 5 cases, but only 1 that you can see was reported").wait_for()
    assert case.crime_reference in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name=f"Review {case.crime_reference}").click()
    page.wait_for_url("**/review/")
    assert_accessible(page)
    # Keyboard: the first answer of the first question is reachable and chosen with the keyboard.
    first_met = page.get_by_role("group", name="IE-1.", exact=False).get_by_label("Met", exact=True)
    first_met.focus()
    page.keyboard.press("Space")
    assert first_met.is_checked()
    for group in page.locator("fieldset fieldset fieldset").all():
        group.get_by_label("Met", exact=True).check()
    page.get_by_role("group", name="RISK-1.", exact=False).get_by_label(
        "Not met", exact=True
    ).check()
    page.get_by_label("Note on risk").fill("No DASH recorded.")
    page.get_by_role("button", name="Save the review").click()
    page.get_by_text(f"Review of {case.crime_reference} saved.").wait_for()
    assert "1 of 1 case reviewed" in page.locator("main").inner_text()
    review = Review.objects.get()
    assert review.reviewer == supervisor and review.area_notes == {"risk": "No DASH recorded."}

    page.get_by_role("link", name="See the results").click()
    page.wait_for_url("**/results/")
    risk_row = page.get_by_role("table").first.get_by_role("row", name="Risk")
    assert risk_row.locator("td").last.inner_text() == "50.0%"
    assert_accessible(page)
