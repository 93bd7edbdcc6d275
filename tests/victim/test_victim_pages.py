"""The victim pages' foundation: the language a victim chose (English elsewhere), the headers
that keep the pages out of search engines and referrer logs, and the shared base template."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from victimsite.middleware import VictimPagesMiddleware

from .readability import main_text_blocks, measured_text, reading_age


def _page(request):
    return HttpResponse(
        f"{translation.get_language()}|{render_to_string('victim/base.html', request=request)}"
    )


def _through_middleware(path, cookie=None):
    request = RequestFactory().get(path)
    if cookie is not None:
        request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = cookie
    return VictimPagesMiddleware(_page)(request)


def test_a_victim_page_is_in_the_language_chosen_and_keeps_out_of_search_and_referrers():
    response = _through_middleware("/information/", cookie="cy")
    language, html = response.content.decode().split("|", 1)
    assert language == "cy"
    assert '<html lang="cy">' in html
    assert "Gadael y wefan hon yn gyflym" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Content-Language"] == "cy"
    assert "Cookie" in response["Vary"]
    # The thread is English again for whatever it serves next.
    assert translation.get_language() == "en-gb"


@pytest.mark.parametrize("cookie", [None, "", "fr", "de-de", "cy;"])
def test_a_victim_page_with_no_valid_choice_is_english(cookie):
    language, html = _through_middleware("/s/abc/", cookie=cookie).content.decode().split("|", 1)
    assert language == "en-gb" and '<html lang="en-gb">' in html
    assert "Leave this site quickly" in html


def test_a_staff_page_is_english_whatever_the_cookie_says():
    response = _through_middleware("/cases/", cookie="cy")
    assert response.content.decode().startswith("en-gb|")
    assert "X-Robots-Tag" not in response


@pytest.mark.django_db
def test_the_switch_remembers_the_choice_for_the_session_and_goes_back_to_the_page(client):
    response = client.get(reverse("victim-language"), {"lang": "cy", "next": "/s/token/?a=1"})
    assert response.status_code == 302 and response["Location"] == "/s/token/?a=1"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "cy" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # gone when the browser closes
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/information/", "/cases/", "", None]
)
def test_the_switch_never_sends_the_victim_elsewhere(client, next_url):
    query = {"lang": "en-gb"} | ({} if next_url is None else {"next": next_url})
    response = client.get(reverse("victim-language"), query)
    assert response["Location"] == settings.VICTIM_HOME_PATH


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"lang": "fr"}, {}])
def test_the_switch_knows_only_the_site_languages(client, query):
    response = client.get(reverse("victim-language"), query | {"next": "/s/t/"})
    assert response.status_code == 302 and response["Location"] == "/s/t/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_base_template_offers_the_other_language_and_a_way_out_without_script():
    request = RequestFactory().get("/information/rights/")
    with translation.override("en-gb"):
        html = render_to_string("victim/base.html", request=request)
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert 'href="https://www.bbc.co.uk/weather"' in html and "data-leave-site" in html
    assert 'href="/language/?lang=cy&amp;next=/information/rights/"' in html
    assert 'lang="cy"' in html and ">Cymraeg<" in html
    assert "/static/js/leave-site.js" in html
    with translation.override("cy"):
        html = render_to_string("victim/base.html", request=request)
    assert ">English<" in html and 'href="/language/?lang=en-gb&amp;' in html


def test_the_way_out_replaces_the_page_and_answers_the_escape_key():
    script = (settings.BASE_DIR / "static" / "js" / "leave-site.js").read_text()
    assert "location.replace(" in script and '"Escape"' in script


def test_reading_age_measures_main_only_one_sentence_a_block():
    html = (
        "<header><p>Notwithstanding extraordinarily complicated administrative terminology</p>"
        "</header><main><h1>Your rights</h1><ul><li>We will tell you what is going on</li>"
        "<li>You can ask for help at any time</li></ul><nav><p>Incomprehensible</p></nav></main>"
        "<footer>Unnecessarily bureaucratic considerations</footer>"
    )
    assert main_text_blocks(html) == [
        "Your rights",
        "We will tell you what is going on",
        "You can ask for help at any time",
    ]
    assert measured_text(html) == (
        "We will tell you what is going on. You can ask for help at any time."
    )
    assert reading_age(html) <= 9
    hard = (
        "<main><p>Notwithstanding the aforementioned considerations, the investigating "
        "constabulary shall endeavour to communicate developments expeditiously.</p></main>"
    )
    assert reading_age(hard) > 9
