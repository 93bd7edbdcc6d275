"""Victim pages: the victim's language, and headers that keep them out of search engines and
out of other sites' logs."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import language


class VictimPagesMiddleware:
    """On a victim page: activate the language from the switch's cookie, and send
    `X-Robots-Tag: noindex, nofollow` and `Referrer-Policy: same-origin`. Every other page is
    English, whatever the cookie says.

    The referrer policy is set here, not left to the site's default, so a change there cannot
    loosen the victim pages: no other site (a support service, the neutral site the way out goes
    to) learns which police page, or which survey link, the victim came from. Not `no-referrer`:
    under it a browser sends `Origin: null` with the page's own form posts (the survey, track my
    case), which Django's CSRF check rightly refuses; same-origin sends nothing to other sites
    either. Links out of the site also carry rel="noreferrer"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not language.is_victim_path(request.path_info):
            translation.activate(language.DEFAULT)
            request.LANGUAGE_CODE = language.DEFAULT
            return self.get_response(request)
        code = language.chosen(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        translation.activate(code)
        request.LANGUAGE_CODE = code
        try:
            response = self.get_response(request)
        finally:
            # A thread serves the next request with no victim's language left over.
            translation.activate(language.DEFAULT)
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("Content-Language", code)
        patch_vary_headers(response, ("Cookie",))
        return response
