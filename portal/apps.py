from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Track my case"

    def ready(self) -> None:
        # portal sits above cases: urgent news starts from cases.events.EventRecorded.
        from cases import events

        from . import reactions

        events.subscribe(events.EventRecorded, reactions.on_event_recorded)
