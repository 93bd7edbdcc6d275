"""Dashboard figures from the summary tables, in the shapes the live counts return.

The summary (compliance.models.DutyOutcomeDay and its roll-ups) counts duties by London due
date, team, rule, enhanced status, offence group and restriction, as of its last update. It is
kept up to date incrementally: database triggers log the team and day of every change to the
records it counts (compliance.models.SummaryChange), and `update`, every minute, counts again
only those (day, team) rows and the force-wide roll-ups of their days; `refresh` rebuilds it
whole, nightly, as a safety net. It serves every day, today and later days included: it also
counts the open duties whose deadline had passed at the update, and the few whose deadline
passed since are read live and moved from open to overdue, so the split between overdue and
still open is as of now. A duty met, declined, waived or re-timed, or a case moved or
restricted, shows at the next update, within a minute. Read live and added in: restricted
cases the user reaches only as their officer or through a Witness Care Unit; everything,
before the first rebuild.
Filters it serves: period, team, offence group, enhanced; and one facet (the officer, or the
person's sex, ethnicity or age band: compliance.models.DutyFacetRuleDay and DutyFacetTeamDay)
with period and enhanced, when no team or offence group is chosen too, and for an age band when
the bands in force at the period's end are those the summary was written with. Anything else
is read live (compliance.sources.LiveFigures).
A caller reads it through compliance.sources.SummaryFigures, which it chooses explicitly.

The service measures (needs assessments, referrals, surveys...) have their own tables, rebuilt in
the same transaction and read the same way: see "service measures" below.
"""

import datetime
import math
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connections, models, router, transaction
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Floor, TruncDate, TruncMonth
from django.db.models.lookups import LessThan
from django.utils import timezone

from accounts.models import Role, TeamMembership, User
from cases.models import (
    Case,
    EligibilityBasis,
    NeedsAssessment,
    Party,
    PartyRole,
    RiskAssessment,
    SpecialMeasuresRecord,
)
from cases.permissions import visibility
from counting import policy
from counting.filters import (
    NO_FILTERS,
    NOT_RECORDED,
    Filters,
    age_band_of,
    filter_duties,
    filter_parties,
)
from counting.people import domestic_abuse_offences
from entitlements import calendar
from entitlements.models import Duty, DutyStatus
from referrals.models import AgencyKind, Referral, ReferralStatus
from surveys.models import SATISFIED, Invitation, InvitationStatus, QuestionKind
from surveys.models import Answer as SurveyAnswer

from .models import (
    DutyFacetRuleDay,
    DutyFacetTeamDay,
    DutyOutcomeDay,
    DutyOutcomeForceDay,
    DutyOutcomeForceRuleDay,
    DutyOutcomeTeamDay,
    DutyOutcomeTeamRuleDay,
    FacetKind,
    HoursMeasure,
    ServiceDay,
    ServiceFacetDay,
    ServiceFacetHoursDay,
    ServiceFacetStageDay,
    ServiceHoursDay,
    ServiceSurveyStageDay,
    SummaryChange,
    SummaryRefresh,
)
from .outcomes import (
    COUNTS,
    attempted_in_window,
    attempted_in_window_ids,
    on_time_percent,
    outcome_aggregates,
)

S = DutyStatus
NAME = "duty_outcomes"
COUNTED = [S.DUE, S.MET, S.MET_LATE, S.MISSED, S.DECLINED, S.WAIVED]  # not withdrawn or n/a
FIGURES = COUNTS  # compliance.outcomes: the same figures, counted live or summed
# Rule dimensions, as compliance.duty_figures.by_rule groups them.
RULE = ("rule__right__scheme", "rule__right__number", "rule__code", "rule__title")
# A deadline belongs to London day D when it is after 23:59:59 on D-1 and at or before 23:59:59
# on D: add just under a second before taking the date.
NUDGED = F("due_at") + datetime.timedelta(microseconds=999_999)

# --- refresh -------------------------------------------------------------------------------------


def _tally(now: datetime.datetime) -> dict:
    """The counts of a summary row (COUNT_COLUMNS, in order), as aggregates over duties."""
    return {
        "s_total": Count("id"),
        "s_met": Count("id", filter=Q(status=S.MET)),
        "s_met_late": Count("id", filter=Q(status=S.MET_LATE)),
        "s_missed": Count("id", filter=Q(status=S.MISSED)),
        "s_due": Count("id", filter=Q(status=S.DUE)),
        "s_declined": Count("id", filter=Q(status=S.DECLINED)),
        "s_waived": Count("id", filter=Q(status=S.WAIVED)),
        "s_due_passed": Count("id", filter=Q(status=S.DUE, due_at__lt=now)),
        "s_missed_passed": Count("id", filter=Q(status=S.MISSED, due_at__lt=now)),
        "s_missed_attempted": Count(
            "id",
            filter=Q(status__in=[S.DUE, S.MISSED], due_at__lt=now)
            & Q(pk__in=attempted_in_window_ids()),
        ),
    }


def _summary_rows(now: datetime.datetime) -> QuerySet:
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
        .annotate(**_tally(now))
        .order_by()
    )


COUNT_COLUMNS = (
    "total, met, met_late, missed, due, declined, waived, due_passed, missed_passed, "
    "missed_attempted"
)
SUMS = ", ".join(f"SUM({c})" for c in COUNT_COLUMNS.split(", "))
TALLY_COLUMNS = ", ".join(f"s_{c}" for c in COUNT_COLUMNS.split(", "))  # _tally's names
# An update touching more than this is done as a whole rebuild: one scan beats thousands of
# small ones (a rule edition re-timing every open duty, a team merged into another).
MOST_DAYS = 120
MOST_ROWS = 20_000


@dataclass(frozen=True)
class Scope:
    """The rows to count again: London days, each with the teams whose rows may differ on it.
    A rebuild of everything has no Scope (None)."""

    days: dict[datetime.date, frozenset[int]]

    @property
    def size(self) -> int:
        return sum(len(teams) for teams in self.days.values())

    def q(self, at: str, team: str) -> Q:
        """Records counted on one of the days (`at` in the London day, as NUDGED counts it) in
        one of its teams."""
        where = Q(pk__in=[])
        for day, teams in sorted(self.days.items()):
            where |= Q(
                **{
                    f"{at}__gt": calendar.end_of_day(day - datetime.timedelta(days=1)),
                    f"{at}__lte": calendar.end_of_day(day),
                    f"{team}__in": sorted(teams),
                }
            )
        return where

    def days_q(self, at: str) -> Q:
        """Records counted on one of the days, in any team."""
        where = Q(pk__in=[])
        for day in sorted(self.days):
            where |= Q(
                **{
                    f"{at}__gt": calendar.end_of_day(day - datetime.timedelta(days=1)),
                    f"{at}__lte": calendar.end_of_day(day),
                }
            )
        return where

    def rows_sql(self) -> tuple[str, list]:
        """The summary rows of the scope (their day and team_id columns)."""
        parts, params = [], []
        for day, teams in sorted(self.days.items()):
            parts.append(f"(day = %s AND team_id IN ({', '.join(['%s'] * len(teams))}))")
            params += [day, *sorted(teams)]
        return f"({' OR '.join(parts)})", params

    def days_sql(self) -> tuple[str, list]:
        """The summary rows of the scope's days, whatever their team (the force roll-ups)."""
        return f"day IN ({', '.join(['%s'] * len(self.days))})", sorted(self.days)


EVERYTHING = ("1 = 1", [])


def _tables() -> list[str]:
    return [
        m._meta.db_table
        for m in (
            DutyOutcomeDay,
            DutyOutcomeForceDay,
            DutyOutcomeForceRuleDay,
            DutyOutcomeTeamDay,
            DutyOutcomeTeamRuleDay,
            ServiceDay,
            ServiceHoursDay,
            ServiceSurveyStageDay,
            DutyFacetRuleDay,
            DutyFacetTeamDay,
            ServiceFacetDay,
            ServiceFacetHoursDay,
            ServiceFacetStageDay,
        )
    ]


