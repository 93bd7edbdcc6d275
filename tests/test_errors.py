"""A request that meets the database restarting is answered 503 with Retry-After (a page, or JSON
on the API), not the 500 page; any other failure is still a 500."""

import pytest
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import include, path

from victimcare import urls as project_urls


def database_restarting(request):
    raise OperationalError("terminating connection due to administrator command")


def connection_gone(request):
    raise InterfaceError("connection already closed")


def broken(request):
    raise RuntimeError("a bug")


def session_not_saved(request):
    # What SessionMiddleware raises when the database goes away as it saves the session.
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError as error:
        raise SessionInterrupted("The request's session was deleted") from error


def suspicious(request):
    raise SuspiciousOperation("a forged header")


urlpatterns = [
    path("down/", database_restarting),
    path("api/v1/down/", database_restarting),
    path("gone/", connection_gone),
    path("broken/", broken),
    path("api/v1/session/", session_not_saved),
    path("suspicious/", suspicious),
    path("", include("victimcare.urls")),
]
handler500 = project_urls.handler500
handler400 = project_urls.handler400

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def client(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.fixture
def signed_in(client, django_user_model):
    client.force_login(django_user_model.objects.create(username="officer-errors"))
    return client


@pytest.mark.parametrize("url", ["/down/", "/gone/"])
def test_a_page_meeting_the_database_restarting_asks_to_try_again(signed_in, url):
    answer = signed_in.get(url)

    assert answer.status_code == 503
    assert answer["Retry-After"] == "5"
    assert "briefly unavailable" in answer.content.decode()


def test_the_api_meeting_the_database_restarting_answers_503_in_json(signed_in):
    answer = signed_in.post("/api/v1/down/", {}, content_type="application/json")

    assert answer.status_code == 503
    assert answer["Retry-After"] == "5"
    assert answer.json() == {
        "detail": "The service is briefly unavailable. Please try again in a few seconds."
    }


def test_any_other_failure_is_still_the_500_page(signed_in):
    answer = signed_in.get("/broken/")

    assert answer.status_code == 500
    assert "Retry-After" not in answer
    assert "Something went wrong" in answer.content.decode()


def test_a_session_the_database_could_not_save_is_503_not_400(signed_in):
    answer = signed_in.post("/api/v1/session/", {}, content_type="application/json")

    assert answer.status_code == 503
    assert answer["Retry-After"] == "5"


def test_any_other_bad_request_is_still_400(signed_in):
    answer = signed_in.get("/suspicious/")

    assert answer.status_code == 400
    assert "Retry-After" not in answer
