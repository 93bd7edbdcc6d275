"""A worker's main process killed with SIGKILL: each pool process hears of it as SIGTERM, and one
in the middle of a send finishes the send and its record before it dies, instead of leaving a
claim that would be sent late or twice."""

import os
import signal

import pytest
from billiard.common import reset_signals

from notifications import services as notify
from notifications.models import Delivery, Notification
from outbox import worker
from tests.notifications import test_sweeps as given
from tests.notifications.test_outbox import due_soon_reminder
from tests.notifications.test_sweeps import THURSDAY

team, officer = given.team, given.officer


def in_a_child(body) -> tuple[list[str], int]:
    """Run body(say) in a forked process; what it said, and how it ended."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        os.close(read)
        say = lambda text: os.write(write, text.encode() + b"\n")  # noqa: E731
        try:
            body(say)
        except SystemExit:
            say("exited cleanly")
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as said:
        lines = said.read().splitlines()
    _, status = os.waitpid(pid, 0)
    return lines, status


def start_like_a_pool_process() -> None:
    """As billiard starts one: Celery's initializer (our hook), then billiard's own handlers."""
    worker.protect_pool_process()
    reset_signals()


def test_a_sigterm_inside_the_section_waits_for_its_end():
    def body(say):
        start_like_a_pool_process()
        with worker.unbroken():
            os.kill(os.getpid(), signal.SIGTERM)
            say("finished the send after the signal")
        say("lived on after the section")

    said, _ = in_a_child(body)

    assert said == ["finished the send after the signal", "exited cleanly"]


def test_a_sigterm_outside_the_section_is_the_pools_at_once():
    def body(say):
        start_like_a_pool_process()
        with worker.unbroken():
            say("sent")
        os.kill(os.getpid(), signal.SIGTERM)
        say("lived on")

    said, _ = in_a_child(body)

    assert said == ["sent", "exited cleanly"]


def test_the_parent_killed_with_sigkill_lets_the_section_finish():
    go_read, go_write = os.pipe()
    ready_read, ready_write = os.pipe()

    def parent(say):
        if os.fork() == 0:  # the pool process
            start_like_a_pool_process()
            try:
                with worker.unbroken():
                    os.write(ready_write, b"x")
                    os.read(go_read, 1)  # its parent is killed meanwhile
                    say(f"asked to die: {worker._asked_to_die is not None}")
                    say("recorded the send")
                say("lived on after the section")
            except SystemExit:
                say("exited cleanly")
            os._exit(0)
        os.read(ready_read, 1)
        say("parent ready")
        os.kill(os.getpid(), signal.SIGKILL)

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            parent(lambda text: os.write(write, text.encode() + b"\n"))
        finally:
            os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)  # the parent has died: the pool process was signalled
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    os.write(go_write, b"x")
    with os.fdopen(read) as said:  # closed when the pool process has ended too
        lines = said.read().splitlines()

    assert lines == ["parent ready", "asked to die: True", "recorded the send", "exited cleanly"]


@pytest.mark.django_db
def test_a_reminder_is_recorded_sent_before_a_worker_told_to_die_dies(
    officer, team, mailoutbox, monkeypatch
):
    [pk] = due_soon_reminder(officer, team)
    states_at_death = []
    monkeypatch.setattr(
        worker,
        "_hand_on",
        lambda signum, frame: states_at_death.append(Notification.objects.get(pk=pk).email_status),
    )
    monkeypatch.setattr(worker, "_asked_to_die", None)
    real_send = notify.send_mail

    def send_then_signalled(*args, **kwargs):
        real_send(*args, **kwargs)
        worker._on_sigterm(signal.SIGTERM, None)  # the parent was killed mid-send

    monkeypatch.setattr(notify, "send_mail", send_then_signalled)

    assert notify.deliver(pk, now=THURSDAY) == "sent"

    assert states_at_death == [Delivery.SENT]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == notify.message_id(
        Notification.objects.get(pk=pk)
    )
