from celery import shared_task
from django.utils import timezone

from . import summary


@shared_task(name="compliance.refresh_summary")
def refresh_summary() -> int:
    """Idempotent: rebuilds the dashboard summary from the duties, whatever it held before."""
    return summary.refresh(now=timezone.now())
