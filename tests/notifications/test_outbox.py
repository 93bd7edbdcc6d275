"""The outbox: a reminder whose prompt never reached a worker (broker down at commit, worker
killed while queueing) is queued again by the redelivery sweep, and sending is claimed and
recorded so that no prompt, however often repeated, sends anything twice."""

import datetime
import logging
from smtplib import SMTPException

import pytest
from django.db import OperationalError
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError as BrokerDown

from notifications import services as notify
from notifications import tasks
from notifications.models import Delivery, Notification
from outbox import queue
from tests.notifications import test_sweeps as given
from tests.notifications.test_sweeps import (
    DAY,
    MINUTE,
    SATURDAY,
    THURSDAY,
    VICTIM,
    arrest,
    make_case,
)

pytestmark = pytest.mark.django_db

team, officer, supervisor = given.team, given.officer, given.supervisor

LATER = datetime.timedelta(seconds=121)  # past NOTIFICATION_REDELIVER_AFTER


@pytest.fixture
def prompts(monkeypatch):
    """The broker as workers see it: the notification ids prompted, in order."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.deliver, "delay", sent.append)
    return sent


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliver, "apply_async", refuse)


def overdue_reminders(officer, team, n=3) -> list[int]:
    for _ in range(n):
        arrest(make_case(officer, team))
    return notify.sweep_overdue(now=SATURDAY)


def due_soon_reminder(officer, team) -> list[int]:
    arrest(make_case(officer, team))
    return notify.sweep_due_soon(now=THURSDAY)


def test_a_sweep_made_while_the_broker_is_down_is_sent_when_it_is_back(
    officer, supervisor, team, broker_down, django_capture_on_commit_callbacks, caplog, monkeypatch
):
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        ids = overdue_reminders(officer, team)
    assert len(ids) == 6  # the officer and the supervisor, for each of 3 duties
    assert "broker unreachable" in caplog.text
    assert VICTIM["last_name"] not in caplog.text and "Overdue" not in caplog.text
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Delivery.PENDING}

    monkeypatch.undo()  # the broker is back
    sent = []
    monkeypatch.setattr(tasks.deliver, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.redeliver(now=SATURDAY + MINUTE) == []  # too soon: it may be on its way
    with django_capture_on_commit_callbacks(execute=True):
        again = notify.redeliver(now=SATURDAY + LATER)
    assert sorted(again) == sorted(ids) == sorted(sent)


def test_the_broker_refusing_stops_the_rest_being_tried_one_by_one(monkeypatch):
    tries = []

    def refuse(*args):
        tries.append(args)
        raise BrokerDown("down")

    monkeypatch.setattr(tasks.deliver, "delay", refuse)
    assert queue.publish(tasks.deliver, [(1,), (2,), (3,)]) == 0
    assert tries == [(1,)]


def test_reminders_committed_but_never_queued_are_queued_once_per_interval(
    officer, team, prompts, django_capture_on_commit_callbacks
):
    # The worker was killed after the sweep committed and before it queued: no prompt at all.
    with django_capture_on_commit_callbacks(execute=False):
        ids = overdue_reminders(officer, team)
    assert prompts == []

    with django_capture_on_commit_callbacks(execute=True):
        assert sorted(notify.redeliver(now=SATURDAY + LATER)) == sorted(ids)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.redeliver(now=SATURDAY + LATER + MINUTE) == []  # just prompted
    with django_capture_on_commit_callbacks(execute=True):
        assert sorted(notify.redeliver(now=SATURDAY + 2 * LATER)) == sorted(ids)
    assert len(prompts) == 2 * len(ids)


def test_delivering_every_prompt_twice_sends_each_reminder_once(
    officer, supervisor, team, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        ids = overdue_reminders(officer, team)
    with django_capture_on_commit_callbacks(execute=False):
        again = notify.redeliver(now=SATURDAY + LATER)
    for pk in ids + again:
        notify.deliver(pk, now=SATURDAY + LATER)

    assert len(mailoutbox) == len(ids) == 6
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Delivery.SENT}
    assert notify.redeliver(now=SATURDAY + 3 * LATER) == []


def test_a_reminder_claimed_by_another_worker_is_not_sent_again(officer, team, mailoutbox):
    [pk] = due_soon_reminder(officer, team)
    Notification.objects.filter(pk=pk).update(email_status=Delivery.SENDING, claimed_at=THURSDAY)

    assert notify.deliver(pk, now=THURSDAY) == "nothing to send"
    assert mailoutbox == []
    assert notify.redeliver(now=THURSDAY + LATER) == []  # its worker may still be sending


def test_a_claim_never_recorded_is_released_and_sent(officer, team, mailoutbox):
    [pk] = due_soon_reminder(officer, team)
    # Its worker was killed between claiming and recording: ten minutes on, it is sent again
    # (it may have gone once; a reminder twice is better than none).
    Notification.objects.filter(pk=pk).update(email_status=Delivery.SENDING, claimed_at=THURSDAY)

    assert notify.redeliver(now=THURSDAY + 11 * MINUTE) == [pk]
    assert notify.deliver(pk, now=THURSDAY + 11 * MINUTE) == "sent"
    assert len(mailoutbox) == 1


def test_a_send_that_fails_is_released_for_the_retry(officer, team, mailoutbox, monkeypatch):
    [pk] = due_soon_reminder(officer, team)

    def smtp_down(*args, **kwargs):
        raise SMTPException("421 try later")

    monkeypatch.setattr(notify, "send_mail", smtp_down)
    with pytest.raises(SMTPException):
        notify.deliver(pk, now=THURSDAY)
    assert Notification.objects.get(pk=pk).email_status == Delivery.PENDING

    monkeypatch.undo()
    assert notify.deliver(pk, now=THURSDAY + MINUTE) == "sent"
    assert len(mailoutbox) == 1


class DatabaseRestarting:
    """The write recording a send fails `times` times, as while PostgreSQL restarts."""

    def __init__(self, monkeypatch, times):
        self.left, self.pauses = times, []
        real = notify.Notification.objects.filter

        def filter_(*args, **kwargs):
            rows = real(*args, **kwargs)
            if kwargs.get("email_status") == Delivery.SENDING and self.left:
                self.left -= 1
                raise OperationalError("server closed the connection unexpectedly")
            return rows

        monkeypatch.setattr(notify.Notification.objects, "filter", filter_)
        monkeypatch.setattr(notify.time, "sleep", self.pauses.append)


def test_a_send_is_recorded_once_the_database_is_back(officer, team, mailoutbox, monkeypatch):
    [pk] = due_soon_reminder(officer, team)
    restart = DatabaseRestarting(monkeypatch, times=4)

    assert notify.deliver(pk, now=THURSDAY) == "sent"

    assert restart.pauses == [0.25, 0.5, 1.0, 2.0]  # backing off
    monkeypatch.undo()
    assert Notification.objects.get(pk=pk).email_status == Delivery.SENT
    assert notify.deliver(pk, now=THURSDAY + MINUTE) == "nothing to send"
    assert notify.redeliver(now=THURSDAY + DAY) == []
    assert len(mailoutbox) == 1


def test_a_database_away_for_over_a_minute_leaves_the_claim_to_expire(
    officer, team, mailoutbox, monkeypatch
):
    [pk] = due_soon_reminder(officer, team)
    restart = DatabaseRestarting(monkeypatch, times=1000)

    with pytest.raises(OperationalError):
        notify.deliver(pk, now=THURSDAY)

    assert sum(restart.pauses) >= notify.RECORD_RETRY_SECONDS
    assert sum(restart.pauses) < notify.RECORD_RETRY_SECONDS + 10
    monkeypatch.undo()
    assert Notification.objects.get(pk=pk).email_status == Delivery.SENDING
    assert len(mailoutbox) == 1


def test_the_redelivery_sweep_reads_a_bounded_number_of_queries(
    officer, team, django_assert_max_num_queries, django_capture_on_commit_callbacks, prompts
):
    with django_capture_on_commit_callbacks(execute=False):
        overdue_reminders(officer, team, n=5)
    # two releases of expired claims, the locked read, the update (and the savepoint's two)
    with django_assert_max_num_queries(6):
        assert len(notify.redeliver(now=SATURDAY + LATER)) == 5


def test_the_redelivery_sweep_runs_every_minute():
    task = PeriodicTask.objects.get(task="notifications.redeliver")
    assert task.enabled and task.interval.every == 60 and task.interval.period == "seconds"
    assert tasks.redeliver.name == "notifications.redeliver"


def test_redis_redelivers_an_unacknowledged_message_within_minutes(monkeypatch):
    import runpy

    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    found = runpy.run_path("victimcare/settings.py")
    assert found["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] == 300
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "120")
    found = runpy.run_path("victimcare/settings.py")
    assert found["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] == 120
    assert found["CELERY_TASK_ACKS_LATE"] and found["CELERY_TASK_REJECT_ON_WORKER_LOST"]
