"""From the officer's home, a phone call that meets the arrest duty takes 4 actions, all from the
keyboard: open "Log contact" on the duty, choose what came of it, say a few words, save. The
person, the duty and a safe way (phone) are already chosen."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import EventKind
from entitlements.models import Duty, DutyStatus
from tests.cases.factories import CaseFactory, offence, victim_of
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_to(page, selector: str, *, most: int = 80) -> None:
    """Press Tab until the element `selector` names has the focus, as a keyboard user would."""
    for _ in range(most):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_from_the_home_a_phone_call_meets_the_arrest_duty_in_four_keyboard_actions(
    page, live_server, assert_accessible
):
    # Domestic abuse: enhanced rights, so the arrest must be told by the end of the next
    # working day, and the duty is on the officer's home.
    case = CaseFactory(
        offence=offence("abh_domestic"), victim={"first_name": "Amira", "last_name": "Haddad"}
    )
    services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.ARREST,
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
    )
    duty = Duty.objects.get(party=victim_of(case), rule__trigger="arrest")
    assert duty.enhanced
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(case.officer.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home/officer/")
    assert_accessible(page)
    link = f"/cases/{case.pk}/people/{duty.party_id}/contact/?duty={duty.pk}"

    # 1. Log contact, on the arrest duty's row.
    _tab_to(page, f'a[href="{link}"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/contact/?duty=*")
    assert page.get_by_label("Phone", exact=True).is_checked()
    assert page.get_by_label("Tell them the suspect was arrested", exact=False).is_checked()
    assert not page.get_by_label("Reached the person").is_checked()
    assert_accessible(page)

    # 2. What came of it: the first choice, reached.
    _tab_to(page, 'input[name="outcome"]')
    page.keyboard.press("Space")
    # 3. A few words.
    _tab_to(page, 'textarea[name="summary"]')
    page.keyboard.type("Told her of the arrest.")
    # 4. Save.
    _tab_to(page, 'button[type="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/home/officer/")

    duty.refresh_from_db()
    assert duty.status == DutyStatus.MET and duty.met_contact.method == "phone"
    assert page.get_by_text("Contact logged.").is_visible()
    assert_accessible(page)
