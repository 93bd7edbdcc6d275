import csv
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.text import slugify
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.models import TeamMembership
from assurance import services as assurance_services
from audit.exports import csv_response, safe_row
from audit.models import AuditAction
from audit.pdf import pdf_response
from audit.registry import query_string
from audit.services import record
from cases import services as case_services
from cases.permissions import access_case
from cases.views import apply_service
from counting.filters import Filters, filter_duties
from counting.periods import Period
from entitlements.models import Duty
from victimcare.db_routers import reporting_reads

from . import (
    charts,
    closures,
    duty_figures,
    duty_lists,
    labels,
    links,
    pack,
    paging,
    returns,
    vps_figures,
)
from .forms import FilterForm, PackForm, ReassignForm, ReturnForm, quarter_value
from .sources import figures_for


def _scoped(request, filters: Filters, *, on: datetime.date):
    """The user's duties (never a case they may not see), filtered; an age band as it was on
    `on` (the period's last day)."""
    return filter_duties(Duty.objects.visible_to(request.user), filters, on=on)


class DashboardView(ActionRequiredMixin, View):
    action = "compliance.view"

    def get(self, request):
        now = timezone.now()  # the one clock reading of the request: every figure is as of it
        form = FilterForm(request.GET or None, user=request.user, today=timezone.localdate(now))
        if form.is_bound and not form.is_valid():
            return render(request, "compliance/dashboard.html", {"form": form}, status=400)
        period, filters = form.period(), form.filters()
        # Only reads: from the reporting replica when there is one (victimcare/db_routers.py).
        with reporting_reads():
            # The summary for the user's whole view under the filters where it holds them, else
            # live: chosen here, once, for every figure of the page.
            source = figures_for(request.user, filters, on=period.end)
            figures = pack.compliance_figures(source, period, previous=period.previous(), now=now)
            trend = duty_figures.monthly_trend(source, period, now=now)
            teams = duty_figures.by_team(source, period, now=now)
            # Live whatever the source: the summary tables hold no attempts.
            missed = duty_figures.missed_counts(source, period, now=now)
            qa = assurance_services.dashboard_figures(source.cases, period)
            closed_over = closures.closed_with_open_duties(request.user, filters, period).count()
            # Duty figures read from the summary are as of its last rebuild: say when.
            as_of = source.summary_as_of
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
                "qa": qa,
                "missed": missed,
                "closed_with_open_duties": closed_over,
                "as_of": as_of,
                "query": form.query(),
                "links": True,
            },
        )


class ClosedWithOpenDutiesView(ActionRequiredMixin, View):
    """The cases closed in the period with Code duties still open, under the dashboard's
    filters: who closed each, why, and how many of its duties are open now."""

    action = "compliance.view"
    per_page = 25

    def get(self, request):
        now = timezone.now()
        form = FilterForm(request.GET or None, user=request.user, today=timezone.localdate(now))
        template = "compliance/closed_with_open_duties.html"
        if form.is_bound and not form.is_valid():
            return render(request, template, {"form": form}, status=400)
        period, filters = form.period(), form.filters()
        with reporting_reads():
            found = closures.closed_with_open_duties(request.user, filters, period)
            page = Paginator(closures.listed(found), self.per_page).get_page(
                request.GET.get("page")
            )
            page.object_list = list(page.object_list)
        others = request.GET.copy()
        others.pop("page", None)
        return render(
            request,
            template,
            {
                "form": form,
                "page": page,
                "period": period,
                "scope": _drill_down_scope(request, form),
                "query": form.query(),
                "page_query": others.urlencode(),
            },
        )


