"""The officer's case page: the case, its people with their duties and referrals, the timeline,
and the quick-add forms that answer with the refreshed page parts. It gathers from cases,
entitlements and referrals, so it sits above them (ARCHITECTURE.md)."""

from django.shortcuts import render
from django.utils import timezone
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.permissions import can
from cases import selectors as case_selectors
from cases import services
from cases.forms import EventForm
from cases.models import Case
from cases.permissions import access_case, may_change_case
from cases.views import CaseFormView, apply_service
from entitlements.selectors import checklist_order
from referrals import automatic as automatic_referrals

from . import selectors
from .forms import ContactForm


class CaseDetailView(ActionRequiredMixin, View):
    action = "cases.view"

    def get(self, request, pk):
        case = access_case(request.user, pk, "cases.view", selectors.case_page(Case.objects))
        return render(request, "casework/case_detail.html", _case_context(request, case))


def _case_context(request, case, *, contact_form=None, event_form=None) -> dict:
    # Someone the case edit policy leaves to read the case sees no way to change it.
    may_change = may_change_case(request.user, case)
    may_record = may_change and can(request.user, "cases.record")
    now = timezone.now()
    parties = list(case.parties.all())
    referral_policy = automatic_referrals.policy_in_force(now)
    for party in parties:
        party.checklist = checklist_order(getattr(party, "all_duties", []), now=now)
        # The victim's choice about the Right 4 referral, and why it is not sent if it is not.
        party.right4 = automatic_referrals.right4_status(
            party,
            case=case,
            referrals=getattr(party, "referral_list", []),
            duties=getattr(party, "all_duties", []),
            policy=referral_policy,
            now=now,
        )
    return {
        "case": case,
        "now_": now,
        "may_resolve": may_change and can(request.user, "duties.resolve"),
        "may_allow_surveys": can(request.user, "surveys.allow_restricted"),
        "parties": parties,
        "timeline": case_selectors.timeline(case),
        "may_record": may_record,
        "may_edit": may_change and can(request.user, "cases.edit"),
        "contact_form": contact_form or (ContactForm(case=case) if may_record else None),
        "event_form": event_form or (EventForm(case=case) if may_record else None),
    }


class ContactCreateView(CaseFormView):
    form_class = ContactForm
    title = "Log a contact"
    submit = "Log contact"

    def get_form_kwargs(self):
        return {"case": self.case}

    def perform(self, form):
        return services.record_contact(case=self.case, by=self.request.user, **form.cleaned_data)

    def success_message(self):
        return "Contact logged."

    def post(self, request, pk, **kwargs):
        if not request.htmx:
            return super().post(request, pk, **kwargs)
        # From the case page: answer with the quick-add panel and the refreshed timeline.
        form = self.form_class(request.POST, **self.get_form_kwargs())
        saved = form.is_valid() and apply_service(form, lambda: self.perform(form))
        message = None
        if saved and not form.errors:
            form, message = self.form_class(**self.get_form_kwargs()), self.success_message()
        case = selectors.case_page(Case.objects).get(pk=self.case.pk)
        return render(
            request,
            "casework/_quick_add_response.html",
            {
                **_case_context(request, case, **{self.form_key: form}),
                "panel": self.panel,
                "message": message,
            },
        )

    form_key = "contact_form"
    panel = "casework/_quick_contact.html"


class EventCreateView(ContactCreateView):
    form_class = EventForm
    title = "Record an event"
    submit = "Record event"
    form_key = "event_form"
    panel = "casework/_quick_event.html"

    def perform(self, form):
        return services.record_event(case=self.case, by=self.request.user, **form.cleaned_data)

    def success_message(self):
        return "Event recorded."
