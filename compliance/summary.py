"""Dashboard duty figures from the summary table, in the shapes compliance.services returns.

The summary (compliance.models.DutyOutcomeDay) counts duties by London due date, team, rule,
enhanced status, offence group and restriction. It serves whole past days. What it cannot serve is
read live and added in, so the figures are the live figures as of the last refresh:
- days from today on (their split between missed and still open depends on the time now);
- restricted cases the user reaches only as their officer or through a Witness Care Unit.
Filters it serves: period, team, offence group, enhanced. Officer and equality filters (sex,
ethnicity, age) are not in it: use the live path (compliance.services) for those.
"""

import datetime
import time
from collections.abc import Iterable, Sequence

from django.db import connections, router, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from accounts.models import Role, TeamMembership, User
from cases.models import Case
from entitlements import calendar
from entitlements.models import Duty, DutyStatus

from .models import DutyOutcomeDay, DutyOutcomeForceDay, DutyOutcomeTeamDay, SummaryRefresh

S = DutyStatus
NAME = "duty_outcomes"
COUNTED = [S.DUE, S.MET, S.MET_LATE, S.MISSED, S.DECLINED, S.WAIVED]  # not withdrawn or n/a
FIGURES = ("total", "met", "met_late", "missed", "declined", "waived", "open")
# Rule dimensions, as compliance.services.by_rule groups them.
RULE = ("rule__right__scheme", "rule__right__number", "rule__code", "rule__title")
# A deadline belongs to London day D when it is after 23:59:59 on D-1 and at or before 23:59:59
# on D: add just under a second before taking the date.
NUDGED = F("due_at") + datetime.timedelta(microseconds=999_999)

# --- refresh -------------------------------------------------------------------------------------


def _summary_rows() -> QuerySet:
    """One row per day x team x rule x enhanced x offence group x restricted. The day is the
    London date the deadline falls in, counted as the dashboard counts it: a deadline belongs to
    day D when it is after 23:59:59 on D-1 and at or before 23:59:59 on D (London), so add just
    under a second before taking the date."""
    return (
        Duty.objects.filter(status__in=COUNTED)
        .annotate(
            s_day=TruncDate(NUDGED, tzinfo=calendar.LONDON),
            s_team=F("case__team_id"),
            s_rule=F("rule_id"),
            s_enhanced=F("enhanced"),
            s_group=F("case__offence__offence_group"),
            s_restricted=F("case__restricted"),
        )
        .values("s_day", "s_team", "s_rule", "s_enhanced", "s_group", "s_restricted")
        .annotate(
            s_total=Count("id"),
            s_met=Count("id", filter=Q(status=S.MET)),
            s_met_late=Count("id", filter=Q(status=S.MET_LATE)),
            s_missed=Count("id", filter=Q(status=S.MISSED)),
            s_due=Count("id", filter=Q(status=S.DUE)),
            s_declined=Count("id", filter=Q(status=S.DECLINED)),
            s_waived=Count("id", filter=Q(status=S.WAIVED)),
        )
        .order_by()
    )


COUNT_COLUMNS = "total, met, met_late, missed, due, declined, waived"
SUMS = ", ".join(f"SUM({c})" for c in COUNT_COLUMNS.split(", "))


