"""The hand-over to the Witness Care Unit in the browser: the officer sends a charged case from
its page, the witness care officer reads the summary and accepts it from the incoming list, and
a return says what is missing. axe at every step."""

import pytest
from django.urls import reverse

from handover import services
from handover.models import HandOver, HandOverState
from tests.factories import TEST_PASSWORD
from tests.handover.helpers import recorded_case, wcu_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_the_officer_sends_and_the_unit_accepts(page, live_server, assert_accessible):
    case, _, _ = recorded_case()
    wco, unit = wcu_officer()

    _sign_in(page, live_server, case.officer)
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))
    page.get_by_role("link", name="Send to Witness Care").click()
    page.wait_for_url("**/handover/")
    assert_accessible(page)
    page.get_by_role("combobox", name="Witness Care Unit").select_option(label=unit.name)
    page.get_by_label("Note for the Witness Care Unit (optional)").fill("Trial likely in spring")
    page.get_by_role("button", name="Send to Witness Care").click()
    page.wait_for_url("**/handovers/*/")
    main = page.locator("main").inner_text()
    assert "Sent to the Witness Care Unit." in main
    assert "Aurelia Quenby" in main and "Bertram Oakes" in main
    assert "Screening the witness from the accused" in main
    assert_accessible(page)
    _sign_out(page)

    _sign_in(page, live_server, wco)
    page.goto(live_server.url + reverse("home-witness-care"))
    page.get_by_role("link", name="Incoming hand-overs").click()
    page.wait_for_url("**/handovers/")
    assert_accessible(page)
    page.get_by_role("link", name=case.crime_reference).click()
    page.wait_for_url("**/handovers/*/")
    assert "Trial likely in spring" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Accept the hand-over").click()
    page.wait_for_url("**/handovers/")
    assert "you are now the witness care officer" in page.locator("main").inner_text()
    assert_accessible(page)

    handover = HandOver.objects.get(case=case)
    assert handover.state == HandOverState.ACCEPTED
    case.refresh_from_db()
    assert case.witness_care_officer == wco


def test_the_unit_returns_it_saying_what_is_missing(page, live_server, assert_accessible):
    case, _, _ = recorded_case()
    wco, unit = wcu_officer()
    handover = services.send_handover(case=case, by=case.officer, wcu_team=unit)

    _sign_in(page, live_server, wco)
    page.goto(
        live_server.url + reverse("handover", kwargs={"pk": case.pk, "handover_pk": handover.pk})
    )
    page.get_by_role("button", name="Return to the officer").click()
    page.wait_for_load_state()
    assert "Say what is missing" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("What is missing").fill("The witness's dates to avoid")
    page.get_by_role("button", name="Return to the officer").click()
    page.wait_for_url("**/handovers/")
    assert_accessible(page)
    handover.refresh_from_db()
    assert handover.missing == "The witness's dates to avoid"
