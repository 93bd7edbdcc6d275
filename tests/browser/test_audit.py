"""A supervisor opens a restricted case (asked why first); an auditor finds it in the trail."""

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from tests.cases.factories import CaseFactory
from tests.factories import TEST_PASSWORD, TeamFactory, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _sign_in(page, live_server, user):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_restricted_case_asks_why_and_the_auditor_finds_the_reason(
    page, live_server, assert_accessible, console
):
    # An empty reason is refused with a 400 and the form again: the browser reports the status.
    console.allow("status of 400 (Bad Request) [" + live_server.url + "/audit/restricted/")
    team = TeamFactory(name="Vulnerability Hub")
    supervisor = make_user(Role.SUPERVISOR, username="dsmith")
    accounts_services.add_to_team(team=team, user=supervisor, is_supervisor=True)
    case = CaseFactory(
        restricted=True,
        team=team,
        crime_reference="NS/088001/26",
        victim={"first_name": "Rosalind", "last_name": "Achterberg"},
    )
    auditor = make_user(Role.AUDITOR, username="auditor1")

    _sign_in(page, live_server, supervisor)
    page.goto(live_server.url + reverse("case-detail", args=[case.pk]))
    page.wait_for_url(f"**/audit/restricted/{case.pk}/reason/**")
    assert "Why are you opening case NS/088001/26?" in page.locator("h1").inner_text()
    assert "Achterberg" not in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Open the case").click()  # no reason yet
    assert "This field is required." in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Why do you need to open this case?").fill("Reviewing the MARAC referral")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "Achterberg" in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    _sign_in(page, live_server, auditor)
    page.wait_for_url("**/audit/")
    assert_accessible(page)
    page.get_by_label("Person's name").fill("Rosalind Achterberg")
    page.get_by_label("What they did").select_option(label="Viewed")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/audit/")
    assert "Achterberg" not in page.url
    table = page.get_by_role("table")
    row = table.locator("tbody tr").first
    assert "dsmith" in row.inner_text()
    assert "Reviewing the MARAC referral" in row.inner_text()
    assert f"case {case.pk}" in row.inner_text()
    assert_accessible(page)
