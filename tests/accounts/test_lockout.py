"""Sign-in lockout (django-axes): five wrong passwords for one user name from one address pause
signing in with that user name from that address for 30 minutes."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HOME = "10.1.1.1"
ELSEWHERE = "10.2.2.2"


@pytest.fixture(autouse=True)
def _lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.5


WRONG = "not-the-password"


def attempt(client, username: str, password: str = WRONG, ip: str = HOME):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_fifth_wrong_password_pauses_signing_in(client, officer):
    for _ in range(4):
        response = attempt(client, officer.username)
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()
    response = attempt(client, officer.username)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Signing in is paused" in page
    assert "30 minutes" in page
    assert officer.username not in page
    # Even the right password is refused while paused.
    response = attempt(client, officer.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_paused_page_does_not_reveal_whether_the_account_exists(client, officer):
    for _ in range(5):
        known = attempt(client, officer.username)
        unknown = attempt(client, "no-such-officer")
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content


def test_a_pause_affects_only_that_user_name_from_that_address(client, officer, supervisor):
    for _ in range(5):
        attempt(client, officer.username)
    # The officer from their own terminal elsewhere, and a colleague at the same address.
    assert attempt(client, officer.username, TEST_PASSWORD, ip=ELSEWHERE).status_code == 302
    client.post(reverse("logout"))
    assert attempt(client, supervisor.username, TEST_PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, officer):
    for _ in range(4):
        attempt(client, officer.username)
    assert attempt(client, officer.username, TEST_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert attempt(client, officer.username).status_code == 200
    assert attempt(client, officer.username, TEST_PASSWORD).status_code == 302


def test_the_pause_lifts_after_thirty_minutes(client, officer):
    for _ in range(5):
        attempt(client, officer.username)
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
    )
    assert attempt(client, officer.username, TEST_PASSWORD).status_code == 302


def test_the_admin_sign_in_counts_too(client, administrator):
    for _ in range(5):
        response = client.post(
            reverse("admin:login"),
            {"username": administrator.username, "password": "wrong"},
            REMOTE_ADDR=HOME,
        )
    assert response.status_code == 429


def test_the_logs_never_name_the_user_or_their_address(client, officer, caplog):
    with caplog.at_level(logging.DEBUG, logger="axes"):
        for _ in range(5):
            attempt(client, officer.username)
        attempt(client, officer.username, TEST_PASSWORD, ip=ELSEWHERE)
    messages = [record.getMessage() for record in caplog.records if record.name.startswith("axes")]
    assert any("Locking out" in message for message in messages)
    for message in messages:
        assert officer.username not in message
        assert HOME not in message and ELSEWHERE not in message


def test_signing_in_without_the_form_still_works_with_the_lockout_on(client, officer):
    client.force_login(officer)
    assert client.get(reverse("home-officer")).status_code == 200


def test_axes_checks_first_and_answers_last(settings):
    # Its backend must refuse a locked-out sign-in before any other backend checks the password,
    # and its middleware must be outermost-last to turn the refusal into the paused page.
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
