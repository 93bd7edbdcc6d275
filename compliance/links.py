"""From a chart's point or a table's figure to the duties behind it.

A link carries the dashboard's own query (its period and filters, ids and codes only) with the
point's month or team in place of the query's own, and an outcome. The chart points open the
duties that pull the "% on time" down: met late or missed (NOT_ON_TIME), or every duty that fell
due when none did.
"""

import datetime
import functools
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode

from django.db.models import QuerySet
from django.urls import get_script_prefix, reverse

from counting.periods import Period
from entitlements.models import Duty

from . import duty_lists

NOT_ON_TIME = duty_lists.NOT_ON_TIME
# What the drill-down's heading calls each outcome it lists.
OUTCOME_LABELS = {
    "total": "All duties that fell due",
    "met": "Duties met on time",
    "met_late": "Duties met late",
    "missed": "Missed duties",
    NOT_ON_TIME: "Duties not met on time (met late or missed)",
    "declined": "Declined duties",
    "waived": "Waived duties",
    "open": "Duties still open",
}


def drill_down_url(query: str, **params) -> str:
    """The drill-down for the dashboard's `query` with `params` in place of its own values."""
    params = {name: value for name, value in params.items() if value not in (None, "")}
    kept = _kept(query, frozenset(params))
    return f"{_path(get_script_prefix())}?{kept}{'&' if kept else ''}{urlencode(params)}"


# A dashboard draws a link for every month and team figure (hundreds at force scale), all from
# one query: parse and reverse once, not once a link.
@functools.lru_cache(maxsize=16)
def _path(prefix: str) -> str:
    """Keyed by the script prefix, which reverse() puts in front of the path."""
    return reverse("compliance-drill-down")


@functools.lru_cache(maxsize=256)
def _kept(query: str, replaced: frozenset[str]) -> str:
    return urlencode([(name, value) for name, value in parse_qsl(query) if name not in replaced])


def month_url(query: str, month: datetime.date, outcome: str) -> str:
    """A London month of the trend: the whole month, or up to the period's end for the last."""
    last = Period.month(month.year, month.month).end
    end = dict(parse_qsl(query)).get("end")
    if end:
        last = min(last, datetime.date.fromisoformat(end))
    return drill_down_url(
        query, start=month.replace(day=1).isoformat(), end=last.isoformat(), outcome=outcome
    )


def team_url(query: str, team: int, outcome: str) -> str:
    return drill_down_url(query, team=team, outcome=outcome)


def point_outcome(row: dict) -> str | None:
    """Which duties a chart point opens: those not met on time, else all that fell due (e.g. a
    month met in full), else none."""
    if row["met_late"] + row["missed"]:
        return NOT_ON_TIME
    return "total" if row["total"] else None


def point_name(label: str, row: dict) -> str:
    """The accessible name of a chart point's link: the figure, and what the link opens."""
    on_time = "nothing measured" if row["on_time"] is None else f"{row['on_time']:g}% on time"
    late = row["met_late"] + row["missed"]
    if late:
        # Out of the percentage's own base: declined and waived duties do not count against.
        base = row["met"] + late
        return f"{label}: {on_time}, {late} of {base} not met on time, open those duties"
    duties = "the duty" if row["total"] == 1 else f"the {row['total']} duties"
    return f"{label}: {on_time}, open {duties} that fell due"


def duties_behind(
    duties: QuerySet[Duty],
    period: Period,
    *,
    codes: Sequence[str],
    outcome: str,
    enhanced: bool | None,
    now: datetime.datetime | None = None,
) -> QuerySet[Duty]:
    """The duties a drill-down link lists (duty_lists.drill_down)."""
    return duty_lists.drill_down(
        duties, period, code=codes, outcome=outcome, enhanced=enhanced, now=now
    )
