"""Retention review pages, the person page, subject access and consent history. Thin: parse,
call a selector or service, render. Every person and case is reached through a visible case."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.permissions import can
from audit.services import record
from cases.views import apply_service

from . import selectors, services
from .forms import PersonSearchForm, ReviewForm, SubjectAccessForm
from .models import Decision, RetentionStatus


class WorklistView(ActionRequiredMixin, View):
    action = "retention.review"

    def get(self, request):
        sort = request.GET.get("sort", "due")
        sort = sort if sort in selectors.WORKLIST_SORTS else "due"
        page = Paginator(selectors.review_worklist(request.user, sort=sort), 25).get_page(
            request.GET.get("page")
        )
        return render(request, "retention/worklist.html", {"page": page, "sort": sort})


class ReviewView(ActionRequiredMixin, View):
    action = "retention.review"

    def get(self, request, pk, form=None):
        retention = selectors.access_retention(request.user, pk)
        return render(
            request,
            "retention/review.html",
            {
                "retention": retention,
                "case": retention.case,
                "decisions": list(retention.decisions.all()),
                "form": form or ReviewForm(),
                "is_due": retention.status == RetentionStatus.DUE,
            },
        )

    def post(self, request, pk):
        retention = selectors.access_retention(request.user, pk)
        form = ReviewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data["decision"] == Decision.RETAIN:
                done = apply_service(
                    form,
                    lambda: services.retain(
                        retention=retention, by=request.user, reason=data["reason"], request=request
                    ),
                )
                message = "Case {} retained; next review on {:%-d %B %Y}."
            else:
                done = apply_service(
                    form,
                    lambda: services.dispose(
                        retention=retention, by=request.user, reason=data["reason"], request=request
                    ),
                )
                message = "Case {} disposed: its personal data has been removed."
            if done is not None:
                review = done.next_review_due
                messages.success(request, message.format(retention.case.crime_reference, review))
                return redirect("retention-worklist")
        return self.get(request, pk, form=form)


class PersonSearchView(ActionRequiredMixin, View):
    """Find a person for a subject access request. Names only in a POST body, never a URL; the
    search is recorded in the audit trail."""

    action = "people.export"

    def get(self, request):
        return render(request, "retention/person_search.html", {"form": PersonSearchForm()})

    def post(self, request):
        form = PersonSearchForm(request.POST)
        people = None
        if form.is_valid():
            people = selectors.find_people(request.user, form.cleaned_data["name"])
            record(
                request,
                "search",
                person_ids=[p.pk for p in people],
                detail=f"Subject access person search: name={form.cleaned_data['name']}",
            )
        return render(request, "retention/person_search.html", {"form": form, "people": people})


class PersonView(ActionRequiredMixin, View):
    """A person across the cases the user may reach, with their consent and subject access."""

    action = "people.view"

    def get(self, request, pk):
        person = selectors.access_person(request.user, pk)
        record(request, "view", obj=person, person_ids=[person.pk], detail="Person page")
        return render(
            request,
            "retention/person.html",
            {
                "person": person,
                "parties": list(selectors.visible_parties(request.user, person)),
                "targeting": selectors.persistent_targeting(request.user, person),
                "safe": getattr(person, "safe_contact", None),
                "sees_whole_person": services.sees_whole_person(request.user, person),
                "withheld": services.WITHHELD,
                "may_export": can(request.user, "people.export"),
                "may_view_cases": can(request.user, "cases.view"),
                "may_see_consents": can(request.user, "people.consents"),
            },
        )


class SubjectAccessView(ActionRequiredMixin, View):
    """POST only, from the person page, so nothing personal is in a URL; the export is recorded
    in the audit trail."""

    action = "people.export"

    def post(self, request, pk):
        person = selectors.access_person(request.user, pk)
        form = SubjectAccessForm(request.POST)
        fmt = form.cleaned_data["format"] if form.is_valid() else "page"
        data = services.subject_access(request.user, person)
        record(
            request,
            "export",
            obj=person,
            person_ids=[person.pk],
            detail=f"Subject access export ({fmt}): {len(data['cases'])} case(s)",
        )
        if fmt == "json":
            payload = services.subject_access_json(
                data, generated_by=request.user, generated_at=timezone.now()
            )
            response = HttpResponse(
                json.dumps(payload, cls=DjangoJSONEncoder, indent=2),
                content_type="application/json",
            )
            response["Content-Disposition"] = (
                f'attachment; filename="subject-access-{person.pk}.json"'
            )
            response["Cache-Control"] = "no-store"
            return response
        response = render(
            request,
            "retention/subject_access.html",
            {"data": data, "person": person, "scope_note": selectors.SCOPE_NOTE},
        )
        response["Cache-Control"] = "no-store"
        return response


class ConsentView(ActionRequiredMixin, View):
    action = "people.consents"

    def get(self, request, pk):
        person = selectors.access_person(request.user, pk)
        record(request, "view", obj=person, person_ids=[person.pk], detail="Consent records")
        return render(
            request,
            "retention/consents.html",
            {"person": person, "referrals": selectors.consent_records(request.user, person)},
        )
