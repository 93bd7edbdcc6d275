from django.apps import AppConfig

# Referrals sit above entitlements: they add to the duty page through its register (which
# imports no models, so it is safe before the apps are ready).
from entitlements import duty_notes


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals and support agencies"

    def ready(self) -> None:
        from . import automatic, reactions  # models are ready only now

        duty_notes.register(automatic.duty_note)
        reactions.subscribe()
