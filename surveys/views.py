"""The public survey page (reached by its link, no sign-in) and the staff results. The views
parse and render; every write and every export is a service in surveys.services."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from accounts.access import ActionRequiredMixin
from accounts.models import Team
from accounts.permissions import can
from audit.exports import csv_response
from cases.models import Case
from cases.permissions import access_case, visible_cases

from . import services
from .forms import SurveyForm
from .models import Answer, Invitation, InvitationStatus, QuestionKind


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
        return SurveyForm(
            data, questions=questions, initial=initial, language=translation.get_language()
        )

    def get(self, request, token):
        if self.state != "open":
            return self._closed()
        return self._render(self._form())

    def post(self, request, token):
        if self.state != "open":
            return self._closed()
        if "decline" in request.POST or "never" in request.POST:
            never = "never" in request.POST
            services.decline(invitation=self.invitation, never_again=never)
            return render(request, "surveys/thanks.html", {"declined": True, "never": never})
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(form)
        finish = "finish" in request.POST
        send_empty = request.POST.get("send_empty") == "1"
        try:
            services.save_answers(
                invitation=self.invitation,
                answers=form.answers(),
                finish=finish,
                send_empty=send_empty,
            )
        except services.NothingAnswered:
            # Sending closes the link for good: ask first (a page of its own, no script).
            return render(request, "surveys/confirm_empty.html", {"invitation": self.invitation})
        if finish:
            return render(
                request, "surveys/thanks.html", {"declined": False, "sent_empty": send_empty}
            )
        return self._render(self._form(), saved=True)

    def _render(self, form, saved=False):
        return render(
            self.request,
            "surveys/answer.html",
            {
                "invitation": self.invitation,
                "survey_name": self.invitation.template.name_in(translation.get_language()),
                "survey_introduction": self.invitation.template.introduction_in(
                    translation.get_language()
                ),
                "form": form,
                "saved": saved,
                "contact_date": self.invitation.case.reported_at,
            },
        )

    def _closed(self):
        return render(self.request, "surveys/closed.html", {"state": self.state}, status=200)


class ResultsFilter(forms.Form):
    start = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
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
            export = services.export_answers(rows, by=request, filters=_described(form))
            return csv_response(export.filename, export.header, export.rows)
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


def _described(form: ResultsFilter) -> str:
    """The filters chosen, for the audit entry of an export."""
    if not form.is_bound or not form.is_valid():
        return ""
    chosen = [(name, value) for name, value in form.cleaned_data.items() if value]
    return "; ".join(
        f"{name}={getattr(value, 'pk', value)}"
        for name, value in sorted(chosen, key=lambda item: item[0])
    )


class SampleView(ActionRequiredMixin, View):
    """A reproducible random sample of respondents who agreed to be contacted. It names people,
    so it is a POST from the results page (with its CSRF token), never a link to follow."""

    action = "surveys.sample"

    def post(self, request):
        form, rows = _filtered(request, request.POST)
        # Names only of people in cases this supervisor may see (restricted ones stay hidden).
        rows = rows.filter(case__in=visible_cases(Case.objects.all(), request.user))
        seed = request.POST.get("seed") or timezone.localdate().isoformat()
        try:
            size = max(0, min(int(request.POST.get("size") or 10), 200))
        except ValueError:
            size = 10
        export = services.export_contact_sample(
            rows, size=size, seed=seed, by=request, filters=_described(form)
        )
        return csv_response(export.filename, export.header, export.rows)


class AllowRestrictedView(ActionRequiredMixin, View):
    """A supervisor allows the people in a restricted case to be surveyed."""

    action = "surveys.allow_restricted"

    def post(self, request, pk):
        case = access_case(request.user, pk, self.action)
        services.allow_restricted(case=case, by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, "People in this restricted case may now be surveyed.")
        return redirect("case-detail", pk=case.pk)


class OptOutView(ActionRequiredMixin, View):
    """Record that a person does not want surveys (they told the officer)."""

    action = "cases.record"

    def post(self, request, pk, party_pk):
        case = access_case(request.user, pk, self.action)
        party = get_object_or_404(case.parties.select_related("person"), pk=party_pk)
        services.record_opt_out(person=party.person, by=request.user)
        messages.success(request, "Recorded: this person will not be sent surveys.")
        return redirect("case-detail", pk=case.pk)
