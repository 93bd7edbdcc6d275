"""The letters a victim is sent are made in the language their record prefers (issue 20):
Welsh when it says Welsh, English otherwise, whoever downloads or sends them. The words are read
back out of the PDF; the day counts still come from the rule rows in force."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from entitlements import letters
from tests.cases.factories import CaseFactory, offence, victim_of

from .test_letters_pdf import LONDON_NOON, page_text, pdf_text

pytestmark = pytest.mark.django_db

NEXT_MORNING = datetime.datetime(2026, 3, 3, 9, 0, tzinfo=datetime.UTC)


def _case(preferred_language: str, **kwargs):
    with time_machine.travel(LONDON_NOON, tick=False):
        return CaseFactory(
            victim={
                "first_name": "Ana",
                "last_name": "Lee",
                "email": "ana@example.com",
                "preferred_language": preferred_language,
            },
            reported_at=LONDON_NOON,
            occurred_at=LONDON_NOON - datetime.timedelta(hours=3),
            **kwargs,
        )


def _pdf(client, case, name):
    client.force_login(case.officer)
    url = reverse(f"{name}-pdf", kwargs={"pk": case.pk, "party_pk": victim_of(case).pk})
    response = client.get(url)
    assert response.status_code == 200
    return pdf_text(response)


@time_machine.travel(NEXT_MORNING, tick=False)
@pytest.mark.parametrize("preferred", ["Welsh", "Cymraeg", " welsh "])
def test_a_person_who_prefers_welsh_gets_the_acknowledgement_in_welsh(client, preferred):
    case = _case(preferred)
    text = _pdf(client, case, "acknowledgement")
    for line in (
        "Annwyl Ana,",
        f"Cyfeirnod y drosedd: {case.crime_reference}",
        # Django's date filter names the day and month in the active language.
        "Dyddiad yr adroddiad: Dydd Llun 2 Mawrth 2026",
        f"Y swyddog sy'n delio â'r achos: {case.officer.get_full_name()}",
        "Os ydych chi mewn perygl, ffoniwch 999.",
        "Swyddogol: sensitif.",
        "1 / 1",  # the page number, in no language
    ):
        assert line in text, line
    for english in ("Dear Ana", "Reported on", "March", "Monday", "in danger", "Page 1"):
        assert english not in text, english


@time_machine.travel(NEXT_MORNING, tick=False)
@pytest.mark.parametrize("preferred", ["English", "Polish", "cymru"])
def test_anyone_else_gets_the_acknowledgement_in_english(client, preferred):
    case = _case(preferred)
    text = _pdf(client, case, "acknowledgement")
    assert "Dear Ana," in text and "Reported on: Monday 2 March 2026" in text
    assert "Official: sensitive." in text and "1 / 1" in text and "Page" not in text
    assert "Annwyl" not in text and "Mawrth" not in text


def test_a_person_who_prefers_welsh_gets_your_rights_in_welsh_with_the_rules_days(client):
    case = _case("Welsh", offence=offence("abh_domestic"))
    text = _pdf(client, case, "your-rights")
    for words in (
        "Eich hawliau fel dioddefwr trosedd",
        f"I Ana Lee, cyfeirnod y drosedd {case.crime_reference}.",
        "Mae gennych hawl i hawliau uwch.",
        # Right 1 and Right 6 in the public pages' Welsh words.
        "Deall a chael eich deall.",
        # The enhanced timescale from the arrest rule row, in Welsh.
        "o fewn 1 diwrnod gwaith.",
        "Os ydych chi mewn perygl, ffoniwch 999.",
    ):
        assert words in text, words
    for english in ("Your rights as a victim", "enhanced rights", "working day", "Official"):
        assert english not in text, english


def test_an_english_speaker_gets_your_rights_in_english(client):
    case = _case("English")
    text = _pdf(client, case, "your-rights")
    assert "Your rights as a victim of crime" in text and "within 5 working days." in text
    assert "Understand and be understood." in text
    assert "Eich hawliau" not in text and "diwrnod gwaith" not in text


def test_the_staff_page_stays_english_around_a_welsh_letter(client):
    case = _case("Welsh")
    client.force_login(case.officer)
    url = reverse("your-rights", kwargs={"pk": case.pk, "party_pk": victim_of(case).pk})
    page = page_text(client.get(url))
    assert "Back to case" in page and "Download this summary (PDF)" in page
    assert "Eich hawliau fel dioddefwr trosedd" in page


def test_the_letter_does_not_change_the_language_of_the_request(rf):
    case = _case("Welsh")
    with translation.override("en-gb"):
        letters.your_rights_letter(victim_of(case))
        assert translation.get_language() == "en-gb"


def test_the_acknowledgement_email_is_in_welsh_for_a_welsh_speaker(
    client, django_capture_on_commit_callbacks
):
    case = _case("Welsh")
    victim = victim_of(case)
    client.force_login(case.officer)
    url = reverse("acknowledgement", kwargs={"pk": case.pk, "party_pk": victim.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"delivery": "email"})
    [email] = mail.outbox
    assert email.subject == f"Cyfeirnod eich trosedd {case.crime_reference}"
    assert email.body.startswith("Annwyl Ana,") and "Dear" not in email.body
