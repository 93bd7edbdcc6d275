from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from audit import services as audit

from .models import Role, Team, TeamMembership, User, UserRole
from .two_factor import services as two_factor


class UserRoleForm(forms.ModelForm):
    class Meta:
        model = UserRole
        fields = ["role"]


class UserRoleFormSet(forms.BaseInlineFormSet):
    """The rule of accounts.services.check_role_allowed, applied to the roles and the agency as
    submitted together on this page: a row on its own would read the user as saved, and miss an
    agency set or cleared in the same change."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        roles = {
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data.get("role") and not form.cleaned_data.get("DELETE")
        }
        agency = self.instance.agency_id
        if agency and roles - {Role.AGENCY}:
            raise forms.ValidationError(
                "A user with an agency can hold only the support agency role: remove the police "
                "roles, or clear the agency."
            )
        if agency and Role.AGENCY not in roles:
            raise forms.ValidationError(
                "Only a support agency user belongs to an agency: give the support agency role, "
                "or clear the agency."
            )
        if Role.AGENCY in roles and not agency:
            raise forms.ValidationError("A support agency user must belong to an agency.")


class UserRoleInline(admin.TabularInline):
    model = UserRole
    form = UserRoleForm
    formset = UserRoleFormSet
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
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor authentication (they set it up again)")
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            two_factor.reset(user=user)
            audit.record(request, "change", obj=user, detail="Two-factor reset by an administrator")
        self.message_user(
            request,
            f"Reset two-factor authentication for {queryset.count()} user(s). Each sets up an "
            "authenticator app again at their next sign-in.",
            messages.SUCCESS,
        )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [MembershipInline]
