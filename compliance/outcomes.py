"""Duty outcomes, counted live: what the dashboard calls met on time, late, missed and still open,
for the duties that fell due in a period (London dates, whole days). The one definition that the
live figures, the summary tables (compliance.summary), the drill-down and its CSV all use.

On time = met by the deadline. The base for the percentage is every duty that fell due and was
not withdrawn, not applicable, declined or waived: met on time, met late, missed, and still
open past its deadline. Declined and waived are counted and shown, but do not count against.
"""

import datetime
from collections.abc import Sequence
from typing import Protocol

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from counting.periods import Period
from entitlements import calendar
from entitlements.models import Duty, DutyAttempt, DutyStatus

S = DutyStatus
LONDON = calendar.LONDON
# missed_attempted: of the missed, those with an attempt to reach the person in their window.
COUNTS = ("total", "met", "met_late", "missed", "declined", "waived", "open", "missed_attempted")


class FiguresSource(Protocol):
    """Where figures are read from (compliance.sources: LiveFigures or SummaryFigures, chosen by
    the caller): outcome counts in the shape of `outcome_counts` below, and the service measures
    in the shape of compliance.service_figures.live_service_measures."""

    def outcome_counts(
        self, period: Period, *, group_by: Sequence[str] = (), now: datetime.datetime
    ) -> list[dict]: ...

    def service_measures(self, period: Period, *, now: datetime.datetime) -> dict: ...


def fell_due(duties: QuerySet[Duty], period: Period) -> QuerySet[Duty]:
    """Duties whose deadline fell in the period: after the end of the day before it starts, up
    to the end of its last day (London time)."""
    return duties.filter(due_at__gt=period.start_at, due_at__lte=period.end_at).exclude(
        status__in=[S.WITHDRAWN, S.NOT_APPLICABLE]
    )


def past_deadline(now: datetime.datetime) -> Q:
    """Open and past its deadline: missed, whether or not the sweep (entitlements.mark_missed,
    every few minutes) has yet to write so. The figures, the drill-down and its CSV all ask
    this, so a number and the rows behind it agree."""
    return Q(status__in=[S.DUE, S.MISSED], due_at__lt=now)


def attempted_in_window_ids() -> QuerySet:
    """The ids of the duties attempted_in_window holds for, as one uncorrelated subquery: for
    counting many duties at once (the summary's rebuild), where PostgreSQL hashes it once rather
    than probing the attempts once per missed duty."""
    return DutyAttempt.objects.filter(
        contact__occurred_at__gte=F("duty__trigger_at"),
        contact__occurred_at__lte=F("duty__due_at"),
    ).values("duty_id")


def attempted_in_window() -> Exists:
    """At least one attempt to reach the person was recorded for the duty between what started
    its clock and its deadline: a missed duty with one is a victim who could not be reached, not
    a duty nobody tried to deliver."""
    return Exists(
        DutyAttempt.objects.filter(
            duty=OuterRef("pk"),
            contact__occurred_at__gte=OuterRef("trigger_at"),
            contact__occurred_at__lte=OuterRef("due_at"),
        )
    )


def outcome_aggregates(now: datetime.datetime) -> dict:
    """COUNTS as aggregates over duties, as of `now`."""
    return {
        "total": Count("id"),
        "met": Count("id", filter=Q(status=S.MET)),
        "met_late": Count("id", filter=Q(status=S.MET_LATE)),
        "missed": Count("id", filter=past_deadline(now)),
        "missed_attempted": Count("id", filter=past_deadline(now) & Q(attempted_in_window())),
        "declined": Count("id", filter=Q(status=S.DECLINED)),
        "waived": Count("id", filter=Q(status=S.WAIVED)),
        "open": Count("id", filter=Q(status=S.DUE, due_at__gte=now)),
    }


def on_time_percent(row: dict) -> float | None:
    base = row["met"] + row["met_late"] + row["missed"]
    return round(100 * row["met"] / base, 1) if base else None


# What `outcome_counts` can group by: name -> expression. "month" is the London month the
# duty fell due in (a date, the 1st).
DIMENSIONS = {
    "rule": F("rule__code"),
    "enhanced": F("enhanced"),
    "team": F("case__team_id"),
    "month": TruncMonth("due_at", tzinfo=LONDON),
}


def as_london_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(LONDON)
        return value.date()
    return value


def outcome_counts(
    duties: QuerySet[Duty],
    period: Period,
    *,
    group_by: Sequence[str] = (),
    now: datetime.datetime,
) -> list[dict]:
    """Outcome counts (COUNTS) of exactly these duties that fell due in the period, one row per
    group of DIMENSIONS named in `group_by`, in one query. Each row also has `on_time`."""
    names = {f"by_{name}": DIMENSIONS[name] for name in group_by}
    aggregates = outcome_aggregates(now)
    rows = (
        fell_due(duties, period).values(**names).annotate(**aggregates).order_by(*names)
        if names
        else [fell_due(duties, period).aggregate(**aggregates)]
    )
    result = []
    for row in rows:
        entry = {name: row[f"by_{name}"] for name in group_by}
        if "month" in entry:
            entry["month"] = as_london_date(entry["month"])
        entry.update({k: row[k] for k in COUNTS})
        entry["on_time"] = on_time_percent(entry)
        result.append(entry)
    return result


# The finest grain a page asks of live duty figures: every other grouping is summed from it.
LIVE_GRAIN = ("rule", "enhanced", "team", "month")


def regroup(rows: list[dict], group_by: Sequence[str]) -> list[dict]:
    """`rows` at a finer grain (as outcome_counts returns them) summed to `group_by`, ordered
    as outcome_counts orders them, each with its own `on_time`."""
    groups: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[name] for name in group_by)
        entry = groups.setdefault(
            key, {**dict(zip(group_by, key, strict=True)), **dict.fromkeys(COUNTS, 0)}
        )
        for name in COUNTS:
            entry[name] += row[name]
    if not group_by and not groups:
        groups[()] = dict.fromkeys(COUNTS, 0)
    result = [groups[key] for key in sorted(groups)]
    for entry in result:
        entry["on_time"] = on_time_percent(entry)
    return result
