"""The duties behind a figure and the worklist's rows: which duties a drill-down lists, each
with its effective status, and their CSV."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from counting.periods import Period
from entitlements import calendar
from entitlements.models import Duty, DutyStatus

from .labels import right_label, status_label
from .outcomes import fell_due, past_deadline

S = DutyStatus
LONDON = calendar.LONDON

NOT_ON_TIME = "not_on_time"


def drill_down(
    duties: QuerySet[Duty],
    period: Period,
    *,
    code: str | Sequence[str],
    outcome: str,
    enhanced: bool | None,
    now: datetime.datetime,
) -> QuerySet[Duty]:
    """The duties behind one figure: of one rule, the rules of a key entitlement, or every rule
    when none is named (a chart's point). NOT_ON_TIME lists those that pull "% on time" down:
    met late or missed, as of `now`."""
    codes = [code] if isinstance(code, str) else list(code)
    due = fell_due(duties, period)
    if codes:
        due = due.filter(rule__code__in=codes)
    if enhanced is not None:
        due = due.filter(enhanced=enhanced)
    filters = {
        "met": Q(status=S.MET),
        "met_late": Q(status=S.MET_LATE),
        "missed": past_deadline(now),
        NOT_ON_TIME: Q(status=S.MET_LATE) | past_deadline(now),
        "declined": Q(status=S.DECLINED),
        "waived": Q(status=S.WAIVED),
        "open": Q(status=S.DUE, due_at__gte=now),
        "total": Q(),
    }
    return due.filter(filters.get(outcome, Q(pk__in=[])))


def with_effective_status(duties: QuerySet[Duty], *, now: datetime.datetime) -> QuerySet[Duty]:
    """Each duty with `effective_status`, what its deadline says now rather than the stored
    column: a duty still due after its deadline is missed (`past_deadline`), even in the minutes
    before the sweep marks it. The one definition the drill-down, the worklist and their CSVs
    show."""
    return duties.annotate(
        effective_status=Case(
            When(past_deadline(now), then=Value(S.MISSED)),
            default=F("status"),
            output_field=CharField(),
        )
    )


# The most duties one CSV holds: a file, not a copy of the force's records; past it the file says
# so and the filters narrow it.
EXPORT_LIMIT = 5000

# What a drill-down or worklist CSV holds, a row per duty: the page's columns, in words.
DUTY_COLUMNS = [
    "Due by",
    "Duty",
    "Rule",
    "Rights",
    "Status",
    "Crime reference",
    "Person",
    "Their part in the case",
    "Officer in the case",
    "Team",
    "Restricted case",
]


@dataclass(frozen=True)
class DutyExport:
    rows: list[list[str]]
    people: list[int]  # whose details the rows hold, for the audit trail
    truncated: bool  # more duties matched than `limit`


def export_duties(duties: QuerySet[Duty], *, limit: int) -> DutyExport:
    """DUTY_COLUMNS for the first `limit` duties of `duties` (ordered, and already
    `with_effective_status`), in one query. Times in London time, as the pages show them."""
    fetched = list(
        duties.select_related("case__officer", "case__team", "party__person", "rule__right")[
            : limit + 1
        ]
    )
    rows = []
    for duty in fetched[:limit]:
        right = duty.rule.right
        rows.append(
            [
                timezone.localtime(duty.due_at, LONDON).strftime("%Y-%m-%d %H:%M"),
                right_label(right.scheme, right.number, duty.rule.title),
                duty.rule.code,
                "enhanced" if duty.enhanced else "standard",
                status_label(duty.effective_status),
                duty.case.crime_reference,
                str(duty.party.person),
                duty.party.get_role_display(),
                str(duty.case.officer),
                duty.case.team.name,
                "yes" if duty.case.restricted else "no",
            ]
        )
    people = sorted({duty.party.person_id for duty in fetched[:limit]})
    return DutyExport(rows=rows, people=people, truncated=len(fetched) > limit)
