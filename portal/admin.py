from django.contrib import admin

from .models import PortalPolicy, VictimEventRule


@admin.register(PortalPolicy)
class PortalPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "link_valid_hours", "session_idle_minutes"]


@admin.register(VictimEventRule)
class VictimEventRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "shareable", "urgent", "effective_from", "effective_to"]
    list_filter = ["shareable", "urgent"]
