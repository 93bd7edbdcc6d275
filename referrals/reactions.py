"""The support a victim should be offered when something happens to their case: referrals'
handlers of cases.events, subscribed in ReferralsConfig.ready() (after entitlements', so the
duties a proposal refers to exist already)."""

from cases import events
from cases.events import RecordKind

from . import services


def on_party_added(event: events.PartyAdded) -> None:
    services.propose_for_party(event.party, now=event.now)


def on_record_made(event: events.RecordMade) -> None:
    if event.kind == RecordKind.RISK_ASSESSMENT:
        services.propose_after_risk(event.subject, now=event.at)


def subscribe() -> None:
    events.subscribe(events.PartyAdded, on_party_added)
    events.subscribe(events.RecordMade, on_record_made)