def _begin(connection, cursor, outermost: bool) -> None:
    """One writer at a time, reading one snapshot. Readers (ACCESS SHARE) are not blocked and
    see the old rows until the writer commits. The lock comes before the first read, so the
    snapshot (repeatable read) is taken once the writer before has committed: what it emptied
    from the change log is gone for this one too, and a change committed while this one runs is
    neither counted nor emptied from the log (the next update counts it)."""
    if connection.vendor != "postgresql":
        return  # SQLite has one writer and reads what it wrote
    if outermost:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    cursor.execute(f"LOCK TABLE {', '.join(_tables())} IN EXCLUSIVE MODE")
    # Sorts and hashes of millions of rows in memory rather than on disk (a rebuild).
    cursor.execute("SET LOCAL work_mem = '256MB'")


def refresh(*, using: str | None = None, now: datetime.datetime | None = None) -> int:
    """Rebuild the summary tables whole, in one transaction: DELETE, one INSERT ... SELECT ...
    GROUP BY over the duties, then the roll-ups from it; then the service measures' tables
    (_write_service); and empty the change log, which it makes redundant. Idempotent. Run
    nightly, as a safety net for what the change log does not see (an offence moved to another
    group, an agency's kind changed); `update` keeps the summary fresh in between. Returns the
    number of detailed duty rows."""
    using = using or router.db_for_write(DutyOutcomeDay)
    now = now or timezone.now()
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        _begin(connection, cursor, outermost)
        began = time.monotonic()
        rows = _write_duties(cursor, using, now, None)
        _write_facets(cursor, using, now, None, on=timezone.localtime(now).date())
        _refreshed(using, NAME, now, rows, began)
        began = time.monotonic()
        service_rows = _write_service(cursor, using, None, on=timezone.localtime(now).date())
        _write_service_facets(cursor, using, None, on=timezone.localtime(now).date())
        _refreshed(using, SERVICE_NAME, now, service_rows, began)
        cursor.execute(f"DELETE FROM {SummaryChange._meta.db_table}")  # noqa: S608  # nosec B608
        if connection.vendor == "postgresql":
            # Fresh statistics for the readers' plans, rather than waiting for autovacuum.
            cursor.execute(f"ANALYZE {', '.join(_tables())}")
    return rows


def update(*, using: str | None = None, now: datetime.datetime) -> int:
    """Bring the summary up to date with what changed since it was last written, every minute
    (compliance.update_summary): the (day, team) rows the change log names, and the days whose
    open duties' deadlines passed since (their overdue counts move), are counted again from the
    records; the force-wide roll-ups of those days are added up again. A whole rebuild instead
    when nothing was ever counted, when too much changed (MOST_DAYS, MOST_ROWS), or when the
    policy the service measures count by changed since (who counts as vulnerable).
    Idempotent. Returns how many (day, team) rows were counted again."""
    using = using or router.db_for_write(DutyOutcomeDay)
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        _begin(connection, cursor, outermost)
        written = {
            found.name: found.refreshed_at
            for found in SummaryRefresh.objects.using(using).filter(name__in=[NAME, SERVICE_NAME])
        }
        if len(written) < 2 or _policy_changed(
            timezone.localtime(written[NAME]).date(), timezone.localtime(now).date()
        ):
            return refresh(using=using, now=now)
        began = time.monotonic()
        log = SummaryChange.objects.using(using)
        upto = log.order_by("-id").values_list("id", flat=True).first() or 0
        changes = log.filter(id__lte=upto, team_id__isnull=False, at__isnull=False)
        keys = set(changes.annotate(s_day=_day("at")).values_list("s_day", "team_id").distinct())
        earlier, later = sorted((written[NAME], now))
        keys |= set(
            Duty.objects.using(using)
            .filter(status__in=[S.DUE, S.MISSED], due_at__gte=earlier, due_at__lt=later)
            .annotate(s_day=_day("due_at"))
            .values_list("s_day", "case__team_id")
            .distinct()
        )
        days: dict[datetime.date, set[int]] = {}
        for day, team in keys:
            days.setdefault(day, set()).add(team)
        scope = Scope({day: frozenset(teams) for day, teams in days.items()})
        if len(scope.days) > MOST_DAYS or scope.size > MOST_ROWS:
            return refresh(using=using, now=now)
        if scope.days:
            _write_duties(cursor, using, now, scope)
            _write_facets(cursor, using, now, scope, on=timezone.localtime(now).date())
            _write_service(cursor, using, scope, on=timezone.localtime(now).date())
            _write_service_facets(cursor, using, scope, on=timezone.localtime(now).date())
        log.filter(id__lte=upto).delete()
        seconds = time.monotonic() - began
        for name in (NAME, SERVICE_NAME):
            SummaryRefresh.objects.using(using).filter(name=name).update(
                refreshed_at=now, rows=scope.size, seconds=seconds
            )
    return scope.size


def _policy_changed(then: datetime.date, today: datetime.date) -> bool:
    """Whether what the summary counts by (who is vulnerable; the age bands) differs between
    the day it was written and today: every row is then written again, never a mix of two."""
    return policy.vulnerable_bases(then) != policy.vulnerable_bases(today) or (
        policy.age_bands(then) != policy.age_bands(today)
    )


def _refreshed(using: str, name: str, now: datetime.datetime, rows: int, began: float) -> None:
    SummaryRefresh.objects.using(using).update_or_create(
        name=name,
        defaults={"refreshed_at": now, "rows": rows, "seconds": time.monotonic() - began},
    )


def _facet_values(on: datetime.date) -> dict[str, tuple[dict, models.Expression]]:
    """Each facet's value for a duty (its aliases, then the expression), age bands as in force
    on `on`."""
    alias, band = age_band_of("party__person", "case__reported_at", policy.age_bands(on))
    return {
        FacetKind.OFFICER: (
            {},
            Coalesce(Cast("case__officer_id", CharField()), Value(""), output_field=CharField()),
        ),
        FacetKind.SEX: ({}, F("party__person__sex")),
        FacetKind.ETHNICITY: ({}, F("party__person__ethnicity")),
        FacetKind.AGE_BAND: (alias, band),
    }


FACET_SOURCE = "summary_facet_source"


def _write_facets(
    cursor, using: str, now: datetime.datetime, scope: Scope | None, *, on: datetime.date
) -> None:
    """The facet tables' rows of the scope (everything when None), deleted and counted again
    from the duties: by team, and force-wide by rule (whole days: every team's unrestricted
    cases), for each facet kind.

    The duties are joined to their case and person once, into a temporary table counted at the
    grain of every facet together; each facet's rows are then sums over it. Joining once rather
    than once per facet and table (eight times) is what keeps the minute's update within its
    time at force scale, where a day holds tens of thousands of duties."""
    by_rule, by_team = DutyFacetRuleDay._meta.db_table, DutyFacetTeamDay._meta.db_table
    rows_where, rows_params = scope.rows_sql() if scope else EVERYTHING
    days_where, days_params = scope.days_sql() if scope else EVERYTHING
    cursor.execute(f"DELETE FROM {by_team} WHERE {rows_where}", rows_params)  # noqa: S608  # nosec B608
    cursor.execute(f"DELETE FROM {by_rule} WHERE {days_where}", days_params)  # noqa: S608  # nosec B608
    values = _facet_values(on)
    aliases: dict = {}
    for alias, _value in values.values():
        aliases.update(alias)
    duties = Duty.objects.using(using).filter(status__in=COUNTED).alias(**aliases)
    if scope is not None:
        duties = duties.filter(scope.days_q("due_at"))
    facets = {f"f_{kind}": value for kind, (_alias, value) in values.items()}
    # Named as the summary tables name them, so the scope's SQL applies to the temporary table.
    dimensions = {
        "s_day": ("day", TruncDate(NUDGED, tzinfo=calendar.LONDON)),
        "s_team": ("team_id", F("case__team_id")),
        "s_restricted": ("restricted", F("case__restricted")),
        "s_rule": ("rule_id", F("rule_id")),
        "s_enhanced": ("is_enhanced", F("enhanced")),
    }
    sql, params = _sql(
        duties.annotate(**{name: value for name, (_, value) in dimensions.items()}, **facets)
        .values(*dimensions, *facets)
        .annotate(**_tally(now))
        .order_by(),
        using,
    )
    columns = ", ".join(
        [f"{name} AS {column}" for name, (column, _) in dimensions.items()]
        + list(facets)
        + TALLY_COLUMNS.split(", ")
    )
    cursor.execute(f"DROP TABLE IF EXISTS {FACET_SOURCE}")
    cursor.execute(
        f"CREATE TEMP TABLE {FACET_SOURCE} AS SELECT {columns} FROM ({sql}) part",  # noqa: S608  # nosec B608
        params,
    )
    sums = ", ".join(f"SUM(s_{c})" for c in COUNT_COLUMNS.split(", "))
    for kind in values:
        column = f"f_{kind}"
        cursor.execute(
            f"INSERT INTO {by_team} (day, kind, value, team_id, enhanced, restricted, "  # noqa: S608  # nosec B608
            f"{COUNT_COLUMNS}) SELECT day, %s, {column}, team_id, is_enhanced, restricted, "
            f"{sums} FROM {FACET_SOURCE} WHERE {rows_where} "
            f"GROUP BY day, {column}, team_id, is_enhanced, restricted",
            (kind, *rows_params),
        )
        cursor.execute(
            f"INSERT INTO {by_rule} (day, kind, value, rule_id, enhanced, {COUNT_COLUMNS}) "  # noqa: S608  # nosec B608
            f"SELECT day, %s, {column}, rule_id, is_enhanced, {sums} FROM {FACET_SOURCE} "
            f"WHERE NOT restricted GROUP BY day, {column}, rule_id, is_enhanced",
            (kind,),
        )
    cursor.execute(f"DROP TABLE {FACET_SOURCE}")


