"""The second sign-in step: set up an authenticator app, enter a code, renew recovery codes.

Codes are rendered straight into the one response that shows them (never a message, the session,
a log or the URL), and none of these pages is cached.
"""

import django_otp
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django_otp.plugins.otp_static.models import StaticDevice

from audit import services as audit

from . import services
from .forms import CodeForm

WRONG_CODE = (
    "That code is not right. Check the code your app shows for VictimCare now, or type one "
    "of your recovery codes."
)
THROTTLED = (
    "Too many wrong codes in a row. Wait a few seconds, then try again: each further wrong code "
    "makes the wait longer."
)


class SecondStepView(FormView):
    """A page of the second step itself: reachable before the step is passed."""

    form_class = CodeForm

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.second_factor_exempt = True
        return view

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def next_url(self) -> str:
        candidate = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return candidate
        return reverse("home")

    def with_next(self, url_name: str) -> HttpResponseRedirect:
        url = reverse(url_name)
        nxt = self.request.GET.get("next")
        if nxt:
            url = f"{url}?{urlencode({'next': nxt})}"
        return redirect(url)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.next_url(), **kwargs)

    def mark_verified(self, device) -> None:
        django_otp.login(self.request, device)
        # A new privilege for this session: a new session key, as at sign-in.
        self.request.session.cycle_key()


class VerifyView(SecondStepView):
    template_name = "accounts/two_factor/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_verified():
            return redirect(self.next_url())
        if not services.is_enrolled(request.user):
            return self.with_next("two-factor-enrol")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "label": "Code",
            "help_text": "The 6-digit code your authenticator app shows now, or one of your "
            "recovery codes.",
        }

    def form_valid(self, form):
        user = self.request.user
        if services.is_throttled(user):
            form.add_error("code", THROTTLED)
            return self.form_invalid(form)
        device = services.verify(user=user, code=form.cleaned_data["code"])
        if device is None:
            form.add_error("code", WRONG_CODE)
            return self.form_invalid(form)
        self.mark_verified(device)
        if isinstance(device, StaticDevice):
            audit.record(self.request, "login", obj=user, detail="Signed in with a recovery code")
            left = services.recovery_codes_left(user)
            messages.warning(
                self.request,
                f"You signed in with a recovery code, which now cannot be used again. You have "
                f"{left} left. If you have lost your phone, ask an administrator to reset your "
                "two-factor authentication; otherwise make new codes from your account page.",
            )
        return redirect(self.next_url())


class EnrolView(SecondStepView):
    template_name = "accounts/two_factor/enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if services.is_enrolled(request.user):
            return self.with_next("two-factor-verify")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "label": "Code from your app",
            "help_text": "The 6-digit code the app shows for VictimCare.",
        }

    def get_context_data(self, **kwargs):
        device = services.start_enrolment(user=self.request.user)
        return super().get_context_data(
            secret=services.secret_for_typing(device),
            qr_code=services.qr_code_svg(device),
            **kwargs,
        )

    def form_valid(self, form):
        if services.is_throttled(self.request.user):
            form.add_error("code", THROTTLED)
            return self.form_invalid(form)
        device, codes = services.confirm_enrolment(
            user=self.request.user, token=form.cleaned_data["code"]
        )
        if device is None:
            form.add_error("code", "That code is not right. Type the code the app shows now.")
            return self.form_invalid(form)
        self.mark_verified(device)
        audit.record(self.request, "change", obj=self.request.user, detail="Set up two-factor")
        return render_recovery_codes(self.request, codes, first_time=True, next_url=self.next_url())


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(FormView):
    """New recovery codes, for a signed-in user who proves they still hold their app."""

    template_name = "accounts/two_factor/new_recovery_codes.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.is_enrolled(request.user):
            return redirect("two-factor-enrol")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "label": "Code from your authenticator app",
            "help_text": "The 6-digit code your app shows now. A recovery code will not do here.",
        }

    def form_valid(self, form):
        user = self.request.user
        if services.is_throttled(user):
            form.add_error("code", THROTTLED)
            return self.form_invalid(form)
        if services.verify(user=user, code=form.cleaned_data["code"], allow_recovery=False) is None:
            form.add_error("code", "That code is not right. Type the code your app shows now.")
            return self.form_invalid(form)
        codes = services.issue_recovery_codes(user=user)
        audit.record(self.request, "change", obj=user, detail="Made new recovery codes")
        return render_recovery_codes(self.request, codes, first_time=False, next_url="")


def render_recovery_codes(request, codes: list[str], *, first_time: bool, next_url: str):
    shown = [f"{code[:4]}-{code[4:]}" for code in codes]
    response = render(
        request,
        "accounts/two_factor/recovery_codes.html",
        {"codes": shown, "first_time": first_time, "next": next_url or reverse("profile")},
    )
    response["Cache-Control"] = "no-cache, no-store, must-revalidate, private, max-age=0"
    return response
