from django.apps import AppConfig

# Cases, referrals and entitlements sit below notifications: they publish events, notifications
# listens. (Their events.py imports no models, so it is safe to import before the apps are
# ready.)
from cases import events as case_events
from entitlements import events as entitlement_events
from referrals import events as referral_events


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self) -> None:
        from . import services  # models are ready only now

        referral_events.subscribe(
            referral_events.ReferralSentAutomatically, services.notify_agency_of_new_referral
        )
        referral_events.subscribe(referral_events.ReferralWithdrawn, services.on_referral_withdrawn)
        entitlement_events.subscribe(
            entitlement_events.DutiesNotReachable, services.notify_not_reachable
        )
        case_events.subscribe(
            case_events.PersistentlyTargeted, services.notify_persistently_targeted
        )
