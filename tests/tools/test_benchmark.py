"""generate_force and benchmark keep working at a small size (on PostgreSQL: the generator uses
generate_series and server-side random numbers)."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import Case, Party
from compliance.models import DutyOutcomeDay
from entitlements.models import Duty

pytestmark = pytest.mark.django_db


def run(command: str, *args, **options) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


def test_generate_force_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=true"):
        run("generate_force", victims=100)


def test_generate_force_refuses_sqlite_with_a_clear_message(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        run("generate_force", victims=100)


@pytest.mark.postgresql
def test_generate_a_small_force_then_benchmark_it(settings):
    if connection.vendor != "postgresql":
        pytest.skip(
            "generate_force writes with PostgreSQL's generate_series: set DATABASE_URL to a "
            "PostgreSQL database (CI runs the suite on PostgreSQL too)"
        )
    settings.DEBUG = True
    output = run("generate_force", victims=400, seed=3)
    parties = Party.objects.count()
    assert parties == 400
    assert Case.objects.count() == 320
    # Every table it fills is reported with its row count and time.
    for table in ("cases_case", "cases_party", "entitlements_duty", "cases_contact"):
        assert re.search(rf"^{table}\s+[\d,]+ rows\s+[\d.]+ s$", output, re.M), table
    duties = Duty.objects.count()
    assert duties > 5 * parties
    # Duties follow the rules: every victim is owed the written acknowledgement, and the
    # deadline is 23:59:59 London time.
    acknowledgements = Duty.objects.filter(rule__code="R2")
    assert acknowledgements.count() == Party.objects.filter(role="victim").count()
    assert {d.due_at.astimezone(_london()).time().isoformat() for d in acknowledgements} == {
        "23:59:59"
    }
    assert set(Duty.objects.values_list("status", flat=True)) >= {"met", "met_late", "missed"}
    assert DutyOutcomeDay.objects.exists()

    # The throughput part serves the database through gunicorn, which cannot see this test's
    # uncommitted rows: test_throughput.py tries it on committed ones.
    report = run("benchmark", repeat=2, sweep_repeat=1, throughput_seconds=0)
    # The 300-victim case it times is made inside a transaction rolled back afterwards.
    assert Party.objects.count() == parties
    assert re.search(r"^machine: \d+ cores, .*PostgreSQL \d+", report, re.M)
    for label in (
        "force dashboard, 12 months",
        "team dashboard, 12 months",
        "overdue worklist, busiest team",
        "case page, case with many records",
        "case page, 300 victims",
        "officer's home, busiest officer",
        "force dashboard, 12 months, age under 18",
        "force dashboard, 12 months, enhanced only",
        "API list /api/v1/cases/",
        "hand-written SQL floor, force",
        "dashboard duty figures via summary, team",
        "sweep notifications.sweep_overdue",
        "sweep entitlements.mark_missed",
        "summary update, 200 duties met",
        "public information, your rights",
        "Track my case, the victim's page",
    ):
        assert re.search(rf"^{re.escape(label)}\s+[\d.]+\s+[\d.]+\s+[\d-]+\s", report, re.M), label
    assert len(re.findall(r" (PASS|MISS)\b", report)) >= 9


def _london():
    from entitlements.calendar import LONDON

    return LONDON
