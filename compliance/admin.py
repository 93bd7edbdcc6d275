"""Administrators keep which measures the quarterly compliance return holds. To change them from
a date, add a template with that date ("Save as new" on the current one, then edit its
measures): earlier quarters keep theirs."""

from django.contrib import admin

from .models import ReturnMeasure, ReturnTemplate


class ReturnMeasureInline(admin.TabularInline):
    model = ReturnMeasure
    extra = 0
    fields = ["order", "key", "label", "survey_stage"]


@admin.register(ReturnTemplate)
class ReturnTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "source"]
    save_as = True
    inlines = [ReturnMeasureInline]
