"""The officer's case page: the case, a page of its people with their duties and referrals, the
newest entries of the timeline, and the quick-add forms that answer with the refreshed page
parts. It gathers from cases, entitlements and referrals, so it sits above them (ARCHITECTURE.md).

Whatever the size of the case, the page reads and renders the same amount: 10 people a page
(`?people=2`), their records only, and the newest entries of the timeline with a link to the
whole of it (cases' timeline page)."""

from collections.abc import Callable

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.permissions import can
from audit import services as audit
from cases import safe_channels, services
from cases import selectors as case_selectors
from cases.forms import EventForm
from cases.models import Basis, Case, CaseStatus
from cases.permissions import access_case, may_change_case, supervises_case
from cases.views import CaseFormView, apply_service
from entitlements.models import Duty, DutyAttempt
from entitlements.selectors import checklist_order, set_timing
from referrals import automatic as automatic_referrals

from . import selectors
from .forms import ContactForm, PersonContactForm

TIMELINE_LATEST = 20

# The links on each person's card: the template's name for it, and the URL's name.
PERSON_LINKS = {
    "contact": "person-contact",
    "person_edit": "person-edit",
    "safe_contact": "safe-contact",
    "eligibility": "basis-record",
    "needs": "needs-assessment",
    "updates": "update-agreement",
    "risk": "risk-assessment",
    "special_measures": "special-measures",
    "vps": "vps",
    "witness_care": "witness-care",
    "acknowledgement": "acknowledgement",
    "referral_new": "referral-new",
    "your_rights": "your-rights",
    "survey_opt_out": "survey-opt-out",
}
# An id no record has, long enough never to be part of another number in a URL.
_STAND_IN = 918_273_645_546_372_819


def _url_for_each(name: str, each: str, **kwargs) -> Callable[[int], str]:
    """`reverse(name)` for many ids at the cost of one: reversed once with a stand-in for the
    `each` argument, which each call fills in. A page of people carries some 20 links a person,
    and reversing every one of them was a tenth of the page's time."""
    head, tail = reverse(name, kwargs={**kwargs, each: _STAND_IN}).split(str(_STAND_IN))
    return lambda pk: f"{head}{pk}{tail}"


def _add_links(case: Case, parties: list) -> None:
    """Each person's links, and their referrals' and duties'."""
    person = {
        key: _url_for_each(name, "party_pk", pk=case.pk) for key, name in PERSON_LINKS.items()
    }
    record = _url_for_each("person-record", "pk")
    referral = _url_for_each("referral", "referral_pk", pk=case.pk)
    duty = _url_for_each("duty", "duty_pk", pk=case.pk)
    for party in parties:
        party.links = {key: url(party.pk) for key, url in person.items()}
        party.links["person_record"] = record(party.person_id)
        for r in party.referral_list:
            r.url = referral(r.pk)
        for d in party.all_duties:
            d.url = duty(d.pk)


class CaseDetailView(ActionRequiredMixin, View):
    action = "cases.view"

    def get(self, request, pk):
        case = access_case(request.user, pk, "cases.view", selectors.case_page(Case.objects))
        context = _case_context(request, case, people=request.GET.get("people"))
        # Everyone the page names: its page of people, and whoever its newest timeline entries
        # are about (they may be on another page of people).
        shown = {party.person_id for party in context["parties"]}
        shown |= {entry.party.person_id for entry in context["timeline"] if entry.party}
        audit.people_shown(request, case_id=case.pk, person_ids=sorted(shown))
        return render(request, "casework/case_detail.html", context)


def _case_context(request, case, *, people=None, contact_form=None, event_form=None) -> dict:
    """What the case page shows, for page `people` of the case's people."""
    # Someone the case edit policy leaves to read the case sees no way to change it.
    may_change = may_change_case(request.user, case)
    may_record = may_change and can(request.user, "cases.record")
    now = timezone.now()
    page = selectors.people_page(case, people)
    parties = page.object_list
    referral_policy = automatic_referrals.policy_in_force(now)
    for duty in (d for party in parties for d in party.all_duties):
        duty.case = case  # the page's case: set_timing reads it, and it is the same row
    set_timing([d for party in parties for d in party.all_duties], now=now)
    for party in parties:
        party.checklist = checklist_order(party.all_duties, now=now)
        # The victim's choice about the Right 4 referral, and why it is not sent if it is not.
        party.right4 = automatic_referrals.right4_status(
            party,
            case=case,
            referrals=party.referral_list,
            duties=party.all_duties,
            policy=referral_policy,
            now=now,
        )
    _add_links(case, parties)
    # The crimes that made a person persistently targeted, those the user may see (no query
    # unless someone on the page has that basis).
    targeted = {
        party.person_id
        for party in parties
        if any(b.basis == Basis.PERSISTENTLY_TARGETED for b in party.applying_bases)
    }
    targeting = case_selectors.persistent_targeting(request.user, targeted)
    for party in parties:
        party.targeting = targeting.get(party.person_id)
    # One entry more than is shown says whether there is more to see.
    timeline = case_selectors.timeline(case, latest=TIMELINE_LATEST + 1)
    if may_record:
        # The quick-add forms offer the people on this page, not all of a large case's.
        contact_form = contact_form or ContactForm(case=case)
        event_form = event_form or EventForm(case=case)
        contact_form.offer(parties, duties=[d for party in parties for d in party.all_duties])
        event_form.offer(parties)
    may_edit = may_change and can(request.user, "cases.edit")
    closing = None
    may_reopen = False
    if case.status == CaseStatus.CLOSED:
        closing = case.closures.filter(reopened_at__isnull=True).select_related("closed_by").first()
        may_reopen = may_edit and supervises_case(request.user, case)
    return {
        "case": case,
        "now_": now,
        "closing": closing,
        "may_reopen": may_reopen,
        "may_resolve": may_change and can(request.user, "duties.resolve"),
        "may_allow_surveys": can(request.user, "surveys.allow_restricted"),
        "people": page,
        "people_links": page.paginator.get_elided_page_range(
            page.number, on_each_side=1, on_ends=1
        ),
        "parties": parties,
        "timeline": timeline[:TIMELINE_LATEST],
        "timeline_more": len(timeline) > TIMELINE_LATEST,
        "may_record": may_record,
        "may_edit": may_edit,
        "contact_form": contact_form,
        "event_form": event_form,
    }


