import datetime

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.models import Team, TeamMembership
from cases import services as case_services
from cases.models import Case
from cases.permissions import access_case
from cases.views import apply_service
from entitlements.models import Duty

from . import services


class PeriodForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)

    def period(self) -> services.Period:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or end - datetime.timedelta(days=29)
        if start > end:
            start, end = end, start
        return services.Period(start, end)


def _scope(request, form):
    duties = Duty.objects.visible_to(request.user)
    if form.is_valid() and form.cleaned_data.get("team"):
        duties = duties.filter(case__team=form.cleaned_data["team"])
    return duties


def _case_scope(request, form):
    cases = Case.objects.visible_to(request.user)
    if form.is_valid() and form.cleaned_data.get("team"):
        cases = cases.filter(team=form.cleaned_data["team"])
    return cases


class DashboardView(ActionRequiredMixin, View):
    action = "compliance.view"

    def get(self, request):
        form = PeriodForm(request.GET or None)
        period = form.period()
        duties = _scope(request, form)
        previous = {r["code"]: r for r in services.by_rule(duties, period.previous())}
        rows = services.by_rule(duties, period)
        for row in rows:
            row["previous"] = previous.get(row["code"])
        return render(
            request,
            "compliance/dashboard.html",
            {
                "form": form,
                "period": period,
                "rows": rows,
                "key": services.key_entitlements(duties, period),
                "service": services.service_measures(_case_scope(request, form), period),
                "query": request.GET.urlencode(),
            },
        )


class DrillDownView(ActionRequiredMixin, View):
    action = "compliance.view"

    def get(self, request):
        form = PeriodForm(request.GET or None)
        period = form.period()
        enhanced = {"1": True, "0": False}.get(request.GET.get("enhanced", ""))
        duties = services.drill_down(
            _scope(request, form),
            period,
            code=request.GET.get("rule", ""),
            outcome=request.GET.get("outcome", ""),
            enhanced=enhanced,
        ).select_related("case__officer", "case__team", "party__person", "rule")
        page = Paginator(duties.order_by("due_at", "id"), 50).get_page(request.GET.get("page"))
        return render(
            request,
            "compliance/drill_down.html",
            {
                "page": page,
                "period": period,
                "rule": request.GET.get("rule", ""),
                "outcome": request.GET.get("outcome", ""),
            },
        )


class ReassignForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=None, label="Give the chosen cases to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Role, User

        self.fields["officer"].queryset = User.objects.holding(Role.OFFICER).filter(is_active=True)


SORTS = {"due": "due_at", "officer": "case__officer__last_name", "team": "case__team__name"}


class OverdueWorklistView(ActionRequiredMixin, View):
    """Overdue duties on the supervisor's teams' cases, with bulk reassignment of the cases."""

    action = "compliance.view"

    def _duties(self, request):
        teams = TeamMembership.objects.filter(user=request.user, is_supervisor=True).values(
            "team_id"
        )
        sort = SORTS.get(request.GET.get("sort", "due"), "due_at")
        return (
            Duty.objects.visible_to(request.user)
            .overdue(on=timezone.now())
            .filter(case__team_id__in=teams)
            .select_related("case__officer", "case__team", "rule", "party__person")
            .order_by(sort, "due_at", "id")
        )

    def get(self, request, form=None):
        page = Paginator(self._duties(request), 50).get_page(request.GET.get("page"))
        return render(
            request,
            "compliance/overdue.html",
            {"page": page, "form": form or ReassignForm(), "sort": request.GET.get("sort", "due")},
        )

    def post(self, request):
        form = ReassignForm(request.POST)
        ids = request.POST.getlist("case")
        if not ids:
            form.add_error(None, "Tick at least one case to reassign.")
        if form.is_valid() and ids:
            cases = [access_case(request.user, case_id, "cases.edit") for case_id in ids]
            done = apply_service(
                form,
                lambda: (
                    case_services.reassign_officer(
                        cases=cases, officer=form.cleaned_data["officer"], by=request.user
                    )
                    or True
                ),
            )
            if done is not None and not form.errors:
                messages.success(
                    request, f"{len(cases)} case(s) given to {form.cleaned_data['officer']}."
                )
                return redirect("compliance-overdue")
        return self.get(request, form=form)
