"""The catalogue and the rules, for a superuser. A new edition of the Code is made in the
product's pages (/code/editions/: copy, edit the draft, preview, schedule), which keep the
editions' dates following on from each other; here an edition's dates are read-only. A rule in
force is not edited in place, so past cases keep the rule of their day."""

from django.contrib import admin

from .models import DutyRule, Edition, ReachPolicy, Right


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["name", "period", "source"]
    readonly_fields = ["starts_on", "ends_on", "copied_from", "created_by", "created_at"]
    search_fields = ["name", "source"]


@admin.register(Right)
class RightAdmin(admin.ModelAdmin):
    list_display = ["__str__", "scheme", "code_edition"]
    list_filter = ["code_edition", "scheme"]


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
    list_filter = ["code_edition", "trigger", "owner"]
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
