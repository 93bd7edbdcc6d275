"""What referrals tell the apps above them, without knowing them.

A higher app (notifications) subscribes in its AppConfig.ready(); referrals publishes inside the
transaction that made the change, so a subscriber's rows (an outbox of notifications) commit or
roll back with it, and anything it hands to the broker goes through outbox.queue on commit.

Events and who listens:
- ReferralSentAutomatically: notifications tells the agency's staff a new referral is waiting.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReferralSentAutomatically:
    """VictimCare sent a victim service referral itself (Right 4); no officer pressed send."""

    referral: Any  # referrals.models.Referral, as just sent
    at: datetime.datetime


_subscribers: dict[type, list[Callable[[Any], None]]] = defaultdict(list)


def subscribe(event_type: type, handler: Callable[[Any], None]) -> None:
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def publish(event: object) -> None:
    for handler in _subscribers[type(event)]:
        handler(event)