def refresh(*, using: str | None = None, now: datetime.datetime | None = None) -> int:
    """Rebuild the summary tables in one transaction: DELETE, one INSERT ... SELECT ... GROUP BY
    over the duties, then the two roll-ups from it. Idempotent; readers see the old rows until it
    commits. Returns the number of detailed rows."""
    using = using or router.db_for_write(DutyOutcomeDay)
    now = now or timezone.now()
    began = time.monotonic()
    query = _summary_rows().using(using).query
    select, params = query.get_compiler(using).as_sql()
    day, force, team = (
        m._meta.db_table for m in (DutyOutcomeDay, DutyOutcomeForceDay, DutyOutcomeTeamDay)
    )
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One refresh at a time; readers (ACCESS SHARE) are not blocked.
            cursor.execute(f"LOCK TABLE {day}, {force}, {team} IN EXCLUSIVE MODE")
        for table in (day, force, team):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608  # nosec B608
        cursor.execute(
            f"INSERT INTO {day} (day, team_id, rule_id, enhanced, offence_group, restricted, "
            f"{COUNT_COLUMNS}) {select}",
            params,
        )
        rows = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {force} (day, rule_id, enhanced, offence_group, {COUNT_COLUMNS}) "  # noqa: S608  # nosec B608
            f"SELECT day, rule_id, enhanced, offence_group, {SUMS} FROM {day} "
            "WHERE NOT restricted GROUP BY day, rule_id, enhanced, offence_group"
        )
        cursor.execute(
            f"INSERT INTO {team} (day, team_id, enhanced, restricted, {COUNT_COLUMNS}) "  # noqa: S608  # nosec B608
            f"SELECT day, team_id, enhanced, restricted, {SUMS} FROM {day} "
            "GROUP BY day, team_id, enhanced, restricted"
        )
        SummaryRefresh.objects.using(using).update_or_create(
            name=NAME,
            defaults={"refreshed_at": now, "rows": rows, "seconds": time.monotonic() - began},
        )
    return rows


def last_refreshed(using: str | None = None) -> datetime.datetime | None:
    found = SummaryRefresh.objects.using(using or "default").filter(name=NAME).first()
    return found.refreshed_at if found else None


# --- reading -------------------------------------------------------------------------------------


def can_serve(filters) -> bool:
    """Whether the summary holds what these compliance.services.Filters select: period, team,
    offence group and enhanced yes; officer, age band, sex and ethnicity no (read live)."""
    return not (filters.officer or filters.about_people)


def _supervised(user: User) -> list[int]:
    return list(
        TeamMembership.objects.filter(user=user, is_supervisor=True).values_list(
            "team_id", flat=True
        )
    )


def _reaches_restricted_elsewhere(user: User, supervised: list[int]) -> bool:
    """Whether the user sees restricted cases outside the teams they supervise (as the officer
    in the case, or through a Witness Care Unit): their duties are read live."""
    if Role.WITNESS_CARE in user.roles:
        return True
    return (
        Case.objects.filter(restricted=True, officer=user).exclude(team_id__in=supervised).exists()
    )


def _fell_due(duties: QuerySet[Duty], start: datetime.date, end: datetime.date) -> QuerySet[Duty]:
    return duties.filter(
        due_at__gt=calendar.end_of_day(start - datetime.timedelta(days=1)),
        due_at__lte=calendar.end_of_day(end),
    )


# group_by name -> (expression on the summary, expression on Duty), as services.DIMENSIONS.
SUMMARY_DIMENSIONS = {
    "rule": (F("rule__code"), F("rule__code")),
    "enhanced": (F("enhanced"), F("enhanced")),
    "team": (F("team_id"), F("case__team_id")),
    "month": (TruncMonth("day"), TruncMonth("due_at", tzinfo=calendar.LONDON)),
}


def _summary_sources(supervised: list[int], group_by: tuple, filters) -> list[QuerySet]:
    """The fewest summary rows that answer: the detailed table for one team; a roll-up without
    teams (plus the restricted cases of the user's own teams) or without rules, force-wide."""
    mine = Q(restricted=False) | Q(team_id__in=supervised)
    if filters.team:
        return [DutyOutcomeDay.objects.filter(mine, team_id=filters.team)]
    if "team" in group_by:
        if "rule" in group_by or filters.offence_group:
            return [DutyOutcomeDay.objects.filter(mine)]
        return [DutyOutcomeTeamDay.objects.filter(mine)]
    return [
        DutyOutcomeForceDay.objects.all(),
        DutyOutcomeDay.objects.filter(restricted=True, team_id__in=supervised),
    ]


