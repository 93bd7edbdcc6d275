"""Record views, searches and exports of case and person records, from the URL registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from audit import subjects
from audit.models import AuditAction
from audit.registry import ROUTES, Route
from audit.services import RECORDED_FLAG, record

REASONS_SESSION_KEY = "audit_restricted_reasons"
DENIED = {403, 404}


def reason_for(request: HttpRequest, case_id: int | None) -> str:
    """The reason the user gave this session for opening a restricted case, if any."""
    if case_id is None or not hasattr(request, "session"):
        return ""
    return request.session.get(REASONS_SESSION_KEY, {}).get(str(case_id), "")


def remember_reason(request: HttpRequest, case_id: int, reason: str) -> None:
    reasons = dict(request.session.get(REASONS_SESSION_KEY, {}))
    reasons[str(case_id)] = reason
    request.session[REASONS_SESSION_KEY] = reasons


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        route_and_kwargs = getattr(request, "_audit_route", None)
        if getattr(request, RECORDED_FLAG, False):
            return response  # the view recorded its own event
        if route_and_kwargs is not None:
            self._record(request, response, *route_and_kwargs)
        elif _is_download(response) and _signed_in(request):
            # Any file a page hands out is an export, even one this registry does not list.
            record(request, AuditAction.EXPORT, detail=_filename(response))
        return response

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: dict
    ) -> HttpResponse | None:
        match = request.resolver_match
        route = ROUTES.get(match.url_name) if match is not None else None
        if route is None or request.method not in route.methods:
            return None
        if route.when is not None and not route.when(request):
            return None
        request._audit_route = (route, view_kwargs)
        if route.ask_reason and route.case and request.method == "GET":
            return self._ask_reason_first(request, _int(view_kwargs.get(route.case)))
        return None

    def _ask_reason_first(self, request: HttpRequest, case_id: int | None) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if case_id is None or user is None or not user.is_authenticated:
            return None
        if reason_for(request, case_id):
            return None
        # One query answers both "restricted?" and "who is in it?" (kept for the record).
        restricted, people = subjects.cases().restricted_for(user, case_id)
        request._audit_people = (case_id, people)
        if not restricted:
            return None  # not restricted, or not visible to this user: the view decides
        request._audit_route = None  # asking is not opening
        target = reverse("audit-reason", kwargs={"pk": case_id})
        return redirect(f"{target}?{urlencode({'next': request.path})}")

    def _record(
        self, request: HttpRequest, response: HttpResponse, route: Route, kwargs: dict
    ) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        if response.status_code in DENIED:
            obj, case_id, _people = _target(route, kwargs, resolve_people=False)
            record(request, AuditAction.ACCESS_DENIED, obj=obj, case=case_id)
            return
        if response.status_code >= 400:
            return
        if route.action == AuditAction.VIEW and response.status_code != 200:
            return  # a redirect, e.g. after a change (recorded by the record's history)
        known = getattr(request, "_audit_people", None)
        obj, case_id, people = _target(route, kwargs, resolve_people=True, known=known)
        record(
            request,
            route.action,
            obj=obj,
            case=case_id,
            person_ids=people,
            detail=route.detail(request) if route.detail else "",
            reason=reason_for(request, case_id),
        )


def _target(
    route: Route, kwargs: dict, *, resolve_people: bool, known: tuple | None = None
) -> tuple[Any, int | None, list]:
    """The record a route is about, its case, and the people in it (one query at most)."""
    # The models by name only, to label the event; what is in them is for cases to answer.
    Case = apps.get_model("cases", "Case")
    Party = apps.get_model("cases", "Party")
    Person = apps.get_model("cases", "Person")
    case_id = _int(kwargs.get(route.case)) if route.case else None
    if route.record:
        label, argument = route.record
        model = apps.get_model(label)
        pk = _int(kwargs.get(argument))
        row = model.objects.filter(pk=pk).values_list("case_id", "party__person_id").first()
        if row is None:
            return model(pk=pk), case_id, []
        return model(pk=pk), row[0], [row[1]]
    if route.party:
        pk = _int(kwargs.get(route.party))
        people = subjects.cases().person_in_part(pk, case_id) if resolve_people else []
        return Party(pk=pk), case_id, people
    if route.person:
        pk = _int(kwargs.get(route.person))
        return Person(pk=pk), None, [pk]
    if case_id is not None:
        people = []
        if known is not None and known[0] == case_id:
            people = known[1]
        elif resolve_people:
            people = subjects.cases().people_in_case(case_id)
        return Case(pk=case_id), case_id, people
    return None, None, []


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def _is_download(response: HttpResponse) -> bool:
    return response.get("Content-Disposition", "").startswith("attachment")


def _filename(response: HttpResponse) -> str:
    disposition = response.get("Content-Disposition", "")
    return disposition.partition("filename=")[2].strip('"')[:200]
