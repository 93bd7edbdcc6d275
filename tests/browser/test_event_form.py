"""The event form shows only the fields of the kind chosen: an arrest asks for no hearing date,
a listed hearing asks for its date and venue (issue 19)."""

import pytest
from django.urls import reverse

from tests.cases.factories import CaseFactory
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_event_form_asks_only_for_the_fields_of_the_kind_chosen(
    page, live_server, assert_accessible
):
    case = CaseFactory()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(case.officer.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))

    panel = page.locator("#quick-event")
    kind = panel.get_by_label("What happened")
    assert kind.input_value() == "arrest"
    for label in (
        "Hearing date and time",
        "Venue",
        "Custody (months)",
        "Received by the Witness Care Unit",
    ):
        assert not panel.get_by_label(label).is_visible(), label
    assert panel.locator('input[name="occurred_at"]').is_visible()
    assert_accessible(page)

    # From the keyboard: the hearing's own fields appear.
    kind.focus()
    page.keyboard.type("Hearing listed")
    assert kind.input_value() == "hearing_listed"
    assert panel.get_by_label("Hearing date and time").is_visible()
    assert panel.get_by_label("Venue").is_visible()
    assert panel.get_by_label("Received by the Witness Care Unit").is_visible()
    assert not panel.get_by_label("Custody (months)").is_visible()
    assert_accessible(page)

    # The panel comes back from the server with the errors (htmx): still only the hearing's.
    panel.get_by_role("button", name="Record event").click()
    page.locator("#quick-event .invalid-feedback, #quick-event .alert-danger").first.wait_for()
    assert panel.get_by_label("Hearing date and time").is_visible()
    assert not panel.get_by_label("Custody (months)").is_visible()
    assert_accessible(page)
