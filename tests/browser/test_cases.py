"""An officer's walk through a case in the browser, checked by axe at every step."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Role
from cases import services
from cases.models import Case, CaseEvent, Contact, PartyRole
from tests.cases.factories import CaseFactory, PartyFactory, PersonFactory, offence
from tests.factories import TEST_PASSWORD, TeamFactory, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _sign_in(page, live_server, user):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_officer_creates_a_case_logs_a_contact_and_records_an_arrest(
    page, live_server, assert_accessible
):
    officer = make_user(Role.OFFICER, first_name="Sam", last_name="Okafor")
    team = TeamFactory(name="Victim Based Crime Team")
    accounts_services.add_to_team(team=team, user=officer)
    _sign_in(page, live_server, officer)

    page.get_by_role("link", name="Cases").click()
    page.wait_for_url("**/cases/")
    assert_accessible(page)
    page.get_by_role("link", name="New case").click()
    assert_accessible(page)

    now = timezone.now()
    page.get_by_label("Crime reference").fill("NS/077001/26")
    page.get_by_label("Offence", exact=True).select_option(label="Burglary (residential)")
    page.get_by_label("When did it happen?").fill(_local(now - datetime.timedelta(hours=6)))
    page.get_by_label("When was it reported?").fill(_local(now - datetime.timedelta(hours=5)))
    page.get_by_label("THRIVE grading").select_option(label="Grade 3: scheduled")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("First name").fill("Amira")
    page.get_by_label("Last name").fill("Haddad")
    page.get_by_role("button", name="Create case").click()
    page.wait_for_url("**/cases/*/")
    assert "Case NS/077001/26 created." in page.locator("main").inner_text()
    assert_accessible(page)

    contact = page.locator("#quick-contact")
    contact.get_by_label("Who").select_option(index=1)
    contact.get_by_label("Method").select_option(label="Phone")
    contact.get_by_label("What came of it").select_option(label="Reached the person")
    contact.get_by_label("Purpose").select_option(label="Initial engagement")
    contact.get_by_label("Summary").fill("Explained the Victims' Code and gave the crime number.")
    contact.get_by_role("button", name="Log contact").click()
    page.locator("#quick-contact .alert-success").wait_for()
    assert "Explained the Victims' Code" in page.locator("#timeline").inner_text()
    # Focus moves to the message, not back to the page: a keyboard or screen reader user hears
    # the contact was logged and carries on from there.
    page.wait_for_function("document.activeElement.getAttribute('role') === 'status'")
    focused = page.evaluate(
        "[document.activeElement.getAttribute('role'), document.activeElement.innerText]"
    )
    assert focused == ["status", "Contact logged."]
    # htmx's own indicator styles are off (the CSP would refuse them): the swap added no <style>.
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    assert_accessible(page)

    event = page.locator("#quick-event")
    event.get_by_label("What happened").select_option(label="Suspect arrested")
    event.get_by_role("button", name="Record event").click()
    page.locator("#quick-event .alert-success").wait_for()
    assert "Suspect arrested" in page.locator("#timeline").inner_text()
    assert_accessible(page)

    case = Case.objects.get(crime_reference="NS/077001/26")
    assert Contact.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="arrest").count() == 1


def test_an_incomplete_event_shows_its_errors_accessibly(page, live_server, assert_accessible):
    case = CaseFactory()
    _sign_in(page, live_server, case.officer)
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))
    event = page.locator("#quick-event")
    event.get_by_label("What happened").select_option(label="Hearing listed")
    event.get_by_role("button", name="Record event").click()
    page.locator("#quick-event .invalid-feedback, #quick-event .alert-danger").first.wait_for()
    assert "Say when the Witness Care Unit received this" in event.inner_text()
    assert_accessible(page)


def test_a_case_with_many_victims_pages_its_people_and_its_timeline(
    page, live_server, assert_accessible
):
    case = CaseFactory(victim={"first_name": "Victim", "last_name": "Number01"})
    for n in range(2, 13):
        person = PersonFactory(first_name="Victim", last_name=f"Number{n:02d}")
        PartyFactory(case=case, person=person, role=PartyRole.VICTIM)
    first = case.parties.order_by("id").first()
    for i in range(22):
        services.record_contact(
            case=case,
            party=first,
            by=case.officer,
            occurred_at=timezone.now() - datetime.timedelta(hours=i + 1),
            method="phone",
            purpose="update",
            summary=f"Update number {i + 1}",
        )
    _sign_in(page, live_server, case.officer)
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))
    people = page.locator("#people")
    assert "Showing 1\u201310 of 12 people" in people.inner_text()
    assert "Number11" not in people.inner_text()
    assert_accessible(page)

    pages = page.get_by_role("navigation", name="Pages of people in this case")
    pages.get_by_role("link", name="Next").click()
    page.wait_for_url("**/?people=2#people")
    assert "Showing 11\u201312 of 12 people" in people.inner_text()
    assert "Number11" in people.inner_text() and "Number01" not in people.inner_text()
    assert_accessible(page)

    # The quick contact offers the people on this page, and answers with the same page.
    contact = page.locator("#quick-contact")
    contact.get_by_label("Who").select_option(label="Victim Number12 (victim)")
    contact.get_by_label("Method").select_option(label="Phone")
    contact.get_by_label("What came of it").select_option(label="Reached the person")
    contact.get_by_label("Summary").fill("Told them about the trial date.")
    contact.get_by_role("button", name="Log contact").click()
    page.locator("#quick-contact .alert-success").wait_for()
    assert "Showing 11\u201312 of 12 people" in people.inner_text()
    timeline = page.locator("#timeline")
    assert "Told them about the trial date." in timeline.inner_text()
    assert "Update number 22" not in timeline.inner_text()
    assert_accessible(page)

    timeline.get_by_role("link", name="See the whole timeline").click()
    page.wait_for_url("**/timeline/")
    assert "Showing 1\u201323 of 23 entries" in page.locator("main").inner_text()
    assert "Update number 22" in page.locator("#timeline").inner_text()
    assert_accessible(page)


@pytest.mark.parametrize(
    "url_name",
    [
        "person-edit",
        "safe-contact",
        "basis-record",
        "needs-assessment",
        "update-agreement",
        "risk-assessment",
        "special-measures",
        "vps",
        "witness-care",
    ],
)
def test_record_forms_are_accessible(page, live_server, assert_accessible, url_name):
    case = CaseFactory(offence=offence("abh_domestic"))
    party = case.parties.get()
    _sign_in(page, live_server, case.officer)
    page.goto(live_server.url + reverse(url_name, kwargs={"pk": case.pk, "party_pk": party.pk}))
    assert_accessible(page)
