"""Track my case on a phone-sized screen (issue 20): the victim opens the link from the email,
proves who they are, reads their case, sends a message that appears on the officer's home,
changes how they want updates and switches to Welsh; axe clean on every page."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import EventKind
from portal import services
from portal.models import PortalMessage
from tests.factories import TEST_PASSWORD
from tests.portal.factories import PASSCODE, issue, victim_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_victim_follows_their_case_on_a_phone(browser, live_server, assert_accessible):
    now = timezone.now()
    case, party = victim_case(now=now)
    case_services.record_event(
        case=case, by=case.officer, kind=EventKind.ARREST, occurred_at=now, now=now
    )
    access = issue(case, party, now=now)
    assert services.send_link(access.pk, now=now) == "sent"
    path = re.search(r"/track/open/[\w-]+/", mail.outbox[-1].body).group(0)

    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = phone.new_page()
    page.goto(live_server.url + path)
    page.get_by_role("heading", name="Show it is you").wait_for()
    assert case.crime_reference not in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("The passcode you agreed with your officer").fill(PASSCODE)
    page.get_by_role("button", name="Go on").click()

    page.get_by_role("heading", name="Your case").wait_for()
    main = page.locator("main").inner_text()
    assert case.crime_reference in main and "The police arrested a suspect." in main
    assert_accessible(page)
    page.get_by_label("Your message").fill("Has he been charged yet?")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("We sent your message to your officer").wait_for()
    assert_accessible(page)
    assert PortalMessage.objects.filter(party=party).count() == 1

    page.get_by_role("link", name="Change how and when we contact you").click()
    page.get_by_role("heading", name="How we contact you").wait_for()
    assert_accessible(page)
    page.get_by_label("Every 4 weeks").check()
    page.get_by_role("radio", name="Email").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="We have saved your changes").wait_for()
    assert_accessible(page)
    agreement = party.update_agreements.get(superseded_at__isnull=True)
    assert (agreement.frequency_days, agreement.method) == (28, "email")

    page.get_by_role("link", name="Cymraeg").click()
    page.goto(live_server.url + reverse("track-home"))
    page.get_by_role("heading", name="Eich achos").wait_for()
    assert_accessible(page)
    phone.close()

    desk = browser.new_context()
    officer = desk.new_page()
    officer.goto(live_server.url + reverse("login"))
    officer.get_by_label("Username").fill(case.officer.username)
    officer.get_by_label("Password").fill(TEST_PASSWORD)
    officer.get_by_role("button", name="Sign in").click()
    officer.wait_for_load_state()
    officer.goto(live_server.url + reverse("home-officer"))
    messages = officer.get_by_role("region", name="Messages from victims and witnesses")
    assert case.crime_reference in messages.inner_text()
    messages.get_by_role("link", name=case.crime_reference).click()
    officer.get_by_role("heading", name="Track my case").wait_for()
    assert "Has he been charged yet?" in officer.locator("main").inner_text()
    assert_accessible(officer)
    desk.close()
