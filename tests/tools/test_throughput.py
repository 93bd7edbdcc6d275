"""The benchmark's throughput part: pages served by a real gunicorn on this test database."""

import pytest
from django.db import connection

from accounts.models import Role
from accounts.services import add_to_team
from tests.cases.factories import CaseFactory
from tests.factories import TeamFactory, make_user
from tools import throughput

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer():
    if connection.vendor != "postgresql":
        pytest.skip(
            "gunicorn reads the test database from another process, which SQLite's in-memory "
            "test database does not allow (CI runs the suite on PostgreSQL too)"
        )
    officer = make_user(Role.OFFICER)
    team = TeamFactory()
    add_to_team(team=team, user=officer)
    CaseFactory(officer=officer, team=team)
    return officer


def test_pages_are_counted_against_the_trivial_view_through_gunicorn(officer):
    trivial, rates = throughput.measure(
        [("officer's home", "/home/officer/", officer)], seconds=0.5, clients=2, workers=1
    )
    assert trivial.requests > 0 and trivial.errors == 0
    (home,) = rates
    assert home.label == "officer's home"
    assert home.requests > 0 and home.errors == 0
    assert home.per_second == home.requests / home.seconds


def test_a_page_that_does_not_answer_200_stops_the_run_with_the_servers_words(officer):
    with pytest.raises(RuntimeError, match="answered 403"):
        throughput.measure(
            [("supervisor's home", "/home/supervisor/", officer)], seconds=0.2, workers=1
        )
