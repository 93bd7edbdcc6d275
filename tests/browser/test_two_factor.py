"""Two-factor sign-in in the browser: set up an app, keep the recovery codes, sign in again with
a code; each page checked by axe, and no page breaks the Content Security Policy."""

import base64

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from accounts import services
from accounts.models import Role
from tests.cases.factories import CaseFactory
from tests.factories import TEST_PASSWORD, AgencyFactory, TeamFactory, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def csp_violations(page):
    """Chromium reports each thing the policy blocked on the console."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


def _sign_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _code(secret: str, *, steps_ahead: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{TOTP(key, drift=steps_ahead).token():06d}"


def test_an_officer_sets_up_two_factor_and_signs_in_with_a_code(
    page, live_server, assert_accessible, settings, csp_violations
):
    settings.VICTIMCARE_REQUIRE_2FA = True
    officer = make_user(Role.OFFICER)
    services.add_to_team(team=TeamFactory(name="Victim Based Crime Team"), user=officer)
    base = live_server.url

    _sign_in(page, base, officer.username)
    page.wait_for_url(f"{base}{reverse('two-factor-enrol')}**")
    main = page.locator("main")
    assert "Set up two-factor authentication" in main.inner_text()
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    assert_accessible(page)

    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code from your app").fill(_code(secret))
    page.get_by_role("button", name="Confirm").click()
    assert "Store these safely now" in main.inner_text()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    assert codes.count() == 10
    assert_accessible(page)

    page.get_by_role("link", name="I have stored my codes, continue").click()
    page.wait_for_url(base + reverse("home-officer"))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(base + reverse("login"))

    _sign_in(page, base, officer.username)
    page.wait_for_url(f"{base}{reverse('two-factor-verify')}**")
    assert "Enter your code" in main.inner_text()
    assert_accessible(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert "That code is not right" in main.inner_text()
    assert_accessible(page)
    page.wait_for_timeout(1500)  # after a wrong code, django-otp makes the next one wait a second
    # The code of the next 30-second step: the one used to set up cannot be used again.
    page.get_by_label("Code").fill(_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(base + reverse("home-officer"))

    page.get_by_role("link", name=officer.get_full_name()).click()
    page.get_by_role("link", name="Make new recovery codes").click()
    assert_accessible(page)
    assert csp_violations == []


def test_the_api_docs_work_under_the_policy(page, live_server, csp_violations):
    officer = make_user(Role.OFFICER)
    _sign_in(page, live_server.url, officer.username)
    page.wait_for_url(live_server.url + reverse("home-officer"))
    page.goto(live_server.url + reverse("api-docs"))
    page.locator(".swagger-ui .info .title").wait_for()
    assert "VictimCare API" in page.locator(".swagger-ui .info .title").inner_text()
    assert csp_violations == []


def test_htmx_quick_forms_on_a_case_work_under_the_policy(page, live_server, csp_violations):
    case = CaseFactory()
    _sign_in(page, live_server.url, case.officer.username)
    page.wait_for_url(f"{live_server.url}/home/**")
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))
    event = page.locator("#quick-event")
    event.get_by_label("What happened").select_option(label="Suspect arrested")
    event.get_by_role("button", name="Record event").click()
    page.locator("#quick-event .alert-success").wait_for()
    assert "Suspect arrested" in page.locator("#timeline").inner_text()
    assert csp_violations == []


def test_the_admin_pages_in_use_work_under_the_policy(page, live_server, csp_violations):
    admin_user = make_user(Role.ADMIN)
    admin_user.is_superuser = True
    admin_user.save()
    AgencyFactory(name="Northshire Victim Service")
    _sign_in(page, live_server.url, admin_user.username)
    page.wait_for_url(live_server.url + reverse("home-admin"))
    for url_name in ("admin:index", "admin:accounts_user_changelist", "admin:accounts_user_add"):
        page.goto(live_server.url + reverse(url_name))
    page.goto(live_server.url + reverse("admin:accounts_user_change", args=[admin_user.pk]))
    page.goto(live_server.url + reverse("admin:referrals_agencytoken_add"))
    page.get_by_label("Agency").select_option(label="Northshire Victim Service")
    page.get_by_label("Name").fill("Case system")
    page.get_by_role("button", name="Save", exact=True).click()
    token = page.locator("code.issued-token")
    assert len(token.inner_text()) > 20
    page.wait_for_load_state("load")  # its stylesheet applied, not only its text shown
    assert token.evaluate("element => getComputedStyle(element).userSelect") == "all"
    assert csp_violations == []
