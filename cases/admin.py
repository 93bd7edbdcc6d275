"""Administrators maintain the reference data here. Case records are not in the admin site:
they are reached only through the case pages and API, where visibility rules apply."""

from django.contrib import admin

from .models import (
    CaseEditPolicy,
    ContactOutcome,
    CrimeReferenceFormat,
    EnhancedRightsPolicy,
    OffenceCategory,
    PersistentTargetingPolicy,
    RiskQuestion,
    RiskQuestionSet,
    SpecialMeasure,
)


@admin.register(OffenceCategory)
class OffenceCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "offence_group", "flags", "is_active"]
    list_filter = ["offence_group", "is_active"]
    search_fields = ["name", "code"]


@admin.register(CrimeReferenceFormat)
class CrimeReferenceFormatAdmin(admin.ModelAdmin):
    list_display = ["example", "pattern", "effective_from", "source"]


@admin.register(EnhancedRightsPolicy)
class EnhancedRightsPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "vulnerable_under_age"]


@admin.register(PersistentTargetingPolicy)
class PersistentTargetingPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "crimes", "within_days", "source"]


@admin.register(CaseEditPolicy)
class CaseEditPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "other_teams_may_change", "source"]


class RiskQuestionInline(admin.TabularInline):
    model = RiskQuestion
    extra = 0


@admin.register(RiskQuestionSet)
class RiskQuestionSetAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "medium_threshold", "high_threshold"]
    inlines = [RiskQuestionInline]


@admin.register(SpecialMeasure)
class SpecialMeasureAdmin(admin.ModelAdmin):
    list_display = ["section", "name", "vulnerable", "intimidated"]


@admin.register(ContactOutcome)
class ContactOutcomeAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "code",
        "counts_as_contact",
        "leaves_message",
        "order",
        "is_active",
        "effective_from",
    ]
    list_filter = ["counts_as_contact", "is_active"]
    ordering = ["order", "label"]
