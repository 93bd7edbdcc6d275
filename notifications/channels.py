"""Text messages: a pluggable channel, off unless configured.

GOV.UK Notify is the usual service for UK public bodies. Set NOTIFY_API_KEY and
NOTIFY_SMS_TEMPLATE_ID (a template with a ((message)) placeholder) to turn it on.
"""

from functools import lru_cache
from typing import Protocol

from django.conf import settings


class SmsChannel(Protocol):
    def send(self, phone_number: str, message: str) -> None: ...


class NotifySms:
    def __init__(self, api_key: str, template_id: str):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(api_key)
        self.template_id = template_id

    def send(self, phone_number: str, message: str) -> None:
        self.client.send_sms_notification(
            phone_number=phone_number,
            template_id=self.template_id,
            personalisation={"message": message},
        )


@lru_cache(maxsize=1)
def sms_channel() -> SmsChannel | None:
    if settings.NOTIFY_API_KEY and settings.NOTIFY_SMS_TEMPLATE_ID:
        return NotifySms(settings.NOTIFY_API_KEY, settings.NOTIFY_SMS_TEMPLATE_ID)
    return None
