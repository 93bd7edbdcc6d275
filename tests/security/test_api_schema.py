"""Schemathesis against the OpenAPI schema, in-process through the WSGI app, as each kind of API
user: an officer and a supervisor (signed in: a session cookie and the CSRF token, as the browser
sends them) and an agency system (its `Authorization: Token`). Every operation is sent generated
requests; no answer may be a server error, an undocumented status code, or a body or content type
other than the schema says.

Path ids are pointed at the seeded records the user may reach (a random id is only ever a 404),
so the generated bodies and filters reach the services. The examples are derandomised and bounded,
so a failure reproduces and the run stays short."""

import base64
import contextlib
import secrets
import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Role
from referrals import tokens
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

KINDS = ["officer", "supervisor", "agency_token"]
# Per operation and user: enough to reach every documented answer, few enough to stay quick.
MAX_EXAMPLES = 6


@pytest.fixture
def world(settings):
    # Schemathesis's WSGI client sends `Host: localhost`; production settings allow no host.
    settings.ALLOWED_HOSTS = ["localhost"]
    return build_world()


def credentials_of(kind: str, world) -> dict:
    """What the API user sends with every request: headers and cookies."""
    if kind == "agency_token":
        _, raw = tokens.issue_token(agency=world.agency, name="Case system", by=None)
        return {"headers": {"Authorization": f"Token {raw}"}, "cookies": {}}
    role = Role.OFFICER if kind == "officer" else Role.SUPERVISOR
    client = Client()
    client.force_login(world.users[role])
    csrf = secrets.token_hex(16)  # an unmasked secret: the cookie and the header must agree
    return {
        "headers": {"X-CSRFToken": csrf},
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
    }


@pytest.fixture(params=KINDS)
def credentials(request, world) -> dict:
    return credentials_of(request.param, world)


@pytest.fixture
def path_ids(world) -> dict:
    """For each operation path, the ids of a seeded record the signed-in users may reach."""
    case, referral = world.case.pk, world.referral.pk
    return {
        "/api/v1/cases/{id}/": {"id": case},
        "/api/v1/cases/{case_pk}/events/{id}/withdraw/": {"case_pk": case, "id": world.event.pk},
        "/api/v1/people/{id}/": {"id": world.person.pk},
        "/api/v1/offences/{id}/": {"id": world.case.offence_id},
        "/api/v1/agencies/{id}/": {"id": world.agency.pk},
        "/api/v1/event-kinds/{kind}/": {"kind": world.event.kind},
        "/api/v1/outcomes/{outcome}/": {"outcome": "charged"},
        "/api/v1/obligations/": {"id": world.duty.pk},
        "/api/v1/referrals/": {"id": referral},
        "/api/v1/cases/": {"case_pk": case},
    }


def _keep_generated(parameters: dict) -> bool:
    """One example in four keeps the generated ids (unknown, negative or huge: each must be a
    404, never a 500); the rest reach the seeded records."""
    return zlib.crc32(repr(sorted(parameters.items())).encode()) % 4 == 0


def _ids_for(path: str, path_ids: dict) -> dict:
    if path in path_ids:
        return path_ids[path]
    for prefix, ids in path_ids.items():
        if path.startswith(prefix):
            return ids
    return {}


def served_schema(credentials: dict):
    """The schema the project serves at /api/schema/ to this user, sending cases to the app."""
    client = Client(headers=credentials["headers"])
    for name, value in credentials["cookies"].items():
        client.cookies[name] = value
    response = client.get("/api/schema/", {"format": "json"}, HTTP_HOST="localhost")
    assert response.status_code == 200, response.content
    loaded = schemathesis.openapi.from_dict(response.json())
    loaded.app = get_wsgi_application()  # in-process: built after the test's settings are set
    return loaded