def _write_duties(cursor, using: str, now: datetime.datetime, scope: Scope | None) -> int:
    """The duty tables' rows of the scope (everything when None), deleted and counted again:
    the detailed rows from the duties, the roll-ups from them. Returns the detailed rows
    written."""
    queryset = _summary_rows(now).using(using)
    if scope is not None:
        queryset = queryset.filter(scope.q("due_at", "case__team_id"))
    select, params = queryset.query.get_compiler(using).as_sql()
    day, force, force_rule, team, team_rule = (
        m._meta.db_table
        for m in (
            DutyOutcomeDay,
            DutyOutcomeForceDay,
            DutyOutcomeForceRuleDay,
            DutyOutcomeTeamDay,
            DutyOutcomeTeamRuleDay,
        )
    )
    rows_where, rows_params = scope.rows_sql() if scope else EVERYTHING
    days_where, days_params = scope.days_sql() if scope else EVERYTHING
    for table in (day, team, team_rule):
        cursor.execute(f"DELETE FROM {table} WHERE {rows_where}", rows_params)  # noqa: S608  # nosec B608
    for table in (force, force_rule):
        cursor.execute(f"DELETE FROM {table} WHERE {days_where}", days_params)  # noqa: S608  # nosec B608
    cursor.execute(
        f"INSERT INTO {day} (day, team_id, rule_id, enhanced, offence_group, restricted, "
        # Stored in (team, restricted, day) order: a team's year is then adjacent pages
        # rather than rows scattered over the whole table.
        f"{COUNT_COLUMNS}) {select} ORDER BY 2, 6, 1",
        params,
    )
    rows = cursor.rowcount
    cursor.execute(
        f"INSERT INTO {force} (day, rule_id, enhanced, offence_group, {COUNT_COLUMNS}) "  # noqa: S608  # nosec B608
        f"SELECT day, rule_id, enhanced, offence_group, {SUMS} FROM {day} "
        f"WHERE NOT restricted AND {days_where} "
        "GROUP BY day, rule_id, enhanced, offence_group ORDER BY day",
        days_params,
    )
    cursor.execute(
        f"INSERT INTO {team} (day, team_id, enhanced, restricted, {COUNT_COLUMNS}) "  # noqa: S608  # nosec B608
        f"SELECT day, team_id, enhanced, restricted, {SUMS} FROM {day} WHERE {rows_where} "
        "GROUP BY day, team_id, enhanced, restricted ORDER BY day",
        rows_params,
    )
    cursor.execute(
        f"INSERT INTO {force_rule} (day, rule_id, enhanced, {COUNT_COLUMNS}) "  # noqa: S608  # nosec B608
        f"SELECT day, rule_id, enhanced, {SUMS} FROM {force} WHERE {days_where} "
        "GROUP BY day, rule_id, enhanced ORDER BY day",
        days_params,
    )
    cursor.execute(
        f"INSERT INTO {team_rule} (day, team_id, rule_id, enhanced, restricted, "  # noqa: S608  # nosec B608
        f"{COUNT_COLUMNS}) SELECT day, team_id, rule_id, enhanced, restricted, {SUMS} "
        f"FROM {day} WHERE {rows_where} GROUP BY day, team_id, rule_id, enhanced, restricted "
        "ORDER BY team_id, restricted, day",
        rows_params,
    )
    return rows


def last_refreshed(using: str | None = None) -> datetime.datetime | None:
    # No alias: the router's (the reporting replica inside victimcare.db_routers.reporting_reads).
    found = SummaryRefresh.objects.using(using).filter(name=NAME).first()
    return found.refreshed_at if found else None


# --- reading -------------------------------------------------------------------------------------


def serves(
    user: User, filters: Filters, *, on: datetime.date | None = None, memo: dict | None = None
) -> bool:
    """Whether the summary describes this user's figures under these filters, an age band read
    in the bands in force on `on`: the caller then reads them through
    compliance.sources.SummaryFigures (and the page says how fresh they are). `memo`: a
    page's, shared with its reads."""
    if not can_serve(filters):
        return False
    memo = reader(user, {} if memo is None else memo)
    if filters.age_band and on is not None and memo["refreshed"] is not None:
        written = timezone.localtime(memo["refreshed"]).date()
        if policy.age_bands(written) != policy.age_bands(on):
            return False
    return memo["sees_unrestricted"]


# Filters -> the facet it chooses.
FACET_FILTERS = {
    "officer": FacetKind.OFFICER,
    "sex": FacetKind.SEX,
    "ethnicity": FacetKind.ETHNICITY,
    "age_band": FacetKind.AGE_BAND,
}


def facet_of(filters: Filters) -> tuple[str, str] | None:
    """The facet these filters choose, as the facet tables store it (kind, value), if one."""
    chosen = [(kind, getattr(filters, name)) for name, kind in FACET_FILTERS.items()]
    chosen = [(kind, value) for kind, value in chosen if value]
    if not chosen:
        return None
    if len(chosen) > 1:
        raise ValueError("The summary holds one facet at a time.")
    kind, value = chosen[0]
    if kind in (FacetKind.SEX, FacetKind.ETHNICITY) and value == NOT_RECORDED:
        value = ""  # stored as recorded: nothing
    return kind, str(value)


def can_serve(filters: Filters) -> bool:
    """Whether the summary holds what these counting.filters.Filters select: period, team,
    offence group and enhanced; or one facet (officer, sex, ethnicity or age band) with period
    and enhanced only. Anything else is read live."""
    facets = [name for name in FACET_FILTERS if getattr(filters, name)]
    if not facets:
        return True
    return len(facets) == 1 and not filters.team and not filters.offence_group


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


# group_by name -> (expression on the summary, expression on Duty), as outcomes.DIMENSIONS.
SUMMARY_DIMENSIONS = {
    "rule": (F("rule__code"), F("rule__code")),
    "enhanced": (F("enhanced"), F("enhanced")),
    "team": (F("team_id"), F("case__team_id")),
    "month": (TruncMonth("day"), TruncMonth("due_at", tzinfo=calendar.LONDON)),
}


