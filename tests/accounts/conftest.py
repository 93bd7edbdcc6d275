import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.fixture
def two_factor_required(settings):
    settings.VICTIMCARE_REQUIRE_2FA = True
    return settings


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's app would show now (or `steps_ahead` 30-second steps from now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():0{device.digits}d}"
