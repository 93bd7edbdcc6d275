"""The public information pages: open to anyone, in plain English and Welsh, the Code's numbers
read from the rule rows in force, never an agency's internal contact details."""

import datetime
import re
from html import unescape

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from entitlements.models import DutyRule, Right, Trigger
from publicinfo import content
from referrals.models import AgencyKind
from tests.factories import AgencyFactory
from tests.victim import welsh
from tests.victim.readability import assert_reading_age

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 7, 12, tzinfo=datetime.UTC)

# Each page, the templates its words come from, and the queries it makes.
PAGES = {
    "info-index": (["publicinfo/index.html"], 0),
    "info-victims-code": (["publicinfo/victims_code.html", "publicinfo/_enhanced.html"], 2),
    "info-witnesses": (["publicinfo/witnesses.html"], 3),
    "info-special-measures": (["publicinfo/special_measures.html"], 1),
    "info-personal-statement": (["publicinfo/personal_statement.html"], 1),
    "info-complaints": (["publicinfo/complaints.html"], 2),
    "info-support": (["publicinfo/support.html"], 1),
    "info-young-people": (["publicinfo/young_people.html"], 2),
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def agency():
    return AgencyFactory(
        name="Northshire Victim Care",
        kind=AgencyKind.VICTIM_SERVICE,
        contact_email="referrals-inbox@internal.example",
        contact_phone="01234 999999",
        contact_route="Secure email to the hub",
        listed_publicly=True,
        public_summary_en="We help you cope and get back on track after a crime.",
        public_summary_cy="Rydyn ni'n eich helpu i ymdopi ar ôl trosedd.",
        self_referral_en="Call us or fill in the form on our website.",
        self_referral_cy="",
        public_phone="0800 000 0000",
        public_website="https://victimcare.example/",
    )


def _text(html: str) -> str:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_is_open_to_anyone_and_reads_at_age_nine_or_below(client, agency, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en-gb">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert_reading_age(html)


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_makes_a_bounded_number_of_queries(
    client, agency, name, django_assert_num_queries
):
    AgencyFactory(name="Second", listed_publicly=True, public_summary_en="More help.")
    with django_assert_num_queries(PAGES[name][1]):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_in_welsh_has_none_of_its_english_words(client, agency, name):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    html = client.get(reverse(name)).content.decode()
    assert '<html lang="cy">' in html
    text = _text(html)
    sources = {f"publicinfo/templates/{t}" for t in PAGES[name][0]} | {
        "publicinfo/content.py",
        "templates/victim/base.html",
    }
    english = [
        entry.msgid
        for entry in welsh.welsh_entries().values()
        if set(entry.references) & sources
        and len(entry.msgid.split()) >= 3
        and "%" not in entry.msgid
        and entry.msgid in text
    ]
    assert english == []


def test_the_rights_come_from_the_rule_rows_in_force_standard_and_enhanced(client):
    text = _text(client.get(reverse("info-victims-code")).content.decode())
    assert text.count("Right ") >= 12
    arrest = text.split("We will tell you if someone is arrested.", 1)[1][:200]
    assert arrest.startswith(
        " We will do this within 5 working days after the arrest. "
        "If you have enhanced rights, we will do it within 1 working day."
    )
    # Recording the crime: hours, not days, from the report.
    assert "We will do this within 24 hours after you report the crime." in text
    # A Witness Care Unit duty runs from when the unit gets the news.
    assert (
        "We will tell you the date, time and place of each time the court meets. We will do "
        "this within 1 working day after the Witness Care Unit gets the news."
    ) in text


def test_a_new_edition_of_a_rule_changes_the_page_from_the_day_it_is_in_force(client):
    old = DutyRule.objects.get(code="R7", effective_to__isnull=True)
    tomorrow = TODAY.date() + datetime.timedelta(days=1)
    old.effective_to = tomorrow
    old.save()
    old.pk = None
    old.effective_from, old.effective_to = tomorrow, None
    old.standard_working_days, old.enhanced_working_days = 3, 2
    old.save()

    def arrest_sentence():
        text = _text(client.get(reverse("info-victims-code")).content.decode())
        return text.split("We will tell you if someone is arrested.", 1)[1][:200]

    assert "within 5 working days" in arrest_sentence()
    with time_machine.travel(TODAY + datetime.timedelta(days=1), tick=False):
        assert arrest_sentence().startswith(
            " We will do this within 3 working days after the arrest. "
            "If you have enhanced rights, we will do it within 2 working days."
        )


def test_the_child_page_gives_the_enhanced_time_from_the_arrest_rule(client):
    text = _text(client.get(reverse("info-young-people")).content.decode())
    assert "we will tell you within 1 working day" in text


def test_the_witness_page_shows_the_charter_and_the_news_owed_to_witnesses(client):
    text = _text(client.get(reverse("info-witnesses")).content.decode())
    assert "See the court first" in text
    assert "We will tell you the date, time and place of each time the court meets." in text
    assert "We will tell you if someone is arrested." not in text  # owed to victims only


def test_the_complaints_page_gives_the_reply_and_review_times_from_the_rows(client):
    text = _text(client.get(reverse("info-complaints")).content.decode())
    assert (
        "If you make a complaint, we will reply. "
        "We will do this within 10 working days after we get your complaint."
    ) in text
    assert (
        "We will then tell you what we decide. "
        "We will do this within 30 working days after we get your request."
    ) in text


def test_the_time_is_counted_from_the_trigger_of_the_row(client):
    """The trigger is the row's: a rule moved to another trigger says so on the page."""
    DutyRule.objects.filter(code="R26").update(trigger="crime_reported")
    text = _text(client.get(reverse("info-complaints")).content.decode())
    assert "within 10 working days after you report the crime." in text


def test_support_lists_what_each_agency_offers_and_never_its_internal_contacts(client, agency):
    AgencyFactory(name="Unlisted Hub", listed_publicly=False, public_summary_en="Hidden.")
    AgencyFactory(name="Closed One", listed_publicly=True, is_active=False)
    html = client.get(reverse("info-support")).content.decode()
    text = _text(html)
    assert "Northshire Victim Care" in text and "cope and get back on track" in text
    assert "0800 000 0000" in text and 'href="https://victimcare.example/"' in html
    for secret in ("referrals-inbox@internal.example", "01234 999999", "Secure email to the hub"):
        assert secret not in html
    assert "Unlisted Hub" not in text and "Closed One" not in text


def test_support_in_welsh_uses_the_welsh_text_and_marks_english_it_falls_back_to(client, agency):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    html = client.get(reverse("info-support")).content.decode()
    assert '<p lang="cy">Rydyn ni&#x27;n eich helpu i ymdopi ar ôl trosedd.</p>' in html
    assert '<p lang="en-gb">Call us or fill in the form on our website.</p>' in html


def test_every_right_and_every_rule_in_force_has_words_for_victims():
    today = TODAY.date()
    for right in Right.objects.all():
        assert (right.scheme, right.number) in content.RIGHTS
    for number in Right.objects.filter(scheme=Right.Scheme.VICTIMS_CODE).values_list(
        "number", flat=True
    ):
        assert number in content.RIGHTS_FOR_CHILDREN
    codes = set(DutyRule.objects.in_force(today).values_list("code", flat=True))
    assert codes - set(content.RULES) == set()
    assert set(Trigger.values) == set(content.TRIGGERS)


def test_no_page_writes_a_rule_number_itself():
    """The day counts are the rows': a digit in a page's own words would be a rule written in a
    template (999 and Childline's number are phone numbers, not rules)."""
    for name in welsh.victim_templates():
        if not name.startswith("publicinfo/"):
            continue
        for _context, msgid in welsh.template_messages(name):
            digits = set(re.findall(r"\d+", msgid)) - {"999", "0800", "1111", "18"}
            assert not digits, f"{name}: {msgid}"
    for value in [*content.RULES.values(), *(t for pair in content.RIGHTS.values() for t in pair)]:
        assert not re.search(r"\d", str(value)), value
