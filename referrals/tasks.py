from celery import shared_task

from . import automatic


@shared_task(name="referrals.send_automatic")
def send_automatic() -> int:
    """Right 4: send the victim service referrals VictimCare may send itself. Idempotent: a
    referral is moved from draft under a row lock, so a second run sends nothing twice."""
    return len(automatic.send_due_referrals())