class VpsOffersView(ActionRequiredMixin, View):
    """Victim personal statement offers and statements made, by stage and by equality group,
    under the dashboard's filters: whom the force offers one to, and who is never offered one."""

    action = "compliance.view"
    template_name = "compliance/vps_offers.html"

    def get(self, request):
        now = timezone.now()
        form = FilterForm(request.GET or None, user=request.user, today=timezone.localdate(now))
        if form.is_bound and not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        period, filters = form.period(), form.filters()
        with reporting_reads():
            figures = vps_figures.vps_figures(
                _scoped(request, filters, on=period.end), period, now=now, on=period.end
            )
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "figures": figures,
                "period": period,
                "scope": _drill_down_scope(request, form),
                "query": form.query(),
            },
        )


def _behind_figure(request, form: FilterForm, *, now: datetime.datetime):
    """The duties behind a dashboard figure (the link's period, filters, rules and outcome), each
    with its effective status as of `now`, in deadline order. `form` must be valid or
    unbound."""
    period = form.period()
    duties = links.duties_behind(
        _scoped(request, form.filters(), on=period.end),
        period,
        codes=request.GET.getlist("rule"),
        outcome=request.GET.get("outcome", ""),
        enhanced={"1": True, "0": False}.get(request.GET.get("enhanced", "")),
        now=now,
    )
    return duty_lists.with_effective_status(duties, now=now).order_by("due_at", "id")


def _drill_down_scope(request, form: FilterForm) -> str:
    data = form.cleaned_data if form.is_bound else {}
    team = data.get("team")
    return labels.scope_label(
        request.user, teams=[team.name] if team else [], officer=data.get("officer")
    )


class DrillDownView(ActionRequiredMixin, View):
    action = "compliance.view"

    def get(self, request):
        now = timezone.now()
        form = FilterForm(request.GET or None, user=request.user, today=timezone.localdate(now))
        if form.is_bound and not form.is_valid():
            return render(request, "compliance/drill_down.html", {"form": form}, status=400)
        duties = _behind_figure(request, form, now=now).select_related(
            "case__officer", "case__team", "party__person", "rule"
        )
        page = paging.window(duties, request.GET.get("page"), count=True)
        others = request.GET.copy()
        others.pop("page", None)
        outcome = request.GET.get("outcome", "")
        return render(
            request,
            "compliance/drill_down.html",
            {
                "form": form,
                "page": page,
                "total": paging.total_words(page.total, page.total_capped),
                "scope": _drill_down_scope(request, form),
                "period": form.period(),
                "rule": ", ".join(request.GET.getlist("rule")),
                "outcome": outcome,
                "outcome_label": links.OUTCOME_LABELS.get(outcome, "Duties"),
                "query": form.query(),
                "page_query": others.urlencode(),
                "export_limit": f"{duty_lists.EXPORT_LIMIT:,}",
            },
        )


def _duties_csv(request, filename: str, what: str, duties) -> HttpResponse:
    """A CSV of the duties (at most EXPORT_LIMIT, and says so when cut short), recorded in the
    audit trail: who, what (the filters as chosen) and how many duties and people."""
    export = duty_lists.export_duties(duties, limit=duty_lists.EXPORT_LIMIT)
    rows = list(export.rows)
    if export.truncated:
        rows.append(
            [
                f"More duties match than this file holds: these are the first "
                f"{duty_lists.EXPORT_LIMIT:,}, in the order of the page. Narrow the filters to "
                "export the rest."
            ]
        )
    shortened = f", cut short at {duty_lists.EXPORT_LIMIT}" if export.truncated else ""
    record(
        request,
        AuditAction.EXPORT,
        person_ids=export.people,
        detail=f"{what} (CSV): {paging.total_words(len(export.rows), False)} of "
        f"{paging.total_words(len(export.people), False, one='person', many='people')}"
        f"{shortened}; {query_string(request)}",
    )
    return csv_response(filename, duty_lists.DUTY_COLUMNS, rows)


class DrillDownCsvView(ActionRequiredMixin, View):
    """The drill-down's duties as CSV."""

    action = "compliance.view"

    def get(self, request):
        now = timezone.now()
        form = FilterForm(request.GET or None, user=request.user, today=timezone.localdate(now))
        if form.is_bound and not form.is_valid():
            return _form_errors(form)
        period = form.period()
        return _duties_csv(
            request,
            f"duties-behind-figure-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv",
            "Duties behind a compliance figure",
            _behind_figure(request, form, now=now),
        )


