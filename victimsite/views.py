"""The language switch: a plain link on every victim page (/language/?lang=cy&next=<page>), so it
works without JavaScript. The language is a query parameter, not a path argument: no public page
but the survey link takes one (tests/security/test_url_matrix.py)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.views.decorators.cache import never_cache

from . import language


@login_not_required
@never_cache
def switch_language(request):
    """Remember the choice and go back to the page the victim was reading. A GET that sets a
    cookie is safe here: the only thing a forged link could do is change the language. The
    cookie lasts until the browser closes, so a phone that is shared or checked keeps no lasting
    mark of a visit."""
    target = language.safe_return_path(
        request.GET.get("next"), host=request.get_host(), secure=request.is_secure()
    )
    response = HttpResponseRedirect(target)
    code = request.GET.get("lang")
    if code not in language.codes():
        return response  # an unknown language changes nothing
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=None,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
