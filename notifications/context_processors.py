from .models import Notification

# The header counts unread reminders up to this many and shows "99+" past it: a supervisor can
# have over a thousand, each checked against its case and duty, on every page they open.
UNREAD_SHOWN_UP_TO = 99


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = Notification.objects.for_recipient(user).current().order_by()
    # Unordered, so the count stops at the first 100 found instead of sorting every unread one.
    count = unread[: UNREAD_SHOWN_UP_TO + 1].count()
    return {"unread_notifications": count, "unread_shown_up_to": UNREAD_SHOWN_UP_TO}