def _summary_sources(supervised: list[int], group_by: tuple, filters) -> list[QuerySet]:
    """The fewest summary rows that answer: the detailed table only when an offence group is
    chosen; else the team x rule roll-up for one team or by team and rule, the team roll-up by
    team, and force-wide the roll-up without teams plus the restricted cases of the user's own
    teams."""
    mine = Q(restricted=False) | Q(team_id__in=supervised)
    facet = facet_of(filters)
    if facet is not None:
        # By team from the team roll-up; else the force-wide roll-up, whose restricted cases
        # (none in it) outcome_counts reads live.
        kind, value = facet
        if "team" in group_by:
            return [DutyFacetTeamDay.objects.filter(mine, kind=kind, value=value)]
        return [DutyFacetRuleDay.objects.filter(kind=kind, value=value)]
    teams = DutyOutcomeDay if filters.offence_group else DutyOutcomeTeamRuleDay
    if filters.team:
        return [teams.objects.filter(mine, team_id=filters.team)]
    if "team" in group_by:
        if "rule" in group_by or filters.offence_group:
            return [teams.objects.filter(mine)]
        return [DutyOutcomeTeamDay.objects.filter(mine)]
    force = DutyOutcomeForceDay if filters.offence_group else DutyOutcomeForceRuleDay
    return [
        force.objects.all(),
        teams.objects.filter(restricted=True, team_id__in=supervised),
    ]


# Read at least by rule and enhanced, so that a page asking by rule and enhanced, then by rule,
# then in total reads the summary once per period (the rows are summed again in Python).
FINE = ("rule", "enhanced")
# Live rows are read once per page at the finest grain every figure of it needs.
LIVE_GRAIN = ("rule", "enhanced", "team", "month")


def _grain(group_by: tuple) -> tuple:
    if "team" in group_by or "month" in group_by:
        return group_by
    return group_by + tuple(g for g in FINE if g not in group_by)


def outcome_counts(
    user: User,
    period,
    *,
    group_by: Sequence[str] = (),
    filters: Filters | None = None,
    now: datetime.datetime,
    on: datetime.date | None = None,
    memo: dict | None = None,
) -> list[dict]:
    """compliance.outcomes.outcome_counts from the summary: the same rows (one per group of
    "rule", "enhanced", "team", "month", with total, met, met_late, missed, declined, waived,
    open and on_time), for the duties that fell due in the period and `user` may see, under
    `filters` (which can_serve). Every day comes from the summary as of its
    last rebuild, with the duties whose deadline passed since then (read live, few) moved from
    open to overdue; restricted cases the user reaches other than as a team's supervisor are
    counted live and added in. Before the first rebuild, or for a user the summary does not
    describe, everything is counted live. Under a facet (facet_of), the restricted cases are
    all counted live, and by team and rule at once too; an age band is read in the bands in
    force on `on` (by default the period's end)."""
    filters = filters or NO_FILTERS
    if not can_serve(filters):
        raise ValueError("The summary cannot serve officer or equality filters.")
    group_by = tuple(group_by)
    memo = reader(user, {} if memo is None else memo)  # one page asks several times
    refreshed = memo["refreshed"] if memo["sees_unrestricted"] else None
    facet = facet_of(filters)
    facet_filters = Filters(
        officer=filters.officer,
        sex=filters.sex,
        ethnicity=filters.ethnicity,
        age_band=filters.age_band,
    )
    if facet is not None and {"team", "rule"} <= set(_grain(group_by)):
        refreshed = None  # no facet table holds team and rule together
    supervised = memo["supervised"]
    merged: dict[tuple, dict] = {}

    def add(rows: Iterable[dict], sign: int = 1) -> None:
        for row in rows:
            key = tuple(
                _as_date(row[f"by_{g}"]) if g == "month" else row[f"by_{g}"] for g in group_by
            )
            entry = merged.setdefault(key, dict.fromkeys(FIGURES, 0))
            for figure in FIGURES:
                entry[figure] += sign * (row.get(figure) or 0)

    names = {f"by_{g}": SUMMARY_DIMENSIONS[g][1] for g in LIVE_GRAIN}

    def live_rows(kind: str, duties: QuerySet[Duty], aggregates: dict) -> list[dict]:
        key = ("live", kind, period.start, period.end, now)
        if key not in memo:
            duties = _fell_due(duties, period.start, period.end)
            memo[key] = list(duties.values(**names).annotate(**aggregates).order_by())
        return memo[key]

    def filtered(duties: QuerySet[Duty]) -> QuerySet[Duty]:
        if filters.team:
            duties = duties.filter(case__team_id=filters.team)
        if filters.offence_group:
            duties = duties.filter(case__offence__offence_group=filters.offence_group)
        if filters.enhanced is not None:
            duties = duties.filter(enhanced=filters.enhanced)
        if facet is not None:
            duties = filter_duties(duties, facet_filters, on=on or period.end)
        return duties

    # The live parts filter on the joined case: they are few duties, and PostgreSQL then starts
    # from them, where visible_to's semi-join would first list every visible case.
    live = filtered(Duty.objects.filter(visibility(user, "case__"), status__in=COUNTED))
    counts = outcome_aggregates(now)  # the same live counts as the dashboard's own
    if refreshed is None:
        add(live_rows("all", live, counts))
    else:
        grain = _grain(group_by)
        sums = {
            "total": Sum("total"),
            "met": Sum("met"),
            "met_late": Sum("met_late"),
            "missed": Sum(F("missed_passed") + F("due_passed")),
            "missed_attempted": Sum("missed_attempted"),
            "declined": Sum("declined"),
            "waived": Sum("waived"),
            "open": Sum(F("due") - F("due_passed")),
        }
        key = ("summary", grain, period.start, period.end)
        if key not in memo:
            parts = []
            for rows in _summary_sources(supervised, grain, filters):
                rows = rows.filter(day__gte=period.start, day__lte=period.end)
                if filters.offence_group:
                    rows = rows.filter(offence_group=filters.offence_group)
                if filters.enhanced is not None:
                    rows = rows.filter(enhanced=filters.enhanced)
                parts.append(
                    rows.values(**{f"by_{g}": SUMMARY_DIMENSIONS[g][0] for g in grain})
                    .annotate(**sums)
                    .order_by()
                )
            # One round trip for the roll-up and the restricted cases of the user's teams.
            memo[key] = list(parts[0].union(*parts[1:], all=True))
        add(memo[key])
        # Deadlines that passed between the rebuild and now (or, asked about an earlier moment,
        # between then and the rebuild) of duties still open at the rebuild: overdue now.
        earlier, later = sorted((refreshed, now))
        in_summary = Q(case__restricted=False) | Q(case__team_id__in=supervised)
        everywhere = facet is not None and "team" not in grain
        if everywhere:
            in_summary = Q(case__restricted=False)
        passed = filtered(
            Duty.objects.filter(
                in_summary,
                status__in=[S.DUE, S.MISSED],
                due_at__gte=earlier,
                due_at__lt=later,
            )
        )
        # Forward: each of them was still due at the rebuild (mark_missed only marks a passed
        # deadline), whether or not it has been marked missed since. Back: only those still due
        # are open at the earlier moment.
        was_open = Count("id") if now >= refreshed else Count("id", filter=Q(status=S.DUE))
        moved = live_rows(
            "passed",
            passed,
            {
                "missed": Count("id"),
                "missed_attempted": Count("id", filter=Q(attempted_in_window())),
                "open": was_open,
            },
        )
        sign = 1 if now >= refreshed else -1
        add(({**row, "open": -row["open"]} for row in moved), sign)
        if everywhere:
            # The force-wide facet rows hold no restricted case: every one the user sees.
            add(live_rows("restricted", live.filter(case__restricted=True), counts))
        elif memo["elsewhere"]:
            hidden = live.filter(case__restricted=True).exclude(case__team_id__in=supervised)
            add(live_rows("elsewhere", hidden, counts))

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


