"""The supervisor opens the quarterly compliance return from the dashboard, chooses a quarter and
downloads it: axe clean."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from counting.periods import Period
from entitlements.models import Duty, DutyStatus
from tests.cases.factories import CaseFactory
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_reads_the_quarterly_return(page, live_server, assert_accessible):
    quarter = Period.last_complete_quarter(timezone.localdate())
    middle = datetime.datetime.combine(
        quarter.start + datetime.timedelta(days=40), datetime.time(12), tzinfo=datetime.UTC
    )
    case = CaseFactory(victim={"first_name": "Ada", "last_name": "Quartermaine", "sex": "Female"})
    Duty.objects.filter(case=case, rule__code="R2").update(status=DutyStatus.MET, due_at=middle)
    supervisor = make_user(Role.SUPERVISOR)
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(supervisor.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("compliance-dashboard"))
    page.get_by_role("link", name="Quarterly compliance return").click()
    page.wait_for_url("**/compliance/return/")
    label = f"{quarter.start:%B} to {quarter.end:%B %Y}"
    assert page.get_by_role("heading", level=1).inner_text().endswith(label)
    section = page.get_by_role("region", name="Written acknowledgement sent in time")
    assert "1 of 1 duties" in section.inner_text()
    assert section.get_by_role("table").is_visible()
    assert "Quartermaine" not in page.locator("main").inner_text()
    assert_accessible(page)

    before = Period.last_complete_quarter(quarter.start)  # the quarter before it
    page.get_by_label("Quarter", exact=True).select_option(
        label=f"{before.start:%B} to {before.end:%B %Y}"
    )
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/compliance/return/?quarter=*")
    assert (
        "0 of 0 duties"
        in page.get_by_role("region", name="Written acknowledgement sent in time").inner_text()
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the return (CSV)").click()
    assert download.value.suggested_filename.startswith("victims-code-return-")
    page.mouse.move(0, 0)  # off the link just clicked: its hover colours are not the page's
    assert_accessible(page)
