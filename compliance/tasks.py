from celery import shared_task
from django.utils import timezone

from . import summary


@shared_task(name="compliance.refresh_summary")
def refresh_summary() -> int:
    """Idempotent: rebuilds the dashboard summary whole from the records (nightly)."""
    return summary.refresh(now=timezone.now())


@shared_task(name="compliance.update_summary")
def update_summary() -> int:
    """Idempotent: counts again what changed since the last update (every minute)."""
    return summary.update(now=timezone.now())
