from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse
from rest_framework.views import APIView

from . import services


class SecondFactorRequiredMiddleware:
    """Keep a signed-in but unverified session on the second step until it is passed.

    Goes after django_otp's OTPMiddleware (which gives `request.user.is_verified()`) and after
    LoginRequiredMiddleware (anonymous visitors are sent to sign in first). Exempt: the second
    step's own pages (`second_factor_exempt`), signing out, and public pages
    (`@login_not_required`). API clients with an agency token have no session user here and are
    not affected; an API call on an unverified session gets a 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.VICTIMCARE_REQUIRE_2FA:
            return None
        user = request.user
        if not services.is_required(user) or user.is_verified():
            return None
        if getattr(view_func, "second_factor_exempt", False):
            return None
        # Before the public-page test: DRF marks every API view @login_not_required, as it
        # authenticates by itself.
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return JsonResponse(
                {"detail": "Finish signing in with your second factor before using the API."},
                status=403,
            )
        if not getattr(view_func, "login_required", True):
            return None
        return redirect_to_login(request.get_full_path(), reverse("two-factor-verify"))


def second_factor_not_required(view_func):
    """Mark a view as reachable before the second step (signing out, for one)."""
    view_func.second_factor_exempt = True
    return view_func
