from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(name="surveys.invite_due")
def invite_due() -> int:
    return len(services.invite_due())


@shared_task(
    name="surveys.send_invitation",
    autoretry_for=(SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=10,
)
def send_invitation(invitation_id: int) -> str:
    return services.send_invitation(invitation_id)
