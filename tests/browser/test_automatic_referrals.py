"""Right 4 in the browser: the case page and the duty page say the victim's choice, what was
shared and why a referral waits, and pass axe."""

import datetime

import pytest
from django.urls import reverse

from entitlements.models import Duty, MetBy
from referrals import automatic
from referrals.models import AgencyKind
from tests.cases.factories import CaseFactory, offence
from tests.factories import TEST_PASSWORD, AgencyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_right_4_referral_is_shown_on_the_case_and_duty_pages(
    page, live_server, assert_accessible
):
    AgencyFactory(name="Northshire Victim Services", kind=AgencyKind.VICTIM_SERVICE)
    reported = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=5)
    case = CaseFactory(
        offence=offence("rape"),
        occurred_at=reported - datetime.timedelta(hours=1),
        reported_at=reported,
        now=reported,
    )
    sent = CaseFactory(
        officer=case.officer,
        occurred_at=reported - datetime.timedelta(hours=1),
        reported_at=reported,
        now=reported,
    )
    automatic.send_due_referrals()

    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(case.officer.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))
    people = page.locator("#people").inner_text()
    assert "Not asked yet: they must agree first" in people
    assert "waiting for the victim's consent: sexual offences need the victim to agree" in people
    assert_accessible(page)

    duty = Duty.objects.get(party__case=case, rule__met_by=MetBy.REFERRAL_SENT)
    page.goto(live_server.url + reverse("duty", kwargs={"pk": case.pk, "duty_pk": duty.pk}))
    assert "sexual offences need the victim to agree" in page.locator("main").inner_text()
    assert_accessible(page)

    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": sent.pk}))
    people = page.locator("#people").inner_text()
    assert "by VictimCare" in people
    assert "Not needed: referred unless they opt out" in people
    assert_accessible(page)
