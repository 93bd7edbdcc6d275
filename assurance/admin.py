"""Administrators keep the review checklist: a new version with a later date changes the questions
for samples drawn from then on, while earlier samples keep theirs."""

from django.contrib import admin

from .models import ChecklistItem, ChecklistVersion


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["order", "area", "code", "question", "good_looks_like"]


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "effective_to", "source"]
    inlines = [ChecklistItemInline]
