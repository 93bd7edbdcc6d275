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
from django.views.defaults import bad_request, server_error

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "The service is briefly unavailable. Please try again in a few seconds."


def _database_unreachable(exception: BaseException | None) -> bool:
    """The exception, or one it was raised from or while handling, is the database away."""
    seen = 0
    while exception is not None and seen < 10:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        exception, seen = exception.__cause__ or exception.__context__, seen + 1
    return False


def _unavailable(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def server_error_or_unavailable(request: HttpRequest) -> HttpResponse:
    # Django calls the 500 handler inside its `except`, so the exception is at hand.
    if _database_unreachable(sys.exception()):
        return _unavailable(request)
    return server_error(request)


@requires_csrf_token
def bad_request_or_unavailable(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django answers 400 when the session cannot be saved after the view (SessionInterrupted),
    which is also what a database going away at that moment looks like: that is a 503 too."""
    if _database_unreachable(exception):
        return _unavailable(request)
    return bad_request(request, exception)
