"""Pages about duties: yours, resolve one, the acknowledgement, 'your rights' and the guidance."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.permissions import can
from audit.pdf import pdf_download
from cases import safe_channels
from cases.forms import ChoicesWithReasons
from cases.permissions import access_case, may_change_case
from cases.views import apply_service

from . import calendar, duty_notes, letters, selectors, services
from .forms import DutyResolveForm
from .models import Duty, DutyRule, Right


class MyDutiesView(ActionRequiredMixin, View):
    """Every open duty the user is expected to act on, paged: the home lists only the soonest."""

    action = "duties.view"

    def get(self, request):
        now = timezone.now()
        page = Paginator(selectors.my_duties(request.user), 50).get_page(request.GET.get("page"))
        page.object_list = selectors.set_timing(list(page.object_list), now=now)
        links = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        context = {"page": page, "links": links, "now_": now}
        return render(request, "entitlements/my_duties.html", context)


class CannotReachView(ActionRequiredMixin, View):
    """The supervisor's "cannot reach" list: their teams' open duties whose person could not be
    reached, 50 a page, longest flagged first."""

    action = "duties.cannot_reach"

    def get(self, request):
        rows = selectors.cannot_reach_rows(request.user)
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        links = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        return render(request, "entitlements/cannot_reach.html", {"page": page, "links": links})


class DutyView(ActionRequiredMixin, View):
    action = "duties.resolve"

    def dispatch(self, request, pk, duty_pk):
        if not can(request.user, self.action):
            return super().dispatch(request, pk, duty_pk)
        self.case = access_case(request.user, pk, self.action)
        self.duty = get_object_or_404(
            Duty.objects.select_related(
                "rule__right", "party__person", "met_by", "resolved_by", "met_contact__outcome"
            ),
            pk=duty_pk,
            case=self.case,
        )
        return super().dispatch(request, pk, duty_pk)

    def _form(self, data=None):
        may_waive = can(self.request.user, "duties.waive")
        return DutyResolveForm(data, duty=self.duty, may_waive=may_waive)

    def get(self, request, pk, duty_pk):
        return self._render(self._form())

    def post(self, request, pk, duty_pk):
        form = self._form(request.POST)
        if form.is_valid():
            done = apply_service(form, lambda: self._perform(form.cleaned_data))
            if done is not None and not form.errors:
                messages.success(request, f"{self.duty.rule.title}: {done.get_status_display()}.")
                return redirect("case-detail", pk=self.case.pk)
        return self._render(form)

    def _perform(self, data):
        user, note = self.request.user, data["note"]
        action = data["action"]
        if action == "meet":
            return services.meet_duty(
                duty=self.duty, by=user, at=data["met_at"], contact=data["contact"], note=note
            )
        if action == "decline":
            return services.decline_duty(duty=self.duty, by=user, reason=note)
        if action == "not_applicable":
            return services.mark_not_applicable(duty=self.duty, by=user, reason=note)
        try:
            return services.waive_duty(duty=self.duty, by=user, reason=note)
        except PermissionDenied as refused:
            raise ValidationError({"action": str(refused)}) from None

    def _render(self, form):
        attempts = selectors.attempts(self.duty)
        self.duty.case = self.case
        selectors.set_timing([self.duty], now=timezone.now())
        safe = safe_channels.profile(self.duty.party) if self.duty.is_open else None
        prompt = selectors.reach_prompt(self.duty, found=attempts, safe=safe)
        return render(
            self.request,
            "entitlements/duty.html",
            {
                "case": self.case,
                "duty": self.duty,
                "form": form,
                "now_": timezone.now(),
                "notes": duty_notes.for_duty(self.duty),
                "enhanced_because": selectors.enhanced_because(self.duty),
                "what_to_do": selectors.what_to_do(self.duty),
                "retimings": selectors.retimings(self.duty),
                "attempts": attempts,
                "attempts_summary": selectors.attempts_summary(attempts),
                "reach": prompt,
                "may_log": can(self.request.user, "cases.record")
                and may_change_case(self.request.user, self.case),
            },
        )


class AcknowledgementForm(forms.Form):
    """How the acknowledgement was given: a way the person's safe-contact profile forbids (or
    email with no address) is shown disabled with the reason beside it, and the service refuses
    it anyway (a page opened before the profile changed still posts it)."""

    delivery = forms.ChoiceField(choices=letters.Delivery.CHOICES, label="How was it given?")

    def __init__(self, *args, refused: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].widget = ChoicesWithReasons(
            choices=letters.Delivery.CHOICES, refused=refused
        )


class AcknowledgementView(ActionRequiredMixin, View):
    """Right 3: the written acknowledgement, printable, sendable where it is safe."""

    action = "cases.record"

    def dispatch(self, request, pk, party_pk):
        if not can(request.user, self.action):
            return super().dispatch(request, pk, party_pk)
        self.case = access_case(request.user, pk, self.action)
        self.party = get_object_or_404(
            self.case.parties.select_related("person", "case__officer", "case__offence"),
            pk=party_pk,
        )
        return super().dispatch(request, pk, party_pk)

    def _form(self, data=None) -> AcknowledgementForm:
        return AcknowledgementForm(data, refused=self._refused())

    def _refused(self) -> dict[str, str]:
        if not hasattr(self, "refused"):
            self.refused = letters.unsafe_deliveries(self.party)
        return self.refused

    def get(self, request, pk, party_pk):
        return self._render(self._form())

    def post(self, request, pk, party_pk):
        form = self._form(request.POST)
        if form.is_valid():
            done = apply_service(
                form,
                lambda: (
                    letters.give_acknowledgement(
                        party=self.party, by=request.user, delivery=form.cleaned_data["delivery"]
                    )
                    or True
                ),
            )
            if done and not form.errors:
                messages.success(request, "The written acknowledgement is recorded as given.")
                return redirect("case-detail", pk=self.case.pk)
        return self._render(form)

    def _context(self, form):
        """What the page shows, for the page and its PDF alike."""
        context = letters.acknowledgement_context(self.party)
        context.update(
            form=form,
            refused=self._refused(),
            body=letters.acknowledgement_text(self.party),
        )
        return context

    def _render(self, form):
        return render(self.request, "entitlements/acknowledgement.html", self._context(form))


class AcknowledgementPdfView(AcknowledgementView):
    """The acknowledgement as a PDF to print or post: the page's template and context, with
    the page's permission. Downloading it does not record it as given."""

    http_method_names = ["get"]

    def get(self, request, pk, party_pk):
        return pdf_download(
            letters.acknowledgement_pdf(request, self.party),
            filename=_letter_filename("written-acknowledgement"),
        )


