"""A supervisor opens the retention worklist, disposes of a case's personal data, then prepares a
subject access export for a person in another case."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Role
from cases.models import Person
from retention import services
from retention.models import CaseRetention, RetentionStatus
from tests.cases.factories import CaseFactory, close_settled, victim_of
from tests.factories import TEST_PASSWORD, make_user
from tests.retention.conftest import build_full_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_disposes_a_case_then_reads_a_subject_access_export(
    page, live_server, assert_accessible
):
    old = CaseFactory(victim={"first_name": "Olwen", "last_name": "Pritchardson"})
    close_settled(old, outcome="no_suspect")
    held, party = build_full_case()
    services.assign_retention()
    CaseRetention.objects.filter(case=old).update(
        status=RetentionStatus.DUE, review_due=timezone.localdate()
    )
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=old.team, user=supervisor, is_supervisor=True)

    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(supervisor.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Retention").click()
    page.wait_for_url("**/retention/")
    assert_accessible(page)
    assert held.crime_reference not in page.locator("main").inner_text()

    page.get_by_role("link", name=f"Review {old.crime_reference}").click()
    page.wait_for_url(f"**/retention/cases/{old.pk}/")
    assert_accessible(page)
    page.get_by_label("Dispose").check()
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("Tick to confirm the disposal").wait_for()
    assert_accessible(page)
    page.get_by_label("Dispose").check()
    page.get_by_label("I confirm the personal data").check()
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text(f"Case {old.crime_reference} disposed").wait_for()
    assert Person.objects.get(pk=victim_of(old).person_id).last_name == ""

    page.goto(live_server.url + reverse("person-record", args=[party.person_id]))
    assert_accessible(page)
    page.get_by_role("button", name="Show the subject access export").click()
    page.get_by_role("heading", name="Subject access export: Zara Quillfeather").wait_for()
    main = page.locator("main").inner_text()
    assert "Spoke about the bruising" in main and held.crime_reference in main
    assert "Zara" not in page.url
    assert_accessible(page)
    page.get_by_role("link", name="Back to the person").click()
    page.get_by_role("link", name="Consent records").click()
    page.get_by_role("heading", name="Consent records: Zara Quillfeather").wait_for()
    assert_accessible(page)
