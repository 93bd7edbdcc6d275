from django.contrib import admin

from .models import SupportAgency


@admin.register(SupportAgency)
class SupportAgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "response_target_working_days", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "area"]