def outcome_counts(
    user: User,
    period,
    *,
    group_by: Sequence[str] = (),
    filters=None,
    now: datetime.datetime | None = None,
    memo: dict | None = None,
) -> list[dict]:
    """compliance.services.outcome_counts from the summary: the same rows (one per group of
    "rule", "enhanced", "team", "month", with total, met, met_late, missed, declined, waived,
    open and on_time), for the duties that fell due in the period and `user` may see, under
    `filters` (a services.Filters that can_serve). Whole past days come from the summary; today
    and later days, and restricted cases the user reaches other than as a team's supervisor, are
    counted live and added in."""
    from .services import NO_FILTERS, _counts, on_time_percent

    filters = filters or NO_FILTERS
    if not can_serve(filters):
        raise ValueError("The summary cannot serve officer or equality filters.")
    now = now or timezone.now()
    group_by = tuple(group_by)
    today = timezone.localtime(now).date()
    # Only days that were over when the summary was last rebuilt are read from it; every later
    # day (and everything, before the first rebuild) is counted live.
    memo = {} if memo is None else memo  # one page asks several times: look these up once
    if "refreshed" not in memo:
        memo["refreshed"] = last_refreshed()
        memo["supervised"] = _supervised(user)
        memo["elsewhere"] = _reaches_restricted_elsewhere(user, memo["supervised"])
    refreshed = memo["refreshed"]
    built_to = (
        timezone.localtime(refreshed).date() - datetime.timedelta(days=1)
        if refreshed
        else period.start - datetime.timedelta(days=1)
    )
    summary_end = min(period.end, today - datetime.timedelta(days=1), built_to)
    supervised = memo["supervised"]
    merged: dict[tuple, dict] = {}

    def add(rows: Iterable[dict]) -> None:
        for row in rows:
            key = tuple(
                _as_date(row[f"by_{g}"]) if g == "month" else row[f"by_{g}"] for g in group_by
            )
            entry = merged.setdefault(key, dict.fromkeys(FIGURES, 0))
            for figure in FIGURES:
                entry[figure] += row.get(figure) or 0

    if period.start <= summary_end:
        names = {f"by_{g}": SUMMARY_DIMENSIONS[g][0] for g in group_by}
        sums = {
            "total": Sum("total"),
            "met": Sum("met"),
            "met_late": Sum("met_late"),
            # Every day here is over: a duty still due or missed on it is overdue.
            "missed": Sum(F("missed") + F("due")),
            "declined": Sum("declined"),
            "waived": Sum("waived"),
        }
        for rows in _summary_sources(supervised, group_by, filters):
            rows = rows.filter(day__gte=period.start, day__lte=summary_end)
            if filters.offence_group:
                rows = rows.filter(offence_group=filters.offence_group)
            if filters.enhanced is not None:
                rows = rows.filter(enhanced=filters.enhanced)
            add(
                rows.values(**names).annotate(**sums).order_by()
                if names
                else [rows.aggregate(**sums)]
            )

    live = Duty.objects.visible_to(user).filter(status__in=COUNTED)
    if filters.team:
        live = live.filter(case__team_id=filters.team)
    if filters.offence_group:
        live = live.filter(case__offence__offence_group=filters.offence_group)
    if filters.enhanced is not None:
        live = live.filter(enhanced=filters.enhanced)
    parts = []
    live_from = max(period.start, summary_end + datetime.timedelta(days=1))
    if live_from <= period.end:
        parts.append(_fell_due(live, live_from, period.end))
    if period.start <= summary_end and memo["elsewhere"]:
        parts.append(
            _fell_due(live, period.start, summary_end)
            .filter(case__restricted=True)
            .exclude(case__team_id__in=supervised)
        )
    counts = _counts(now)  # the same live counts as the dashboard's own
    names = {f"by_{g}": SUMMARY_DIMENSIONS[g][1] for g in group_by}
    for part in parts:
        add(
            part.values(**names).annotate(**counts).order_by()
            if names
            else [part.aggregate(**counts)]
        )

    if not group_by and not merged:
        merged[()] = dict.fromkeys(FIGURES, 0)
    result = []
    for key in sorted(merged, key=_sort_key):
        entry = dict(zip(group_by, key, strict=True)) | merged[key]
        entry["on_time"] = on_time_percent(entry)
        result.append(entry)
    return result


def _sort_key(key: tuple) -> tuple:
    return tuple((value is None, value) for value in key)


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(calendar.LONDON)
        return value.date()
    return value
