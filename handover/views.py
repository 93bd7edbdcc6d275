"""The hand-over pages: send (the officer), the printable summary (whoever may see the case),
the unit's incoming list, accept and return (its witness care officers). Thin: the rules are in
services.py and permissions.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from accounts.access import ActionRequiredMixin
from accounts.permissions import can
from cases.permissions import access_case
from cases.views import apply_service

from . import selectors, services
from .forms import ReturnForm, SendForm
from .models import HandOverState
from .permissions import may_answer, may_send


class SendView(ActionRequiredMixin, View):
    action = "handover.send"

    def dispatch(self, request, pk, **kwargs):
        if not can(request.user, self.action):
            return super().dispatch(request, pk, **kwargs)  # refused by the mixin
        self.case = access_case(request.user, pk, "cases.view")
        if not may_send(request.user, self.case):
            raise PermissionDenied
        return super().dispatch(request, pk, **kwargs)

    def render_page(self, request, form, status=200):
        context = {
            "case": self.case,
            "form": form,
            "handovers": list(selectors.of_case(self.case)),
            "charged": services.is_charged(self.case),
            "waiting": services.open_handover(self.case),
        }
        return render(request, "handover/send.html", context, status=status)

    def get(self, request, pk):
        return self.render_page(request, SendForm(initial={"wcu_team": self.case.wcu_team_id}))

    def post(self, request, pk):
        form = SendForm(request.POST)
        if form.is_valid():
            handover = apply_service(
                form,
                lambda: services.send_handover(
                    case=self.case,
                    by=request.user,
                    wcu_team=form.cleaned_data["wcu_team"],
                    note=form.cleaned_data["note"],
                    now=timezone.now(),
                ),
            )
            if handover is not None:
                messages.success(request, "Sent to the Witness Care Unit.")
                return redirect(services.link(handover))
        return self.render_page(request, form)


class HandOverView(ActionRequiredMixin, View):
    """The printable summary: what was handed over, as it was sent."""

    action = "handover.view"

    def get(self, request, pk, handover_pk, return_form=None):
        case = access_case(request.user, pk, "cases.view")
        handover = get_object_or_404(selectors.of_case(case), pk=handover_pk)
        answerable = handover.state == HandOverState.SENT and may_answer(request.user, handover)
        context = {
            "case": case,
            "handover": handover,
            "summary": selectors.readable(handover.summary),
            "answerable": answerable,
            "return_form": return_form or ReturnForm(),
            "may_send": handover.state == HandOverState.RETURNED and may_send(request.user, case),
        }
        return render(request, "handover/summary.html", context)


class AnswerView(ActionRequiredMixin, View):
    """Accept or return (POST only), from the summary or the incoming list."""

    action = "handover.receive"
    http_method_names = ["post"]

    def post(self, request, pk, handover_pk):
        case = access_case(request.user, pk, "cases.view")
        handover = get_object_or_404(selectors.of_case(case), pk=handover_pk)
        if not may_answer(request.user, handover):
            raise PermissionDenied
        return self.answer(request, case, handover)


class AcceptView(AnswerView):
    def answer(self, request, case, handover):
        try:
            services.accept_handover(handover=handover, by=request.user, now=timezone.now())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(services.link(handover))
        messages.success(request, f"Accepted: you are now the witness care officer for {case}.")
        return redirect("handover-incoming")


class ReturnView(AnswerView):
    def answer(self, request, case, handover):
        form = ReturnForm(request.POST)
        if form.is_valid():
            done = apply_service(
                form,
                lambda: services.return_handover(
                    handover=handover,
                    by=request.user,
                    missing=form.cleaned_data["missing"],
                    now=timezone.now(),
                ),
            )
            if done is not None:
                messages.success(request, f"Returned to the officer in case {case}.")
                return redirect("handover-incoming")
        return HandOverView().get(request, case.pk, handover.pk, return_form=form)


class IncomingView(ActionRequiredMixin, View):
    action = "handover.receive"

    def get(self, request):
        handovers = selectors.incoming(request.user)
        context = {
            "waiting": list(handovers.filter(state=HandOverState.SENT).order_by("sent_at", "id")),
            "answered": list(
                handovers.exclude(state=HandOverState.SENT).order_by("-answered_at", "-id")[:20]
            ),
            "return_form": ReturnForm(),
        }
        return render(request, "handover/incoming.html", context)
