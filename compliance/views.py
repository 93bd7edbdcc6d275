import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.models import TeamMembership
from assurance import services as assurance_services
from cases import services as case_services
from cases.models import Case
from cases.permissions import access_case
from cases.views import apply_service
from entitlements.models import Duty

from . import charts, services
from .forms import FilterForm, MonthForm, ReassignForm


def _scoped(request, filters: services.Filters):
    """The user's duties and cases (never a case they may not see), filtered."""
    duties = services.filter_duties(Duty.objects.visible_to(request.user), filters)
    cases = services.filter_cases(Case.objects.visible_to(request.user), filters)
    return duties, cases


class DashboardView(ActionRequiredMixin, View):
    action = "compliance.view"

    def get(self, request):
        form = FilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return render(request, "compliance/dashboard.html", {"form": form}, status=400)
        period, filters = form.period(), form.filters()
        duties, cases = _scoped(request, filters)
        now = timezone.now()
        with services.summary_for(request.user, filters):
            figures = services.compliance_figures(
                duties, cases, period, previous=period.previous(), filters=filters, now=now
            )
            trend = services.monthly_trend(duties, period, now=now)
            teams = services.by_team(duties, period, now=now)
        return render(
            request,
            "compliance/dashboard.html",
            {
                "form": form,
                **figures,
                "trend": trend,
                "trend_chart": charts.trend_chart(trend),
                "teams": teams,
                "team_chart": charts.team_chart(teams),
                "qa": assurance_services.dashboard_figures(cases, period),
                "query": form.query(),
                "links": True,
            },
        )


class DrillDownView(ActionRequiredMixin, View):
    action = "compliance.view"

    def get(self, request):
        form = FilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return render(request, "compliance/drill_down.html", {"form": form}, status=400)
        period = form.period()
        duties, _ = _scoped(request, form.filters())
        enhanced = {"1": True, "0": False}.get(request.GET.get("enhanced", ""))
        codes = request.GET.getlist("rule")
        duties = services.drill_down(
            duties,
            period,
            code=codes,
            outcome=request.GET.get("outcome", ""),
            enhanced=enhanced,
        ).select_related("case__officer", "case__team", "party__person", "rule")
        page = Paginator(duties.order_by("due_at", "id"), 50).get_page(request.GET.get("page"))
        return render(
            request,
            "compliance/drill_down.html",
            {
                "form": form,
                "page": page,
                "period": period,
                "rule": ", ".join(codes),
                "outcome": request.GET.get("outcome", ""),
                "query": form.query(),
            },
        )


def _pack_figures(request, month: services.Period) -> dict:
    duties, cases = _scoped(request, services.NO_FILTERS)
    with services.summary_for(request.user, services.NO_FILTERS):
        return services.compliance_figures(duties, cases, month, previous=month.previous_month())


class PackView(ActionRequiredMixin, View):
    """The monthly performance pack for the victim and witness service delivery group."""

    action = "compliance.view"

    def get(self, request):
        form = MonthForm(request.GET)
        if not form.is_valid():
            return render(
                request,
                "compliance/pack.html",
                {"form": form, "month_value": request.GET.get("month", "")[:7]},
                status=400,
            )
        month = form.cleaned_data["month"]
        return render(
            request,
            "compliance/pack.html",
            {
                "form": form,
                **_pack_figures(request, month),
                "month_value": month.start.strftime("%Y-%m"),
                "previous_label": month.previous_month().start.strftime("%B %Y"),
                "generated_at": timezone.now(),
            },
        )


class PackCsvView(ActionRequiredMixin, View):
    action = "compliance.view"

    def get(self, request):
        form = MonthForm(request.GET)
        if not form.is_valid():
            return HttpResponse(
                "month: " + " ".join(form.errors["month"]),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        month = form.cleaned_data["month"]
        name = f"victims-code-pack-{month.start:%Y-%m}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        writer.writerow(services.PACK_COLUMNS)
        for row in services.pack_table(_pack_figures(request, month)):
            writer.writerow([_safe_cell(cell) for cell in row])
        return response


def _safe_cell(value):
    """Text a spreadsheet would run as a formula is written as plain text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


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
