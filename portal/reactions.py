"""What Track my case does when cases publishes an event (ARCHITECTURE.md: events)."""

from cases import events

from . import services


def on_event_recorded(event: events.EventRecorded) -> None:
    """Urgent news (by its rule row) goes to each person of the case with access."""
    # From the moment it was recorded: the 15 minutes run from then.
    services.on_event_recorded(event.event, now=event.event.recorded_at)