def _letter_filename(kind: str) -> str:
    """What a letter is and the day it was printed: never the person's name or reference."""
    return f"{kind}-{timezone.localdate():%Y-%m-%d}.pdf"


class YourRightsView(AcknowledgementView):
    """A plain-English summary of the person's rights, to print or read together."""

    action = "cases.view"

    def _context(self, form=None):
        # The letter in the person's language (letters.py chooses it); the page around it is
        # the staff's, in English.
        return {
            "case": self.case,
            "party": self.party,
            "letter": letters.your_rights_letter(self.party),
        }

    def get(self, request, pk, party_pk):
        return render(request, "entitlements/your_rights.html", self._context())

    def post(self, request, pk, party_pk):
        return self.get(request, pk, party_pk)


class YourRightsPdfView(YourRightsView):
    http_method_names = ["get"]

    def get(self, request, pk, party_pk):
        return pdf_download(
            letters.your_rights_pdf(request, self.party),
            filename=_letter_filename("your-rights"),
        )


class GuidanceView(ActionRequiredMixin, View):
    action = "guidance.view"

    def get(self, request):
        today = timezone.localdate()
        rules = list(DutyRule.objects.in_force(today).select_related("right"))
        by_code = {rule.code: rule for rule in rules}
        # The edition in force's rights only: a draft's copies are not guidance yet. Their
        # numbers are worded from the rules in force (entitlements/guidance.py).
        rights = [(right, right.shown(by_code)) for right in Right.objects.in_force(today)]
        return render(
            request,
            "entitlements/guidance.html",
            {
                "rights": rights,
                "rules": rules,
                "example": selectors.counting_example(by_code, today=today),
                "working_days": calendar.__doc__,
                "region": calendar.settings.WORKING_DAY_REGION,
            },
        )
