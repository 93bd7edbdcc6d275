from celery import shared_task

from . import services


@shared_task(name="retention.assign")
def assign_retention() -> dict:
    """Idempotent: a case keeps its row and rule; only new cases and moved anchors are written."""
    return services.assign_retention()
