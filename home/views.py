"""Each role's home page. The homes gather what several apps hold (duties, referrals, teams), so
they sit above all of them; `accounts` only says which home a user has (`home_url_name`)."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.generic import TemplateView

from accounts import selectors
from accounts.access import ActionRequiredMixin
from accounts.models import Team
from accounts.permissions import home_url_name
from entitlements.selectors import cannot_reach, worklist
from portal.selectors import unanswered_for
from referrals.models import SupportAgency
from referrals.selectors import agency_worklist, shared_without_consent


def home(request):
    url_name = home_url_name(request.user)
    if url_name is None:
        return render(request, "home/no_role.html")
    return redirect(url_name)


class OfficerHomeView(ActionRequiredMixin, TemplateView):
    action = "home.officer"
    template_name = "home/officer.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            teams=selectors.teams_of(self.request.user),
            worklist=worklist(self.request.user),
            # Messages sent through Track my case and not answered yet (the newest 20).
            victim_messages=list(unanswered_for(self.request.user)[:20]),
            **kwargs,
        )


class SupervisorHomeView(ActionRequiredMixin, TemplateView):
    action = "home.supervisor"
    template_name = "home/supervisor.html"

    def get_context_data(self, **kwargs):
        teams = selectors.teams_of(self.request.user, supervised_only=True)
        return super().get_context_data(
            teams=teams,
            worklist=worklist(self.request.user),
            # The newest few; the review page has them all.
            without_consent=shared_without_consent(self.request.user)[:5],
            cannot_reach_count=cannot_reach(self.request.user).count(),
            **kwargs,
        )


class WitnessCareHomeView(ActionRequiredMixin, TemplateView):
    action = "home.witness_care"
    template_name = "home/witness_care.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            teams=selectors.teams_of(self.request.user),
            worklist=worklist(self.request.user),
            **kwargs,
        )


class AgencyHomeView(ActionRequiredMixin, TemplateView):
    action = "home.agency"
    template_name = "home/agency.html"

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
    template_name = "home/admin.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            role_counts=selectors.active_users_by_role(),
            team_count=Team.objects.count(),
            agency_count=SupportAgency.objects.count(),
            **kwargs,
        )
