"""Administrators maintain the retention classes and rules. Case retention rows and decisions are
shown read-only: they are written by the assignment task and by reviews."""

from django.contrib import admin

from .models import CaseRetention, RetentionClass, RetentionRule, ReviewDecision


class RuleInline(admin.TabularInline):
    model = RetentionRule
    extra = 0


@admin.register(RetentionClass)
class RetentionClassAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    inlines = [RuleInline]


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = [
        "retention_class",
        "priority",
        "minimum_years",
        "review_interval_years",
        "effective_from",
        "effective_to",
        "unconfirmed",
    ]
    list_filter = ["retention_class", "unconfirmed"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseRetention)
class CaseRetentionAdmin(ReadOnlyAdmin):
    list_display = ["case_id", "retention_class", "anchor_date", "review_due", "status"]
    list_filter = ["status", "retention_class"]
    list_select_related = ["retention_class"]


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ["retention_id", "decision", "decided_by", "decided_at", "next_review_due"]
    list_filter = ["decision"]
    list_select_related = ["decided_by"]
