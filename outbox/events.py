"""Named in-process events: how an app tells the apps above it what happened without importing
them.

An app keeps one `Channel` in its `events.py` beside the event classes it publishes; an app above
subscribes its handlers in `AppConfig.ready()`. A handler runs synchronously, inside the
transaction of the service that published, in the order the handlers were subscribed: the order
of the subscribing apps in INSTALLED_APPS (entitlements before referrals for cases.events, which
tests/architecture/test_events.py pins). So a write and what it causes (a
duty, a proposal, a notification row) commit or roll back together, and anything that leaves the
process goes through `outbox.queue` on commit. Imports no models: an AppConfig may import it.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Handler = Callable[[Any], object]


class Channel:
    """The events of one app and who listens to each."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: dict[type, list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type, handler: Handler) -> None:
        if handler not in self._handlers[event_type]:
            self._handlers[event_type].append(handler)

    def publish(self, event: object) -> None:
        for handler in self._handlers[type(event)]:
            handler(event)

    def handlers(self, event_type: type) -> list[Handler]:
        return list(self._handlers[event_type])
