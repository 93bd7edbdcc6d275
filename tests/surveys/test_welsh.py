"""The survey page in the language the victim chose: the page's words from locale/cy, the
questions and choices from the survey's Welsh rows, the answers kept in English."""

import pytest
from django.conf import settings
from django.urls import reverse

from surveys import services
from surveys.models import Answer, Invitation
from tests.victim import welsh
from tests.victim.readability import assert_reading_age

from .test_services import make_invitation, questions

pytestmark = pytest.mark.django_db

SURVEY_TEMPLATES = {
    f"surveys/templates/surveys/{name}.html"
    for name in ("answer", "closed", "thanks", "confirm_empty", "public_base")
}


def _url(invitation) -> str:
    return reverse("survey", args=[services.link_token(invitation)])


def _english_left(html: str) -> list[str]:
    sources = SURVEY_TEMPLATES | {"surveys/models.py", "templates/victim/base.html"}
    return [
        entry.msgid
        for entry in welsh.welsh_entries().values()
        if set(entry.references) & sources
        and len(entry.msgid.split()) >= 2
        and "%" not in entry.msgid
        and f">{entry.msgid}<" in html
    ]


def test_the_survey_in_english_reads_at_age_nine_or_below(client):
    response = client.get(_url(make_invitation()))
    assert '<html lang="en-gb">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert_reading_age(response.content.decode())


def test_the_survey_in_welsh_has_welsh_questions_scale_and_words(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    html = client.get(_url(make_invitation())).content.decode()
    assert '<html lang="cy">' in html
    assert "Sut wnaethon ni?" in html  # the survey's Welsh name
    assert "Pa mor fodlon oeddech chi â pha mor hawdd oedd cysylltu â ni?" in html
    assert ">Bodlon iawn<" in html and ">Cewch<" in html
    assert "Anfon fy atebion" in html
    assert _english_left(html) == []
    assert "How satisfied" not in html


def test_a_choice_answered_in_welsh_is_kept_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    invitation = make_invitation()
    consent = questions()["consent"]
    response = client.post(_url(invitation), {f"q{consent.pk}": "Yes", "finish": "1"})
    assert "Diolch" in response.content.decode()
    assert Answer.objects.get(invitation=invitation, question=consent).choice == "Yes"
    assert Invitation.objects.get(pk=invitation.pk).contact_consent is True


@pytest.mark.parametrize("state_page", ["closed", "used"])
def test_a_closed_link_is_kind_in_welsh_too(client, state_page):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    invitation = make_invitation()
    if state_page == "used":
        treatment = questions()["treatment"]
        client.post(_url(invitation), {f"q{treatment.pk}": "2", "finish": "1"})
        html = client.get(_url(invitation)).content.decode()
        assert "Rydych chi wedi ateb yn barod" in html
    else:
        html = client.get(reverse("survey", args=["not-a-token"])).content.decode()
        assert "Doedden ni ddim yn gallu dod o hyd i'r arolwg hwn" in html.replace("&#x27;", "'")
    assert _english_left(html) == []


def test_staff_pages_stay_english_with_the_welsh_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    html = client.get(reverse("login")).content.decode()
    assert "Gadael" not in html and 'lang="cy"' not in html
