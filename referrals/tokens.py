"""Issuing and revoking agency API tokens.

A token is a random secrets.token_urlsafe(32) string. Only its SHA-256 hash is stored; the raw
token is returned once, by issue_token, and is never stored, logged or shown again. Each token acts
as its own service user: a real User holding the agency role and belonging to the agency, with no
usable password, so it reaches exactly what the agency's staff reach and its moves are recorded
in a referral's history under the token's name.
"""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import services as accounts
from accounts.models import Role, User

from .models import AgencyToken, SupportAgency


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def find_active(raw: str) -> AgencyToken | None:
    """The unrevoked token with this raw value, with its service user, or None."""
    return (
        AgencyToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def touch(token: AgencyToken, *, now: datetime.datetime | None = None) -> None:
    """Record that the token was used, at most once a minute (one UPDATE, no read)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(minutes=1)
    AgencyToken.objects.filter(pk=token.pk).exclude(last_used_at__gte=stale).update(
        last_used_at=now
    )


@transaction.atomic
def issue_token(
    *, agency: SupportAgency, name: str, by: User | None, now: datetime.datetime | None = None
) -> tuple[AgencyToken, str]:
    """A new token for the agency, and its raw value: show it once and keep nothing of it."""
    now = now or timezone.now()
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "Say which system will use the token."
    if not agency.is_active:
        errors["agency"] = "This agency no longer takes referrals."
    if errors:
        raise ValidationError(errors)
    user = User(
        username=f"api-{agency.pk}-{secrets.token_hex(6)}",
        first_name=name[:150],
        last_name="(API)",
        agency=agency,
    )
    user.set_unusable_password()
    user.save()
    accounts.grant_role(user=user, role=Role.AGENCY)
    raw = secrets.token_urlsafe(32)
    token = AgencyToken.objects.create(
        agency=agency,
        user=user,
        name=name,
        key_hash=hash_token(raw),
        created_at=now,
        created_by=by,
    )
    return token, raw


@transaction.atomic
def revoke_token(
    *, token: AgencyToken, by: User | None, now: datetime.datetime | None = None
) -> AgencyToken:
    """Refuse the token from now on and deactivate its service user. Revoking twice is harmless."""
    now = now or timezone.now()
    AgencyToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by
    )
    User.objects.filter(pk=token.user_id).update(is_active=False)
    token.refresh_from_db()
    return token
