"""Pure derivations from recorded facts. No database access: callers pass everything in."""

import datetime
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from .models import RISK_ORDER, Basis, OffenceFlag, PartyRole, RiskAnswer, RiskGrade

LONDON = ZoneInfo("Europe/London")


def age_on(date_of_birth: datetime.date, on: datetime.date) -> int:
    """Whole years of age on a date (a birthday counts from the day itself)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def _flag_words(flags: Iterable[str]) -> str:
    """Offence flags as a person reads them (the evidence is shown on pages), never codes."""
    return ", ".join(
        OffenceFlag(flag).label.lower() if flag in OffenceFlag.values else flag
        for flag in sorted(flags)
    )


def derived_bases(
    *,
    role: str,
    offence_flags: Iterable[str],
    date_of_birth: datetime.date | None,
    offence_date: datetime.date,
    most_serious_flags: Iterable[str],
    automatic_intimidated: Mapping[str, Iterable[str]],
    under_age: int,
) -> dict[str, str]:
    """The bases the record itself proves, each with its evidence in plain words.

    Automatic intimidation is returned too; the caller honours an opt-out.
    """
    flags = set(offence_flags)
    found: dict[str, str] = {}
    serious = flags & set(most_serious_flags)
    if serious and role not in {PartyRole.WITNESS, PartyRole.BUSINESS_CONTACT}:
        found[Basis.MOST_SERIOUS] = "Offence flagged: " + _flag_words(serious)
    if role == PartyRole.BEREAVED:
        found[Basis.BEREAVED] = "Recorded as a bereaved close relative"
    if date_of_birth is not None and age_on(date_of_birth, offence_date) < under_age:
        age = age_on(date_of_birth, offence_date)
        found[Basis.UNDER_18] = f"Aged {age} on the date of the offence ({offence_date:%d %B %Y})"
    auto = sorted(flag for flag in flags if role in automatic_intimidated.get(flag, ()))
    if auto:
        found[Basis.INTIMIDATED] = "Automatic for this offence: " + _flag_words(auto)
    return found


def actuarial_grade(score: int, *, medium_threshold: int, high_threshold: int) -> str:
    if score >= high_threshold:
        return RiskGrade.HIGH
    if score >= medium_threshold:
        return RiskGrade.MEDIUM
    return RiskGrade.STANDARD


def higher_grade(a: str, b: str | None) -> str:
    if not b:
        return a
    return a if RISK_ORDER[a] >= RISK_ORDER[b] else b


def count_yes(answers: Mapping[str, str]) -> int:
    return sum(1 for value in answers.values() if value == RiskAnswer.YES)


def marac_reasons(
    *,
    score: int,
    high_threshold: int,
    judgement_raised_to_high: bool,
    incidents_in_window: int,
    escalation_incidents: int,
    referred_within_repeat_window: bool,
) -> list[str]:
    reasons = []
    if score >= high_threshold:
        reasons.append(f"Visible high risk: {score} yes answers (threshold {high_threshold})")
    if judgement_raised_to_high:
        reasons.append("Professional judgement: high risk")
    if incidents_in_window >= escalation_incidents:
        reasons.append(
            f"Potential escalation: {incidents_in_window} domestic abuse incidents in the window"
        )
    if referred_within_repeat_window:
        reasons.append("Repeat: a further incident within the window of the last MARAC referral")
    return reasons


def next_update_due(
    *,
    agreed_at: datetime.datetime,
    frequency_days: int,
    last_update_at: datetime.datetime | None,
) -> datetime.datetime:
    """The next agreed update falls `frequency_days` after the later of the agreement and the
    last update given (calendar days: the victim agreed a frequency, not a working-day clock)."""
    base = max(agreed_at, last_update_at) if last_update_at else agreed_at
    # Days on the London calendar: an update agreed for 18:00 stays at 18:00 across a clock change.
    local = base.astimezone(LONDON) + datetime.timedelta(days=frequency_days)
    return local.astimezone(datetime.UTC)
