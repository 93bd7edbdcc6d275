"""A victim answers the survey from the link on a phone-sized screen; the supervisor sees it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Role
from surveys import services as surveys
from surveys.models import Invitation, InvitationStatus
from tests.cases.factories import CaseFactory, offence
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_victim_answers_on_a_phone_and_the_supervisor_sees_it_counted(
    browser, live_server, assert_accessible
):
    reported = timezone.now() - datetime.timedelta(days=43)
    case = CaseFactory(
        offence=offence("abh_domestic"),
        occurred_at=reported - datetime.timedelta(hours=1),
        reported_at=reported,
        victim={"first_name": "Dana", "last_name": "Cole", "email": "dana@example.com"},
    )
    [invitation_id] = surveys.invite_due()
    invitation = Invitation.objects.get(pk=invitation_id)
    link = live_server.url + reverse("survey", args=[surveys.link_token(invitation)])

    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = phone.new_page()
    page.goto(link)
    text = page.locator("main").inner_text()
    assert "your contact with" in text.lower() and case.crime_reference not in text
    assert_accessible(page)
    page.get_by_role(
        "group", name="How satisfied were you with how easy it was to contact us?"
    ).get_by_label("Very satisfied").check()
    page.get_by_role("button", name="Save and finish later").click()
    page.get_by_text("Your answers are saved").wait_for()
    page.goto(link)  # come back later: the answer is still there
    group = page.get_by_role(
        "group", name="Overall, how satisfied were you with the service we gave?"
    )
    group.get_by_label("Fairly dissatisfied").check()
    page.get_by_label("What could we have done better?").fill("Call me back sooner.")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert_accessible(page)
    page.goto(link)
    assert "already answered" in page.locator("main").inner_text()
    phone.close()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED

    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=case.team, user=supervisor, is_supervisor=True)
    desk = browser.new_context()
    page = desk.new_page()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(supervisor.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("survey-results"))
    main = page.locator("main").inner_text()
    assert "1 answered" in main and "Call me back sooner." in main and "Dana" not in main
    assert_accessible(page)
    desk.close()


def test_sending_nothing_asks_first_without_script_and_a_closed_link_is_kind(
    browser, live_server, assert_accessible
):
    from surveys.models import ClosedReason

    reported = timezone.now() - datetime.timedelta(days=43)
    CaseFactory(
        offence=offence("abh_domestic"),
        occurred_at=reported - datetime.timedelta(hours=1),
        reported_at=reported,
        victim={"first_name": "Ola", "last_name": "Reed", "email": "ola@example.com"},
    )
    [invitation_id] = surveys.invite_due()
    invitation = Invitation.objects.get(pk=invitation_id)
    link = live_server.url + reverse("survey", args=[surveys.link_token(invitation)])

    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(10_000)
    page.goto(link)
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name="You have not answered any questions").wait_for()
    # The question is a page of its own: no script but the victim pages' way out.
    scripts = page.locator("script").evaluate_all("els => els.map(e => e.getAttribute('src'))")
    assert scripts == ["/static/js/leave-site.js"]
    assert_accessible(page)
    page.get_by_role("link", name="Go back to the questions").click()
    page.get_by_role("button", name="Send my answers").wait_for()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING  # nothing closed by asking

    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("button", name="Send without answers").click()
    page.get_by_text("You sent no answers, and that is fine").wait_for()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED

    other = CaseFactory(
        offence=offence("abh_domestic"),
        victim={"first_name": "Pat", "last_name": "Lane", "email": "pat@example.com"},
    )
    closed = surveys.invite(
        party=other.parties.get(), rule=invitation.rule, channel="email", now=timezone.now()
    )
    surveys.close(invitation=closed, reason=ClosedReason.CASE_RESTRICTED)
    page.goto(live_server.url + reverse("survey", args=[surveys.link_token(closed)]))
    text = page.locator("main").inner_text()
    assert "We closed this survey" in text and "You told us" not in text
    assert "restricted" not in text
    assert_accessible(page)
    phone.close()


def test_a_victim_switches_the_survey_to_welsh_and_answers_it_on_a_phone(
    browser, live_server, assert_accessible
):
    reported = timezone.now() - datetime.timedelta(days=43)
    CaseFactory(
        offence=offence("abh_domestic"),
        occurred_at=reported - datetime.timedelta(hours=1),
        reported_at=reported,
        victim={"first_name": "Rhys", "last_name": "Owen", "email": "rhys@example.com"},
    )
    [invitation_id] = surveys.invite_due()
    invitation = Invitation.objects.get(pk=invitation_id)
    link = live_server.url + reverse("survey", args=[surveys.link_token(invitation)])

    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(10_000)
    page.goto(link)
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_url(link)
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    page.get_by_role(
        "group", name="Pa mor fodlon oeddech chi â pha mor hawdd oedd cysylltu â ni?"
    ).get_by_label("Bodlon iawn").check()
    page.get_by_role("button", name="Anfon fy atebion").click()
    page.get_by_role("heading", name="Diolch").wait_for()
    assert_accessible(page)
    phone.close()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    assert invitation.answers.get().scale_value == 2
