"""With the broker unreachable, a referral withdrawn from the page or the API is saved and the
answer is a success, not a 500; the agency's notice waits in the outbox and goes out once the
broker is back. Withdrawing consent is the same path."""

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from accounts.models import Role
from notifications import services as notify
from notifications import tasks
from notifications.models import Delivery, Kind, Notification
from referrals.models import Referral, ReferralStatus
from tests.factories import make_user
from tests.referrals import test_api as given
from tests.referrals.test_api import sent, url

pytestmark = pytest.mark.django_db

vs, api = given.vs, given.api
LATER = datetime.timedelta(minutes=3)


@pytest.fixture
def agency_staff(vs):
    return make_user(Role.AGENCY, agency=vs)


@pytest.fixture
def broker_down(monkeypatch):
    tries = []

    def refuse(*args, **kwargs):
        tries.append(args)
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliver, "apply_async", refuse)
    return tries


def _notice_goes_out_when_the_broker_is_back(
    referral, agency_staff, mailoutbox, monkeypatch, on_commit
):
    notice = Notification.objects.get(referral=referral, kind=Kind.REFERRAL_WITHDRAWN)
    assert (notice.recipient, notice.email_status) == (agency_staff, Delivery.PENDING)
    assert mailoutbox == []

    monkeypatch.undo()
    monkeypatch.setattr(tasks.deliver, "delay", notify.deliver)  # a worker, at once
    with on_commit(execute=True):
        assert notify.redeliver(now=timezone.now() + LATER) == [notice.pk]
    assert [m.to for m in mailoutbox] == [[agency_staff.email]]
    assert "withdrawn" in mailoutbox[0].subject
    assert notify.redeliver(now=timezone.now() + 2 * LATER) == []
    assert len(mailoutbox) == 1


def test_withdrawing_on_the_page_with_the_broker_down_saves_and_tells_the_agency_later(
    vs,
    agency_staff,
    client,
    broker_down,
    mailoutbox,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
):
    referral = sent()
    client.force_login(referral.case.officer)
    page = reverse("referral", kwargs={"pk": referral.case_id, "referral_pk": referral.pk})

    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page, {"action": "withdraw", "withdraw-reason": "Victim moved away"}, follow=True
        )

    assert response.status_code == 200
    assert "Referral withdrawn" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.WITHDRAWN
    assert broker_down, "the test must have reached the broker"
    assert "broker unreachable" in caplog.text and "Imogen" not in caplog.text
    _notice_goes_out_when_the_broker_is_back(
        referral, agency_staff, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
    )


def test_withdrawing_through_the_api_with_the_broker_down_saves_and_tells_the_agency_later(
    vs, agency_staff, api, broker_down, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    referral = sent()
    officer = api(referral.case.officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            url("withdraw", referral), {"reason": "Victim moved away"}, format="json"
        )

    assert response.status_code == 200, response.data
    assert response.data["status"] == ReferralStatus.WITHDRAWN
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.WITHDRAWN
    assert broker_down
    _notice_goes_out_when_the_broker_is_back(
        referral, agency_staff, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
    )


def test_withdrawing_consent_through_the_api_with_the_broker_down_is_saved(
    vs, agency_staff, api, broker_down, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    referral = sent()
    officer = api(referral.case.officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(url("withdraw-consent", referral), {"how": "Phoned"}, format="json")

    assert response.status_code == 200, response.data
    assert Referral.objects.get(pk=referral.pk).consent_withdrawn_at is not None
    _notice_goes_out_when_the_broker_is_back(
        referral, agency_staff, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
    )
