"""End to end: a real Celery beat process and a real worker, on the configured broker (the
filesystem by default, Redis in CI) and the test database, deliver one reminder."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from entitlements.models import Duty, DutyStatus
from notifications.models import Delivery, Kind, Notification
from tests.cases.factories import CaseFactory

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).parent / "celery")


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_beat_and_a_worker_deliver_one_reminder(tmp_path):
    case = CaseFactory()
    duty = Duty.objects.filter(case=case, status=DutyStatus.DUE).first()
    Duty.objects.filter(pk=duty.pk).update(due_at=timezone.now() + datetime.timedelta(hours=2))
    # Only the due-soon sweep, every second, so the test does not wait for the real schedule.
    PeriodicTask.objects.exclude(task="notifications.sweep_due_soon").update(enabled=False)
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.filter(task="notifications.sweep_due_soon").update(
        interval=every_second, enabled=True
    )

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": "consolemail://",
        "DJANGO_SETTINGS_MODULE": "victimcare.settings",
    }
    log = (tmp_path / "celery.log").open("w")
    worker = subprocess.Popen(
        [CELERY, "-A", "victimcare", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    beat = subprocess.Popen(
        [
            CELERY,
            "-A",
            "victimcare",
            "beat",
            "--loglevel=INFO",
            "--max-interval=1",
            "--schedule",
            str(tmp_path / "beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        sent = Notification.objects.filter(duty=duty, email_status=Delivery.SENT)
        while not sent.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(3)  # Beat keeps sweeping: give it time to try, and fail, to remind twice.
    finally:
        for process in (beat, worker):
            process.terminate()
        for process in (beat, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    output = (tmp_path / "celery.log").read_text()
    reminders = Notification.objects.filter(duty=duty, kind=Kind.DUE_SOON)
    assert reminders.count() == 1, output[-3000:]
    assert reminders.get().email_status == Delivery.SENT, output[-3000:]
    assert reminders.get().recipient == case.officer
