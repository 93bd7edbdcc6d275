"""Referral pages: the officer's (from the case) and the agency's (its own referrals only)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.permissions import can
from cases.permissions import access_case
from cases.views import apply_service

from . import automatic, selectors, services
from .forms import (
    ConsentForm,
    NewReferralForm,
    NoteForm,
    OutcomeForm,
    ReasonForm,
    WithdrawConsentForm,
)
from .models import Referral


class NewReferralView(ActionRequiredMixin, View):
    action = "referrals.make"

    def dispatch(self, request, pk, party_pk):
        if not can(request.user, self.action):
            return super().dispatch(request, pk, party_pk)
        self.case = access_case(request.user, pk, "cases.record")
        self.party = get_object_or_404(self.case.parties.select_related("person"), pk=party_pk)
        return super().dispatch(request, pk, party_pk)

    def get(self, request, pk, party_pk):
        return self._render(NewReferralForm())

    def post(self, request, pk, party_pk):
        form = NewReferralForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            referral = apply_service(
                form,
                lambda: services.create_referral(
                    party=self.party,
                    agency=data["agency"],
                    by=request.user,
                    support_requested=data["support_requested"],
                    lawful_basis=data["lawful_basis"],
                    scope=data["scope"],
                    method=data["method"],
                    share_risk=data["share_risk"],
                    sharing_exception=data["sharing_exception"],
                    sharing_reason=data["sharing_reason"],
                ),
            )
            if referral is not None and not form.errors:
                messages.success(request, "Referral drafted. Check it, then send it.")
                return redirect("referral", pk=self.case.pk, referral_pk=referral.pk)
        return self._render(form)

    def _render(self, form):
        return render(
            self.request,
            "referrals/new.html",
            {
                "case": self.case,
                "party": self.party,
                "form": form,
                "opt_in": services.needs_opt_in(self.party),
            },
        )


class _ActionView(ActionRequiredMixin, View):
    """A referral page whose POSTs carry an `action`; each action has a form and a service."""

    actions: dict = {}
    template_name = ""

    def post(self, request, *args, **kwargs):
        name = request.POST.get("action", "")
        if name not in self.actions:
            return HttpResponseBadRequest("Unknown action.")
        form_class, call, done = self.actions[name]
        form = (form_class or forms.Form)(request.POST, prefix=name, **self.form_kwargs(name))
        if form.is_valid():
            result = apply_service(
                form, lambda: call(self.referral, request.user, form.cleaned_data) or True
            )
            if result is not None and not form.errors:
                messages.success(request, done)
                return redirect(request.path)
        return self.render_page(errored={name: form})

    def get(self, request, *args, **kwargs):
        return self.render_page()

    def form_kwargs(self, name: str) -> dict:
        return {}

    def render_page(self, errored=None):
        forms_ = {
            name: (form_class or forms.Form)(prefix=name, **self.form_kwargs(name))
            for name, (form_class, _call, _done) in self.actions.items()
        }
        forms_.update(errored or {})
        # A refused move may concern a form the page no longer shows: say so at the top.
        refusals = [e for form in (errored or {}).values() for e in form.non_field_errors()]
        context = {**self.context(), "forms": forms_, "refusals": refusals}
        return render(self.request, self.template_name, context)


class ReferralView(_ActionView):
    """The officer's view of a referral, from the case."""

    action = "referrals.make"
    template_name = "referrals/referral.html"
    actions = {
        "consent": (
            ConsentForm,
            lambda r, u, d: services.record_consent(
                referral=r,
                by=u,
                lawful_basis=d["lawful_basis"],
                scope=d["scope"],
                method=d["method"],
                support_requested=d["support_requested"],
                sharing_exception=d["sharing_exception"],
                sharing_reason=d["sharing_reason"],
            ),
            "Basis for sharing recorded. Check what the agency will see, then send.",
        ),
        "send": (None, lambda r, u, d: services.send_referral(referral=r, by=u), "Referral sent."),
        "withdraw": (
            ReasonForm,
            lambda r, u, d: services.withdraw(referral=r, by=u, reason=d["reason"]),
            "Referral withdrawn. The agency has been told.",
        ),
        "withdraw_consent": (
            WithdrawConsentForm,
            lambda r, u, d: services.withdraw_consent(referral=r, by=u, how=d["how"]),
            "Consent withdrawal recorded. Nothing more will be shared.",
        ),
        "note": (
            NoteForm,
            lambda r, u, d: services.add_update(referral=r, by=u, note=d["note"]),
            "Update added.",
        ),
    }

    def dispatch(self, request, pk, referral_pk):
        if not can(request.user, self.action):
            return super().dispatch(request, pk, referral_pk)
        self.case = access_case(request.user, pk, "cases.view")
        self.referral = get_object_or_404(
            selectors.with_history(Referral.objects.filter(case=self.case)), pk=referral_pk
        )
        return super().dispatch(request, pk, referral_pk)

    def form_kwargs(self, name: str) -> dict:
        # Offer only the exceptions to consent that allow sharing with this agency.
        return {"agency": self.referral.agency} if name == "consent" else {}

    def context(self):
        return {
            "case": self.case,
            "referral": self.referral,
            # The preview: the very representation the agency's page and API are built from.
            "view": selectors.agency_view(self.referral),
            "transitions": services.TRANSITIONS.get(self.referral.status, {}),
            "right4": automatic.status_of(self.referral),
        }


