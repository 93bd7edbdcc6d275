"""With a reporting replica configured, the dashboard's and the pack's figures are read from it and
nothing else is; without one, or inside a transaction, every read stays on the primary."""

import csv
import datetime
import io

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from cases.models import Case
from compliance import summary
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import TeamFactory, make_user
from victimcare.db_routers import REPORTING, reporting_db, reporting_reads

# What the figures are read from: duties, cases, the summary tables, quality assurance.
REPORT_TABLES = ("entitlements_duty", "cases_case", "compliance_", "assurance_")


@pytest.fixture(scope="class")
def replica_alias(django_db_setup):
    """A `reporting` alias on the test database, as REPORTING_DATABASE_URL makes one under test
    (TEST MIRROR): a connection of its own, so what it is asked is told apart from the primary.
    Made before each test's database access is allowed (a class fixture), so the tests can name
    it; they are transactional, as a second connection sees only what was committed."""
    primary = connections["default"].settings_dict
    connections.settings[REPORTING] = {**primary, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    yield
    connections[REPORTING].close()
    del connections[REPORTING]
    del connections.settings[REPORTING]


@pytest.fixture
def replica(replica_alias):
    return connections[REPORTING]


@pytest.fixture
def supervised_june(transactional_db):
    supervisor = make_user(Role.SUPERVISOR)
    team = TeamFactory(name="Harbour")
    accounts_services.add_to_team(team=team, user=supervisor, is_supervisor=True)
    case = case_with(reported_at=datetime.datetime(2026, 6, 1, 9, tzinfo=UTC), team=team)
    duty(case, S.MET, due_at=datetime.datetime(2026, 6, 10, 12, tzinfo=UTC))
    duty(case, S.MISSED, due_at=datetime.datetime(2026, 6, 11, 12, tzinfo=UTC))
    return supervisor


def _tables(queries) -> set[str]:
    """The report tables the queries read from (a join to one, as the menu's bell does to find
    the user's notifications, is not a report)."""
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    return {table for table in REPORT_TABLES if f'FROM "{table}' in sql}


@pytest.mark.django_db(transaction=True)
def test_without_a_replica_the_dashboard_reads_the_primary(client, supervised_june):
    assert reporting_db() == "default"
    client.force_login(supervised_june)
    with CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(reverse("compliance-dashboard"))
    assert response.status_code == 200
    assert "entitlements_duty" in _tables(primary)


@pytest.mark.django_db(transaction=True, databases=["default", REPORTING])
class TestWithAReplica:
    @pytest.mark.parametrize("rebuilt", [False, True], ids=["live", "from the summary"])
    def test_the_dashboard_reads_its_figures_from_the_replica(
        self, client, replica, supervised_june, rebuilt
    ):
        if rebuilt:
            summary.refresh()
        client.force_login(supervised_june)
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(replica) as reporting,
        ):
            response = client.get(
                reverse("compliance-dashboard"), {"start": "2026-06-01", "end": "2026-06-30"}
            )
        assert response.status_code == 200
        assert "Harbour" in response.content.decode()
        assert {"entitlements_duty", "compliance_"} <= _tables(reporting)
        assert _tables(primary) == set()  # the session and the user, the menus: nothing reported

    def test_the_pack_reads_its_figures_from_the_replica(self, client, replica, supervised_june):
        summary.refresh()
        client.force_login(supervised_june)
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(replica) as reporting,
        ):
            response = client.get(reverse("compliance-pack-csv"), {"month": "2026-06"})
        rows = csv.reader(io.StringIO(response.content.decode()))
        r7 = {r[3]: r[4] for r in rows if r[0] == "Duties by rule" and r[1].endswith("(rule R7)")}
        # The replica's rows (the test database's, committed): one of two R7 duties met on time.
        assert (r7["fell due"], r7["missed"], r7["% on time"]) == ("2", "1", "50.0")
        assert {"entitlements_duty", "compliance_"} <= _tables(reporting)
        assert _tables(primary) == set()

    def test_inside_a_transaction_reads_stay_on_the_primary(self, replica):
        with transaction.atomic():
            team = TeamFactory(name="Uncommitted")
            with reporting_reads() as alias, CaptureQueriesContext(replica) as reporting:
                seen = type(team).objects.filter(pk=team.pk).exists()
        assert alias == "default"
        assert seen  # the replica could not have seen it
        assert not reporting.captured_queries

    def test_what_is_read_from_the_replica_is_written_to_the_primary(
        self, replica, supervised_june
    ):
        with reporting_reads() as alias:
            case = Case.objects.get()
        assert (alias, case._state.db) == (REPORTING, REPORTING)
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(replica) as reporting,
        ):
            case.offence_summary = "Changed on the primary"
            case.save(update_fields=["offence_summary"])
        assert not reporting.captured_queries
        assert any(query["sql"].startswith("UPDATE") for query in primary.captured_queries)
