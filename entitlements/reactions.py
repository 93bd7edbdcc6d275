"""What the Code owes when something happens to a case: entitlements' handlers of cases.events,
subscribed in EntitlementsConfig.ready()."""

from cases import closure, events
from cases.events import RecordKind

from . import services
from .models import MetBy

# A record kind of cases meets the duties whose rule names the same kind.
MET_BY = {kind: MetBy(kind.value) for kind in RecordKind}


def on_case_created(event: events.CaseCreated) -> None:
    services.on_case_created(event.case, at=event.at)


def on_party_added(event: events.PartyAdded) -> None:
    services.on_party_added(event.party, at=event.at, at_report=event.at_report)


def on_enhanced_changed(event: events.EnhancedChanged) -> None:
    services.on_enhanced_changed(event.party, now=event.now)


def on_contact_recorded(event: events.ContactRecorded) -> None:
    services.on_contact(event.contact, meets=event.meets)


def on_updates_agreed(event: events.UpdatesAgreed) -> None:
    services.on_update_agreed(event.agreement)


def on_event_recorded(event: events.EventRecorded) -> None:
    services.on_event_recorded(event.event)


def on_event_withdrawn(event: events.EventWithdrawn) -> None:
    services.on_event_withdrawn(event.event, by=event.by, now=event.at)


def on_case_closed(event: events.CaseClosed) -> None:
    closure = event.closure
    by = closure.closed_by if closure is not None else None
    services.on_case_closed(event.case, at=event.at, closure=closure, by=by)


def on_case_reopened(event: events.CaseReopened) -> None:
    services.on_case_reopened(event.case, closure=event.closure, at=event.at, by=event.by)


def on_needs_assessed(event: events.NeedsAssessed) -> None:
    services.on_needs_assessed(event.assessment)


def on_record_made(event: events.RecordMade) -> None:
    kind = MET_BY[event.kind]
    if event.party is None:
        services.on_case_record(event.case, kind, at=event.at, by=event.by, record=event.record)
    else:
        services.on_record(event.party, kind, at=event.at, by=event.by, record=event.record)


HANDLERS = {
    events.CaseCreated: on_case_created,
    events.PartyAdded: on_party_added,
    events.EnhancedChanged: on_enhanced_changed,
    events.ContactRecorded: on_contact_recorded,
    events.UpdatesAgreed: on_updates_agreed,
    events.EventRecorded: on_event_recorded,
    events.EventWithdrawn: on_event_withdrawn,
    events.CaseClosed: on_case_closed,
    events.CaseReopened: on_case_reopened,
    events.NeedsAssessed: on_needs_assessed,
    events.RecordMade: on_record_made,
}


def subscribe() -> None:
    for event_type, handler in HANDLERS.items():
        events.subscribe(event_type, handler)
    # A duty still open stands in the way of closing the case (cases.closure).
    closure.register(services.open_duties_blocking_closure)
