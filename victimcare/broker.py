"""kombu's Redis transport, with one fault closed: a worker that loses Redis while a task is in
hand must wait for Redis to return, not exit.

Celery 5.7 with kombu 5.7, on losing the broker, clears the connection's references first and
closes it after; closing puts any unacknowledged message back, which needs the references just
cleared, and the resulting AttributeError is not a connection error, so the worker stopped with
"Unrecoverable error" (the fault harness met it when Redis was stopped under load). Here a
channel whose connection is gone raises Redis's own ConnectionError, which every caller already
treats as the broker being away: the worker reconnects, and the unacknowledged message stays in
Redis until its visibility timeout returns it (and the notification outbox prompts again anyway).
"""

from kombu.transport import redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("the broker connection was already closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(redis.Transport):
    Channel = Channel