# --- service measures ----------------------------------------------------------------------------
#
# compliance.service_figures.live_service_measures from the summary: ServiceDay (counts),
# ServiceHoursDay (histograms for the two medians) and ServiceSurveyStageDay (survey answers by
# stage), keyed by London day x team x offence group x restricted, with roll-up rows (no team)
# adding up every team's unrestricted cases. The day is the day a case was reported, a referral sent
# or an invitation made. As for the duties, whole days over at the last refresh come from the
# summary and later days, and restricted cases the user reaches other than as a supervisor of their
# team, are counted live and added in. Filters it serves: period, team and offence group. The
# enhanced filter selects cases by their victims' status and people by their own, a cross of the two
# that would multiply the rows: like officer and equality filters it is read live.
#
# The medians come from the histograms, so they are bucketed: to the nearest hour below two
# days, to the nearest day beyond, and anything from 90 days on counts as 90 days. A median of
# bucketed values is within half a bucket of the exact median (rounding keeps the order).

SERVICE_NAME = "service_measures"
HOURLY_BELOW = 47.5  # whole hours up to 47; from here, whole days (48, 72, ...)
HOURS_IN_DAY = 24
CAP_HOURS = 90 * 24
SERVICE_COUNTS = tuple(
    f.name
    for f in ServiceDay._meta.concrete_fields
    if f.name not in ("id", "day", "team", "offence_group", "restricted")
)


def hours_bucket(hours: float) -> int:
    """The histogram bucket of a duration in hours (the rule _bucket applies in SQL)."""
    if hours < HOURLY_BELOW:
        return math.floor(hours + 0.5)
    return min(CAP_HOURS, HOURS_IN_DAY * math.floor(hours / HOURS_IN_DAY + 0.5))


class Hours(Func):
    """Hours from `earlier` to `later` (two datetimes), as a number."""

    output_field = FloatField()

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 24.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _bucket(hours) -> models.Case:
    return models.Case(
        When(LessThan(hours, HOURLY_BELOW), then=Floor(hours + Value(0.5))),
        When(
            LessThan(hours, CAP_HOURS - HOURS_IN_DAY / 2),
            then=Floor(hours / Value(float(HOURS_IN_DAY)) + Value(0.5)) * HOURS_IN_DAY,
        ),
        default=Value(CAP_HOURS),
        output_field=IntegerField(),
    )


def _day(at: str):
    """The London day of a moment, as the period edges count it (see NUDGED)."""
    return TruncDate(F(at) + datetime.timedelta(microseconds=999_999), tzinfo=calendar.LONDON)


def _dimensions(case: str, at: str) -> dict:
    return {
        "s_day": _day(at),
        "s_team": F(f"{case}team_id"),
        "s_group": F(f"{case}offence__offence_group"),
        "s_restricted": F(f"{case}restricted"),
    }


def _domestic_abuse_offences() -> list[int]:
    return domestic_abuse_offences() or [0]  # never an empty IN: it would empty the query


# What each measure counts, over the rows of one model: the refresh groups them by day, team,
# offence group and restriction; the live part adds them up. As service_measures counts them.


def _case_counts(distinct: bool = False) -> dict:
    """`distinct`: rows joined to the case's victims (a facet), one case on several rows."""
    return {
        "cases": Count("id", distinct=distinct),
        "mental_health": Count("id", filter=Q(mental_health_demand=True), distinct=distinct),
    }


def _party_counts(vulnerable_bases: list[str]) -> dict:
    """People in the cases: victims, and anyone vulnerable or intimidated (one of
    `vulnerable_bases` applies)."""
    victim = Q(role=PartyRole.VICTIM)
    domestic = victim & Q(case__offence_id__in=_domestic_abuse_offences())
    vulnerable = Q(
        Exists(
            EligibilityBasis.objects.filter(
                party=OuterRef("pk"), applies=True, basis__in=vulnerable_bases
            )
        )
    )
    return {
        "victims": Count("id", filter=victim),
        "victims_assessed": Count(
            "id", filter=victim & Q(Exists(NeedsAssessment.objects.filter(party=OuterRef("pk"))))
        ),
        "victims_enhanced": Count("id", filter=victim & Q(enhanced=True)),
        "vulnerable": Count("id", filter=vulnerable),
        "vulnerable_considered": Count(
            "id",
            filter=vulnerable
            & Q(Exists(SpecialMeasuresRecord.objects.filter(party=OuterRef("pk")))),
        ),
        "da_victims": Count("id", filter=domestic),
        "da_risk_assessed": Count(
            "id", filter=domestic & Q(Exists(RiskAssessment.objects.filter(party=OuterRef("pk"))))
        ),
        "marac_flagged": Count(
            "id",
            filter=domestic
            & Q(Exists(RiskAssessment.objects.filter(party=OuterRef("pk"), marac_referral=True))),
        ),
    }


def _referral_counts(distinct: bool = False) -> dict:
    answered = Q(responded_at__isnull=False)
    return {
        "referrals_sent": Count("id", distinct=distinct),
        "referrals_marac": Count("id", filter=Q(agency__kind=AgencyKind.MARAC), distinct=distinct),
        "referrals_answered": Count("id", filter=answered, distinct=distinct),
        "referrals_accepted": Count(
            "id",
            filter=answered & ~Q(status__in=[ReferralStatus.DECLINED, ReferralStatus.RETURNED]),
            distinct=distinct,
        ),
    }


def _invitation_counts(distinct: bool = False) -> dict:
    """As surveys.services.results: invited means it reached the person."""
    return {
        "invited": Count(
            "id",
            filter=Q(sent_at__isnull=False)
            | Q(status__in=[InvitationStatus.STARTED, InvitationStatus.COMPLETED]),
            distinct=distinct,
        ),
        "completed": Count("id", filter=Q(status=InvitationStatus.COMPLETED), distinct=distinct),
    }


def _stage_counts(distinct: bool = False) -> dict:
    return {
        "answers": Count("id", distinct=distinct),
        "satisfied": Count("id", filter=Q(scale_value__in=SATISFIED), distinct=distinct),
    }


def _first_assessments() -> QuerySet[NeedsAssessment]:
    """Each victim's first needs assessment (the earliest; the first made, on a tie)."""
    earlier = NeedsAssessment.objects.filter(party=OuterRef("party")).filter(
        Q(assessed_at__lt=OuterRef("assessed_at"))
        | Q(assessed_at=OuterRef("assessed_at"), pk__lt=OuterRef("pk"))
    )
    return NeedsAssessment.objects.filter(party__role=PartyRole.VICTIM).exclude(Exists(earlier))


def _needs_hours() -> models.Case:
    return _bucket(Hours(F("assessed_at"), F("party__case__reported_at")))


def _agency_hours() -> models.Case:
    return _bucket(Hours(F("responded_at"), F("sent_at")))


def _scale_answers() -> QuerySet[SurveyAnswer]:
    return SurveyAnswer.objects.filter(
        invitation__status=InvitationStatus.COMPLETED, question__kind=QuestionKind.SCALE
    )


def _sql(queryset: QuerySet, using: str) -> tuple[str, tuple]:
    return queryset.query.get_compiler(using).as_sql()


def _delete_service_rows(cursor, tables, scope: Scope | None) -> None:
    """A service table's rows of the scope (everything when None): each team's rows of the
    scope's (day, team) pairs, and the force-wide roll-ups (no team) of its days."""
    rows_where, rows_params = scope.rows_sql() if scope else EVERYTHING
    days_where, days_params = scope.days_sql() if scope else EVERYTHING
    for table in tables:
        cursor.execute(
            f"DELETE FROM {table} WHERE (team_id IS NOT NULL AND {rows_where}) "  # noqa: S608  # nosec B608
            f"OR (team_id IS NULL AND {days_where})",
            [*rows_params, *days_params],
        )


