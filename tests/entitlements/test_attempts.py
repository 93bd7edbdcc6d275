"""Only a contact that reached the person meets a duty. An attempt that did not is kept on the
duty as evidence of effort (its page and the API list it, in London time), and the duty stays
due. A channel the person's safe-contact profile forbids is never offered and always refused, and
the refusal leaves a row in the audit trail."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEvent
from cases import services
from cases.models import Contact, ContactMethod, ContactPurpose, EventKind
from entitlements.models import Duty, DutyStatus
from tests.cases.factories import CaseFactory, outcome, victim_of

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Monday 7 December 2026, 10:02 in London (GMT): the arrest an hour before.
MONDAY = datetime.datetime(2026, 12, 7, 10, 2, tzinfo=LONDON)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY + datetime.timedelta(days=1, hours=2), tick=False):
        yield


@pytest.fixture
def arrest_duty(clock) -> Duty:
    case = CaseFactory(
        occurred_at=MONDAY - datetime.timedelta(days=3),
        reported_at=MONDAY - datetime.timedelta(days=2),
        now=MONDAY - datetime.timedelta(days=2),
    )
    services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.ARREST,
        occurred_at=MONDAY - datetime.timedelta(hours=1),
        now=MONDAY,
    )
    return Duty.objects.get(party=victim_of(case), rule__trigger="arrest")


def _try(duty: Duty, at: datetime.datetime, code: str, **kwargs) -> Contact:
    return services.record_contact(
        case=duty.case,
        party=duty.party,
        by=duty.case.officer,
        occurred_at=at,
        method=kwargs.pop("method", ContactMethod.PHONE),
        purpose=ContactPurpose.UPDATE,
        outcome=outcome(code),
        summary="Tried to tell them of the arrest",
        meets=[duty],
        **kwargs,
    )


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


# --- attempts and meeting ------------------------------------------------------------------------


def test_a_failed_attempt_leaves_the_duty_due_with_the_attempt_listed(arrest_duty, client):
    person = arrest_duty.party.person
    services.save_safe_contact(
        person=person,
        by=arrest_duty.case.officer,
        expected_version=person.safe_contact.version,
        may_leave_message=True,
    )
    _try(arrest_duty, MONDAY, "no_answer")
    _try(arrest_duty, MONDAY.replace(hour=16, minute=40), "no_answer")
    _try(arrest_duty, MONDAY + datetime.timedelta(days=1, hours=-1, minutes=13), "message_left")

    arrest_duty.refresh_from_db()
    assert arrest_duty.status == DutyStatus.DUE and arrest_duty.met_contact is None
    client.force_login(arrest_duty.case.officer)
    page = client.get(
        reverse("duty", kwargs={"pk": arrest_duty.case_id, "duty_pk": arrest_duty.pk})
    ).content.decode()
    summary = re.search(r'<p id="attempts-summary">([^<]+)</p>', page)[1]
    assert summary == (
        "3 attempts: Mon 7 Dec 10:02 no answer, Mon 7 Dec 16:40 no answer, "
        "Tue 8 Dec 09:15 voicemail or message left"
    )


def test_the_api_lists_the_attempts_on_the_obligation_in_london_time(arrest_duty):
    _try(arrest_duty, MONDAY, "wrong_number")

    body = (
        _api(arrest_duty.case.officer)
        .get(reverse("api-obligation-detail", args=[arrest_duty.pk]))
        .json()
    )

    assert body["status"] == "due"
    assert body["attempts_summary"] == "1 attempt: Mon 7 Dec 10:02 wrong or dead number"
    [attempt] = body["attempts"]
    assert attempt["outcome"] == "wrong_number" and attempt["outcome_label"]
    assert attempt["at"] == "2026-12-07T10:02:00+00:00"


def test_a_contact_that_reached_them_meets_the_duty_and_the_page_links_to_it(arrest_duty, client):
    _try(arrest_duty, MONDAY, "no_answer")
    reached = _try(arrest_duty, MONDAY.replace(hour=15), "reached")

    arrest_duty.refresh_from_db()
    assert arrest_duty.status == DutyStatus.MET and arrest_duty.met_contact == reached
    client.force_login(arrest_duty.case.officer)
    page = client.get(
        reverse("duty", kwargs={"pk": arrest_duty.case_id, "duty_pk": arrest_duty.pk})
    ).content.decode()
    assert f"#contact-{reached.pk}" in page
    assert "1 attempt: Mon 7 Dec 10:02 no answer" in page


def test_reaching_someone_for_them_counts_as_contact(arrest_duty):
    _try(arrest_duty, MONDAY, "reached_on_their_behalf")
    arrest_duty.refresh_from_db()
    assert arrest_duty.status == DutyStatus.MET


def test_an_attempt_cannot_be_chosen_to_meet_a_duty_in_the_api(arrest_duty):
    attempt = services.record_contact(
        case=arrest_duty.case,
        party=arrest_duty.party,
        by=arrest_duty.case.officer,
        occurred_at=MONDAY,
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.OTHER,
        outcome=outcome("no_answer"),
        summary="No answer",
    )

    response = _api(arrest_duty.case.officer).post(
        reverse("api-obligation-meet", args=[arrest_duty.pk]),
        {"contact": attempt.pk},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["contact"]
    arrest_duty.refresh_from_db()
    assert arrest_duty.status == DutyStatus.DUE


def test_the_duty_page_costs_the_same_queries_for_one_or_ten_attempts(
    arrest_duty, client, django_assert_max_num_queries
):
    client.force_login(arrest_duty.case.officer)
    url = reverse("duty", kwargs={"pk": arrest_duty.case_id, "duty_pk": arrest_duty.pk})
    _try(arrest_duty, MONDAY, "no_answer")
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    for minute in range(9):
        _try(arrest_duty, MONDAY.replace(hour=11, minute=minute), "no_answer")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert "10 attempts" in client.get(url).content.decode()


# --- unsafe channels -----------------------------------------------------------------------------


def _no_phone_no_messages(party) -> None:
    person = party.person
    services.save_safe_contact(
        person=person,
        by=party.case.officer,
        expected_version=person.safe_contact.version,
        phone_safe=False,
        may_leave_message=False,
    )


def _refusals(party) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=AuditAction.UNSAFE_CHANNEL_REFUSED, case_id=party.case_id)
    )


def test_the_contact_form_renders_unsafe_choices_disabled_with_the_reason(arrest_duty, client):
    party = arrest_duty.party
    _no_phone_no_messages(party)
    client.force_login(arrest_duty.case.officer)

    page = client.get(
        reverse("person-contact", kwargs={"pk": party.case_id, "party_pk": party.pk})
    ).content.decode()

    phone = re.search(r'<input[^>]*value="phone"[^>]*>', page)[0]
    assert "disabled" in phone
    assert "Phone (Not safe: their safe-contact instructions say no phone.)" in page
    message_left = outcome("message_left").pk
    message = re.search(rf'<input[^>]*name="outcome"[^>]*value="{message_left}"[^>]*>', page)[0]
    assert "disabled" in message
    email = re.search(r'<input[^>]*value="email"[^>]*>', page)[0]
    assert "disabled" not in email


def test_posting_an_unsafe_channel_is_refused_and_audited(arrest_duty, client):
    party = arrest_duty.party
    _no_phone_no_messages(party)
    officer = arrest_duty.case.officer
    client.force_login(officer)
    url = reverse("person-contact", kwargs={"pk": party.case_id, "party_pk": party.pk})

    response = client.post(
        url,
        {
            "occurred_at": "2026-12-08T10:00",
            "method": "phone",
            "purpose": "update",
            "outcome": outcome("message_left").pk,
            "summary": "Left a voicemail",
            "meets": [arrest_duty.pk],
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Not safe" in errors["method"][0] and "no messages" in errors["outcome"][0]
    assert not Contact.objects.filter(party=party).exists()
    [row] = _refusals(party)
    assert row.user == officer and row.occurred_at
    assert row.detail == "Refused contact by an unsafe channel: phone, a message left"
    assert party.person.last_name not in row.detail and party.person.first_name not in row.detail


def test_the_api_refuses_an_unsafe_channel_with_a_field_error_and_audits_it(arrest_duty):
    party = arrest_duty.party
    _no_phone_no_messages(party)

    response = _api(arrest_duty.case.officer).post(
        reverse("api-case-contacts", args=[party.case_id]),
        {
            "party": party.pk,
            "occurred_at": MONDAY.isoformat(),
            "method": "phone",
            "purpose": "update",
            "outcome": "no_answer",
            "summary": "Called",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["method"]
    assert len(_refusals(party)) == 1


def test_a_call_they_made_to_us_is_never_refused(arrest_duty):
    party = arrest_duty.party
    _no_phone_no_messages(party)
    _try(arrest_duty, MONDAY, "reached", direction="incoming")
    arrest_duty.refresh_from_db()
    assert arrest_duty.status == DutyStatus.MET and _refusals(party) == []


def test_posting_the_acknowledgement_as_an_unsafe_letter_is_refused_and_audited(
    arrest_duty, client
):
    party = arrest_duty.party
    person = party.person
    services.save_safe_contact(
        person=person,
        by=party.case.officer,
        expected_version=person.safe_contact.version,
        letter_safe=False,
    )
    client.force_login(party.case.officer)
    url = reverse("acknowledgement", kwargs={"pk": party.case_id, "party_pk": party.pk})

    response = client.post(url, {"delivery": "letter"})

    assert "Letters are not safe" in response.content.decode()
    [row] = _refusals(party)
    assert row.detail == "Refused the written acknowledgement by an unsafe channel: letter"


def test_the_acknowledgement_form_renders_an_unsafe_letter_disabled_with_the_reason(
    arrest_duty, client
):
    party = arrest_duty.party
    person = party.person
    services.save_safe_contact(
        person=person,
        by=party.case.officer,
        expected_version=person.safe_contact.version,
        letter_safe=False,
    )
    client.force_login(party.case.officer)
    url = reverse("acknowledgement", kwargs={"pk": party.case_id, "party_pk": party.pk})

    page = client.get(url).content.decode()

    letter = re.search(r'<input[^>]*name="delivery"[^>]*value="letter"[^>]*>', page)[0]
    assert "disabled" in letter
    assert "Posted as a letter (Letters are not safe for this person: do not post it.)" in page
    in_person = re.search(r'<input[^>]*name="delivery"[^>]*value="in_person"[^>]*>', page)[0]
    assert "disabled" not in in_person
