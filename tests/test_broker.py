"""A worker that loses Redis while a message is unacknowledged waits for Redis to come back
(victimcare/broker.py): closing the lost connection is a connection error, which every caller
ignores, not an AttributeError that stopped the worker."""

import runpy

import pytest
from kombu import Connection
from redis.exceptions import ConnectionError as RedisConnectionError

from victimcare.broker import Transport

REDIS = "redis://127.0.0.1:6379/13"


@pytest.fixture
def connection():
    conn = Connection(REDIS, transport=Transport)
    try:
        conn.default_channel.client.ping()
    except RedisConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    yield conn
    conn.release()


def test_closing_a_lost_connection_with_a_message_unacknowledged_does_not_raise(
    connection, monkeypatch
):
    channel = connection.default_channel
    channel.qos._delivered["a-delivery-tag"] = object()  # a task in hand, not yet acknowledged
    # Redis has gone while the worker waited for messages: the first close fails half-way.
    gone = RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    monkeypatch.setattr(channel, "_in_poll", True)
    monkeypatch.setattr(channel, "_brpop_read", lambda: (_ for _ in ()).throw(gone))
    # What Celery's consumer does on losing the broker: clear the references, then close.
    connection.collect()
    monkeypatch.setattr(channel, "_in_poll", False)

    connection.close()  # would raise AttributeError with kombu's own transport

    assert channel.closed


def test_a_channel_whose_connection_is_gone_reports_a_connection_error(connection):
    channel = connection.default_channel
    connection.collect()

    with pytest.raises(RedisConnectionError):
        channel._connparams()


def test_the_redis_broker_uses_this_transport(monkeypatch):
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    assert runpy.run_path("victimcare/settings.py")["CELERY_BROKER_TRANSPORT"] == (
        "victimcare.broker:Transport"
    )
    monkeypatch.setenv("CELERY_BROKER_URL", "filesystem://")
    assert "CELERY_BROKER_TRANSPORT" not in runpy.run_path("victimcare/settings.py")
