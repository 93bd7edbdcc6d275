from django.contrib import admin

from .models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """For checking delivery. A reminder's title and body name the case (and a digest or an
    escalation lists several), so the admin shows who was told, when and how, and never what;
    reminders about restricted cases are left out altogether."""

    list_display = [
        "id",
        "recipient",
        "kind",
        "created_at",
        "email_status",
        "sms_status",
        "read_at",
    ]
    list_filter = ["kind", "email_status", "sms_status"]
    list_select_related = ["recipient"]
    fields = readonly_fields = [
        "recipient",
        "kind",
        "created_at",
        "read_at",
        "email_status",
        "email_sent_at",
        "sms_status",
        "sms_sent_at",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .exclude(case__restricted=True)
            .exclude(referral__case__restricted=True)
            .exclude(duty__case__restricted=True)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def masked(number: str) -> str:
    """Enough to recognise a number ("ends 45"), not enough to ring it."""
    digits = "".join(c for c in number if c.isdigit())
    return f"ends {digits[-2:]}" if len(digits) >= 2 else ("set" if number else "")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    """Staff mobile numbers are personal: masked here, neither searchable nor sortable. Each user
    sets their own on their reminder settings page."""

    list_display = ["user", "email", "digest", "digest_hour", "sms", "mobile"]
    list_filter = ["email", "digest", "sms"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = ["user", "email", "digest", "digest_hour", "sms", "mobile"]
    readonly_fields = ["user", "mobile"]

    @admin.display(description="Mobile number")
    def mobile(self, obj: Preference) -> str:
        return masked(obj.mobile_number)

    def has_add_permission(self, request):
        return False
