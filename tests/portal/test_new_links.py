"""A new link without calling 101: sent when the officer answers a message, and when the person
asks from a link that no longer works; only ever to the safe channel the access was issued for,
and the page answers the same whatever the token was."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from portal import services
from portal.models import Access, LinkPurpose, Send

from .factories import LINK, NOW, PASSCODE, issue, sent_link, set_safe, victim_case

pytestmark = pytest.mark.django_db
ASKED = "If you can still use Track my case, we have sent you a new link."


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _send_pending(access: Access) -> str:
    """What the worker does with the link the service queued; the token from the message."""
    mail.outbox.clear()
    assert services.send_link(access.pk) == "sent"
    return LINK.search(mail.outbox[-1].body).group(1)


def _sign_in(client, token):
    assert client.get(reverse("track-open", args=[token])).status_code == 302
    return client.post(reverse("track-verify"), {"passcode": PASSCODE})


def test_the_officers_answer_sends_a_fresh_link_without_its_words(client, clock):
    case, party = victim_case()
    access = issue(case, party)
    old = sent_link(access)
    _sign_in(client, old)
    client.post(reverse("track-sign-out"))

    services.reply(case=case, party=party, by=case.officer, body="Court is on 3 March", now=NOW)
    access.refresh_from_db()
    assert access.link_status == Send.PENDING and access.link_purpose == LinkPurpose.REPLY
    token = _send_pending(access)
    message = mail.outbox[-1]
    assert message.to == [party.person.email]
    assert "answered your message" in message.body
    assert "Court is on" not in message.body and case.crime_reference not in message.body

    # The old link is forgotten; the new one opens the door, to the second factor again.
    assert (
        "Sorry, this does not work now"
        in client.get(reverse("track-open", args=[old])).content.decode()
    )
    assert _sign_in(client, token).url == reverse("track-home")
    assert "Court is on 3 March" in client.get(reverse("track-home")).content.decode()


def test_an_answer_to_someone_whose_access_is_off_sends_nothing():
    case, party = victim_case()
    access = issue(case, party)
    services.revoke_access(access=access, by=case.officer, reason="moved away", now=NOW)
    mail.outbox.clear()
    services.reply(case=case, party=party, by=case.officer, body="Hello", now=NOW)
    access.refresh_from_db()
    assert access.link_purpose == LinkPurpose.FIRST
    assert services.send_link(access.pk, now=NOW) == "revoked" and not mail.outbox
    assert AuditEvent.objects.filter(detail__endswith="the person has no access").exists()


def test_a_used_link_offers_a_new_one_sent_to_the_same_safe_channel_at_most_hourly(client, clock):
    case, party = victim_case()
    access = issue(case, party)
    token = sent_link(access)
    _sign_in(client, token)
    client.post(reverse("track-sign-out"))
    # Within the hour of the first link nothing more is sent (the same answer); after it, one.
    assert ASKED in client.post(reverse("track-open", args=[token])).content.decode()
    access.refresh_from_db()
    assert access.link_purpose == LinkPurpose.FIRST
    clock.shift(datetime.timedelta(minutes=61))

    page = client.get(reverse("track-open", args=[token])).content.decode()
    assert "Send me a new link" in page
    answer = client.post(reverse("track-open", args=[token]))
    assert answer.status_code == 200 and ASKED in answer.content.decode()
    access.refresh_from_db()
    assert access.link_purpose == LinkPurpose.AGAIN and access.link_used_at is None
    new = _send_pending(access)
    assert mail.outbox[-1].to == [party.person.email] and "new link you asked for" in (
        mail.outbox[-1].body
    )
    assert new != token

    # Asking again at once, even with the new link, sends nothing more: the same answer.
    clock.shift(datetime.timedelta(minutes=30))
    assert ASKED in client.post(reverse("track-open", args=[new])).content.decode()
    access.refresh_from_db()
    assert access.link_status == Send.SENT
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, detail__contains="asked again too soon"
    ).exists()
    clock.shift(datetime.timedelta(minutes=31))
    client.post(reverse("track-open", args=[new]))
    access.refresh_from_db()
    assert access.link_status == Send.PENDING


def test_a_guessed_token_gets_the_same_answer_and_nothing_is_sent(client, clock):
    case, party = victim_case()
    access = issue(case, party)
    sent_link(access)
    page = client.get(reverse("track-open", args=["a" * 43])).content.decode()
    assert "Send me a new link" in page
    answer = client.post(reverse("track-open", args=["a" * 43])).content.decode()
    assert ASKED in answer and case.crime_reference not in answer
    access.refresh_from_db()
    assert access.link_status == Send.SENT and access.link_purpose == LinkPurpose.FIRST


def test_no_new_link_once_the_channel_is_marked_unsafe(client, clock):
    case, party = victim_case()
    access = issue(case, party)
    token = sent_link(access)
    set_safe(party.person, email_safe=False)
    assert ASKED in client.post(reverse("track-open", args=[token])).content.decode()
    access.refresh_from_db()
    assert access.link_status == Send.SENT and access.link_purpose == LinkPurpose.FIRST
    assert AuditEvent.objects.filter(detail__contains="none sent: channel unsafe").exists()


def test_no_new_link_for_access_switched_off(client, clock):
    case, party = victim_case()
    access = issue(case, party)
    token = sent_link(access)
    services.revoke_access(access=access, by=case.officer, now=NOW)
    client.post(reverse("track-open", args=[token]))
    access.refresh_from_db()
    assert access.link_status == Send.SENT
