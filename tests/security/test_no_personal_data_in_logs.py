"""No personal data in the logs or on the error pages.

With DEBUG off (production), a request that fails (a server error, a 404 on a case, a refusal, a
bad request) is answered with a page that names nobody, and what the JSON logs on stdout write
about it holds none of the victim's details: not from the request body, the query string, or an
exception's message. The logs are read from the project's own configured handler, so the test
sees exactly what production would write."""

import io
import json
import logging
from unittest import mock

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import include, path, reverse

from accounts.models import Role
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import TeamFactory, make_user

# The victim: every one of these must stay out of pages and logs.
VICTIM = {
    "first_name": "Philippa",
    "last_name": "Quenington",
    "email": "philippa.quenington@example.com",
    "phone": "07700 900461",
    "postcode": "NT9 4QZ",
    "address": "7 Larkspur Close, Northtown",
}
SECRETS = [
    VICTIM["first_name"],
    VICTIM["last_name"],
    VICTIM["email"],
    VICTIM["phone"],
    VICTIM["postcode"],
    "Larkspur",
]
WHO = f"{VICTIM['first_name']} {VICTIM['last_name']} <{VICTIM['email']}> {VICTIM['phone']}"


# --- views that fail with the victim's details in hand (this module is the test URLconf) -------


def raises_server_error(request):
    raise RuntimeError(f"Could not write to {WHO} at {VICTIM['postcode']}")


def raises_not_found(request):
    raise Http404(f"No case for {WHO}")


def raises_forbidden(request):
    raise PermissionDenied(f"{WHO} is on a restricted case")


def raises_bad_request(request):
    raise BadRequest(f"Cannot parse the details of {WHO}")


urlpatterns = [
    path("boom/500/", raises_server_error),
    path("boom/404/", raises_not_found),
    path("boom/403/", raises_forbidden),
    path("boom/400/", raises_bad_request),
    path("", include("victimcare.urls")),
]
# The project's error handlers, as its own URLconf names them.
from victimcare import urls as _project_urls  # noqa: E402

for _code in (400, 403, 404, 500):
    _handler = getattr(_project_urls, f"handler{_code}", None)
    if _handler is not None:
        globals()[f"handler{_code}"] = _handler

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _production_posture(settings):
    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    settings.ALLOWED_HOSTS = ["testserver"]