def _form_errors(form) -> HttpResponse:
    return HttpResponse(
        " ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()),
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def _pack_figures(request, month: Period, filters: Filters, *, now: datetime.datetime) -> dict:
    """The dashboard's figures for the month, force-wide or for one team, as DashboardView
    counts them, with the quality assurance reviews completed in that month on those cases."""
    # Only reads: from the reporting replica when there is one (victimcare/db_routers.py).
    with reporting_reads():
        source = figures_for(request.user, filters, on=month.end)
        figures = pack.compliance_figures(source, month, previous=month.previous_month(), now=now)
        figures["qa"] = assurance_services.dashboard_figures(source.cases, month)
    return figures


def _pack_filename(month: Period, team, extension: str) -> str:
    # The team by name (not personal data), so packs saved side by side tell themselves apart.
    scope = f"-{slugify(team.name)}" if team else ""
    return f"victims-code-pack-{month.start:%Y-%m}{scope}.{extension}"


def _pack_context(request, form: PackForm, *, now: datetime.datetime) -> dict:
    """What the pack shows (call after is_valid), for the page and its PDF alike."""
    month, team = form.cleaned_data["month"], form.cleaned_data["team"]
    month_value = month.start.strftime("%Y-%m")
    query = urlencode({"month": month_value, **({"team": team.pk} if team else {})})
    return {
        "form": form,
        **_pack_figures(request, month, form.filters(), now=now),
        "team": team,
        "month_value": month_value,
        "csv_query": query,
        "previous_label": month.previous_month().start.strftime("%B %Y"),
        "generated_at": now,
    }


class PackView(ActionRequiredMixin, View):
    """The monthly performance pack for the victim and witness service delivery group."""

    action = "compliance.view"

    def get(self, request):
        now = timezone.now()
        form = PackForm(request.GET, user=request.user, today=timezone.localdate(now))
        if not form.is_valid():
            return render(
                request,
                "compliance/pack.html",
                {"form": form, "month_value": request.GET.get("month", "")[:7]},
                status=400,
            )
        return render(request, "compliance/pack.html", _pack_context(request, form, now=now))


class PackPdfView(ActionRequiredMixin, View):
    """The pack as a PDF: the page's template and figures, laid out for print."""

    action = "compliance.view"

    def get(self, request):
        now = timezone.now()
        form = PackForm(request.GET, user=request.user, today=timezone.localdate(now))
        if not form.is_valid():
            return _form_errors(form)
        month, team = form.cleaned_data["month"], form.cleaned_data["team"]
        return pdf_response(
            request,
            "compliance/pack.html",
            _pack_context(request, form, now=now),
            filename=_pack_filename(month, team, "pdf"),
        )


class PackCsvView(ActionRequiredMixin, View):
    action = "compliance.view"

    def get(self, request):
        now = timezone.now()
        form = PackForm(request.GET, user=request.user, today=timezone.localdate(now))
        if not form.is_valid():
            return _form_errors(form)
        month, team = form.cleaned_data["month"], form.cleaned_data["team"]
        name = _pack_filename(month, team, "csv")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        writer.writerow(pack.PACK_COLUMNS)
        for row in pack.pack_table(_pack_figures(request, month, form.filters(), now=now)):
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

    @staticmethod
    def _duties(request, teams: list[int], *, now):
        sort = SORTS.get(request.GET.get("sort", "due"), "due_at")
        # The team ids as values, not a subquery: PostgreSQL then knows the team's share of the
        # cases and reads the open duties in due order from their partial index, stopping once
        # a page is full, instead of listing and sorting every overdue duty of the team.
        return duty_lists.with_effective_status(
            Duty.objects.visible_to(request.user).overdue(on=now).filter(case__team_id__in=teams),
            now=now,
        ).order_by(sort, "due_at", "id")

    @staticmethod
    def _teams(request) -> dict[int, str]:
        """The teams the user supervises, id -> name, by name."""
        return dict(
            TeamMembership.objects.filter(user=request.user, is_supervisor=True)
            .order_by("team__name")
            .values_list("team_id", "team__name")
        )

    def _page(self, request) -> dict:
        """One page and whether another follows, without counting every overdue duty (tens of
        thousands on a busy team): reading one row more than a page tells. The total is
        counted up to paging.COUNT_UP_TO."""
        try:
            number = min(max(int(request.GET.get("page", 1)), 1), self.max_pages)
        except (TypeError, ValueError):
            number = 1
        teams = self._teams(request)
        start = (number - 1) * self.per_page
        rows, total, capped = [], 0, False
        if teams:
            duties = self._duties(request, list(teams), now=timezone.now())
            # Only what the page shows: each further join costs PostgreSQL more to plan (10 ms
            # with the person's) than the page takes to read.
            rows = list(
                duties.select_related("case__officer", "case__team", "rule")[
                    start : start + self.per_page + 1
                ]
            )
            total, capped = paging.capped_count(duties)
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
            "scope": labels.scope_label(request.user, teams=list(teams.values()))
            if teams
            else "no team: you supervise none",
            "total": paging.total_words(total, capped, one="overdue duty", many="overdue duties"),
            "export_limit": f"{duty_lists.EXPORT_LIMIT:,}",
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


class OverdueCsvView(ActionRequiredMixin, View):
    """The overdue worklist as CSV, in the worklist's order, beyond its last page too (up to
    the export limit)."""

    action = "compliance.view"

    def get(self, request):
        now = timezone.now()
        teams = list(OverdueWorklistView._teams(request))
        duties = OverdueWorklistView._duties(request, teams, now=now)
        return _duties_csv(
            request,
            f"overdue-duties-{timezone.localdate(now):%Y-%m-%d}.csv",
            "Overdue worklist",
            duties,
        )


def _return_figures(request, form: ReturnForm, *, now: datetime.datetime) -> dict:
    """The compliance return for the form's quarter and team (call after is_valid)."""
    # Only reads: from the reporting replica when there is one (victimcare/db_routers.py).
    with reporting_reads():
        return returns.return_for(
            request.user, quarter=form.cleaned_data["quarter"], filters=form.filters(), now=now
        )


def _return_filename(form: ReturnForm) -> str:
    team = form.cleaned_data["team"]
    scope = f"-{slugify(team.name)}" if team else ""
    return f"victims-code-return-{quarter_value(form.cleaned_data['quarter'])}{scope}.csv"


class ReturnView(ActionRequiredMixin, View):
    """The quarterly compliance return for the police and crime commissioner."""

    action = "compliance.view"
    template = "compliance/return.html"

    def get(self, request):
        now = timezone.now()
        form = ReturnForm(request.GET or None, user=request.user, today=timezone.localdate(now))
        if not form.is_bound:
            form = ReturnForm({}, user=request.user, today=timezone.localdate(now))
        if not form.is_valid():
            return render(request, self.template, {"form": form}, status=400)
        return render(
            request,
            self.template,
            {
                "form": form,
                "team": form.cleaned_data["team"],
                "chosen_quarter": quarter_value(form.cleaned_data["quarter"]),
                "query": form.query(),
                **_return_figures(request, form, now=now),
            },
        )


class ReturnCsvView(ActionRequiredMixin, View):
    action = "compliance.view"

    def get(self, request):
        now = timezone.now()
        form = ReturnForm(request.GET, user=request.user, today=timezone.localdate(now))
        if not form.is_valid():
            return _form_errors(form)
        figures = _return_figures(request, form, now=now)
        return csv_response(
            _return_filename(form), returns.RETURN_COLUMNS, returns.return_table(figures)
        )
