from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.generic import DetailView, ListView, TemplateView

from entitlements.selectors import worklist
from referrals.models import SupportAgency
from referrals.selectors import agency_worklist, shared_without_consent

from . import selectors
from .access import ActionRequiredMixin
from .models import Role, Team, UserRole
from .permissions import home_url_name
from .two_factor import services as two_factor


def home(request):
    url_name = home_url_name(request.user)
    if url_name is None:
        return render(request, "accounts/no_role.html")
    return redirect(url_name)


class OfficerHomeView(ActionRequiredMixin, TemplateView):
    action = "home.officer"
    template_name = "accounts/home_officer.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            teams=selectors.teams_of(self.request.user),
            worklist=worklist(self.request.user),
            **kwargs,
        )


class SupervisorHomeView(ActionRequiredMixin, TemplateView):
    action = "home.supervisor"
    template_name = "accounts/home_supervisor.html"

    def get_context_data(self, **kwargs):
        teams = selectors.teams_of(self.request.user, supervised_only=True)
        return super().get_context_data(
            teams=teams,
            worklist=worklist(self.request.user),
            # The newest few; the review page has them all.
            without_consent=shared_without_consent(self.request.user)[:5],
            **kwargs,
        )


class WitnessCareHomeView(ActionRequiredMixin, TemplateView):
    action = "home.witness_care"
    template_name = "accounts/home_witness_care.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            teams=selectors.teams_of(self.request.user),
            worklist=worklist(self.request.user),
            **kwargs,
        )


class AgencyHomeView(ActionRequiredMixin, TemplateView):
    action = "home.agency"
    template_name = "accounts/home_agency.html"

    def get_context_data(self, **kwargs):
        page = Paginator(agency_worklist(self.request.user), 20).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            agency=self.request.user.agency,
            page=page,
            open_referrals=page.paginator.count,
            **kwargs,
        )


class AdminHomeView(ActionRequiredMixin, TemplateView):
    action = "home.admin"
    template_name = "accounts/home_admin.html"

    def get_context_data(self, **kwargs):
        counted = dict(
            UserRole.objects.filter(user__is_active=True)
            .values_list("role")
            .annotate(n=Count("id"))
            .values_list("role", "n")
        )
        role_counts = [(Role(code).label, counted.get(code, 0)) for code in Role.values]
        return super().get_context_data(
            role_counts=role_counts,
            team_count=Team.objects.count(),
            agency_count=SupportAgency.objects.count(),
            **kwargs,
        )


class TeamListView(ActionRequiredMixin, ListView):
    action = "teams.view"
    template_name = "accounts/team_list.html"
    context_object_name = "teams"

    def get_queryset(self):
        return selectors.teams_with_members()


class TeamDetailView(ActionRequiredMixin, DetailView):
    action = "teams.view"
    template_name = "accounts/team_detail.html"
    context_object_name = "team"

    def get_queryset(self):
        return selectors.teams_with_members()


class ProfileView(ActionRequiredMixin, TemplateView):
    action = "profile.view"
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            teams=selectors.teams_of(user),
            two_factor_enrolled=two_factor.is_enrolled(user),
            recovery_codes_left=two_factor.recovery_codes_left(user),
            **kwargs,
        )
