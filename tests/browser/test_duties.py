"""The officer records an arrest, sees the duty it creates, meets it with a phone call."""

import pytest
from django.urls import reverse

from entitlements.models import Duty, DutyStatus
from tests.cases.factories import CaseFactory
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_arrest_creates_a_duty_that_a_phone_call_meets(page, live_server, assert_accessible):
    case = CaseFactory(victim={"first_name": "Amira", "last_name": "Haddad"})
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(case.officer.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))

    event = page.locator("#quick-event")
    event.get_by_label("What happened").select_option(label="Suspect arrested")
    event.get_by_role("button", name="Record event").click()
    page.locator("#quick-event .alert-success").wait_for()

    duty = Duty.objects.get(case=case, rule__code="R7")
    people = page.locator("#people")
    assert "Tell them the suspect was arrested" in people.inner_text()
    assert f"{duty.due_at:%Y}" in people.inner_text()
    assert_accessible(page)

    contact = page.locator("#quick-contact")
    contact.get_by_label("Who").select_option(label="Amira Haddad (victim)")
    contact.get_by_label("Method").select_option(label="Phone")
    contact.get_by_label("Purpose").select_option(label="Update")
    contact.get_by_label("What came of it").select_option(label="Reached the person")
    contact.get_by_label("Summary").fill("Rang Amira to say a man has been arrested.")
    contact.get_by_label("Amira Haddad: Tell them the suspect was arrested", exact=False).check()
    contact.get_by_role("button", name="Log contact").click()
    page.locator("#quick-contact .alert-success").wait_for()

    duty.refresh_from_db()
    assert duty.status == DutyStatus.MET
    page.locator("#people").get_by_text("Met", exact=True).first.wait_for()
    assert_accessible(page)


def test_duty_guidance_and_worklist_pages_are_accessible(page, live_server, assert_accessible):
    case = CaseFactory()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(case.officer.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home/officer/")
    assert_accessible(page)
    page.get_by_role("link", name="See all your open duties").click()
    page.wait_for_url("**/duties/")
    assert_accessible(page)
    duty = Duty.objects.filter(case=case).first()
    victim = case.parties.get()
    for url in (
        reverse("duty", kwargs={"pk": case.pk, "duty_pk": duty.pk}),
        reverse("guidance"),
        reverse("acknowledgement", kwargs={"pk": case.pk, "party_pk": victim.pk}),
        reverse("your-rights", kwargs={"pk": case.pk, "party_pk": victim.pk}),
    ):
        page.goto(live_server.url + url)
        assert_accessible(page)
