"""How django-axes describes a sign-in attempt in the logs: never the user name or address.

Axes logs every failure and lockout at WARNING with a "client string". By default that holds the
user name and IP address, which are personal data; ours is a keyed hash of each, enough to see
that repeated failures come from the same person and place without saying who or where.
"""

import hashlib
import hmac

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render


def _tag(kind: str, value: str | None) -> str:
    if not value:
        return f"{kind}=none"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{kind}={digest[:12]}"


def client_description(username, ip_address, user_agent, path_info, request) -> str:
    return f"{_tag('user', username)} {_tag('ip', ip_address)} path={path_info}"


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The page shown once sign-in is paused: the same whether or not the account exists."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