def _counts_by(sources, keys: str, using: str) -> tuple[str, list]:
    """One SELECT of SERVICE_COUNTS summed by `keys`, over `sources` (rows already grouped by
    `keys`, and what each counts) through UNION ALL: a column a source does not count is 0."""
    selects, params = [], []
    for rows, counts in sources:
        sql, part_params = _sql(
            rows.annotate(**{f"n_{name}": count for name, count in counts.items()}).order_by(),
            using,
        )
        columns = ", ".join(
            f"n_{name}" if name in counts else f"0 AS n_{name}" for name in SERVICE_COUNTS
        )
        selects.append(f"SELECT {keys}, {columns} FROM ({sql}) part")  # noqa: S608  # nosec B608
        params += part_params
    sums = ", ".join(f"SUM(n_{name})" for name in SERVICE_COUNTS)
    return (
        f"SELECT {keys}, {sums} FROM ({' UNION ALL '.join(selects)}) parts GROUP BY {keys}",  # noqa: S608  # nosec B608
        params,
    )


def _write_service(cursor, using: str, scope: Scope | None, *, on: datetime.date) -> int:
    """The service tables' rows of the scope (everything when None), deleted and counted again
    from the cases, people, referrals and invitations: one INSERT ... SELECT ... GROUP BY each
    (the counts' four sources in one, through UNION ALL), then the roll-ups from them, counting
    by the rules in force on `on` (the day of writing). Returns the number of detailed
    ServiceDay rows written."""
    day, hours, stages = (
        m._meta.db_table for m in (ServiceDay, ServiceHoursDay, ServiceSurveyStageDay)
    )
    days_where, days_params = scope.days_sql() if scope else EVERYTHING
    _delete_service_rows(cursor, (day, hours, stages), scope)

    def scoped(queryset: QuerySet, at: str, team: str) -> QuerySet:
        return queryset if scope is None else queryset.filter(scope.q(at, team))

    keys = "s_day, s_team, s_group, s_restricted"
    # Rows of one team (and one offence group) side by side on disk: a team's read of a year
    # then touches a few hundred pages, not one page per row.
    ordered = "ORDER BY s_team, s_restricted, s_group, s_day"
    sources = [
        (
            scoped(Case.objects.all(), "reported_at", "team_id"),
            _dimensions("", "reported_at"),
            _case_counts(),
        ),
        (
            scoped(Party.objects.all(), "case__reported_at", "case__team_id"),
            _dimensions("case__", "case__reported_at"),
            _party_counts(policy.vulnerable_bases(on)),
        ),
        (
            scoped(Referral.objects.filter(sent_at__isnull=False), "sent_at", "case__team_id"),
            _dimensions("case__", "sent_at"),
            _referral_counts(),
        ),
        (
            scoped(Invitation.objects.all(), "created_at", "case__team_id"),
            _dimensions("case__", "created_at"),
            _invitation_counts(),
        ),
    ]
    select, params = _counts_by(
        [(queryset.annotate(**dims).values(*dims), counts) for queryset, dims, counts in sources],
        keys,
        using,
    )
    cursor.execute(
        f"INSERT INTO {day} (day, team_id, offence_group, restricted, "  # nosec B608
        f"{', '.join(SERVICE_COUNTS)}) {select} {ordered}",
        params,
    )
    rows = cursor.rowcount
    histograms = [
        (
            HoursMeasure.NEEDS,
            scoped(
                _first_assessments(), "party__case__reported_at", "party__case__team_id"
            ).annotate(s_hours=_needs_hours()),
            _dimensions("party__case__", "party__case__reported_at"),
        ),
        (
            HoursMeasure.AGENCY,
            scoped(
                Referral.objects.filter(sent_at__isnull=False, responded_at__isnull=False),
                "sent_at",
                "case__team_id",
            ).annotate(s_hours=_agency_hours()),
            _dimensions("case__", "sent_at"),
        ),
    ]
    for measure, queryset, dims in histograms:
        sql, part_params = _sql(
            queryset.values("s_hours", **dims).annotate(n=Count("id")).order_by(), using
        )
        cursor.execute(
            f"INSERT INTO {hours} (day, team_id, offence_group, restricted, measure, hours, "  # noqa: S608  # nosec B608
            f"count) SELECT {keys}, %s, s_hours, n FROM ({sql}) part {ordered}",
            (measure.value, *part_params),
        )
    sql, part_params = _sql(
        scoped(_scale_answers(), "invitation__created_at", "invitation__case__team_id")
        .values(
            **_dimensions("invitation__case__", "invitation__created_at"),
            s_stage=F("question__stage"),
        )
        .annotate(**{f"n_{k}": v for k, v in _stage_counts().items()})
        .order_by(),
        using,
    )
    cursor.execute(
        f"INSERT INTO {stages} (day, team_id, offence_group, restricted, stage, answers, "  # noqa: S608  # nosec B608
        f"satisfied) SELECT {keys}, s_stage, n_answers, n_satisfied FROM ({sql}) part "
        f"{ordered}",
        part_params,
    )
    # The roll-ups: every team's unrestricted cases, per offence group, then for all groups, so
    # a force-wide read adds up a few rows a day.
    for table, extra, counts in (
        (day, [], SERVICE_COUNTS),
        (hours, ["measure", "hours"], ["count"]),
        (stages, ["stage"], ["answers", "satisfied"]),
    ):
        targets = ", ".join(counts)
        summed = ", ".join(f"SUM({column})" for column in counts)
        for group, where in (
            ("offence_group", f"team_id IS NOT NULL AND NOT restricted AND {days_where}"),
            ("NULL", f"team_id IS NULL AND {days_where}"),
        ):
            grouped = ", ".join(["day", *extra])
            by = ", ".join(["day", "offence_group", *extra]) if group != "NULL" else grouped
            cursor.execute(
                f"INSERT INTO {table} (team_id, restricted, offence_group, {grouped}, "  # noqa: S608  # nosec B608
                f"{targets}) SELECT NULL, %s, {group}, {grouped}, {summed} FROM {table} "
                f"WHERE {where} GROUP BY {by} ORDER BY {by}",
                (False, *days_params),
            )
    return rows


# --- service measures under a facet --------------------------------------------------------------
#
# As live_service_measures counts under counting.filters' person filters, officer and enhanced:
# the cases with at least one victim of the value (or the officer's), their referrals and
# invitations, and the people of the value in those cases. A case with victims of two values is
# counted under each.

SERVICE_FACETS = (
    FacetKind.OFFICER,
    FacetKind.SEX,
    FacetKind.ETHNICITY,
    FacetKind.AGE_BAND,
    FacetKind.ENHANCED,
)
SERVICE_FACET_FILTERS = {**FACET_FILTERS, "enhanced": FacetKind.ENHANCED}


def _party_value(kind: str, party: str, reported_at: str, bands) -> tuple[dict, models.Expression]:
    """The facet value of the party at `party` ("" for a Party itself), as (aliases, value)."""
    if kind == FacetKind.SEX:
        return {}, F(f"{party}person__sex")
    if kind == FacetKind.ETHNICITY:
        return {}, F(f"{party}person__ethnicity")
    if kind == FacetKind.ENHANCED:
        return {}, models.Case(
            When(**{f"{party}enhanced": True}, then=Value("true")),
            default=Value("false"),
            output_field=CharField(),
        )
    return age_band_of(f"{party}person", reported_at, bands)


def _officer_value(case: str) -> models.Expression:
    return Coalesce(Cast(f"{case}officer_id", CharField()), Value(""), output_field=CharField())


def _by_case_value(queryset: QuerySet, kind: str, case: str, bands) -> QuerySet:
    """Rows of `queryset` (records of a case at `case`) with `s_value`: the officer's id, or
    the value of each of the case's victims (one row per victim: count distinct)."""
    if kind == FacetKind.OFFICER:
        return queryset.annotate(s_value=_officer_value(case))
    alias, value = _party_value(kind, f"{case}parties__", f"{case}reported_at", bands)
    return (
        queryset.filter(**{f"{case}parties__role": PartyRole.VICTIM})
        .alias(**alias)
        .annotate(s_value=value)
    )


