"""A victim reads the public information on a phone: every page axe clean at 375 px with no
sideways scroll, in English and in Welsh, readable without JavaScript, and a way out that leaves
no history entry (with script) or is a plain link (without)."""

import pytest
from django.urls import reverse

from referrals.models import AgencyKind
from tests.factories import AgencyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "info-index",
    "info-victims-code",
    "info-young-people",
    "info-witnesses",
    "info-special-measures",
    "info-personal-statement",
    "info-support",
    "info-complaints",
]
NEUTRAL = "https://www.bbc.co.uk/weather"
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def _phone(browser, **options):
    context = browser.new_context(**PHONE, **options)
    # The neutral site is answered here: the tests have no internet.
    context.route(
        "https://www.bbc.co.uk/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body="<!doctype html><html lang='en'><title>Weather</title><p>Weather</p></html>",
        ),
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def listed_agency():
    return AgencyFactory(
        name="Northshire Victim Services",
        kind=AgencyKind.VICTIM_SERVICE,
        listed_publicly=True,
        public_summary_en="Free help for anyone hurt by a crime.",
        public_summary_cy="Help am ddim i unrhyw un sydd wedi cael ei frifo gan drosedd.",
        self_referral_en="Call us or use the form on our website.",
        self_referral_cy="Ffoniwch ni neu defnyddiwch y ffurflen ar ein gwefan.",
        public_phone="0800 000 0101",
        public_website="https://victim-services.example.org/",
    )


def test_every_page_is_accessible_on_a_phone_in_english_and_welsh(
    browser, live_server, assert_accessible, listed_agency
):
    context, page = _phone(browser)
    for name in PAGES:
        page.goto(live_server.url + reverse(name))
        assert page.locator("html").get_attribute("lang") == "en-gb"
        assert_accessible(page)
        assert _no_sideways_scroll(page), name
    # The switch is a plain link on every page and brings the victim back to the same page.
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_url(live_server.url + reverse(PAGES[-1]))
    assert page.locator("html").get_attribute("lang") == "cy"
    for name in PAGES:
        page.goto(live_server.url + reverse(name))
        assert page.locator("html").get_attribute("lang") == "cy"
        assert page.get_by_role("link", name="Gadael y wefan hon yn gyflym").is_visible()
        assert_accessible(page)
        assert _no_sideways_scroll(page), name
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en-gb"
    context.close()


def test_leaving_quickly_replaces_the_page_so_back_does_not_return_to_it(browser, live_server):
    context, page = _phone(browser)
    page.goto(live_server.url + reverse("info-index"))
    page.get_by_role("link", name="Your rights as a victim of crime").click()
    page.wait_for_url("**/your-rights/")
    page.get_by_role("link", name="Leave this site quickly").click()
    page.wait_for_url(NEUTRAL)
    page.go_back()
    # The rights page was replaced by the neutral site, so Back skips it.
    assert page.url == live_server.url + reverse("info-index")

    page.goto(live_server.url + reverse("info-complaints"))
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)
    context.close()


def test_the_pages_read_and_work_without_javascript(browser, live_server, listed_agency):
    context, page = _phone(browser, java_script_enabled=False)
    page.goto(live_server.url + reverse("info-support"))
    main = page.locator("main").inner_text()
    assert "Northshire Victim Services" in main and "0800 000 0101" in main
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_load_state()
    assert "Help am ddim" in page.locator("main").inner_text()
    page.get_by_role("link", name="Pob tudalen help").click()
    page.wait_for_url(live_server.url + reverse("info-index"))
    # Without script the way out is the plain link itself.
    page.get_by_role("link", name="Gadael y wefan hon yn gyflym").click()
    page.wait_for_url(NEUTRAL)
    context.close()
