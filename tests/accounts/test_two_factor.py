"""Two-factor sign-in: every account sets up an authenticator app, then needs a code from it (or a
one-time recovery code) after the password before reaching anything."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import Role, User
from accounts.two_factor import services
from referrals import tokens
from tests.factories import TEST_PASSWORD, make_user

from .conftest import app_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_required")]

ROOT = Path(__file__).resolve().parents[2]
VERIFY = reverse("two-factor-verify")
ENROL = reverse("two-factor-enrol")


def sign_in(client, user, next_url: str = ""):
    data = {"username": user.username, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    services.issue_recovery_codes(user=user)
    return device


def recovery_codes(user) -> list[str]:
    return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


# --- the second step is required -------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_is_sent_to_set_up_an_app_after_the_password(client, role):
    user = make_user(role)
    response = sign_in(client, user)
    response = client.get(response.url)  # the role's home, which sends them on
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(ENROL)


def test_until_verified_every_page_leads_to_the_second_step(client, officer):
    client.force_login(officer)
    enrolled(officer)
    for url in (reverse("home-officer"), reverse("case-list"), reverse("profile"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{VERIFY}?next={url}", url


def test_the_api_refuses_an_unverified_session(client, officer):
    client.force_login(officer)
    response = client.get(reverse("api-referral-list"))
    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]


def test_an_agency_system_with_a_token_needs_no_second_factor():
    agency_user = make_user(Role.AGENCY)
    _, raw = tokens.issue_token(agency=agency_user.agency, name="Case system", by=None)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get(reverse("api-referral-list")).status_code == 200


def test_signing_out_and_public_pages_need_no_second_factor(client, officer):
    client.force_login(officer)
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_when_not_required_a_password_is_enough(client, officer, settings):
    settings.VICTIMCARE_REQUIRE_2FA = False
    client.force_login(officer)
    assert client.get(reverse("home-officer")).status_code == 200


def _required_by_default(**env: str) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_DEBUG", "VICTIMCARE_REQUIRE_2FA", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(SECRET_KEY="x" * 60, **env)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.VICTIMCARE_REQUIRE_2FA)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout.strip().splitlines()[-1]


def test_required_in_production_and_not_in_the_demo():
    assert _required_by_default() == "True"
    assert _required_by_default(DJANGO_DEBUG="true") == "False"


# --- setting up -------------------------------------------------------------------------------


def test_the_set_up_page_shows_the_key_as_text_and_a_server_drawn_qr_code(client, officer):
    sign_in(client, officer)
    page = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    secret = services.secret_for_typing(device)
    assert secret.replace(" ", "") in page.replace(" ", "")
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title>" in svg and "<path" in svg
    assert "style=" not in page and "<script>" not in page
    assert "no-store" in client.get(ENROL)["Cache-Control"]


def test_reloading_the_set_up_page_keeps_the_same_key(client, officer):
    sign_in(client, officer)
    client.get(ENROL)
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_confirming_the_app_shows_ten_recovery_codes_once_and_lets_them_in(client, officer):
    sign_in(client, officer, next_url=reverse("case-list"))
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=officer)
    response = client.post(ENROL, {"code": app_code(device), "next": reverse("case-list")})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Store these safely now" in page and "shown only once" in page
    stored = recovery_codes(officer)
    assert len(stored) == 10
    for code in stored:
        assert f"{code[:4]}-{code[4:]}" in page
    assert f'href="{reverse("case-list")}"' in page
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("case-list")).status_code == 200
    # Once set up, the set-up page is not offered again.
    assert client.get(ENROL).status_code == 302


def test_a_wrong_code_does_not_confirm_the_app(client, officer):
    sign_in(client, officer)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.get(user=officer).confirmed
    assert not recovery_codes(officer)
    assert client.get(reverse("home-officer")).status_code == 302


# --- signing in with a code -------------------------------------------------------------------


def test_an_app_code_completes_sign_in_and_goes_on_to_the_page_asked_for(client, officer):
    device = enrolled(officer)
    sign_in(client, officer)
    key_before = client.session.session_key
    response = client.post(VERIFY, {"code": app_code(device), "next": reverse("case-list")})
    assert response.status_code == 302 and response.url == reverse("case-list")
    assert client.session.session_key != key_before
    assert client.get(reverse("case-list")).status_code == 200


def test_a_code_cannot_be_used_twice(client, officer):
    device = enrolled(officer)
    code = app_code(device)
    sign_in(client, officer)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, officer)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()


def test_a_link_to_another_site_is_not_followed_after_the_code(client, officer):
    device = enrolled(officer)
    sign_in(client, officer)
    response = client.post(VERIFY, {"code": app_code(device), "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_repeated_wrong_codes_make_the_user_wait(client, officer):
    device = enrolled(officer)
    sign_in(client, officer)
    client.post(VERIFY, {"code": "000000"})
    client.post(VERIFY, {"code": "000001"})
    response = client.post(VERIFY, {"code": app_code(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("home-officer")).status_code == 302


def test_a_recovery_code_works_once_and_says_how_many_are_left(client, officer):
    enrolled(officer)
    code = recovery_codes(officer)[0]
    sign_in(client, officer)
    response = client.post(VERIFY, {"code": f"{code[:4]}-{code[4:]}".upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home-officer")
    assert "You have 9 left" in response.content.decode()
    client.post(reverse("logout"))
    sign_in(client, officer)
    assert "That code is not right" in client.post(VERIFY, {"code": code}).content.decode()


# --- recovery codes and resets ------------------------------------------------------------------


def test_new_recovery_codes_need_a_current_app_code_and_replace_the_old(client, officer):
    device = enrolled(officer)
    old = set(recovery_codes(officer))
    sign_in(client, officer)
    client.post(VERIFY, {"code": app_code(device)})
    url = reverse("two-factor-recovery-codes")
    assert "Make new recovery codes" in client.get(reverse("profile")).content.decode()
    refused = client.post(url, {"code": next(iter(old))})
    assert "not right" in refused.content.decode()
    assert set(recovery_codes(officer)) == old
    response = client.post(url, {"code": app_code(device, steps_ahead=1)})
    assert response.status_code == 200
    new = set(recovery_codes(officer))
    assert len(new) == 10 and not new & old
    assert "Your old ones no longer work" in response.content.decode()


def test_new_recovery_codes_need_a_verified_session(client, officer):
    enrolled(officer)
    sign_in(client, officer)
    assert client.get(reverse("two-factor-recovery-codes")).url.startswith(VERIFY)


def test_an_administrator_can_reset_a_users_two_factor(client, officer, settings):
    settings.VICTIMCARE_REQUIRE_2FA = False  # the administrator's own second step is not the point
    enrolled(officer)
    client.force_login(User.objects.create_superuser("root", "root@example.police.uk", "x"))
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [officer.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()


def test_the_second_step_pages_have_bounded_queries(client, officer, django_assert_max_num_queries):
    enrolled(officer)
    sign_in(client, officer)
    with django_assert_max_num_queries(8):
        assert client.get(VERIFY).status_code == 200


def test_the_second_step_is_checked_after_signing_in_is(settings):
    order = settings.MIDDLEWARE.index
    assert order("django.contrib.auth.middleware.AuthenticationMiddleware") < order(
        "django_otp.middleware.OTPMiddleware"
    )
    assert order("django_otp.middleware.OTPMiddleware") < order(
        "accounts.two_factor.middleware.SecondFactorRequiredMiddleware"
    )
    assert order("django.contrib.auth.middleware.LoginRequiredMiddleware") < order(
        "accounts.two_factor.middleware.SecondFactorRequiredMiddleware"
    )


def test_setting_up_using_a_recovery_code_and_resets_are_in_the_audit_trail(
    client, officer, settings
):
    from audit.models import AuditEvent

    def details():
        return list(
            AuditEvent.objects.filter(object_id=str(officer.pk)).values_list("detail", flat=True)
        )

    sign_in(client, officer)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=officer)
    client.post(ENROL, {"code": app_code(device)})
    assert "Set up two-factor" in details()
    code = recovery_codes(officer)[0]
    client.post(reverse("logout"))
    sign_in(client, officer)
    client.post(VERIFY, {"code": code})
    assert "Signed in with a recovery code" in details()
    client.post(reverse("two-factor-recovery-codes"), {"code": app_code(device, steps_ahead=1)})
    assert "Made new recovery codes" in details()
    settings.VICTIMCARE_REQUIRE_2FA = False
    client.force_login(User.objects.create_superuser("root", "root@example.police.uk", "x"))
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [officer.pk]},
    )
    assert "Two-factor reset by an administrator" in details()
