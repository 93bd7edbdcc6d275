import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.text import slugify
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.models import TeamMembership
from assurance import services as assurance_services
from audit.exports import safe_row
from cases import services as case_services
from cases.models import Case
from cases.permissions import access_case
from cases.views import apply_service
from entitlements.models import Duty

from . import charts, links, paging, services, summary
from .forms import FilterForm, PackForm, ReassignForm


def _scoped(request, filters: services.Filters):
    """The user's duties and cases (never a case they may not see), filtered."""
    duties = services.filter_duties(Duty.objects.visible_to(request.user), filters)
    cases = services.filter_cases(Case.objects.visible_to(request.user), filters)
    return duties, cases


class DashboardView(ActionRequiredMixin, View):
    action = "compliance.view"

    def get(self, request):
        form = FilterForm(request.GET or None, user=request.user)
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
                "trend_chart": charts.trend_chart(trend, query=form.query()),
                "teams": teams,
                "team_chart": charts.team_chart(teams, query=form.query()),
                "qa": assurance_services.dashboard_figures(cases, period),
                # Duty figures read from the summary are as of its last rebuild: say when.
                "as_of": summary.last_refreshed()
                if summary.serves(request.user, filters)
                else None,
                "query": form.query(),
                "links": True,
            },
        )


class DrillDownView(ActionRequiredMixin, View):
    action = "compliance.view"

    def get(self, request):
        form = FilterForm(request.GET or None, user=request.user)
        if form.is_bound and not form.is_valid():
            return render(request, "compliance/drill_down.html", {"form": form}, status=400)
        period = form.period()
        duties, _ = _scoped(request, form.filters())
        enhanced = {"1": True, "0": False}.get(request.GET.get("enhanced", ""))
        codes = request.GET.getlist("rule")
        outcome = request.GET.get("outcome", "")
        duties = links.duties_behind(
            duties, period, codes=codes, outcome=outcome, enhanced=enhanced
        ).select_related("case__officer", "case__team", "party__person", "rule")
        page = paging.window(duties.order_by("due_at", "id"), request.GET.get("page"))
        others = request.GET.copy()
        others.pop("page", None)
        return render(
            request,
            "compliance/drill_down.html",
            {
                "form": form,
                "page": page,
                "period": period,
                "rule": ", ".join(codes),
                "outcome": outcome,
                "outcome_label": links.OUTCOME_LABELS.get(outcome, "Duties"),
                "team": form.cleaned_data.get("team") if form.is_bound else None,
                "query": form.query(),
                "page_query": others.urlencode(),
            },
        )


def _pack_figures(request, month: services.Period, filters: services.Filters) -> dict:
    """The dashboard's figures for the month, force-wide or for one team, as DashboardView
    counts them."""
    duties, cases = _scoped(request, filters)
    with services.summary_for(request.user, filters):
        return services.compliance_figures(
            duties, cases, month, previous=month.previous_month(), filters=filters
        )


class PackView(ActionRequiredMixin, View):
    """The monthly performance pack for the victim and witness service delivery group."""

    action = "compliance.view"

    def get(self, request):
        form = PackForm(request.GET, user=request.user)
        if not form.is_valid():
            return render(
                request,
                "compliance/pack.html",
                {"form": form, "month_value": request.GET.get("month", "")[:7]},
                status=400,
            )
        month, team = form.cleaned_data["month"], form.cleaned_data["team"]
        month_value = month.start.strftime("%Y-%m")
        csv_query = {"month": month_value, **({"team": team.pk} if team else {})}
        return render(
            request,
            "compliance/pack.html",
            {
                "form": form,
                **_pack_figures(request, month, form.filters()),
                "team": team,
                "month_value": month_value,
                "csv_query": urlencode(csv_query),
                "previous_label": month.previous_month().start.strftime("%B %Y"),
                "generated_at": timezone.now(),
            },
        )


class PackCsvView(ActionRequiredMixin, View):
    action = "compliance.view"

    def get(self, request):
        form = PackForm(request.GET, user=request.user)
        if not form.is_valid():
            return HttpResponse(
                " ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        month, team = form.cleaned_data["month"], form.cleaned_data["team"]
        # The team by name (not personal data), so packs saved side by side tell themselves apart.
        scope = f"-{slugify(team.name)}" if team else ""
        name = f"victims-code-pack-{month.start:%Y-%m}{scope}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        writer.writerow(services.PACK_COLUMNS)
        for row in services.pack_table(_pack_figures(request, month, form.filters())):
            writer.writerow(safe_row(row))
        return response


SORTS = {"due": "due_at", "officer": "case__officer__last_name", "team": "case__team__name"}


class OverdueWorklistView(ActionRequiredMixin, View):
    """Overdue duties on the supervisor's teams' cases, with bulk reassignment of the cases."""

    action = "compliance.view"
    per_page = 50
    # The worklist goes no deeper than this: a supervisor works from the most overdue, and a
    # bounded offset keeps a typed-in page number from reading every open duty of the force.
    max_pages = 20

    def _duties(self, request, teams: list[int]):
        sort = SORTS.get(request.GET.get("sort", "due"), "due_at")
        # The team ids as values, not a subquery: PostgreSQL then knows the team's share of the
        # cases and reads the open duties in due order from their partial index, stopping once
        # a page is full, instead of listing and sorting every overdue duty of the team.
        return (
            Duty.objects.visible_to(request.user)
            .overdue(on=timezone.now())
            .filter(case__team_id__in=teams)
            # Only what the page shows: each further join costs PostgreSQL more to plan (10 ms
            # with the person's) than the page takes to read.
            .select_related("case__officer", "case__team", "rule")
            .order_by(sort, "due_at", "id")
        )

    def _page(self, request) -> dict:
        """One page and whether another follows, without counting every overdue duty (tens of
        thousands on a busy team): reading one row more than a page tells."""
        try:
            number = min(max(int(request.GET.get("page", 1)), 1), self.max_pages)
        except (TypeError, ValueError):
            number = 1
        teams = list(
            TeamMembership.objects.filter(user=request.user, is_supervisor=True)
            .order_by()
            .values_list("team_id", flat=True)
        )
        start = (number - 1) * self.per_page
        rows = []
        if teams:
            rows = list(self._duties(request, teams)[start : start + self.per_page + 1])
        more = len(rows) > self.per_page
        page = rows[: self.per_page]
        return {
            "page": page,
            "number": number,
            "first": start + 1,
            "last": start + len(page),
            "has_previous": number > 1,
            "has_next": more and number < self.max_pages,
            "more_than_shown": more and number == self.max_pages,
            "shown_at_most": self.per_page * self.max_pages,
        }

    @staticmethod
    def _officer_options(form) -> str:
        """The officer select's options, built here: a force has 2,000 officers, and the select
        widget's template for each option took over 100 ms a page (a template loop, 40 ms)."""
        chosen = str(form["officer"].value() or "")
        officers = form.fields["officer"].queryset.values_list(
            "pk", "first_name", "last_name", "username"
        )
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                # Named as User.__str__ names them; format_html_join escapes every part.
                (pk, " selected" if str(pk) == chosen else "", f"{first} {last}".strip() or user)
                for pk, first, last, user in officers
            ),
        )

    def get(self, request, form=None):
        sort = request.GET.get("sort", "due")
        form = form or ReassignForm()
        return render(
            request,
            "compliance/overdue.html",
            {
                **self._page(request),
                "form": form,
                "officer_options": self._officer_options(form),
                "sort": sort if sort in SORTS else "due",
            },
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
