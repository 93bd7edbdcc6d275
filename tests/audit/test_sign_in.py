"""Sign-in, sign-out and failed sign-in are recorded; a failure without the name tried."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_signing_in_and_out_is_recorded(client, officer):
    response = client.post(
        reverse("login"),
        {"username": officer.username, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.7.7.7",
    )
    assert response.status_code == 302
    client.post(reverse("logout"), REMOTE_ADDR="10.7.7.7")

    login, logout = AuditEvent.objects.filter(
        action__in=[AuditAction.LOGIN, AuditAction.LOGOUT]
    ).order_by("id")
    assert (login.action, login.user, login.ip_address) == (AuditAction.LOGIN, officer, "10.7.7.7")
    assert (logout.action, logout.user) == (AuditAction.LOGOUT, officer)


def test_a_failed_sign_in_keeps_the_address_but_not_the_name_tried(client, officer):
    client.post(
        reverse("login"),
        {"username": "jane.doe.mistyped", "password": "not-the-password"},
        REMOTE_ADDR="10.6.6.6",
    )
    [failed] = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert (failed.user, failed.username, failed.ip_address) == (None, "", "10.6.6.6")
    stored = " ".join(
        str(v) for v in AuditEvent.objects.filter(pk=failed.pk).values().get().values()
    )
    assert "jane.doe" not in stored and "not-the-password" not in stored
