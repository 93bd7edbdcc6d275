"""The one way work is handed to the broker from a request or a sweep: after the transaction
commits, and never at the cost of the write.

Every kind of work queued here has a row that says it is still to be done (a notification
waiting to be sent, an invitation not yet sent), so the message is only a prompt: when the broker
is unreachable the prompt is dropped with a log line, the request still succeeds, and the row's
own redelivery sweep sends it when the broker is back. Nothing personal is logged: only the
task's name and how many prompts were dropped.

The lowest layer: it knows Django and Celery, no app of ours, so any app may use it.
"""

import logging
from collections.abc import Iterable, Sequence

from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a publish raises when the broker is down or goes away mid-way.
BROKER_ERRORS = (KombuError, RedisError, OSError)


def publish(task, calls: Iterable[Sequence]) -> int:
    """Send one message per call (its positional arguments) now. Stops at the first failure: a
    broker that refused one will refuse the rest, and each try costs a timeout. Returns how many
    were sent; never raises for a broker fault."""
    calls = list(calls)
    sent = 0
    for args in calls:
        try:
            task.delay(*args)
        except BROKER_ERRORS as error:
            logger.warning(
                "broker unreachable: work left for its redelivery sweep",
                extra={
                    "task": task.name,
                    "not_queued": len(calls) - sent,
                    "error": type(error).__name__,
                },
            )
            break
        sent += 1
    return sent


def queue_on_commit(task, *args) -> None:
    """Queue one task once the current transaction commits (at once outside one)."""
    queue_many_on_commit(task, [args])


def queue_many_on_commit(task, calls: Iterable[Sequence]) -> None:
    """Queue one message per call once the current transaction commits, in one callback."""
    calls = [tuple(args) for args in calls]
    if calls:
        transaction.on_commit(lambda: publish(task, calls))
