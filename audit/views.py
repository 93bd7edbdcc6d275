"""The audit search for supervisors and auditors, and the reason asked before a restricted case."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from accounts.access import ActionRequiredMixin
from audit import selectors, subjects
from audit.forms import AuditSearchForm, RestrictedReasonForm
from audit.middleware import remember_reason
from audit.models import AuditAction
from audit.services import record

FILTERS_SESSION_KEY = "audit_search_filters"
PAGE_SIZE = 50


class RestrictedReasonView(ActionRequiredMixin, View):
    """Before a restricted case opens: why? The answer goes with every view of it this session."""

    action = "cases.view"

    def get(self, request, pk):
        case = subjects.cases().open_case(request.user, pk, self.action)
        next_url = self._next(request, request.GET.get("next"), case.pk)
        if not case.restricted:
            return redirect(next_url)
        form = RestrictedReasonForm(initial={"next": next_url})
        return self._render(request, case, form)

    def post(self, request, pk):
        case = subjects.cases().open_case(request.user, pk, self.action)
        form = RestrictedReasonForm(request.POST)
        if not form.is_valid():
            return self._render(request, case, form, status=400)
        remember_reason(request, case.pk, form.cleaned_data["reason"])
        return redirect(self._next(request, form.cleaned_data["next"], case.pk))

    @staticmethod
    def _next(request, candidate: str | None, case_id: int) -> str:
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
        return reverse("case-detail", kwargs={"pk": case_id})

    @staticmethod
    def _render(request, case, form, status: int = 200):
        return render(
            request, "audit/restricted_reason.html", {"case": case, "form": form}, status=status
        )


class AuditSearchView(ActionRequiredMixin, View):
    """Search the trail by person, user, action and period. The filters travel by POST."""

    action = "audit.view"

    def get(self, request):
        saved = request.session.get(FILTERS_SESSION_KEY) or {}
        form = AuditSearchForm(saved) if saved else AuditSearchForm()
        filters = form.cleaned_data if saved and form.is_valid() else {}
        return self._render(request, form, filters)

    def post(self, request):
        if "clear" in request.POST:
            request.session.pop(FILTERS_SESSION_KEY, None)
            return redirect("audit-events")
        form = AuditSearchForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, None, status=400)
        request.session[FILTERS_SESSION_KEY] = form.to_session()
        return redirect("audit-events")

    def _render(self, request, form, filters: dict | None, status: int = 200):
        page = None
        if filters is not None:
            events = selectors.search_events(request.user, **filters)
            page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
            page.object_list = selectors.with_changes(page.object_list)
            # Looking at the trail is itself recorded, with what was looked for.
            record(request, AuditAction.SEARCH, detail=_describe(filters))
        return render(
            request,
            "audit/search.html",
            {"form": form, "page": page, "filtered": bool(filters)},
            status=status,
        )


def _describe(filters: dict) -> str:
    parts = []
    for key, value in sorted(filters.items()):
        if value in (None, ""):
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        parts.append(f"{key}={value}")
    return "audit trail: " + ("; ".join(parts) or "everything")
