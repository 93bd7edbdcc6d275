"""The answer to a request that failed on our side.

A database briefly out of reach (restarting, failing over: the fault harness restarts it under
load) is not a fault in the request: it is answered 503 with Retry-After, so a person is told to
try again in a moment and an API client knows it may retry, rather than a 500 saying something
broke. Anything else is the usual 500 page. Neither says more than that.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "The service is briefly unavailable. Please try again in a few seconds."


@requires_csrf_token
def server_error_or_unavailable(request: HttpRequest) -> HttpResponse:
    # Django calls the 500 handler inside its `except`, so the exception is at hand.
    if not isinstance(sys.exception(), OperationalError | InterfaceError):
        return server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
