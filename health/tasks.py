from celery import shared_task

from . import services


@shared_task(name="health.heartbeat")
def heartbeat() -> None:
    services.record_heartbeat()
