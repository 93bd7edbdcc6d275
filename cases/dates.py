"""Which dates and times a record may hold: the one rule behind every form, API and service.

Nothing the force records happened before 1900 or after now (a few minutes' leeway for a clock
running fast); a date that lies ahead, such as a hearing, lies within ten years; a victim or
witness was born by the day of the offence. The clock is always passed in, so tests and the
benchmark can set it. Each function answers with the plain words to show on the field.
"""

import datetime

from django.core.exceptions import ValidationError

from .models import PartyRole

# London's clock before 1847 was offset by minutes and seconds, which ISO 8601 cannot even write;
# nothing a police force records today happened before 1900.
EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
EARLIEST_DATE = EARLIEST.date()
# A device whose clock runs a little fast must not refuse a contact logged just now.
LEEWAY = datetime.timedelta(minutes=5)
# The furthest ahead a date that may lie in the future (a hearing) can be.
HORIZON = datetime.timedelta(days=3653)

# People in these roles were there (or were the victim's parent) on the day of the offence; a
# bereaved relative or a family spokesperson may have been born since.
BORN_BY_OFFENCE = frozenset({PartyRole.VICTIM, PartyRole.WITNESS, PartyRole.PARENT_GUARDIAN})

TOO_EARLY = "Enter a date and time from 1900 onwards."
IN_FUTURE = "This cannot be in the future: enter when it happened."
TOO_FAR_AHEAD = "Enter a date within the next ten years."


def past_moment_error(value: datetime.datetime, *, now: datetime.datetime) -> str | None:
    """Why a moment that has already happened (an offence, a contact, a decision) is refused."""
    if value < EARLIEST:
        return TOO_EARLY
    if value > now + LEEWAY:
        return IN_FUTURE
    return None


def ahead_moment_error(value: datetime.datetime, *, now: datetime.datetime) -> str | None:
    """Why a moment that may lie ahead (a hearing) is refused."""
    if value < EARLIEST:
        return TOO_EARLY
    if value > now + HORIZON:
        return TOO_FAR_AHEAD
    return None


def past_errors(*, now: datetime.datetime, **moments: datetime.datetime | None) -> dict[str, str]:
    """Field name to message for every given moment that is not in the past (None is skipped)."""
    errors = {}
    for field, value in moments.items():
        if value is not None and (error := past_moment_error(value, now=now)):
            errors[field] = error
    return errors


def check_past(*, now: datetime.datetime, **moments: datetime.datetime | None) -> None:
    """Refuse, field by field, any moment given that is not in the past."""
    errors = past_errors(now=now, **moments)
    if errors:
        raise ValidationError(errors)


def case_date_errors(
    *,
    occurred_at: datetime.datetime | None,
    reported_at: datetime.datetime | None,
    recorded_at: datetime.datetime | None,
    now: datetime.datetime,
) -> dict[str, str]:
    """A crime happens, then is reported, then recorded, all by now."""
    moments = {"occurred_at": occurred_at, "reported_at": reported_at, "recorded_at": recorded_at}
    errors = past_errors(now=now, **moments)
    # Each order is judged only between dates that are possible themselves.
    valid = {name for name, value in moments.items() if value and name not in errors}
    if {"occurred_at", "reported_at"} <= valid and reported_at < occurred_at:
        errors["reported_at"] = "The crime cannot have been reported before it happened."
    if {"reported_at", "recorded_at"} <= valid and recorded_at < reported_at:
        errors["recorded_at"] = "The crime cannot have been recorded before it was reported."
    return errors


def date_of_birth_error(
    value: datetime.date, *, today: datetime.date, offence_on: datetime.date | None = None
) -> str | None:
    """Why a date of birth is refused. `offence_on` is given for a victim or a witness, who were
    born by the day of the offence."""
    if value < EARLIEST_DATE:
        return "Enter a date of birth from 1900 onwards."
    if value > today:
        return "A date of birth cannot be in the future."
    if offence_on is not None and value > offence_on:
        return (
            f"This date of birth is after the offence ({offence_on:%-d %B %Y}): check both dates."
        )
    return None
