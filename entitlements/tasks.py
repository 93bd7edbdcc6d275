from celery import shared_task

from . import services


@shared_task(name="entitlements.mark_missed")
def mark_missed() -> int:
    """Idempotent: a duty already marked missed is not selected again."""
    return services.mark_missed()


@shared_task(name="entitlements.flag_not_reachable")
def flag_not_reachable() -> int:
    """Idempotent: a duty already flagged is not selected again."""
    return len(services.flag_not_reachable())
