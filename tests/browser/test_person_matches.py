"""Adding a person who is already on record: the match is offered before a new record is made,
and the officer uses it (issue 21). axe at each step."""

import datetime

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from cases.models import Party, PartyRole, Person
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_the_officer_is_offered_the_person_on_record_and_uses_them(
    page, live_server, assert_accessible
):
    earlier = CaseFactory(
        crime_reference="NS/000401/26",
        victim={
            "first_name": "Grace",
            "last_name": "Mensah",
            "date_of_birth": datetime.date(1979, 6, 14),
        },
    )
    hidden = CaseFactory(
        victim=victim_of(earlier).person, restricted=True, crime_reference="NS/000402/26"
    )
    case = CaseFactory(crime_reference="NS/000403/26")
    accounts_services.add_to_team(team=case.team, user=case.officer)
    people = Person.objects.count()

    _sign_in(page, live_server, case.officer)
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))
    page.get_by_role("link", name="Add a person").click()
    page.wait_for_url("**/people/new/")
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Mensah")
    page.get_by_label("Date of birth").fill("1979-06-14")
    page.get_by_label("Role").select_option(label="Witness")
    page.get_by_role("button", name="Add person").click()
    page.wait_for_load_state()

    # Offered, with the case the officer may see and nothing of the restricted one; no name
    # reached the address.
    main = page.locator("main")
    assert "This person may already be on record" in main.inner_text()
    assert "NS/000401/26" in main.inner_text()
    assert hidden.crime_reference not in page.content()
    assert "Mensah" not in page.url
    assert_accessible(page)
    assert Person.objects.count() == people

    page.get_by_label("Use this person: Grace Mensah").check()
    page.get_by_role("button", name="Add person").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "Person added." in page.locator("main").inner_text()
    assert_accessible(page)
    party = Party.objects.get(case=case, role=PartyRole.WITNESS)
    assert party.person == victim_of(earlier).person
    assert Person.objects.count() == people
