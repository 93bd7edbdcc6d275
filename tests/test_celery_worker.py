"""A real Celery worker consumes from the configured broker: files by default, Redis in CI."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from health import tasks
from health.models import Heartbeat
from victimcare.celery import app


@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_task_sent_through_the_broker():
    broker = app.conf.broker_url
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        tasks.heartbeat.delay()
        # Generous: on a loaded 2-core machine the worker thread can take long to start polling.
        deadline = time.monotonic() + 60
        while not Heartbeat.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert Heartbeat.objects.get().run_count == 1, f"no heartbeat through {broker.split(':')[0]}"
