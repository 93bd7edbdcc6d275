from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only, for everyone: the trail cannot be added to, edited or deleted here."""

    list_display = ["occurred_at", "username", "action", "object_label", "ip_address", "path"]
    list_filter = ["action"]
    search_fields = ["username", "object_label"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        return {}
