"""What referrals tell the apps above them, without knowing them.

A higher app (notifications) subscribes in its AppConfig.ready(); referrals publishes inside the
transaction that made the change, so a subscriber's rows (an outbox of notifications) commit or
roll back with it, and anything it hands to the broker goes through outbox.queue on commit.

Events and who listens:
- ReferralSentAutomatically: notifications tells the agency's staff a new referral is waiting.
- ReferralWithdrawn: notifications tells the agency's staff to stop (the police withdrew it, or
  the victim withdrew consent).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from outbox.events import Channel


@dataclass(frozen=True)
class ReferralSentAutomatically:
    """VictimCare sent a victim service referral itself (Right 4); no officer pressed send."""

    referral: Any  # referrals.models.Referral, as just sent
    at: datetime.datetime


@dataclass(frozen=True)
class ReferralWithdrawn:
    """The police withdrew a sent referral, or the victim withdrew their consent to it."""

    referral: Any  # referrals.models.Referral, as just changed
    at: datetime.datetime
    consent: bool  # True: consent withdrawn; False: the police withdrew the referral


channel = Channel("referrals")
subscribe = channel.subscribe
publish = channel.publish
