"""Thin tasks. Each send claims its row (pending to sent, under a row lock) before anything goes,
so a message delivered twice sends nothing twice; the sweep is set-based and idempotent."""

from smtplib import SMTPException

from celery import shared_task

from . import services

RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 240,
    "retry_jitter": True,
    "max_retries": 10,
}


@shared_task(name="portal.send_link", **RETRY)
def send_link(access_id: int) -> str:
    return services.send_link(access_id)


@shared_task(name="portal.send_code", **RETRY)
def send_code(access_id: int) -> str:
    return services.send_code(access_id)


@shared_task(name="portal.send_urgent", **RETRY)
def send_urgent(attempt_id: int) -> str:
    return services.send_urgent(attempt_id)


@shared_task(name="portal.sweep")
def sweep() -> dict:
    return services.sweep()
