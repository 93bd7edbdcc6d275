"""Issuing and switching off access, and the checks that refuse it (services)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from audit.models import AuditAction, AuditEvent
from portal import services
from portal.models import Access, Channel, Factor, Send
from tests.cases.factories import PartyFactory

from .factories import NOW, PASSCODE, issue, sent_link, set_safe, victim_case

pytestmark = pytest.mark.django_db


def test_the_link_is_sent_by_the_safe_channel_and_only_its_hash_is_kept():
    case, party = victim_case()
    access = issue(case, party)
    assert access.token_hash == "" and access.link_status == Send.PENDING
    token = sent_link(access)
    access.refresh_from_db()
    assert mail.outbox[-1].to == ["dana@example.org"]
    assert access.token_hash == services.hash_token(token) != token
    assert token not in str(Access.objects.filter(pk=access.pk).values().get())
    assert access.link_expires_at == NOW + datetime.timedelta(hours=72)
    assert PASSCODE not in access.passcode_hash


def test_sending_twice_sends_once():
    case, party = victim_case()
    access = issue(case, party)
    sent_link(access)
    assert services.send_link(access.pk, now=NOW) == "nothing to send"
    assert len(mail.outbox) == 1


def test_a_channel_the_profile_forbids_is_refused_and_audited():
    case, party = victim_case(email_safe=False)
    with pytest.raises(ValidationError):
        issue(case, party, channel=Channel.EMAIL)
    assert not Access.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.UNSAFE_CHANNEL_REFUSED).count() == 1


def test_a_profile_never_asked_is_refused():
    case, party = victim_case()
    from cases.models import SafeContact

    SafeContact.objects.filter(person=party.person).update(answered_at=None)
    with pytest.raises(ValidationError, match="not answered"):
        issue(case, party)


def test_a_restricted_case_has_no_self_service_until_a_supervisor_allows_it(supervisor):
    case, party = victim_case(restricted=True)
    with pytest.raises(ValidationError, match="restricted"):
        issue(case, party)
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).exists()
    services.allow_self_service(party=party, by=supervisor, reason="Risk reviewed with MARAC")
    assert issue(case, party).pk


def test_flagging_that_the_suspect_may_see_their_phone_switches_access_off():
    case, party = victim_case()
    access = issue(case, party)
    services.flag_suspect_may_see_phone(party=party, by=case.officer, flagged=True, now=NOW)
    access.refresh_from_db()
    assert access.revoked_at == NOW
    with pytest.raises(ValidationError, match="suspect may see"):
        issue(case, party)


def test_a_link_for_a_channel_marked_unsafe_before_sending_is_not_sent():
    case, party = victim_case()
    access = issue(case, party)
    set_safe(party.person, email_safe=False)
    assert services.send_link(access.pk, now=NOW) == "channel unsafe"
    assert mail.outbox == []
    access.refresh_from_db()
    assert access.link_status == Send.SKIPPED and access.token_hash == ""


def test_issuing_again_replaces_the_old_link():
    case, party = victim_case()
    first = issue(case, party)
    token = sent_link(first)
    issue(case, party, now=NOW + datetime.timedelta(minutes=5))
    assert services.link_refusal(services.access_for_link(token), now=NOW) == "revoked"


def test_a_person_of_another_case_cannot_be_given_access_to_this_one():
    case, _party = victim_case()
    other = PartyFactory()
    with pytest.raises(ValidationError):
        issue(case, other)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("expired", "expired"),
        ("used", "used"),
        ("revoked", "revoked"),
        ("unsafe", "channel unsafe"),
        ("restricted", "case restricted"),
    ],
)
def test_link_refusals(change, reason):
    case, party = victim_case()
    access = issue(case, party)
    token = sent_link(access)
    now = NOW
    if change == "expired":
        now = NOW + datetime.timedelta(hours=72)
    elif change == "used":
        services.use_link(access, now=NOW)
    elif change == "revoked":
        services.revoke_access(access=access, by=case.officer, now=NOW)
    elif change == "unsafe":
        set_safe(party.person, email_safe=False)
    elif change == "restricted":
        type(case).objects.filter(pk=case.pk).update(restricted=True)
    assert services.link_refusal(services.access_for_link(token), now=now) == reason


def test_a_guessed_token_finds_nothing():
    assert services.access_for_link("not-a-real-token") is None
    assert services.link_refusal(None, now=NOW) == "unknown"


def test_wrong_passcodes_lock_the_access_for_the_policy_time():
    case, party = victim_case()
    access = issue(case, party)
    for _ in range(4):
        answer = services.check_passcode(access, "wrong", now=NOW)
        assert not answer.ok and not answer.locked
    assert services.check_passcode(access, "wrong", now=NOW).locked
    # Locked: even the right passcode is refused until the lock ends.
    assert not services.check_passcode(access, PASSCODE, now=NOW).ok
    later = NOW + datetime.timedelta(minutes=31)
    access.refresh_from_db()
    assert services.check_passcode(access, PASSCODE, now=later).ok


def test_date_of_birth_then_a_code_sent_to_the_safe_channel():
    case, party = victim_case()
    access = issue(case, party, factor=Factor.DOB_AND_CODE)
    sent_link(access)
    assert not services.check_date_of_birth(access, datetime.date(1991, 5, 17), now=NOW).code_sent
    answer = services.check_date_of_birth(access, party.person.date_of_birth, now=NOW)
    assert answer.code_sent
    mail.outbox.clear()
    assert services.send_code(access.pk, now=NOW) == "sent"
    code = mail.outbox[-1].body.split(" is ")[1][:6]
    access.refresh_from_db()
    assert code not in access.code_hash
    assert not services.check_code(access, "000000" if code != "000000" else "111111", now=NOW).ok
    access.refresh_from_db()
    assert services.check_code(access, code, now=NOW).ok
    access.refresh_from_db()
    assert not services.check_code(access, code, now=NOW).ok  # a code works once


def test_a_code_expires():
    case, party = victim_case()
    access = issue(case, party, factor=Factor.DOB_AND_CODE)
    services.check_date_of_birth(access, party.person.date_of_birth, now=NOW)
    services.send_code(access.pk, now=NOW)
    code = mail.outbox[-1].body.split(" is ")[1][:6]
    access.refresh_from_db()
    assert not services.check_code(access, code, now=NOW + datetime.timedelta(minutes=11)).ok


def test_a_session_ends_when_idle_too_long_and_when_revoked():
    case, party = victim_case()
    access = issue(case, party)
    idle = NOW + datetime.timedelta(minutes=16)
    assert services.session_refusal(access, started=NOW, last_seen=NOW, now=idle) == "session idle"
    assert services.session_refusal(access, started=NOW, last_seen=NOW, now=NOW) is None
    services.revoke_access(access=access, by=case.officer, now=NOW)
    assert services.session_refusal(access, started=NOW, last_seen=NOW, now=NOW) == "revoked"
