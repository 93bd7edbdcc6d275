import os
from pathlib import Path

import pytest

from accounts.models import Role

from .factories import make_user

# CI sets this so that a test which would skip for want of Chromium, PostgreSQL or Redis fails.
REQUIRE_ALL = os.environ.get("VICTIMCARE_REQUIRE_ALL") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # A `postgresql` test skips on SQLite even then: CI runs the whole suite on PostgreSQL too.
    postgresql_only = item.get_closest_marker("postgresql") is not None
    if report.skipped and REQUIRE_ALL and not hasattr(report, "wasxfail") and not postgresql_only:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under VICTIMCARE_REQUIRE_ALL=1, which forbids skips: {reason}"
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def user_with_role(db):
    return make_user


@pytest.fixture
def officer(db):
    return make_user(Role.OFFICER)


@pytest.fixture
def supervisor(db):
    return make_user(Role.SUPERVISOR)


@pytest.fixture
def agency_user(db):
    return make_user(Role.AGENCY)


@pytest.fixture
def administrator(db):
    return make_user(Role.ADMIN)


@pytest.fixture(scope="session", autouse=True)
def _empty_filesystem_broker():
    # Messages left by an earlier run would be consumed by this run's worker test.
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    queue = options.get("data_folder_in")
    if queue:
        for message in Path(queue).glob("*"):
            message.unlink()
    if settings.CELERY_BROKER_URL.startswith("redis"):
        from victimcare.celery import app

        app.control.purge()  # an aborted earlier run may have left messages in Redis


@pytest.fixture(autouse=True)
def _equality_values_read_afresh():
    # The equality filters' recorded values are cached for 10 minutes, and on Redis the cache
    # outlives a test: one cached by an earlier test could expire between a page's two counted
    # requests and add their two queries to the second. Each test starts without them.
    from django.core.cache import cache

    cache.delete_many([f"compliance:recorded:{field}" for field in ("sex", "ethnicity")])


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing is deliberately slow; tests create many users and check no hash strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Rows that data migrations seed: reference data and beat schedules. A transactional test (live
# server, real worker) ends by emptying every table, so the next one puts them back first.
SEEDS = [
    ("cases.migrations.0002_reference_data", "seed"),
    ("cases.migrations.0008_case_edit_policy", "seed"),
    ("cases.migrations.0010_seed_contact_outcomes", "seed"),
    ("cases.migrations.0016_persistent_targeting", "seed"),
    ("entitlements.migrations.0002_code_catalogue", "seed"),
    ("entitlements.migrations.0003_mark_missed_schedule", "create"),
    ("entitlements.migrations.0009_reach_policy_seed", "both"),
    ("entitlements.migrations.0013_reopening_rule", "seed"),
    ("entitlements.migrations.0016_current_edition", "group"),
    ("entitlements.migrations.0020_guidance_from_rules", "seed"),
    ("entitlements.migrations.0023_vps_stage_rules", "seed"),
    ("notifications.migrations.0002_schedules", "create"),
    ("health.migrations.0002_heartbeat_schedule", "create_schedule"),
    ("referrals.migrations.0003_referral_policy", "seed"),
    ("referrals.migrations.0008_seed_sharing_exceptions", "seed"),
    ("notifications.migrations.0004_referral_schedule", "create"),
    ("referrals.migrations.0010_automatic_referral_schedule", "create"),
    ("notifications.migrations.0006_redelivery_schedule", "create"),
    ("surveys.migrations.0002_seed", "seed"),
    ("surveys.migrations.0007_welsh_text", "seed"),
    ("surveys.migrations.0003_schedule", "create"),
    ("retention.migrations.0002_seed_rules", "seed"),
    ("retention.migrations.0003_schedule", "create"),
    ("assurance.migrations.0002_checklist", "seed"),
    ("compliance.migrations.0002_refresh_schedule", "create"),
    ("compliance.migrations.0009_update_every_minute", "schedule"),
    ("compliance.migrations.0015_seed_return_template", "seed"),
    ("counting.migrations.0002_seed", "seed"),
    ("portal.migrations.0002_seed_and_schedule", "create"),
]


def _seed() -> None:
    import importlib

    from django.apps import apps

    from cases.models import OffenceCategory

    if OffenceCategory.objects.exists():
        return
    for module, function in SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return (
        "live_server" in names
        or "transactional_db" in names
        or (marker is not None and bool(marker.kwargs.get("transaction")))
    )


# Set once a test has actually had the transactional database (a test skipped before it, e.g.
# for want of Chromium, emptied nothing, and the test database may not even exist yet).
EMPTIED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # Under pytest-xdist a process runs whole files in the order it is given them, so a test in
    # a transaction can come after a transactional one that ended by emptying every table: put
    # the seeded rows back at once, committed, for whatever runs next in this process.
    result = yield
    # After the last test the session's teardown has already dropped the test database.
    if nextitem is not None and item.stash.get(EMPTIED, False):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _seed()
    return result


@pytest.fixture(autouse=True)
def _seeded_rows(request):
    if not _transactional(request.node):
        return
    request.getfixturevalue("transactional_db")
    request.node.stash[EMPTIED] = True
    _seed()
