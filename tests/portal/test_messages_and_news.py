"""Messages both ways, the person's own update preferences, and urgent news retried until
confirmed (services; the clock passed in)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from audit.models import AuditEvent
from cases import services as case_services
from cases.models import ContactDirection, ContactMethod, EventKind, SafeContact, UpdateAgreement
from entitlements.models import Duty, DutyRule, DutyStatus
from notifications.models import Kind, Notification
from portal import services
from portal.models import PortalMessage, Send, UrgentAttempt, UrgentNotice
from surveys.models import SurveyOptOut

from .factories import NEWS, NOW, issue, set_safe, victim_case

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


def _request():
    request = RequestFactory().post("/track/message/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


def test_a_message_lands_on_the_case_as_an_incoming_contact_and_on_the_officers_home():
    case, party = victim_case()
    access = issue(case, party)
    message = services.send_message(_request(), access=access, body="When is court?", now=NOW)
    contact = message.contact
    assert contact.direction == ContactDirection.INCOMING
    assert contact.method == ContactMethod.ONLINE_PORTAL
    assert contact.party == party and "When is court?" in contact.summary
    note = Notification.objects.get(kind=Kind.VICTIM_MESSAGE)
    assert note.recipient == case.officer and "When is court" not in note.body
    assert AuditEvent.objects.filter(detail__startswith="Track my case: the person sent").exists()


def test_a_message_meets_no_duty_unless_its_rule_row_says_an_incoming_contact_can():
    case, party = victim_case()
    access = issue(case, party)
    open_duties = Duty.objects.filter(party=party, status=DutyStatus.DUE, rule__recurring=False)
    duty = open_duties.select_related("rule").first()
    assert duty is not None
    services.send_message(_request(), access=access, body="Hello", now=NOW)
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DUE
    DutyRule.objects.filter(pk=duty.rule_id).update(incoming_contact_meets=True)
    services.send_message(_request(), access=access, body="Hello again", now=NOW + MINUTE)
    duty.refresh_from_db()
    assert duty.status in (DutyStatus.MET, DutyStatus.MET_LATE)


def test_the_officers_reply_answers_the_waiting_messages():
    case, party = victim_case()
    access = issue(case, party)
    services.send_message(_request(), access=access, body="", callback=True, now=NOW)
    services.reply(case=case, party=party, by=case.officer, body="I will ring at 3", now=NOW)
    mine = PortalMessage.objects.filter(party=party).order_by("sent_at", "id")
    assert [m.direction for m in mine] == ["from_person", "to_person"]
    assert mine[0].answered_at == NOW and mine[0].callback_requested


def test_an_empty_message_is_refused():
    case, party = victim_case()
    with pytest.raises(ValidationError):
        services.send_message(_request(), access=issue(case, party), body="  ", now=NOW)


def test_the_person_changes_how_they_want_updates_as_their_own_request():
    case, party = victim_case()
    access = issue(case, party)
    services.change_updates(
        _request(),
        access=access,
        frequency_days=28,
        method="text",
        safe_times="After 6pm",
        no_longer_safe=["visit_safe"],
        now=NOW,
    )
    agreement = UpdateAgreement.objects.get(party=party, superseded_at__isnull=True)
    assert (agreement.frequency_days, agreement.method) == (28, "text")
    assert "own request" in agreement.notes
    safe = SafeContact.objects.get(person=party.person)
    assert safe.safe_times == "After 6pm" and not safe.visit_safe
    assert "Changed by the person" in safe.notes


def test_the_person_cannot_choose_a_way_that_is_not_safe():
    case, party = victim_case(phone_safe=False)
    with pytest.raises(ValidationError):
        services.change_updates(
            _request(),
            access=issue(case, party),
            frequency_days=7,
            method="phone",
            safe_times="",
            no_longer_safe=[],
            now=NOW,
        )


def test_opting_out_of_surveys():
    case, party = victim_case()
    services.opt_out_of_surveys(_request(), access=issue(case, party), now=NOW)
    assert SurveyOptOut.objects.filter(person=party.person).exists()


# --- urgent news ---


def _bail(case, *, now=NOW):
    with time_machine.travel(now, tick=False):  # the event's recorded_at
        return case_services.record_event(
            case=case, by=case.officer, kind=EventKind.BAIL, occurred_at=now, now=now
        )


def test_urgent_news_makes_a_first_try_at_once():
    case, party = victim_case()
    issue(case, party)
    _bail(case)
    notice = UrgentNotice.objects.get(party=party)
    attempt = UrgentAttempt.objects.get(notice=notice)
    assert (attempt.number, attempt.status, attempt.due_at) == (1, Send.PENDING, NOW)
    assert services.send_urgent(attempt.pk, now=NOW + MINUTE) == "sent"
    body = mail.outbox[-1].body
    assert "released on bail" in body and NEWS.search(body)


def test_news_that_is_not_urgent_sends_nothing():
    case, party = victim_case()
    issue(case, party)
    case_services.record_event(
        case=case, by=case.officer, kind=EventKind.ARREST, occurred_at=NOW, now=NOW
    )
    assert not UrgentNotice.objects.exists()


def test_the_sweep_retries_on_the_policy_schedule_and_running_it_twice_sends_nothing_twice():
    case, party = victim_case()
    issue(case, party)
    _bail(case)
    first = UrgentAttempt.objects.get()
    services.send_urgent(first.pk, now=NOW)
    assert services.sweep(now=NOW + 5 * MINUTE)["tries"] == 0
    later = NOW + 15 * MINUTE
    assert services.sweep(now=later)["tries"] == 1
    assert services.sweep(now=later)["tries"] == 0
    assert UrgentAttempt.objects.count() == 2
    second = UrgentAttempt.objects.get(number=2)
    assert services.send_urgent(second.pk, now=later) == "sent"
    assert services.send_urgent(second.pk, now=later) == "nothing to send"
    assert len(mail.outbox) == 2


def test_confirming_by_the_link_stops_the_tries():
    case, party = victim_case()
    issue(case, party)
    _bail(case)
    services.send_urgent(UrgentAttempt.objects.get().pk, now=NOW)
    token = NEWS.search(mail.outbox[-1].body).group(1)
    notice = services.confirm_urgent(token, now=NOW + 2 * MINUTE)
    assert notice.confirmed_at == NOW + 2 * MINUTE
    result = services.sweep(now=NOW + 2 * 60 * MINUTE)
    assert result["tries"] == 0 and result["told"] == 0
    assert services.confirm_urgent("guessed", now=NOW) is None


def test_not_confirmed_within_an_hour_the_officer_is_told_once_and_the_log_shows_every_try():
    case, party = victim_case()
    issue(case, party)
    _bail(case)
    moment = NOW
    for _ in range(5):
        for attempt in UrgentAttempt.objects.filter(status=Send.PENDING):
            services.send_urgent(attempt.pk, now=moment)
        services.sweep(now=moment)
        moment += 15 * MINUTE
    notice = UrgentNotice.objects.get()
    assert notice.officer_told_at is not None
    told = Notification.objects.filter(kind=Kind.URGENT_UNCONFIRMED, recipient=case.officer)
    assert told.count() == 1
    services.sweep(now=moment + MINUTE)
    assert told.count() == 1
    tries = list(notice.tries.order_by("number").values_list("number", "status"))
    assert [n for n, _ in tries] == list(range(1, len(tries) + 1))
    # Every 15 minutes (the policy's row): tries 1 to 4 sent, 5 and 6 made and waiting.
    assert [status for _, status in tries] == [Send.SENT] * 4 + [Send.PENDING] * 2


def test_a_channel_marked_unsafe_since_stops_the_news_and_the_log_says_why():
    case, party = victim_case()
    issue(case, party)
    _bail(case)
    set_safe(party.person, email_safe=False)
    attempt = UrgentAttempt.objects.get()
    assert services.send_urgent(attempt.pk, now=NOW) == "not sent: channel unsafe"
    attempt.refresh_from_db()
    assert attempt.status == Send.SKIPPED and mail.outbox == []


def test_a_witness_event_about_another_person_is_not_sent_to_the_victim():
    from tests.cases.factories import PartyFactory

    case, party = victim_case()
    issue(case, party)
    witness = PartyFactory(case=case)
    case_services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.HEARING_MOVED,
        occurred_at=NOW,
        received_at=NOW,
        hearing_at=NOW + datetime.timedelta(days=3),
        party=witness,
        now=NOW,
    )
    assert not UrgentNotice.objects.filter(party=party).exists()
    assert list(UrgentNotice.objects.values_list("party", flat=True)) == [witness.pk]


# --- urgent news to a person without Track my case ---


def test_a_person_without_access_is_sent_urgent_news_by_a_safe_way_and_confirms_by_its_link(
    client,
):
    case, party = victim_case(text_safe=False)
    _bail(case)
    notice = UrgentNotice.objects.get(party=party)
    assert notice.access is None and notice.channel == "email"
    attempt = UrgentAttempt.objects.get(notice=notice)
    assert services.send_urgent(attempt.pk, now=NOW) == "sent"
    assert mail.outbox[-1].to == [party.person.email]
    token = NEWS.search(mail.outbox[-1].body).group(1)
    with time_machine.travel(NOW + MINUTE, tick=False):
        page = client.post(f"/track/news/{token}/")
    assert page.status_code == 200
    notice.refresh_from_db()
    assert notice.confirmed_at is not None
    assert services.sweep(now=NOW + 2 * 60 * MINUTE)["tries"] == 0


def test_no_safe_way_to_send_it_tells_the_officer_at_once_and_sends_nothing():
    case, party = victim_case(text_safe=False, email_safe=False)
    _bail(case)
    notice = UrgentNotice.objects.get(party=party)
    assert notice.channel == "" and notice.officer_told_at == NOW
    assert not UrgentAttempt.objects.exists()
    told = Notification.objects.get(kind=Kind.URGENT_UNCONFIRMED, recipient=case.officer)
    assert "in person" in told.title and party.person.last_name not in told.body
    services.sweep(now=NOW + 2 * 60 * MINUTE)
    assert Notification.objects.filter(kind=Kind.URGENT_UNCONFIRMED).count() == 1
    assert mail.outbox == []


def test_a_restricted_case_sends_no_automatic_news_to_a_person_without_access():
    case, party = victim_case(restricted=True)
    _bail(case)
    notice = UrgentNotice.objects.get(party=party)
    assert notice.channel == "" and not UrgentAttempt.objects.exists()
    assert Notification.objects.filter(kind=Kind.URGENT_UNCONFIRMED).exists()


def test_a_profile_changed_after_the_news_stops_a_later_try_for_a_person_without_access():
    case, party = victim_case(text_safe=False)
    _bail(case)
    set_safe(party.person, email_safe=False, text_safe=False)
    attempt = UrgentAttempt.objects.get()
    assert services.send_urgent(attempt.pk, now=NOW) == "not sent: channel unsafe"
    assert mail.outbox == []
