"""Working days and deadlines. The one place a working day is defined.

A working day is Monday to Friday, less the bank holidays of England and Wales (from the maintained
`holidays` package, substitute days included).

"Within N working days" of a trigger means: by the end of the Nth working day AFTER the day of the
trigger, in Europe/London. The day of the trigger never counts, whatever time it happened. So a
1-working-day duty triggered at 17:00 on a Friday is due by 23:59:59 on the Monday (or the Tuesday
if the Monday is a bank holiday). N = 0 means by the end of the day of the trigger itself.
Deadlines are stored in UTC; across a clock change the end of the London day is still 23:59:59
London time.
"""

import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def _bank_holidays(year: int, region: str) -> dict[datetime.date, str]:
    return dict(holidays.country_holidays("GB", subdiv=region, years=year))


def bank_holiday(day: datetime.date) -> str | None:
    """The name of the bank holiday on a day, or None."""
    return _bank_holidays(day.year, settings.WORKING_DAY_REGION).get(day)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and bank_holiday(day) is None


@dataclass
class Deadline:
    due_at: datetime.datetime
    working_days: list[datetime.date] = field(default_factory=list)
    skipped: list[tuple[datetime.date, str]] = field(default_factory=list)


def end_of_day(day: datetime.date) -> datetime.datetime:
    local = datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=LONDON)
    return local.astimezone(datetime.UTC)


def working_days_after(trigger_at: datetime.datetime, n: int) -> Deadline:
    """The deadline N working days after the day of `trigger_at`, with the days it counted."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = trigger_at.astimezone(LONDON).date()
    if n == 0:
        return Deadline(due_at=end_of_day(day))
    counted: list[datetime.date] = []
    skipped: list[tuple[datetime.date, str]] = []
    while len(counted) < n:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted.append(day)
        else:
            skipped.append((day, bank_holiday(day) or day.strftime("%A")))
    return Deadline(due_at=end_of_day(day), working_days=counted, skipped=skipped)


def hours_after(trigger_at: datetime.datetime, hours: int) -> Deadline:
    """Elapsed hours. Added in UTC: adding to a London time would add wall-clock hours, one
    too few or too many across a clock change."""
    return Deadline(due_at=trigger_at.astimezone(datetime.UTC) + datetime.timedelta(hours=hours))


def working_days_before(now: datetime.datetime, n: int) -> datetime.datetime:
    """The end of the day N working days before today (London): a deadline at or before it has
    been passed for at least N whole working days."""
    day = now.astimezone(LONDON).date()
    counted = 0
    while counted < n:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return end_of_day(day)


def started_at_least_working_days_ago(now: datetime.datetime, n: int) -> datetime.datetime:
    """The latest moment a clock may have started for its N working days (working_days_after)
    to be over by `now`: a clock that started at or before it has run out. One instant to
    compare a stored column with, so a sweep can select by it in one query."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = now.astimezone(LONDON).date()
    # Walk back from today to the last day whose window had ended: at most n working days and
    # the weekends and holidays between them.
    while working_days_after(end_of_day(day), n).due_at >= now:
        day -= datetime.timedelta(days=1)
    return end_of_day(day)
