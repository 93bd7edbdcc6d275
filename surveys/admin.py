"""Administrators keep the survey templates and the rules for who is invited. Answers are not
here: they are seen only as results, without names."""

from django.contrib import admin

from .models import Question, SurveyRule, SurveyTemplate


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version", "audience", "is_active"]
    inlines = [QuestionInline]


@admin.register(SurveyRule)
class SurveyRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "trigger", "delay_days", "sampling_rate", "effective_from"]
