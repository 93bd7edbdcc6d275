import pytest
from django.db import transaction
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from health import services, tasks
from health.models import Heartbeat


@pytest.mark.django_db
def test_healthz_reports_database_and_broker_without_sign_in(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["heartbeat"] == {"last_run_at": None, "age_seconds": None, "run_count": 0}


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    from victimcare.celery import app

    # Port 1 on loopback refuses connections: a real failed connection, not a mock.
    original = app.conf.broker_write_url
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.conf.broker_write_url = original
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"
    assert response.json()["status"] == "unavailable"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    monkeypatch.setattr(services, "database_ok", lambda: False)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_heartbeat_shows_on_healthz_and_counts_each_run(client):
    tasks.heartbeat()
    tasks.heartbeat()
    beat = Heartbeat.objects.get(name=services.BEAT)
    assert beat.run_count == 2
    body = client.get(reverse("healthz")).json()
    assert body["heartbeat"]["run_count"] == 2
    assert body["heartbeat"]["last_run_at"] == beat.last_run_at.isoformat()


@pytest.mark.django_db
def test_heartbeat_is_scheduled_in_the_database_for_beat():
    task = PeriodicTask.objects.get(name="Heartbeat")
    assert task.task == tasks.heartbeat.name
    assert task.enabled
    assert task.interval.every == 60


@pytest.mark.django_db
def test_task_queued_inside_a_transaction_is_sent_only_on_commit(
    django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasks.heartbeat, "apply_async", lambda *a, **k: sent.append(1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        tasks.heartbeat.delay_on_commit()
        assert sent == []
    assert len(callbacks) == 1
    assert sent == [1]


@pytest.mark.django_db
def test_health_check_command_fails_on_a_stale_heartbeat():
    from datetime import timedelta

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    services.record_heartbeat(now=timezone.now() - timedelta(minutes=10))
    with pytest.raises(CommandError, match="stale"):
        call_command("health_check", "--max-heartbeat-age", "300")
    services.record_heartbeat()
    call_command("health_check", "--max-heartbeat-age", "300", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_livez_answers_ok_without_sign_in_and_without_the_database(client, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(*args, **kwargs):
        raise AssertionError("livez must not touch the database")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = client.get(reverse("livez"))
    assert response.status_code == 200
    assert response.content == b"ok"
