"""Enrolling, verifying and resetting a user's second factor. Views and the admin call these."""

import re
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django_otp import user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCode, User

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
_TOTP = re.compile(r"\d{6}")
_RECOVERY = re.compile(r"[a-z2-7]{8}")


def is_required(user) -> bool:
    """Whether this signed-in user must pass a second step before reaching anything else."""
    return bool(settings.VICTIMCARE_REQUIRE_2FA) and user.is_authenticated


def app_device(user: User, *, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.devices_for_user(user, confirmed=confirmed)
    return devices.order_by("-id").first()


def is_enrolled(user: User) -> bool:
    return app_device(user) is not None


def has_any_device(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def start_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed device being set up: the same secret until it is confirmed, so that
    reloading the page does not invalidate what the user has already scanned."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_enrolment(*, user: User, token: str) -> tuple[TOTPDevice | None, list[str]]:
    """Confirm the device being set up with a code from it. Returns the device and a fresh
    set of recovery codes, or (None, []) if the code is wrong."""
    device = app_device(user, confirmed=False)
    if device is None or not _TOTP.fullmatch(normalise(token)):
        return None, []
    if not device.verify_token(normalise(token)):
        return None, []
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator per person: a confirmed new one replaces any earlier one.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device, issue_recovery_codes(user=user)


@transaction.atomic
def issue_recovery_codes(*, user: User) -> list[str]:
    """Replace the user's recovery codes with a new set. Earlier codes stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.recovery_codes.all().delete()
    device.token_set.all().delete()  # django-otp's clear-text tokens: never used, never kept
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=make_password(code)) for code in codes
    )
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def normalise(code: str) -> str:
    """Codes are accepted with spaces or hyphens, in either case."""
    return re.sub(r"[\s-]", "", code or "").lower()


def verify(*, user: User, code: str, allow_recovery: bool = True) -> Device | None:
    """The device that accepts `code` (a 6-digit app code, or a recovery code), else None.

    Each device throttles wrong guesses itself (django-otp's exponential back-off), and a
    recovery code is deleted once used; an app code cannot be used twice.
    """
    code = normalise(code)
    if _TOTP.fullmatch(code):
        device = app_device(user)
        return otp_verify_token(user, device.persistent_id, code) if device else None
    if allow_recovery and _RECOVERY.fullmatch(code):
        return _use_recovery_code(user=user, code=code)
    return None


@transaction.atomic
def _use_recovery_code(*, user: User, code: str) -> StaticDevice | None:
    """The recovery device, if `code` matches one of the user's unused codes, which is then used
    up; else None, counting a wrong guess.

    The device row is locked first, so two requests with the same code cannot both succeed, and
    the throttle is read and counted under the lock. Each stored hash is compared with
    check_password (salted, slow, and compared in constant time); the codes carry no lookup key,
    so every one is tried until a match.
    """
    device = (
        StaticDevice.objects.devices_for_user(user, confirmed=True)
        .select_for_update()
        .order_by("pk")
        .first()
    )
    if device is None or not device.verify_is_allowed()[0]:
        return None
    for stored in device.recovery_codes.order_by("pk"):
        if check_password(code, stored.code_hash):
            stored.delete()
            device.throttle_reset(commit=False)
            device.set_last_used_timestamp(commit=False)
            device.save()
            return device
    device.throttle_increment()
    return None


def is_throttled(user: User) -> bool:
    """Whether too many wrong codes mean the user must wait before trying again."""
    devices = [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]
    return any(not device.verify_is_allowed()[0] for device in devices)


@transaction.atomic
def reset(*, user: User) -> None:
    """Forget every device and recovery code: the user sets up again at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def secret_for_typing(device: TOTPDevice) -> str:
    """The shared secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The setup link as an inline SVG QR code, drawn on the server: no script, no styles."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(
        scale=4,
        dark="#000",
        light="#fff",
        title="QR code to scan with your authenticator app",
        svgclass="qr-code",
        lineclass=None,
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)
