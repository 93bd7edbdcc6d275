"""The public survey page (reached by its link, no sign-in) and the staff results."""

import csv
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from accounts.access import ActionRequiredMixin
from accounts.models import Team
from accounts.permissions import can
from cases.models import Case, SafeContact
from cases.permissions import access_case, visible_cases

from . import services
from .forms import SurveyForm
from .models import (
    Answer,
    Invitation,
    InvitationStatus,
    QuestionKind,
    RestrictedSurveyAllowance,
    SurveyOptOut,
)


@method_decorator([login_not_required, never_cache], name="dispatch")
class SurveyView(View):
    """Shows nothing of the case beyond 'your contact with <force>' and its date."""

    def dispatch(self, request, token):
        self.invitation = services.invitation_for(token)
        self.state = services.link_state(self.invitation)
        return super().dispatch(request, token)

    def _form(self, data=None):
        questions = self.invitation.template.questions.all()
        initial = {}
        for answer in Answer.objects.filter(invitation=self.invitation).select_related("question"):
            q = answer.question
            initial[f"q{q.pk}"] = (
                answer.scale_value if q.kind == QuestionKind.SCALE else answer.choice or answer.text
            )
        return SurveyForm(data, questions=questions, initial=initial)

    def get(self, request, token):
        if self.state != "open":
            return self._closed()
        return self._render(self._form())

    def post(self, request, token):
        if self.state != "open":
            return self._closed()
        if "decline" in request.POST or "never" in request.POST:
            never = "never" in request.POST
            services.decline(invitation=self.invitation)
            if never:
                SurveyOptOut.objects.get_or_create(
                    person=self.invitation.party.person,
                    defaults={"recorded_at": timezone.now()},
                )
            return render(request, "surveys/thanks.html", {"declined": True, "never": never})
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(form)
        finish = "finish" in request.POST
        services.save_answers(invitation=self.invitation, answers=form.answers(), finish=finish)
        if finish:
            return render(request, "surveys/thanks.html", {"declined": False})
        return self._render(self._form(), saved=True)

    def _render(self, form, saved=False):
        return render(
            self.request,
            "surveys/answer.html",
            {
                "invitation": self.invitation,
                "form": form,
                "saved": saved,
                "contact_date": self.invitation.case.reported_at,
            },
        )

    def _closed(self):
        return render(self.request, "surveys/closed.html", {"state": self.state}, status=200)


