from django.views.generic import DetailView, ListView, TemplateView

from . import selectors
from .access import ActionRequiredMixin
from .two_factor import services as two_factor


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
