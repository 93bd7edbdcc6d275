"""Reads for the hand-over pages and API: a fixed number of queries each (tests/handover)."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

from cases.models import Case

from .models import HandOver
from .permissions import units_of


def of_case(case: Case) -> QuerySet[HandOver]:
    return HandOver.objects.filter(case=case).select_related("wcu_team", "sent_by", "answered_by")


def incoming(user) -> QuerySet[HandOver]:
    """Waiting for the user's units first, oldest first; then the latest answered."""
    return (
        HandOver.objects.visible_to(user)
        .filter(wcu_team_id__in=units_of(user))
        .select_related("case__offence", "wcu_team", "sent_by", "answered_by")
    )


def readable(summary: Any) -> Any:
    """The snapshot with its moments (keys ending `_at`, kept as ISO text) as datetimes again,
    for the page to show in the user's words."""
    if isinstance(summary, dict):
        return {
            key: (_moment(value) if key.endswith("_at") else readable(value))
            for key, value in summary.items()
        }
    if isinstance(summary, list):
        return [readable(item) for item in summary]
    return summary


def _moment(value: Any) -> datetime.datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None
