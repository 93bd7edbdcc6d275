from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.template import engines
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from . import tokens
from .models import AgencyKind, AgencyToken, ReferralPolicy, SharingException, SupportAgency


@admin.register(SupportAgency)
class SupportAgencyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "area",
        "response_target_working_days",
        "is_active",
        "listed_publicly",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "area"]


@admin.register(ReferralPolicy)
class ReferralPolicyAdmin(admin.ModelAdmin):
    """The consent model and the automatic Right 4 referral. To change it, add a row with a later
    effective date: each case is judged by the row in force on the day."""

    list_display = [
        "name",
        "effective_from",
        "opt_in_flags",
        "opt_in_roles",
        "automatic_lawful_basis",
        "automatic_exception_code",
        "automatic_after_hours",
    ]


class SharingExceptionForm(forms.ModelForm):
    agency_kinds = forms.MultipleChoiceField(
        choices=AgencyKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Agency kinds it allows sharing with",
    )

    class Meta:
        model = SharingException
        fields = [
            "code",
            "name",
            "description",
            "agency_kinds",
            "effective_from",
            "effective_to",
            "source",
        ]


@admin.register(SharingException)
class SharingExceptionAdmin(admin.ModelAdmin):
    """Which exceptions allow sharing without consent, with which kinds of agency, and from when.
    To change one from a date, end it (effective to) and add its successor."""

    form = SharingExceptionForm
    list_display = ["name", "code", "kinds", "effective_from", "effective_to", "source"]
    list_filter = ["code"]
    search_fields = ["name", "code", "source"]

    @admin.display(description="Agency kinds")
    def kinds(self, obj) -> str:
        labels = dict(AgencyKind.choices)
        return ", ".join(labels.get(kind, kind) for kind in obj.agency_kinds) or "None"

    def has_delete_permission(self, request, obj=None) -> bool:
        # A referral that relied on it keeps pointing at it: end it with a date instead.
        return obj is None or not obj.referrals.exists()


# --- agency API tokens -------------------------------------------------------------------------

# The raw token is rendered straight into this one response: it is never put in a message, the
# session, a log or the database, and the page is not cached.
ISSUED_PAGE = """{% extends "admin/base_site.html" %}
{% load static %}
{% block extrastyle %}{{ block.super }}
<link rel="stylesheet" href="{% static 'referrals/css/token_admin.css' %}">{% endblock %}
{% block content %}
<h1>API token issued for {{ token.agency }}</h1>
<p><strong>Copy this token now. It is shown once and cannot be shown again.</strong>
If it is lost, revoke it and issue another.</p>
<p><code class="issued-token">{{ raw }}</code></p>
<p>The agency's system sends it with every request as
<code>Authorization: Token &lt;token&gt;</code>.</p>
<p><a href="{{ list_url }}">Back to the API tokens</a></p>
{% endblock %}
"""


class AgencyTokenForm(forms.ModelForm):
    class Meta:
        model = AgencyToken
        fields = ["agency", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "agency" in self.fields:
            self.fields["agency"].queryset = SupportAgency.objects.filter(is_active=True)


@admin.register(AgencyToken)
class AgencyTokenAdmin(admin.ModelAdmin):
    form = AgencyTokenForm
    list_display = ["name", "agency", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "agency"]
    search_fields = ["name", "agency__name"]
    list_select_related = ["agency", "created_by"]
    actions = ["revoke"]
    shown_fields = ["agency", "name", "user", "created_at", "created_by", "last_used_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["agency", "name"]
        return [*self.shown_fields, "revoked_at", "revoked_by"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # Revoke instead: the token stays on record, with who revoked it and when.

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = tokens.issue_token(
            agency=form.cleaned_data["agency"], name=form.cleaned_data["name"], by=request.user
        )
        for field in AgencyToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
        obj._state.adding = False
        obj._state.db = token._state.db
        request._issued_agency_token = raw

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "_issued_agency_token", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": "API token issued",
            "token": obj,
            "raw": raw,
            "list_url": reverse("admin:referrals_agencytoken_changelist"),
        }
        page = engines["django"].from_string(ISSUED_PAGE)
        response = HttpResponse(page.render(context, request))
        add_never_cache_headers(response)
        return response

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.revoke_token(token=token, by=request.user)
            count += 1
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)
