import os

from celery import Celery
from celery.signals import worker_process_init

from outbox.worker import protect_pool_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")

app = Celery("victimcare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _finish_the_send_in_hand(**kwargs):
    """A pool process outliving its killed parent by the few milliseconds of a send and its
    record (outbox.worker)."""
    protect_pool_process()
