"""Sweeps and deliveries run from queues of their own, and some worker consumes every queue a task
is routed to: in production (docker-compose.yml), under `make run` (Procfile.dev) and for a worker
started without -Q (the fault harness, the tests)."""

import shlex
from pathlib import Path

import pytest
import yaml
from django_celery_beat.models import PeriodicTask

from victimcare.celery import app

ROOT = Path(__file__).resolve().parent.parent

# Messages that go out to a person: never behind a sweep. The outbox's redelivery sweep and the
# heartbeat go with them (victimcare/settings.py says why).
DELIVERY = {
    "notifications.deliver",
    "surveys.send_invitation",
    "notifications.redeliver",
    "health.heartbeat",
    # Track my case: links, codes, urgent news, and the sweep that retries urgent news every
    # few minutes (it must not wait behind a long sweep).
    "portal.send_link",
    "portal.send_code",
    "portal.send_urgent",
    "portal.sweep",
}


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def _ours() -> list[str]:
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def _routed_queues() -> set[str]:
    return {_queue(name) for name in _ours()} | {app.conf.task_default_queue}


def _consumed(command: list[str]) -> set[str]:
    """The queues a `celery worker` command line consumes: its -Q, else every declared queue."""
    for flag in ("-Q", "--queues"):
        if flag in command:
            return set(command[command.index(flag) + 1].split(","))
    return set(app.amqp.queues)


def test_every_task_of_ours_chooses_its_queue():
    undecided = [name for name in _ours() if _queue(name) == app.conf.task_default_queue]
    assert not undecided, f"route these in CELERY_TASK_ROUTES: {undecided}"


def test_deliveries_go_to_the_delivery_queue():
    assert {name: _queue(name) for name in DELIVERY} == dict.fromkeys(DELIVERY, "delivery")


@pytest.mark.django_db
def test_every_scheduled_sweep_goes_to_the_sweeps_queue():
    scheduled = set(PeriodicTask.objects.values_list("task", flat=True))
    sweeps = scheduled - DELIVERY
    assert "compliance.refresh_summary" in sweeps  # the long one (minutes at force scale)
    assert {name: _queue(name) for name in sweeps} == dict.fromkeys(sweeps, "sweeps")
    # Nor does a schedule pin a queue of its own past the routes.
    assert not PeriodicTask.objects.exclude(queue__isnull=True).exclude(queue="").exists()


def test_a_worker_without_queues_named_consumes_every_routed_queue():
    assert _routed_queues() <= set(app.amqp.queues)


def test_the_compose_workers_together_consume_every_routed_queue():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    workers = {
        name: service["command"]
        for name, service in compose["services"].items()
        if service.get("command", [])[3:4] == ["worker"]
    }
    assert set(workers) == {"worker-delivery", "worker-sweeps"}
    consumed = {name: _consumed(command) for name, command in workers.items()}
    # Nothing a sweep does waits on the worker that delivers, nor the other way round.
    assert consumed["worker-sweeps"] == {"sweeps"}
    assert "sweeps" not in consumed["worker-delivery"]
    assert _routed_queues() <= set().union(*consumed.values())


def test_make_run_has_one_worker_consuming_every_routed_queue():
    commands = dict(
        line.split(":", 1)
        for line in (ROOT / "Procfile.dev").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert _routed_queues() <= _consumed(shlex.split(commands["worker"]))
