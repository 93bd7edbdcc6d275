"""A call that nobody answers is kept on the duty as an attempt, and the duty stays due; a
channel the person's safe-contact instructions forbid cannot be chosen."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from cases import services
from cases.models import Contact, EventKind
from entitlements.models import Duty, DutyStatus
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_failed_attempt_leaves_the_duty_due_with_the_attempt_listed(
    page, live_server, assert_accessible
):
    case = CaseFactory(victim={"first_name": "Amira", "last_name": "Haddad"})
    victim = victim_of(case)
    services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.ARREST,
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
    )
    person = victim.person
    services.save_safe_contact(
        person=person,
        by=case.officer,
        expected_version=person.safe_contact.version,
        text_safe=False,
    )
    duty = Duty.objects.get(party=victim, rule__trigger="arrest")
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(case.officer.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))

    page.get_by_role("link", name="Log contact with Amira Haddad").click()
    page.wait_for_url("**/contact/")
    assert page.get_by_label("Text message", exact=False).is_disabled()
    # The reason stands beside the choice, in its label.
    assert page.get_by_text(
        "Text message (Not safe: their safe-contact instructions say no text"
    ).is_visible()
    assert_accessible(page)

    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("No answer").check()
    page.get_by_label("Summary").fill("Rang, no answer.")
    page.get_by_label("Tell them the suspect was arrested", exact=False).check()
    page.get_by_role("button", name="Log contact").click()
    page.wait_for_url(f"**/cases/{case.pk}/")

    duty.refresh_from_db()
    assert duty.status == DutyStatus.DUE and duty.attempts.count() == 1
    page.goto(live_server.url + reverse("duty", kwargs={"pk": case.pk, "duty_pk": duty.pk}))
    summary = page.locator("#attempts-summary").inner_text()
    assert summary.startswith("1 attempt: ") and summary.endswith("no answer")
    assert page.get_by_text("Due", exact=True).first.is_visible()
    assert_accessible(page)


def test_an_unsafe_letter_cannot_be_chosen_and_posting_one_leaves_an_audit_row(
    page, live_server, assert_accessible
):
    case = CaseFactory(victim={"first_name": "Amira", "last_name": "Haddad"})
    person = victim_of(case).person
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(case.officer.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    url = live_server.url + reverse(
        "acknowledgement", kwargs={"pk": case.pk, "party_pk": victim_of(case).pk}
    )
    # The page is open while a colleague records that letters are not safe for her.
    page.goto(url)
    letter = page.get_by_label("Posted as a letter", exact=False)
    assert letter.is_enabled()
    services.save_safe_contact(
        person=person,
        by=case.officer,
        expected_version=person.safe_contact.version,
        letter_safe=False,
    )

    letter.check()
    page.get_by_role("button", name="Record it as given").click()
    page.wait_for_load_state("load")

    assert page.get_by_text("Letters are not safe for this person", exact=False).first.is_visible()
    [row] = AuditEvent.objects.filter(action=AuditAction.UNSAFE_CHANNEL_REFUSED, case_id=case.pk)
    assert row.user == case.officer
    assert row.detail == "Refused the written acknowledgement by an unsafe channel: letter"
    assert not Contact.objects.filter(case=case).exists()
    # Now the page itself will not offer it: disabled, the reason beside it.
    assert page.get_by_label("Posted as a letter", exact=False).is_disabled()
    assert page.get_by_text(
        "Posted as a letter (Letters are not safe for this person: do not post it.)"
    ).is_visible()
    assert_accessible(page)
