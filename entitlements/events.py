"""What entitlements tells the apps above it, without knowing them.

A higher app (notifications) subscribes in its AppConfig.ready(); entitlements publishes inside
the transaction that made the change, so a subscriber's rows (notifications, an outbox) commit
or roll back with it.

Events and who listens:
- DutiesNotReachable: notifications prompts the duties' owners to try another safe way, and
  tells the team's supervisors (their "cannot reach" list).
"""

import datetime
from dataclasses import dataclass

from outbox.events import Channel


@dataclass(frozen=True)
class DutiesNotReachable:
    """These duties were flagged "not reachable" by one run of the reach sweep, just now: each
    is published once, since a flagged duty is never flagged again."""

    duty_ids: tuple[int, ...]
    at: datetime.datetime


channel = Channel("entitlements")
subscribe = channel.subscribe
publish = channel.publish
