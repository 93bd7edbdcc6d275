"""An officer records a victim personal statement offer at charge; the supervisor sees it on the
compliance page of offers by stage and equality group. axe at every step."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Role
from cases import services
from cases.models import EventKind
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_an_offer_at_charge_is_recorded_and_counted(page, live_server, assert_accessible):
    case = CaseFactory()
    now = timezone.now()
    services.record_event(
        case=case, by=case.officer, kind=EventKind.CHARGE, occurred_at=now, now=now
    )
    victim = victim_of(case)
    _sign_in(page, live_server, case.officer)
    page.goto(live_server.url + reverse("vps", kwargs={"pk": case.pk, "party_pk": victim.pk}))
    assert_accessible(page)

    # Someone else reads it, but nobody is named: refused on the field, nothing saved.
    page.get_by_label("At charge").check()
    page.get_by_label("Made a statement").check()
    page.get_by_label("How should the statement be used in court?").select_option(
        label="Read aloud by someone else"
    )
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("Say who will read the statement aloud.").is_visible()
    assert_accessible(page)

    page.get_by_label("Who will read it aloud?").fill("The prosecutor")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    assert "Victim personal statement offer recorded." in page.locator("main").inner_text()

    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=case.team, user=supervisor, is_supervisor=True)
    page.context.clear_cookies()
    _sign_in(page, live_server, supervisor)
    page.goto(live_server.url + reverse("compliance-dashboard"))
    page.get_by_role(
        "link", name="Victim personal statement offers by stage and by equality group"
    ).click()
    page.wait_for_url(re.compile(r"/compliance/vps/"))
    stages = page.get_by_role("table", name="By stage")
    assert "1 (100.0%)" in stages.get_by_role("row", name="At charge").inner_text()
    assert_accessible(page)
