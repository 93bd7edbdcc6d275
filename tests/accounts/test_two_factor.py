"""Two-factor sign-in: every account sets up an authenticator app, then needs a code from it (or a
one-time recovery code) after the password before reaching anything."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import RecoveryCode, Role, User
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


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """An app set up, and the recovery codes as the user was shown them."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device, services.issue_recovery_codes(user=user)


def stored_hashes(user) -> set[str]:
    return set(RecoveryCode.objects.filter(device__user=user).values_list("code_hash", flat=True))


def codes_shown(page: str) -> list[str]:
    """The recovery codes on the page that shows them once, as typed (without the hyphen)."""
    listed = re.search(r'<ol[^>]*aria-label="Recovery codes">(.*?)</ol>', page, re.S).group(1)
    return [code.replace("-", "") for code in re.findall(r"<li[^>]*>([^<]+)</li>", listed)]


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
    shown = codes_shown(page)
    assert len(set(shown)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{8}", code) for code in shown)
    assert len(stored_hashes(officer)) == 10
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
    assert not stored_hashes(officer)
    assert client.get(reverse("home-officer")).status_code == 302


# --- signing in with a code -------------------------------------------------------------------


def test_an_app_code_completes_sign_in_and_goes_on_to_the_page_asked_for(client, officer):
    device, _ = enrolled(officer)
    sign_in(client, officer)
    key_before = client.session.session_key
    response = client.post(VERIFY, {"code": app_code(device), "next": reverse("case-list")})
    assert response.status_code == 302 and response.url == reverse("case-list")
    assert client.session.session_key != key_before
    assert client.get(reverse("case-list")).status_code == 200


def test_a_code_cannot_be_used_twice(client, officer):
    device, _ = enrolled(officer)
    code = app_code(device)
    sign_in(client, officer)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, officer)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()


def test_a_link_to_another_site_is_not_followed_after_the_code(client, officer):
    device, _ = enrolled(officer)
    sign_in(client, officer)
    response = client.post(VERIFY, {"code": app_code(device), "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_repeated_wrong_codes_make_the_user_wait(client, officer):
    device, _ = enrolled(officer)
    sign_in(client, officer)
    client.post(VERIFY, {"code": "000000"})
    client.post(VERIFY, {"code": "000001"})
    response = client.post(VERIFY, {"code": app_code(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("home-officer")).status_code == 302


def test_a_recovery_code_works_once_and_says_how_many_are_left(client, officer):
    _, codes = enrolled(officer)
    code = codes[0]
    sign_in(client, officer)
    response = client.post(VERIFY, {"code": f"{code[:4]}-{code[4:]}".upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home-officer")
    assert "You have 9 left" in response.content.decode()
    client.post(reverse("logout"))
    sign_in(client, officer)
    assert "That code is not right" in client.post(VERIFY, {"code": code}).content.decode()


# --- recovery codes and resets ------------------------------------------------------------------


def test_new_recovery_codes_need_a_current_app_code_and_replace_the_old(client, officer):
    device, old = enrolled(officer)
    old_hashes = stored_hashes(officer)
    sign_in(client, officer)
    client.post(VERIFY, {"code": app_code(device)})
    url = reverse("two-factor-recovery-codes")
    assert "Make new recovery codes" in client.get(reverse("profile")).content.decode()
    refused = client.post(url, {"code": old[0]})
    assert "not right" in refused.content.decode()
    assert stored_hashes(officer) == old_hashes
    response = client.post(url, {"code": app_code(device, steps_ahead=1)})
    assert response.status_code == 200
    new = codes_shown(response.content.decode())
    assert len(set(new)) == 10 and not set(new) & set(old)
    assert len(stored_hashes(officer)) == 10 and not stored_hashes(officer) & old_hashes
    assert "Your old ones no longer work" in response.content.decode()
    client.post(reverse("logout"))
    sign_in(client, officer)
    assert "That code is not right" in client.post(VERIFY, {"code": old[1]}).content.decode()


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
    code = codes_shown(client.post(ENROL, {"code": app_code(device)}).content.decode())[0]
    assert "Set up two-factor" in details()
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


# --- recovery codes are kept only as slow hashes ----------------------------------------------


def test_recovery_codes_are_stored_only_as_salted_hashes(officer, settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.OneIterationPBKDF2PasswordHasher"]
    _, codes = enrolled(officer)
    stored = RecoveryCode.objects.filter(device__user=officer)
    assert stored.count() == 10
    hashes = [row.code_hash for row in stored]
    assert all(hash_.startswith("pbkdf2_sha256$") for hash_ in hashes)
    assert not any(code in hash_ for code in codes for hash_ in hashes)
    assert not StaticToken.objects.filter(device__user=officer).exists()
    # Each code is one of the hashes, and a salt each: two equal codes would not look alike.
    assert sorted(any(check_password(code, h) for h in hashes) for code in codes) == [True] * 10
    assert len({hash_.split("$")[2] for hash_ in hashes}) == 10


def test_a_recovery_code_signs_in_once_and_a_wrong_one_counts_as_a_wrong_guess(client, officer):
    _, codes = enrolled(officer)
    sign_in(client, officer)
    assert client.post(VERIFY, {"code": codes[3]}).status_code == 302
    assert services.recovery_codes_left(officer) == 9
    client.post(reverse("logout"))
    sign_in(client, officer)
    assert "That code is not right" in client.post(VERIFY, {"code": codes[3]}).content.decode()
    assert StaticDevice.objects.get(user=officer).throttling_failure_count == 1
    assert services.recovery_codes_left(officer) == 9


def test_a_code_the_user_was_not_given_does_not_match_any_hash(officer):
    enrolled(officer)
    assert services.verify(user=officer, code="abcdefgh") is None


def test_the_migration_hashes_recovery_codes_stored_in_the_clear(client, officer):
    """Codes made before hashing (django-otp's clear StaticToken rows) keep working, once each,
    and no clear copy is left."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0004_hash_recovery_codes")
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    device = StaticDevice.objects.create(user=officer, name="Recovery codes", confirmed=True)
    clear = ["abcdefgh", "ijklmnop", "qrstuvwx"]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in clear)

    migration.hash_clear_codes(apps, None)

    assert not StaticToken.objects.exists()
    hashes = list(device.recovery_codes.values_list("code_hash", flat=True))
    assert len(hashes) == 3 and not set(hashes) & set(clear)
    assert all(any(check_password(code, h) for h in hashes) for code in clear)
    sign_in(client, officer)
    assert client.post(VERIFY, {"code": "ijkl-mnop"}).status_code == 302
    assert services.recovery_codes_left(officer) == 2