@pytest.fixture
def log_output():
    """What the project's configured stdout handler writes, one JSON object a line."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "stdout")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def records(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def assert_no_personal_data(text: str) -> None:
    leaked = [secret for secret in SECRETS if secret.lower() in text.lower()]
    assert not leaked, f"personal data {leaked} in: {text[:2000]}"


@pytest.fixture
def officer_case():
    officer = make_user(Role.OFFICER)
    case = CaseFactory(officer=officer, team=TeamFactory(), victim=dict(VICTIM))
    return officer, case


@pytest.fixture
def officer_client(officer_case):
    client = Client(raise_request_exception=False)
    client.force_login(officer_case[0])
    return client


# --- error pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [("/boom/500/", 500), ("/boom/404/", 404), ("/boom/403/", 403), ("/boom/400/", 400)],
)
def test_an_error_page_shows_nothing_of_the_exception_that_named_the_victim(
    officer_client, log_output, url, status
):
    response = officer_client.get(url, {"q": WHO})

    assert response.status_code == status
    assert_no_personal_data(response.content.decode())
    logged = records(log_output)
    assert logged, "the failure was not logged at all"
    assert_no_personal_data(log_output.getvalue())


def test_a_server_error_is_logged_with_where_it_happened_but_not_its_message(
    officer_client, log_output
):
    officer_client.get("/boom/500/")

    (entry,) = [r for r in records(log_output) if r["logger"] == "django.request"]
    assert entry["level"] == "ERROR"
    assert entry["message"] == "Internal Server Error: /boom/500/"
    assert "raises_server_error" in entry["exc_info"]  # the frame is kept, to find the bug
    assert "RuntimeError" in entry["exc_info"]
    assert_no_personal_data(json.dumps(entry))


def test_a_404_on_a_case_logs_the_path_but_not_the_name_searched_for(officer_client, log_output):
    response = officer_client.get(
        reverse("case-detail", args=[999_999]), {"q": WHO, "postcode": VICTIM["postcode"]}
    )

    assert response.status_code == 404
    assert_no_personal_data(response.content.decode())
    (entry,) = [r for r in records(log_output) if r["logger"] == "django.request"]
    assert entry["message"] == f"Not Found: {reverse('case-detail', args=[999_999])}"
    assert_no_personal_data(log_output.getvalue())


def test_an_api_request_that_fails_in_a_service_logs_none_of_its_body(
    officer_client, officer_case, log_output
):
    _, case = officer_case
    person = victim_of(case).person
    with mock.patch(
        "cases.services.update_person",
        side_effect=RuntimeError(f"constraint failed for {WHO}"),
    ):
        response = officer_client.patch(
            reverse("api-person-detail", args=[person.pk]),
            data=json.dumps({**VICTIM, "version": person.version}),
            content_type="application/json",
        )

    assert response.status_code == 500
    assert_no_personal_data(response.content.decode())
    assert [r["logger"] for r in records(log_output)].count("django.request") == 1
    assert_no_personal_data(log_output.getvalue())


def test_an_api_validation_error_logs_only_the_path(officer_client, officer_case, log_output):
    _, case = officer_case
    person = victim_of(case).person

    response = officer_client.patch(
        reverse("api-person-detail", args=[person.pk]),
        data=json.dumps({"email": f"{VICTIM['last_name']} at home", "version": person.version}),
        content_type="application/json",
    )

    assert response.status_code == 400
    (entry,) = [r for r in records(log_output) if r["logger"] == "django.request"]
    assert entry["message"] == f"Bad Request: {reverse('api-person-detail', args=[person.pk])}"
    assert_no_personal_data(log_output.getvalue())


def _person_form(case, **changes) -> tuple[str, dict]:
    party = victim_of(case)
    url = reverse("person-edit", args=[case.pk, party.pk])
    data = {**VICTIM, "preferred_language": "English", "version": party.person.version, **changes}
    return url, data


def test_a_form_error_is_shown_to_the_officer_and_not_logged(
    officer_client, officer_case, log_output
):
    url, data = _person_form(officer_case[1], email="Quenington at home")

    response = officer_client.post(f"{url}?name={VICTIM['last_name']}", data)

    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    assert_no_personal_data(log_output.getvalue())


def test_a_page_whose_service_fails_shows_and_logs_nothing_personal(
    officer_client, officer_case, log_output
):
    url, data = _person_form(officer_case[1])
    with mock.patch(
        "cases.services.update_person",
        side_effect=RuntimeError(f"constraint failed for {WHO}"),
    ):
        response = officer_client.post(f"{url}?name={VICTIM['last_name']}", data)

    assert response.status_code == 500
    assert_no_personal_data(response.content.decode())
    (entry,) = [r for r in records(log_output) if r["logger"] == "django.request"]
    assert entry["message"] == f"Internal Server Error: {url}"
    assert_no_personal_data(log_output.getvalue())


# --- the formatter itself ------------------------------------------------------------------------


def _format(record: logging.LogRecord) -> dict:
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "stdout")
    return json.loads(handler.formatter.format(record))


def test_a_chained_exception_keeps_every_frame_and_no_message():
    try:
        try:
            raise ValueError(f"duplicate key (email)=({VICTIM['email']})")
        except ValueError as inner:
            raise RuntimeError(f"could not save {WHO}") from inner
    except RuntimeError as exc:
        record = logging.makeLogRecord(
            {"name": "cases", "levelno": logging.ERROR, "levelname": "ERROR", "msg": "failed"}
        )
        record.exc_info = (type(exc), exc, exc.__traceback__)

    entry = _format(record)

    assert "ValueError: (message withheld" in entry["exc_info"]
    assert "direct cause" in entry["exc_info"]
    assert "RuntimeError: (message withheld" in entry["exc_info"]
    assert "test_a_chained_exception_keeps_every_frame_and_no_message" in entry["exc_info"]
    assert_no_personal_data(json.dumps(entry))


def test_a_url_in_a_message_loses_its_query_string_but_keeps_its_path():
    record = logging.makeLogRecord(
        {
            "name": "django.security.csrf",
            "levelno": logging.WARNING,
            "levelname": "WARNING",
            "msg": "Forbidden (Referer checking failed - %s does not match): %s",
            "args": (f"https://example.org/cases/?q={VICTIM['last_name']}", "/cases/1/"),
        }
    )

    entry = _format(record)

    assert entry["message"] == (
        "Forbidden (Referer checking failed - https://example.org/cases/?… does not match): "
        "/cases/1/"
    )
