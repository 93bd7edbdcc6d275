"""Administrators keep the catalogue and the rules here. A rule in force is not edited in
place: set its effective_to and add the new version, so past cases keep the rule of their day."""

from django.contrib import admin

from .models import DutyRule, ReachPolicy, Right


@admin.register(Right)
class RightAdmin(admin.ModelAdmin):
    list_display = ["__str__", "scheme"]
    list_filter = ["scheme"]


@admin.register(DutyRule)
class DutyRuleAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "trigger",
        "standard_working_days",
        "enhanced_working_days",
        "owner",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["trigger", "owner", "edition", "right"]
    search_fields = ["code", "title", "source"]


@admin.register(ReachPolicy)
class ReachPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "failed_attempts",
        "working_days",
        "days_counted_from",
        "flag_untried",
        "effective_from",
        "effective_to",
    ]
    search_fields = ["source"]