@contextlib.contextmanager
def transaction_kept_open():
    """Django closes the database connection when a request ends, which would end the test's
    transaction. Its test client unhooks that for each request (and hooks it back after, so this
    comes after any test client request); a WSGI client run in-process must unhook it too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(credentials):
    loaded = served_schema(credentials)
    with transaction_kept_open():
        yield loaded


def _failure(operation, exc: BaseException) -> str:
    return f"--- {operation.label}\n{type(exc).__name__}: {exc}"


def _exercise(operation, credentials: dict, path_ids: dict) -> None:
    """Generated requests to one operation, valid ones and invalid ones, each checked."""
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
        GenerationMode.NEGATIVE
    )

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case):
        if case.path_parameters and not _keep_generated(case.path_parameters):
            case.path_parameters = {
                **case.path_parameters,
                **_ids_for(case.operation.path, path_ids),
            }
        case.call_and_validate(
            headers=credentials["headers"], cookies=credentials["cookies"], checks=CHECKS
        )

    answers_as_documented()


def test_the_api_answers_as_its_schema_says(api_schema, credentials, path_ids):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 30  # the whole API, not an empty or partial schema

    failures = []
    for operation in operations:
        try:
            _exercise(operation, credentials, path_ids)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # each operation is tried; the failures are reported together
            failures.append(_failure(operation, exc))

    assert not failures, "\n\n".join(failures)


# --- what schemathesis found, pinned one by one --------------------------------------------------


@pytest.fixture
def as_officer(world):
    credentials = credentials_of("officer", world)
    loaded = served_schema(credentials)

    def send(method: str, path: str, **parts):
        case = loaded[path][method].Case(**parts)
        return case.call_and_validate(
            headers=credentials["headers"], cookies=credentials["cookies"], checks=CHECKS
        )

    with transaction_kept_open():
        yield send


def test_me_answers_null_for_a_police_users_agency_as_documented(as_officer):
    response = as_officer("GET", "/api/me/")

    assert response.json()["agency"] is None


def test_a_case_with_no_outcome_yet_is_answered_as_documented(as_officer, world):
    response = as_officer("GET", "/api/v1/cases/{id}/", path_parameters={"id": world.case.pk})

    assert response.json()["outcome"] == ""


def test_a_person_with_no_email_is_answered_as_documented(as_officer, world):
    response = as_officer("GET", "/api/v1/people/{id}/", path_parameters={"id": world.person.pk})

    assert response.json()["email"] == ""


def test_an_event_dated_before_1900_is_refused_with_a_field_error(as_officer, world):
    # London's clock in 352 was offset by -00:01:15, which the answer could not write in ISO 8601.
    response = as_officer(
        "POST",
        "/api/v1/cases/{case_pk}/events/",
        path_parameters={"case_pk": world.case.pk},
        body={"kind": "rui", "occurred_at": "0352-02-09T09:56:02Z"},
        media_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"occurred_at": ["Enter a date and time from 1900 onwards."]}


def test_a_duty_met_before_1900_is_refused_with_a_field_error(as_officer, world):
    response = as_officer(
        "POST",
        "/api/v1/obligations/{id}/meet/",
        path_parameters={"id": world.duty.pk},
        body={"note": "Phoned", "at": "1899-12-31T23:59:59Z"},
        media_type="application/json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["at"]


def test_an_id_filter_past_64_bits_is_a_field_error_not_a_server_error(as_officer):
    response = as_officer("GET", "/api/v1/obligations/", query={"team": str(10**27)})

    assert response.status_code == 400
    assert list(response.json()) == ["team"]


@pytest.mark.parametrize("huge", [2**63, 10**30])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/{id}/",
        "/api/v1/people/{id}/",
        "/api/v1/obligations/{id}/",
        "/api/v1/referrals/{id}/",
    ],
)
def test_an_id_past_64_bits_in_a_path_is_not_found_not_a_server_error(as_officer, path, huge):
    # Sent past the schema's own maximum, so built by hand rather than by the schema.
    response = as_officer("GET", path, path_parameters={"id": huge})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        base64.b64encode(b"p=2026-07-03T08:40:35&i=1").decode(),  # no offset: a naive moment
        base64.b64encode(b"p=0001-01-01T00:00:00+23:00&i=1").decode(),  # before the year 1 in UTC
        base64.b64encode(b"p=2026-07-03T08:40:35+00:00&i=" + str(2**63).encode()).decode(),
    ],
)
def test_a_cursor_the_api_did_not_make_is_a_documented_404(as_officer, cursor):
    for path in ("/api/v1/cases/", "/api/v1/obligations/", "/api/v1/referrals/"):
        assert as_officer("GET", path, query={"cursor": cursor}).status_code == 404


def test_a_page_past_the_last_and_a_bad_filter_are_documented_answers(as_officer, world):
    events = {"path_parameters": {"case_pk": world.case.pk}, "query": {"page": 999}}
    assert as_officer("GET", "/api/v1/cases/{case_pk}/events/", **events).status_code == 404
    assert as_officer("GET", "/api/v1/referrals/", query={"status": "lost"}).status_code == 400


def test_an_agency_refused_the_police_lists_gets_a_documented_403(world):
    credentials = credentials_of("agency_token", world)
    loaded = served_schema(credentials)
    with transaction_kept_open():
        case = loaded["/api/teams/"]["GET"].Case()
        response = case.call_and_validate(headers=credentials["headers"], checks=CHECKS)

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/cases/", "reported_after"),
        ("/api/v1/obligations/", "due_before"),
        ("/api/v1/referrals/", "respond_by_before"),
    ],
)
def test_a_moment_filter_with_any_valid_offset_is_answered_not_a_server_error(
    as_officer, path, parameter
):
    # PostgreSQL refuses an offset past 15:59 hours: the filter turns the moment to UTC first.
    far_offset = as_officer("GET", path, query={parameter: "2026-07-03T08:40:35+23:49"})
    overflowing = as_officer("GET", path, query={parameter: "0001-01-01T00:00:00+23:00"})

    assert far_offset.status_code == 200
    assert overflowing.status_code == 400
    assert list(overflowing.json()) == [parameter]
