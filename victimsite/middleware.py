"""Victim pages: the victim's language, and headers that keep them out of search engines and
out of other sites' logs."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import language


class VictimPagesMiddleware:
    """On a victim page: activate the language from the switch's cookie, and send
    `X-Robots-Tag: noindex` and `Referrer-Policy: same-origin` (a link to a support service must
    not tell it which police page the victim came from). Every other page is English, whatever
    the cookie says. Placed after SecurityMiddleware, whose same-origin referrer policy is only a
    default it does not impose on a response that already has one."""

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
        # same-origin, not no-referrer: no other site is told the page a victim came from
        # either way, but under no-referrer Chromium sends `Origin: null` with a form's POST
        # to this site, which Django's CSRF check refuses (the Track my case sign-in, the
        # survey). same-origin keeps our own origin on our own requests and nothing on others.
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("Content-Language", code)
        patch_vary_headers(response, ("Cookie",))
        return response
