import datetime

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.models import Team
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