class ResultsFilter(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    offence_group = forms.CharField(required=False)


def _filtered(request, data=None):
    form = ResultsFilter(data if data is not None else (request.GET or None))
    # Results follow case visibility: a restricted case counts only for those who may see it.
    rows = Invitation.objects.filter(case__in=Case.objects.visible_to(request.user))
    if form.is_valid():
        data = form.cleaned_data
        if data["start"]:
            rows = rows.filter(created_at__date__gte=data["start"])
        if data["end"]:
            rows = rows.filter(created_at__date__lte=data["end"])
        if data["team"]:
            rows = rows.filter(case__team=data["team"])
        if data["offence_group"]:
            rows = rows.filter(case__offence__offence_group=data["offence_group"])
    return form, rows


class ResultsView(ActionRequiredMixin, View):
    action = "surveys.results"

    def get(self, request):
        form, rows = _filtered(request)
        comments = (
            Answer.objects.filter(
                invitation__in=rows,
                invitation__status=InvitationStatus.COMPLETED,
                question__kind=QuestionKind.TEXT,
            )
            .exclude(text="")
            .select_related("invitation__case__team")
            .order_by("-invitation__completed_at")[:200]
        )
        if request.GET.get("format") == "csv":
            return _csv(rows)
        # The sample form posts the same filters back, with the seed and size.
        sample_filters = [
            (k, request.GET[k]) for k in ResultsFilter.base_fields if request.GET.get(k)
        ]
        return render(
            request,
            "surveys/results.html",
            {
                "form": form,
                "results": services.results(rows),
                "comments": comments,
                "may_sample": can(request.user, "surveys.sample"),
                "sample_filters": sample_filters,
            },
        )


def _cell(value):
    """Text typed by the public, made safe to open in a spreadsheet: a cell that starts like a
    formula is kept as text."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def _csv(rows) -> HttpResponse:
    """For independent review: answers by team, period and offence group, without names."""
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="survey-answers.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "response",
            "completed",
            "team",
            "offence group",
            "question",
            "stage",
            "scale value",
            "choice",
            "text",
        ]
    )
    answers = Answer.objects.filter(invitation__in=rows, invitation__status="completed")
    for a in answers.select_related(
        "invitation__case__team", "invitation__case__offence", "question"
    ).order_by("invitation_id", "question__number"):
        inv = a.invitation
        writer.writerow(
            [
                inv.pk,
                inv.completed_at.date().isoformat() if inv.completed_at else "",
                inv.case.team.name,
                inv.case.offence.offence_group,
                a.question.number,
                a.question.stage,
                a.scale_value or "",
                _cell(a.choice),
                _cell(a.text),
            ]
        )
    return response


class SampleView(ActionRequiredMixin, View):
    """A reproducible random sample of respondents who agreed to be contacted. It names people,
    so it is a POST from the results page (with its CSRF token), never a link to follow."""

    action = "surveys.sample"

    def post(self, request):
        _form, rows = _filtered(request, request.POST)
        # Names only of people in cases this supervisor may see (restricted ones stay hidden).
        rows = rows.filter(case__in=visible_cases(Case.objects.all(), request.user))
        seed = request.POST.get("seed") or timezone.localdate().isoformat()
        try:
            size = max(0, min(int(request.POST.get("size") or 10), 200))
        except ValueError:
            size = 10
        ids = services.contact_consenting_sample(rows, size=size, seed=seed)
        # Audit of exports goes here, once the audit app exists, e.g.:
        # audit.services.record(request, "export", detail=f"survey sample of {len(ids)}")
        response = HttpResponse(content_type="text/csv")
        label = re.sub(r"[^\w.-]", "", seed)[:40]  # the seed is typed in: keep the header clean
        response["Content-Disposition"] = f'attachment; filename="survey-sample-{label}.csv"'
        writer = csv.writer(response)
        writer.writerow(["response", "name", "email", "phone", "team"])
        for inv in Invitation.objects.filter(pk__in=ids).select_related(
            "party__person", "case__team"
        ):
            # Names and contact details only because the person agreed to be contacted, and only
            # the details their safe-contact instructions allow using today.
            person = inv.party.person
            safe = SafeContact.objects.filter(person=person).first()
            email_ok = safe is None or safe.email_safe
            phone_ok = safe is None or safe.phone_safe or safe.text_safe
            writer.writerow(
                [
                    inv.pk,
                    f"{person.first_name} {person.last_name}",
                    person.email if email_ok else "",
                    person.phone if phone_ok else "",
                    inv.case.team.name,
                ]
            )
        return response


class AllowRestrictedView(ActionRequiredMixin, View):
    """A supervisor allows the people in a restricted case to be surveyed."""

    action = "surveys.allow_restricted"

    def post(self, request, pk):
        case = access_case(request.user, pk, self.action)
        reason = request.POST.get("reason", "").strip() or "Allowed by a supervisor"
        RestrictedSurveyAllowance.objects.get_or_create(
            case=case,
            defaults={"allowed_by": request.user, "allowed_at": timezone.now(), "reason": reason},
        )
        messages.success(request, "People in this restricted case may now be surveyed.")
        return redirect("case-detail", pk=case.pk)


class OptOutView(ActionRequiredMixin, View):
    """Record that a person does not want surveys (they told the officer)."""

    action = "cases.record"

    def post(self, request, pk, party_pk):
        case = access_case(request.user, pk, self.action)
        party = get_object_or_404(case.parties.select_related("person"), pk=party_pk)
        SurveyOptOut.objects.get_or_create(
            person=party.person,
            defaults={"recorded_at": timezone.now(), "recorded_by": request.user},
        )
        messages.success(request, "Recorded: this person will not be sent surveys.")
        return redirect("case-detail", pk=case.pk)