class SharedWithoutConsentView(ActionRequiredMixin, View):
    """The supervisor's review list: every referral on their teams' cases shared without the
    victim's consent, with the exception relied on and the officer's reason."""

    action = "referrals.review_without_consent"

    def get(self, request):
        automatic = request.GET.get("sent") == "victimcare"
        referrals = selectors.shared_without_consent(request.user, automatic=automatic)
        page = Paginator(referrals, 30).get_page(request.GET.get("page"))
        return render(
            request, "referrals/without_consent.html", {"page": page, "automatic": automatic}
        )


class AgencyWorklistView(ActionRequiredMixin, View):
    action = "referrals.answer"

    def get(self, request):
        page = Paginator(selectors.agency_worklist(request.user), 30).get_page(
            request.GET.get("page")
        )
        return render(request, "referrals/agency_list.html", {"page": page})


class AgencyReferralView(_ActionView):
    """What the agency sees: the minimum, as far as the victim's consent goes."""

    action = "referrals.answer"
    template_name = "referrals/agency_referral.html"
    actions = {
        "accept": (None, lambda r, u, d: services.accept(referral=r, by=u), "Referral accepted."),
        "decline": (
            ReasonForm,
            lambda r, u, d: services.decline(referral=r, by=u, reason=d["reason"]),
            "Referral declined.",
        ),
        "return": (
            ReasonForm,
            lambda r, u, d: services.return_for_information(referral=r, by=u, reason=d["reason"]),
            "Referral returned to the police for more information.",
        ),
        "start": (None, lambda r, u, d: services.start(referral=r, by=u), "Marked in progress."),
        "note": (
            NoteForm,
            lambda r, u, d: services.add_update(referral=r, by=u, note=d["note"]),
            "Update added.",
        ),
        "close": (
            OutcomeForm,
            lambda r, u, d: services.close(referral=r, by=u, outcome=d["outcome"]),
            "Referral closed with its outcome.",
        ),
    }

    def dispatch(self, request, pk):
        if not can(request.user, self.action):
            return super().dispatch(request, pk)
        try:
            self.referral = selectors.with_history(Referral.objects.visible_to(request.user)).get(
                pk=pk
            )
        except Referral.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, pk)

    def context(self):
        return {
            "referral": self.referral,
            "history": selectors.agency_history(self.referral),
            "view": selectors.agency_view(self.referral),
            "transitions": services.TRANSITIONS.get(self.referral.status, {}),
        }
