"""Password rules: at least 12 characters, not a common password, not all digits, not like the
user's own details."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Sh0rt-pass", "too short"),
        ("password1234", "too common"),
        ("839201746153", "entirely numeric"),
        ("staffer-testperson", "too similar"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(officer, password, reason):
    officer.first_name, officer.last_name = "Staffer", "Testperson"
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=officer)
    assert reason in " ".join(refused.value.messages)


def test_a_long_unusual_passphrase_is_accepted(officer):
    validate_password("harbour-lantern-quietly-47", user=officer)
