from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.models import TeamMembership

from . import services
from .models import Kind, Notification, Preference


class NotificationListView(ActionRequiredMixin, View):
    action = "notifications.view"

    def get(self, request):
        rows = Notification.objects.for_recipient(request.user).select_related("duty")
        page = Paginator(rows, 30).get_page(request.GET.get("page"))
        return render(request, "notifications/list.html", {"page": page})

    def post(self, request):
        ids = None
        if not request.POST.get("all"):
            # Ignore anything that is not an id rather than fail on it.
            ids = [i for i in request.POST.getlist("id") if i.isascii() and i.isdigit()]
        count = services.mark_read(user=request.user, ids=ids)
        messages.success(request, f"{count} marked as read.")
        return redirect("notification-list")


class PreferenceForm(forms.ModelForm):
    """The shape of the settings; services.save_preferences decides what may be saved."""

    class Meta:
        model = Preference
        fields = ["email", "digest", "digest_hour", "sms", "mobile_number"]
        labels = {
            "email": "Email me reminders",
            "digest": "Send one daily summary instead of an email per duty",
            "digest_hour": "Hour for the daily summary (0 to 23)",
            "sms": "Text me when a duty is overdue",
        }


class PreferenceView(ActionRequiredMixin, View):
    action = "notifications.view"

    def _form(self, data=None):
        pref = Preference.objects.filter(user=self.request.user).first()
        return PreferenceForm(data, instance=pref or Preference(user=self.request.user))

    def get(self, request):
        return render(request, "notifications/preferences.html", {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                services.save_preferences(user=request.user, **form.cleaned_data)
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, "Your reminder settings are saved.")
                return redirect("notification-preferences")
        return render(request, "notifications/preferences.html", {"form": form})


class SentView(ActionRequiredMixin, View):
    """Supervisors see who was reminded of what, and when, for their teams' cases."""

    action = "notifications.audit"

    def get(self, request):
        teams = TeamMembership.objects.filter(user=request.user, is_supervisor=True).values(
            "team_id"
        )
        rows = Notification.objects.filter(
            Q(case__team_id__in=teams) | Q(recipient=request.user, kind=Kind.ESCALATION)
        ).select_related("recipient", "case", "duty")
        page = Paginator(rows.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
        return render(request, "notifications/sent.html", {"page": page})