class ContactCreateView(CaseFormView):
    """Log a contact. From the case page (htmx) it answers with the page's parts refreshed, for
    the page of people the form was on (`?people=`); without JavaScript it goes back there."""

    form_class = ContactForm
    title = "Log a contact"
    submit = "Log contact"
    form_key = "contact_form"
    panel = "casework/_quick_contact.html"

    def get_form_kwargs(self):
        return {"case": self.case}

    def perform(self, form):
        return services.record_contact(case=self.case, by=self.request.user, **form.cleaned_data)

    def success_message(self):
        return "Contact logged."

    def success_url(self) -> str:
        url = reverse("case-detail", kwargs={"pk": self.case.pk})
        if "people" not in self.request.GET:
            return url
        number = selectors.people(self.case, self.request.GET["people"]).number
        return f"{url}?people={number}#people" if number > 1 else url

    def render(self, form, **extra):
        if "people" in self.request.GET:
            form.offer(selectors.people(self.case, self.request.GET["people"]).object_list)
        return super().render(form, **extra)

    def post(self, request, pk, **kwargs):
        if not request.htmx:
            return super().post(request, pk, **kwargs)
        form = self.form_class(request.POST, **self.get_form_kwargs())
        saved = form.is_valid() and apply_service(form, lambda: self.perform(form))
        message = None
        if saved and not form.errors:
            form, message = self.form_class(**self.get_form_kwargs()), self.success_message()
        case = selectors.case_page(Case.objects).get(pk=self.case.pk)
        context = _case_context(
            request, case, people=request.GET.get("people"), **{self.form_key: form}
        )
        return render(
            request,
            "casework/_quick_add_response.html",
            {**context, "panel": self.panel, "message": message},
        )


class PersonContactView(CaseFormView):
    """Contact one person: the ways their safe-contact profile forbids are shown disabled, with
    the reason beside each, and only their open duties are offered.

    Opened for one duty (`?duty=<id>`, from the officer's home or the duty's page), that duty is
    ticked and the way to try already chosen: the first safe way not yet tried for it (from the
    safe-contact profile, never a forbidden one); what came of it is left for the officer."""

    form_class = PersonContactForm
    party_scoped = True
    title = "Log a contact or an attempt"
    submit = "Log contact"
    template_name = "casework/person_contact.html"

    def get_form_kwargs(self):
        if not hasattr(self, "safe"):
            self.safe = safe_channels.profile(self.party)
        return {"case": self.case, "party": self.party, "safe": self.safe}

    def _duty(self) -> Duty | None:
        """The open duty of this person the page was opened for, if any (an id: not personal)."""
        wanted = self.request.GET.get("duty", "")
        if not wanted.isdigit():
            return None
        return (
            Duty.objects.open()
            .filter(pk=int(wanted), party=self.party, rule__recurring=False)
            .only("pk")
            .first()
        )

    def get_initial(self):
        duty = self._duty()
        tried = set()
        if duty is not None:
            tried = set(
                DutyAttempt.objects.filter(duty=duty).values_list("contact__method", flat=True)
            )
        initial = {"method": safe_channels.suggested_method(self.safe, tried=tried)}
        if duty is not None:
            initial["meets"] = [duty.pk]
        return initial

    def get(self, request, pk, **kwargs):
        self.get_form_kwargs()  # reads the safe-contact profile the initial values need
        return super().get(request, pk, **kwargs)

    def perform(self, form):
        return services.record_contact(case=self.case, by=self.request.user, **form.cleaned_data)

    def success_message(self):
        return "Contact logged."

    def success_url(self) -> str:
        # Opened from a duty: back to where the officer's day is, their home.
        if "duty" in self.request.GET:
            return reverse("home")
        return super().success_url()

    def render(self, form, **extra):
        return super().render(form, safe=self.safe, **extra)


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
