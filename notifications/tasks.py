"""Thin tasks. Each sweep is idempotent (unique rows); delivery claims each channel of its row
before sending, so a message delivered twice (redelivery, a retry) sends nothing twice."""

from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(name="notifications.sweep_due_soon")
def sweep_due_soon() -> int:
    return len(services.sweep_due_soon())


@shared_task(name="notifications.sweep_overdue")
def sweep_overdue(lookback_days: int = 7) -> int:
    return len(services.sweep_overdue(lookback_days=lookback_days))


@shared_task(name="notifications.sweep_escalations")
def sweep_escalations(working_days: int = 2) -> int:
    return len(services.sweep_escalations(working_days=working_days))


@shared_task(name="notifications.sweep_digests")
def sweep_digests() -> int:
    return len(services.sweep_digests())


@shared_task(
    name="notifications.deliver",
    autoretry_for=(SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    # Below the broker's visibility timeout (300 s), so a retry waiting in a worker is not
    # handed to a second worker as if it were lost.
    retry_backoff_max=240,
    retry_jitter=True,
    max_retries=10,
)
def deliver(notification_id: int) -> str:
    return services.deliver(notification_id)


@shared_task(name="notifications.sweep_referrals")
def sweep_referrals() -> int:
    return len(services.sweep_referrals())


@shared_task(name="notifications.redeliver")
def redeliver() -> int:
    return len(services.redeliver())
