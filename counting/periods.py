"""Periods of whole London days, as every report counts them: the compliance dashboard and pack,
quality assurance samples, and anything else that asks "in this period"."""

import datetime
from dataclasses import dataclass

from entitlements import calendar


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def start_at(self) -> datetime.datetime:
        return calendar.end_of_day(self.start - datetime.timedelta(days=1))

    @property
    def end_at(self) -> datetime.datetime:
        return calendar.end_of_day(self.end)

    def previous(self) -> "Period":
        length = self.end - self.start + datetime.timedelta(days=1)
        return Period(self.start - length, self.start - datetime.timedelta(days=1))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = datetime.date(year, month, 1)
        return cls(first, add_months(first, 1) - datetime.timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, number: int) -> "Period":
        """A calendar quarter: 1 is January to March, 4 October to December."""
        if not 1 <= number <= 4:
            raise ValueError(number)
        first = datetime.date(year, 3 * number - 2, 1)
        return cls(first, add_months(first, 3) - datetime.timedelta(days=1))

    @classmethod
    def last_complete_quarter(cls, today: datetime.date) -> "Period":
        """The calendar quarter before the one `today` is in."""
        before = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        before -= datetime.timedelta(days=1)
        return cls.quarter(before.year, (before.month - 1) // 3 + 1)

    def previous_month(self) -> "Period":
        """The whole London month before the one this period starts in."""
        before = self.start.replace(day=1) - datetime.timedelta(days=1)
        return Period.month(before.year, before.month)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The 1st of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)