def _by_own_value(queryset: QuerySet, kind: str, party: str, bands) -> QuerySet:
    """Rows of `queryset` (records of a party at `party`, "" for a Party) with `s_value`: the
    party's own value, kept only where their case has a victim of that value (always so for a
    victim), or the officer's id."""
    case = f"{party}case__"
    if kind == FacetKind.OFFICER:
        return queryset.annotate(s_value=_officer_value(case))
    alias, value = _party_value(kind, party, f"{case}reported_at", bands)
    queryset = queryset.alias(**alias).annotate(s_value=value)
    inner_alias, inner_value = _party_value(kind, "", "case__reported_at", bands)
    victim_of_value = (
        Party.objects.filter(case=OuterRef(f"{party}case"), role=PartyRole.VICTIM)
        .alias(**inner_alias)
        .annotate(v=inner_value)
        .filter(v=OuterRef("s_value"))
    )
    return queryset.filter(Exists(victim_of_value))


def _facet_dimensions(case: str, at: str) -> dict:
    return {
        "s_day": _day(at),
        "s_team": F(f"{case}team_id"),
        "s_restricted": F(f"{case}restricted"),
    }


def _write_service_facets(cursor, using: str, scope: Scope | None, *, on: datetime.date) -> None:
    """The service facet tables' rows of the scope (everything when None), deleted and counted
    again for each facet kind, then their force-wide roll-ups (no team)."""
    day, hours, stages = (
        m._meta.db_table for m in (ServiceFacetDay, ServiceFacetHoursDay, ServiceFacetStageDay)
    )
    days_where, days_params = scope.days_sql() if scope else EVERYTHING
    _delete_service_rows(cursor, (day, hours, stages), scope)

    def scoped(queryset: QuerySet, at: str, team: str) -> QuerySet:
        return queryset if scope is None else queryset.filter(scope.q(at, team))

    bands = policy.age_bands(on)
    keys = "s_day, s_team, s_restricted, s_value"
    for kind in SERVICE_FACETS:
        sources = [
            (
                _by_case_value(
                    scoped(Case.objects.all(), "reported_at", "team_id"), kind, "", bands
                ),
                _facet_dimensions("", "reported_at"),
                _case_counts(distinct=True),
            ),
            (
                _by_own_value(
                    scoped(Party.objects.all(), "case__reported_at", "case__team_id"),
                    kind,
                    "",
                    bands,
                ),
                _facet_dimensions("case__", "case__reported_at"),
                _party_counts(policy.vulnerable_bases(on)),
            ),
            (
                _by_case_value(
                    scoped(
                        Referral.objects.filter(sent_at__isnull=False), "sent_at", "case__team_id"
                    ),
                    kind,
                    "case__",
                    bands,
                ),
                _facet_dimensions("case__", "sent_at"),
                _referral_counts(distinct=True),
            ),
            (
                _by_case_value(
                    scoped(Invitation.objects.all(), "created_at", "case__team_id"),
                    kind,
                    "case__",
                    bands,
                ),
                _facet_dimensions("case__", "created_at"),
                _invitation_counts(distinct=True),
            ),
        ]
        select, params = _counts_by(
            [
                (queryset.annotate(**dims).values(*dims, "s_value"), counts)
                for queryset, dims, counts in sources
            ],
            keys,
            using,
        )
        cursor.execute(
            f"INSERT INTO {day} (day, team_id, restricted, value, "  # noqa: S608  # nosec B608
            f"{', '.join(SERVICE_COUNTS)}, kind) SELECT *, %s FROM ({select}) counted",
            [kind, *params],  # in the order they stand in the text
        )
        histograms = [
            (
                HoursMeasure.NEEDS,
                _by_own_value(
                    scoped(
                        _first_assessments(), "party__case__reported_at", "party__case__team_id"
                    ),
                    kind,
                    "party__",
                    bands,
                ).annotate(s_hours=_needs_hours()),
                _facet_dimensions("party__case__", "party__case__reported_at"),
                Count("id"),
            ),
            (
                HoursMeasure.AGENCY,
                _by_case_value(
                    scoped(
                        Referral.objects.filter(sent_at__isnull=False, responded_at__isnull=False),
                        "sent_at",
                        "case__team_id",
                    ),
                    kind,
                    "case__",
                    bands,
                ).annotate(s_hours=_agency_hours()),
                _facet_dimensions("case__", "sent_at"),
                Count("id", distinct=True),
            ),
        ]
        for measure, queryset, dims, count in histograms:
            sql, part_params = _sql(
                queryset.annotate(**dims)
                .values("s_hours", *dims, "s_value")
                .annotate(n=count)
                .order_by(),
                using,
            )
            cursor.execute(
                f"INSERT INTO {hours} (day, team_id, restricted, value, kind, measure, hours, "  # noqa: S608  # nosec B608
                f"count) SELECT {keys}, %s, %s, s_hours, n FROM ({sql}) part",
                (kind, measure.value, *part_params),
            )
        answers = _by_case_value(
            scoped(_scale_answers(), "invitation__created_at", "invitation__case__team_id"),
            kind,
            "invitation__case__",
            bands,
        ).annotate(
            **_facet_dimensions("invitation__case__", "invitation__created_at"),
            s_stage=F("question__stage"),
        )
        sql, part_params = _sql(
            answers.values("s_day", "s_team", "s_restricted", "s_value", "s_stage")
            .annotate(**{f"n_{k}": v for k, v in _stage_counts(distinct=True).items()})
            .order_by(),
            using,
        )
        cursor.execute(
            f"INSERT INTO {stages} (day, team_id, restricted, value, kind, stage, answers, "  # noqa: S608  # nosec B608
            f"satisfied) SELECT {keys}, %s, s_stage, n_answers, n_satisfied FROM ({sql}) part",
            (kind, *part_params),
        )
    # The force-wide roll-ups: every team's unrestricted cases, per kind and value.
    for table, extra, counts in (
        (day, [], SERVICE_COUNTS),
        (hours, ["measure", "hours"], ["count"]),
        (stages, ["stage"], ["answers", "satisfied"]),
    ):
        targets = ", ".join(counts)
        summed = ", ".join(f"SUM({column})" for column in counts)
        grouped = ", ".join(["day", "kind", "value", *extra])
        cursor.execute(
            f"INSERT INTO {table} (team_id, restricted, {grouped}, {targets}) "  # noqa: S608  # nosec B608
            f"SELECT NULL, %s, {grouped}, {summed} FROM {table} "
            f"WHERE team_id IS NOT NULL AND NOT restricted AND {days_where} GROUP BY {grouped}",
            (False, *days_params),
        )


@dataclass
class ServiceTally:
    """What the service measures are worked out from: counts (SERVICE_COUNTS), the two
    histograms (measure -> hours bucket -> how many) and survey answers by stage (stage ->
    [answers, satisfied])."""

    counts: Counter = field(default_factory=Counter)
    hours: dict = field(default_factory=lambda: {m: Counter() for m in HoursMeasure.values})
    stages: dict = field(default_factory=dict)

    def add_stage(self, stage: str, answers: int, satisfied: int) -> None:
        entry = self.stages.setdefault(stage, [0, 0])
        entry[0] += answers or 0
        entry[1] += satisfied or 0


def service_facet_of(filters: Filters) -> tuple[str, str] | None:
    """The facet of the service measures these filters choose (kind, value as stored)."""
    if filters.enhanced is not None:
        if facet_of(filters) is not None:
            raise ValueError("The summary holds one facet at a time.")
        return FacetKind.ENHANCED, "true" if filters.enhanced else "false"
    return facet_of(filters)


def can_serve_service(filters: Filters) -> bool:
    """Whether the service summary holds what these Filters select: period, team and offence
    group; or one facet (officer, enhanced, sex, ethnicity or age band) with period and team.
    Anything else is read live."""
    chosen = [name for name in SERVICE_FACET_FILTERS if getattr(filters, name) not in (None, "")]
    if not chosen:
        return True
    return len(chosen) == 1 and not filters.offence_group


