import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Role
from tests.factories import TEST_PASSWORD, TeamFactory, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

HOMES = {
    Role.OFFICER: ("home-officer", "Good to see you"),
    Role.SUPERVISOR: ("home-supervisor", "Supervisor home"),
    Role.WITNESS_CARE: ("home-witness-care", "Witness care home"),
    Role.AGENCY: ("home-agency", "Your organisation"),
    Role.ADMIN: ("home-admin", "Administrator home"),
}


def _sign_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_signs_in_to_its_accessible_home(page, live_server, assert_accessible, role):
    user = make_user(role)
    if role != Role.AGENCY:
        team = TeamFactory(name="Victim Based Crime Team")
        services.add_to_team(team=team, user=user, is_supervisor=role == Role.SUPERVISOR)

    page.goto(live_server.url + reverse("login"))
    assert_accessible(page)
    _sign_in(page, live_server.url, user.username)

    url_name, heading = HOMES[role]
    page.wait_for_url(live_server.url + reverse(url_name))
    assert heading in page.locator("main").inner_text()
    assert_accessible(page)


def test_a_wrong_password_is_explained_accessibly(page, live_server, assert_accessible):
    user = make_user(Role.OFFICER)
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert "correct username and password" in page.locator("main").inner_text()
    assert_accessible(page)


def test_keyboard_user_can_skip_to_content_and_sign_out(page, live_server):
    user = make_user(Role.OFFICER)
    _sign_in(page, live_server.url, user.username)
    page.wait_for_url(live_server.url + reverse("home-officer"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + reverse("login"))


def test_teams_pages_are_accessible(page, live_server, assert_accessible):
    supervisor = make_user(Role.SUPERVISOR)
    team = TeamFactory(name="Vulnerability Hub")
    services.add_to_team(team=team, user=supervisor, is_supervisor=True)
    _sign_in(page, live_server.url, supervisor.username)
    page.wait_for_url(live_server.url + reverse("home-supervisor"))
    page.get_by_role("link", name="Teams").click()
    page.get_by_role("heading", name="Teams").first.wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Vulnerability Hub").click()
    assert "Members of Vulnerability Hub" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name=supervisor.get_full_name()).click()
    assert_accessible(page)
