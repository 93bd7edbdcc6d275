"""How well the Victims' Code is being delivered: duty outcomes by Right and rule, standard and
enhanced side by side, for duties that fell due in a period (London dates, whole days).

On time = met by the deadline. The base for the percentage is every duty that fell due and was
not withdrawn, not applicable, declined or waived: met on time, met late, missed, and still
open past its deadline. Declined and waived are counted and shown, but do not count against.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from entitlements import calendar
from entitlements.models import Duty, DutyStatus

S = DutyStatus
# The entitlements forces report quarterly, mapped to the rules that deliver them.
KEY_ENTITLEMENTS = [
    ("Written acknowledgement", ["R2"]),
    ("Referral to support services", ["R4"]),
    ("Updates within the agreed timeframe", ["R5-U"]),
    ("Opportunity to make a Victim Personal Statement", ["R14"]),
]
NOT_HELD = "Advance notice of the offender's release"  # Held by Probation, not the force.


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


def fell_due(duties: QuerySet[Duty], period: Period) -> QuerySet[Duty]:
    """Duties whose deadline fell in the period: after the end of the day before it starts, up
    to the end of its last day (London time)."""
    return duties.filter(due_at__gt=period.start_at, due_at__lte=period.end_at).exclude(
        status__in=[S.WITHDRAWN, S.NOT_APPLICABLE]
    )


def _counts(now: datetime.datetime) -> dict:
    overdue_open = Q(status__in=[S.DUE, S.MISSED], due_at__lt=now)
    return {
        "total": Count("id"),
        "met": Count("id", filter=Q(status=S.MET)),
        "met_late": Count("id", filter=Q(status=S.MET_LATE)),
        "missed": Count("id", filter=overdue_open),
        "declined": Count("id", filter=Q(status=S.DECLINED)),
        "waived": Count("id", filter=Q(status=S.WAIVED)),
        "open": Count("id", filter=Q(status=S.DUE, due_at__gte=now)),
    }


def on_time_percent(row: dict) -> float | None:
    base = row["met"] + row["met_late"] + row["missed"]
    return round(100 * row["met"] / base, 1) if base else None


def by_rule(duties: QuerySet[Duty], period: Period, *, now=None) -> list[dict]:
    """One row per rule and status (standard or enhanced), in one grouped query."""
    now = now or timezone.now()
    rows = (
        fell_due(duties, period)
        .values(
            "rule__right__scheme", "rule__right__number", "rule__code", "rule__title", "enhanced"
        )
        .annotate(**_counts(now))
        .order_by("rule__right__scheme", "rule__right__number", "rule__code", "enhanced")
    )
    merged: dict[str, dict] = {}
    for row in rows:
        entry = merged.setdefault(
            row["rule__code"],
            {
                "code": row["rule__code"],
                "title": row["rule__title"],
                "right": row["rule__right__number"],
                "scheme": row["rule__right__scheme"],
                "standard": None,
                "enhanced": None,
            },
        )
        figures = {k: row[k] for k in _counts(now)}
        figures["on_time"] = on_time_percent(figures)
        entry["enhanced" if row["enhanced"] else "standard"] = figures
    return list(merged.values())


def key_entitlements(duties: QuerySet[Duty], period: Period, *, now=None) -> list[dict]:
    now = now or timezone.now()
    due = fell_due(duties, period)
    result = []
    for label, codes in KEY_ENTITLEMENTS:
        figures = due.filter(rule__code__in=codes).aggregate(**_counts(now))
        figures["on_time"] = on_time_percent(figures)
        result.append({"label": label, "codes": codes, **figures})
    result.append({"label": NOT_HELD, "codes": [], "not_held": True})
    return result


def drill_down(
    duties: QuerySet[Duty],
    period: Period,
    *,
    code: str,
    outcome: str,
    enhanced: bool | None,
    now=None,
) -> QuerySet[Duty]:
    """The duties behind one figure."""
    now = now or timezone.now()
    due = fell_due(duties, period).filter(rule__code=code)
    if enhanced is not None:
        due = due.filter(enhanced=enhanced)
    filters = {
        "met": Q(status=S.MET),
        "met_late": Q(status=S.MET_LATE),
        "missed": Q(status__in=[S.DUE, S.MISSED], due_at__lt=now),
        "declined": Q(status=S.DECLINED),
        "waived": Q(status=S.WAIVED),
        "open": Q(status=S.DUE, due_at__gte=now),
        "total": Q(),
    }
    return due.filter(filters.get(outcome, Q(pk__in=[])))
