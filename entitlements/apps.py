from django.apps import AppConfig


class EntitlementsConfig(AppConfig):
    name = "entitlements"
    verbose_name = "Victims' Code entitlements and duties"

    def ready(self) -> None:
        # Models are ready only now. entitlements sits above cases: it reacts to cases.events.
        from . import reactions

        reactions.subscribe()
