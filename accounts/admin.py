from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .models import Team, TeamMembership, User, UserRole


class UserRoleForm(forms.ModelForm):
    class Meta:
        model = UserRole
        fields = ["role"]

    def clean(self):
        cleaned = super().clean()
        user = self.instance.user if self.instance.user_id else None
        if user is not None and cleaned.get("role"):
            services.check_role_allowed(user=user, role=cleaned["role"])
        return cleaned


class UserRoleInline(admin.TabularInline):
    model = UserRole
    form = UserRoleForm
    extra = 0


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [UserRoleInline]
    list_display = ["username", "first_name", "last_name", "agency", "is_active"]
    list_filter = ["is_active", "role_grants__role", "agency"]
    list_select_related = ["agency"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("VictimCare", {"fields": ("collar_number", "agency")}))


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [MembershipInline]
