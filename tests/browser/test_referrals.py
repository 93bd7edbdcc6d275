"""An officer refers a victim with consent; the agency accepts and records contact; the officer
sees it accepted. Every page checked by axe."""

import pytest
from django.urls import reverse

from accounts.models import Role
from referrals.models import AgencyKind, Referral, ReferralStatus
from tests.cases.factories import CaseFactory
from tests.factories import TEST_PASSWORD, AgencyFactory, make_user

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


def test_refer_accept_and_see_it_accepted(page, live_server, assert_accessible):
    agency = AgencyFactory(name="Northshire Victim Services", kind=AgencyKind.VICTIM_SERVICE)
    case = CaseFactory(victim={"first_name": "Ruth", "last_name": "Ames", "phone": "07700900111"})
    Referral.objects.filter(case=case).delete()  # this walk drafts the referral by hand
    agency_user = make_user(Role.AGENCY, agency=agency)

    _sign_in(page, live_server, case.officer)
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))
    page.get_by_role("link", name="Refer to support").click()
    page.wait_for_url("**/refer/")
    assert_accessible(page)
    page.get_by_label("Agency").select_option(label="Northshire Victim Services")
    page.get_by_label("What support is asked for").fill("Emotional support after a burglary")
    page.get_by_label("Lawful basis for sharing").select_option(label="Consent")
    page.get_by_label("Contact details and safe times").check()
    page.get_by_label("How they gave their answer").select_option(label="By phone")
    page.get_by_role("button", name="Draft the referral").click()
    page.wait_for_url("**/referrals/*/")
    assert_accessible(page)
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_text("Referral sent.").wait_for()
    _sign_out(page)

    _sign_in(page, live_server, agency_user)
    page.get_by_role("link", name="Open referrals (1)").click()
    page.wait_for_url("**/agency/referrals/")
    assert_accessible(page)
    page.get_by_role("link", name="Ruth Ames").click()
    page.wait_for_url("**/agency/referrals/*/")
    assert "07700900111" in page.locator("main").inner_text()
    assert case.crime_reference not in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Accept the referral").click()
    page.get_by_text("Referral accepted.").wait_for()
    page.get_by_label("Update").first.fill("Called Ruth; weekly support calls agreed.")
    page.get_by_role("button", name="Add update").click()
    page.get_by_text("Update added.").wait_for()
    assert_accessible(page)
    _sign_out(page)

    _sign_in(page, live_server, case.officer)
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))
    people = page.locator("#people")
    assert "Northshire Victim Services" in people.inner_text()
    assert "Accepted" in people.inner_text()
    assert Referral.objects.get(case=case).status == ReferralStatus.ACCEPTED


def test_share_without_consent_preview_review_and_agency_home(page, live_server, assert_accessible):
    """An officer shares with a MARAC on risk to life: the exception and reason are asked for,
    the preview shows what the MARAC will see, the supervisor sees it to review, and the MARAC's
    home lists it. Every page checked by axe."""
    from accounts.services import add_to_team
    from tests.factories import TeamFactory

    marac = AgencyFactory(name="Northshire MARAC", kind=AgencyKind.MARAC)
    team = TeamFactory()
    case = CaseFactory(team=team, victim={"first_name": "Ruth", "last_name": "Ames"})
    supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=team, user=supervisor, is_supervisor=True)
    marac_user = make_user(Role.AGENCY, agency=marac)

    _sign_in(page, live_server, case.officer)
    page.goto(live_server.url + reverse("case-detail", kwargs={"pk": case.pk}))
    page.get_by_role("link", name="Refer to support").click()
    page.wait_for_url("**/refer/")
    page.get_by_label("Agency").select_option(label="Northshire MARAC")
    page.get_by_label("What support is asked for").fill("Safety planning; call before visiting")
    page.get_by_label("Lawful basis for sharing").select_option(label="Public task")
    page.get_by_label("Contact details and safe times").check()
    page.get_by_role("button", name="Draft the referral").click()
    page.get_by_text("Say why the details must be shared without consent.").wait_for()
    assert_accessible(page)
    page.get_by_label("Exception that allows sharing without consent").select_option(
        label="Risk to life"
    )
    page.get_by_label("Why it must be shared without consent").fill("Threats to kill last night")
    page.get_by_role("button", name="Draft the referral").click()
    page.wait_for_url("**/referrals/*/")
    preview = page.locator("section", has=page.locator("#sees-heading"))
    assert "Safety planning; call before visiting" in preview.inner_text()
    assert "Shared without the victim's consent: Risk to life" in preview.inner_text()
    assert "word for word" in preview.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_text("Referral sent.").wait_for()
    _sign_out(page)

    _sign_in(page, live_server, supervisor)
    page.get_by_role("link", name="All referrals shared without consent").click()
    page.wait_for_url("**/shared-without-consent/")
    assert "Threats to kill last night" in page.locator("main").inner_text()
    assert_accessible(page)
    _sign_out(page)

    _sign_in(page, live_server, marac_user)
    assert_accessible(page)
    page.get_by_role("link", name="Ruth Ames").click()
    page.wait_for_url("**/agency/referrals/*/")
    main = page.locator("main").inner_text()
    assert "Risk to life" in main and "Threats to kill" not in main
    assert_accessible(page)