def reader(user: User, memo: dict) -> dict:
    """What a page's reads need to know about the user and the summary, looked up once."""
    if "supervised" not in memo:
        memo["supervised"] = _supervised(user)
        memo["elsewhere"] = _reaches_restricted_elsewhere(user, memo["supervised"])
    if "refreshed" not in memo or "service_refreshed" not in memo:
        found = dict(
            SummaryRefresh.objects.filter(name__in=[NAME, SERVICE_NAME]).values_list(
                "name", "refreshed_at"
            )
        )
        memo.setdefault("refreshed", found.get(NAME))
        memo.setdefault("service_refreshed", found.get(SERVICE_NAME))
    if "sees_unrestricted" not in memo:
        # The summary's rows assume the reader sees every unrestricted case, as officers and
        # supervisors do (cases.permissions.visibility); anyone else is counted live.
        memo["sees_unrestricted"] = user.is_active and bool(
            user.roles & {Role.OFFICER, Role.SUPERVISOR}
        )
    return memo


def _summary_end(period, refreshed, today: datetime.date, sees_unrestricted: bool):
    """The last day of the period the summary answers for: days over at its last refresh."""
    if refreshed is None or not sees_unrestricted:
        return period.start - datetime.timedelta(days=1)
    built_to = timezone.localtime(refreshed).date() - datetime.timedelta(days=1)
    return min(period.end, today - datetime.timedelta(days=1), built_to)


def service_tally(
    user: User,
    period,
    *,
    cases: QuerySet[Case],
    filters: Filters,
    now: datetime.datetime,
    on: datetime.date | None = None,
    memo: dict | None = None,
) -> ServiceTally:
    """The service measures' counts for the period, for what `user` may see under `filters`
    (which can_serve_service): whole past days from the summary, the rest live from `cases`
    (the user's visible cases under those filters, counting.filters.filter_cases)."""
    if not can_serve_service(filters):
        raise ValueError("The service summary cannot serve these filters together.")
    memo = reader(user, {} if memo is None else memo)

    def people(parties: QuerySet[Party]) -> QuerySet[Party]:
        return filter_parties(parties, filters, on=on or period.end)

    today = timezone.localtime(now).date()
    refreshed = memo["service_refreshed"]
    vulnerable = policy.vulnerable_bases(period.end)
    if not counted_by_rules_of(period, memo=memo):
        # Read the period live rather than mix two editions' counts.
        refreshed = None
    summary_end = _summary_end(period, refreshed, today, memo["sees_unrestricted"])
    supervised = memo["supervised"]
    tally = ServiceTally()
    facet = service_facet_of(filters)
    tables = (
        (ServiceFacetDay, ServiceFacetHoursDay, ServiceFacetStageDay)
        if facet
        else (ServiceDay, ServiceHoursDay, ServiceSurveyStageDay)
    )
    if period.start <= summary_end:
        where = Q(day__gte=period.start, day__lte=summary_end)
        mine = Q(restricted=False) | Q(team_id__in=supervised)
        if facet is not None:
            kind, value = facet
            where &= Q(kind=kind, value=value)
            if filters.team:
                where &= Q(team_id=filters.team) & mine
            else:
                where &= Q(team__isnull=True) | Q(restricted=True, team_id__in=supervised)
        elif filters.team:
            group = (
                Q(offence_group=filters.offence_group)
                if filters.offence_group
                else Q(offence_group__isnull=False)
            )
            where &= Q(team_id=filters.team) & mine & group
        else:
            # The roll-up (of every group, or of the one chosen), and the restricted cases of
            # the teams the user supervises.
            group = (
                Q(offence_group=filters.offence_group)
                if filters.offence_group
                else Q(offence_group__isnull=False)
            )
            rolled_up = (
                Q(offence_group=filters.offence_group)
                if filters.offence_group
                else Q(offence_group__isnull=True)
            )
            supervised_restricted = Q(restricted=True, team_id__in=supervised) & group
            where &= (Q(team__isnull=True) & rolled_up) | supervised_restricted
        found = (
            tables[0]
            .objects.filter(where)
            .aggregate(**{name: Sum(name) for name in SERVICE_COUNTS})
        )
        tally.counts.update({name: value or 0 for name, value in found.items()})
        for measure, hours, count in (
            tables[1]
            .objects.filter(where)
            .values_list("measure", "hours")
            .annotate(n=Sum("count"))
            .order_by()
        ):
            tally.hours[measure][hours] += count
        for stage, answers, satisfied in (
            tables[2]
            .objects.filter(where)
            .values_list("stage")
            .annotate(a=Sum("answers"), s=Sum("satisfied"))
            .order_by()
        ):
            tally.add_stage(stage, answers, satisfied)
    live_from = max(period.start, summary_end + datetime.timedelta(days=1))
    if live_from <= period.end:
        _add_live(tally, cases, live_from, period.end, vulnerable_bases=vulnerable, people=people)
    if period.start <= summary_end and memo["elsewhere"]:
        hidden = cases.filter(restricted=True).exclude(team_id__in=supervised)
        _add_live(
            tally, hidden, period.start, summary_end, vulnerable_bases=vulnerable, people=people
        )
    return tally


def counted_by_rules_of(period, *, memo: dict) -> bool:
    """Whether the service summary was counted by the rules in force at the end of `period`
    (who counts as vulnerable: the bases in force on the day of its last rebuild). A period
    whose rules differ is read live (compliance.sources.SummaryFigures)."""
    refreshed = memo.get("service_refreshed")
    if refreshed is None:
        return True  # nothing from the summary: every day is read live anyway
    key = ("vulnerable_bases", refreshed)
    if key not in memo:
        memo[key] = policy.vulnerable_bases(timezone.localtime(refreshed).date())
    return memo[key] == policy.vulnerable_bases(period.end)


SHORT_LIVE_WINDOW = datetime.timedelta(days=2)


def _add_live(
    tally: ServiceTally,
    cases: QuerySet[Case],
    start: datetime.date,
    end: datetime.date,
    *,
    vulnerable_bases: list[str],
    people=lambda parties: parties,
) -> None:
    """Add the counts of `cases` for London days start to end, read from the records; the
    people in them narrowed by `people` (the filters' counting.filters.filter_parties)."""
    after, until = calendar.end_of_day(start - datetime.timedelta(days=1)), calendar.end_of_day(end)
    reported = cases.filter(reported_at__gt=after, reported_at__lte=until)
    if end - start <= SHORT_LIVE_WINDOW:
        # A day or two of reports (today, since the last update): their ids read once, so each
        # count below starts from a few thousand cases by their key; as a subquery under a
        # person filter, PostgreSQL planned some of them over every record of the force.
        reported = Case.objects.filter(pk__in=list(reported.values_list("pk", flat=True)))
    sent = Referral.objects.filter(case__in=cases, sent_at__gt=after, sent_at__lte=until)
    made = Invitation.objects.filter(case__in=cases, created_at__gt=after, created_at__lte=until)
    for counts in (
        reported.aggregate(**_case_counts()),
        people(Party.objects.filter(case__in=reported)).aggregate(
            **_party_counts(vulnerable_bases)
        ),
        made.aggregate(**_invitation_counts()),
    ):
        tally.counts.update({name: value or 0 for name, value in counts.items()})
    # By the report first (few cases), then the people the filters choose among them: asked
    # the other way round, PostgreSQL first read every needs assessment of the force.
    needs = (
        _first_assessments()
        .filter(party__case__in=reported)
        .filter(party__in=people(Party.objects.filter(case__in=reported)))
        .annotate(s_hours=_needs_hours())
    )
    for hours, count in needs.values_list("s_hours").annotate(n=Count("id")).order_by():
        tally.hours[HoursMeasure.NEEDS][hours] += count
    # The referrals' counts and their histogram in one pass: by how long an answer took (no
    # answer: no bucket).
    took = models.Case(When(responded_at__isnull=True, then=None), default=_agency_hours())
    for row in sent.values(s_hours=took).annotate(**_referral_counts()).order_by():
        hours = row.pop("s_hours")
        tally.counts.update(row)
        if hours is not None:
            tally.hours[HoursMeasure.AGENCY][hours] += row["referrals_answered"]
    for stage, answers, satisfied in (
        _scale_answers()
        .filter(invitation__in=made)
        .values_list("question__stage")
        .annotate(**_stage_counts())
        .order_by()
    ):
        tally.add_stage(stage, answers, satisfied)
