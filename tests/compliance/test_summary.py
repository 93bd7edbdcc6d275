"""The compliance summary table gives the same duty figures as the live aggregate, for what it
can serve, and its refresh can be run any number of times."""

import datetime

import pytest
from django_celery_beat.models import PeriodicTask

from accounts.models import Role, TeamMembership
from accounts.services import grant_role
from compliance import outcomes, summary, tasks
from compliance.models import (
    DutyOutcomeDay,
    DutyOutcomeForceDay,
    DutyOutcomeTeamDay,
    SummaryRefresh,
)
from compliance.sources import LiveFigures, SummaryFigures, figures_for
from counting.filters import NO_FILTERS, NOT_RECORDED, Filters, filter_duties
from counting.periods import Period
from entitlements import calendar
from entitlements.models import Duty
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=UTC)  # 13:00 in London
TODAY = datetime.date(2026, 7, 15)
GROUPINGS = [
    (),
    ("rule",),
    ("rule", "enhanced"),
    ("team",),
    ("team", "rule"),
    ("month",),
    ("enhanced", "month"),
]


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def force():
    """A supervisor of team A; cases in teams A and B, some restricted, with duties due over
    three months, on the London day boundaries, today (before and after now) and tomorrow."""
    team_a, team_b = TeamFactory(), TeamFactory()
    supervisor = make_user(Role.SUPERVISOR)
    grant_role(user=supervisor, role=Role.OFFICER)  # and the officer in one restricted case
    TeamMembership.objects.create(team=team_a, user=supervisor, is_supervisor=True)
    reported = at(2026, 4, 1, 9)
    girl = {
        "sex": "Female",
        "ethnicity": "White British",
        "date_of_birth": datetime.date(2010, 4, 2),
    }
    man = {"sex": "Male", "ethnicity": "Asian", "date_of_birth": datetime.date(1990, 1, 1)}
    woman = {"sex": "Female", "date_of_birth": datetime.date(2008, 4, 1)}  # 18 on the day
    cases = [
        case_with(reported_at=reported, team=team_a, victim=girl),
        case_with(reported_at=reported, team=team_b, offence_code="abh_domestic", victim=man),
        case_with(reported_at=reported, team=team_a, restricted=True, victim=woman),
        case_with(reported_at=reported, team=team_b, restricted=True, victim=girl),  # hidden
        case_with(
            reported_at=reported, team=team_b, restricted=True, officer=supervisor, victim=girl
        ),
    ]
    yesterday_end = calendar.end_of_day(TODAY - datetime.timedelta(days=1))
    dues = [
        at(2026, 5, 3, 10),
        at(2026, 5, 31, 22, 59, 59),  # 23:59:59 on 31 May in London: May
        at(2026, 5, 31, 23, 0, 0),  # midnight in London: June
        at(2026, 6, 20, 8),
        yesterday_end,  # the last moment of yesterday
        yesterday_end + datetime.timedelta(microseconds=500_000),  # today
        at(2026, 7, 15, 9),  # today, already past
        at(2026, 7, 15, 18),  # today, still to come
        at(2026, 7, 16, 18),  # tomorrow
    ]
    statuses = [S.MET, S.MET_LATE, S.MISSED, S.DUE, S.DECLINED, S.WAIVED, S.WITHDRAWN]
    count = 0
    for case in cases:
        for due_at in dues:
            for rule in ("R2", "R7"):
                status = statuses[count % len(statuses)]
                duty(case, status, due_at=due_at, rule=rule, enhanced=count % 3 == 0)
                count += 1
    return {
        "user": supervisor,
        "team_a": team_a,
        "team_b": team_b,
        "officer": cases[0].officer_id,
    }


PERIODS = [
    Period(datetime.date(2026, 5, 1), datetime.date(2026, 7, 31)),  # past and future
    Period(datetime.date(2026, 5, 31), datetime.date(2026, 6, 1)),  # the boundary
    Period(datetime.date(2026, 6, 1), datetime.date(2026, 7, 14)),  # all in the past
    Period(TODAY, TODAY),  # today only: all live
]


def live(user, period, group_by, filters=NO_FILTERS):
    duties = filter_duties(Duty.objects.visible_to(user), filters, on=period.end)
    return outcomes.outcome_counts(duties, period, group_by=group_by, now=NOW)


@pytest.mark.parametrize("period", PERIODS)
def test_summary_gives_the_live_figures(force, period):
    summary.refresh(now=NOW)
    for group_by in GROUPINGS:
        expected = live(force["user"], period, group_by)
        got = summary.outcome_counts(force["user"], period, group_by=group_by, now=NOW)
        assert got == expected, group_by
        assert sum(row["total"] for row in got) > 0


SERVED = {
    "team": Filters(team=0),  # replaced by team A's id in the test
    "enhanced": Filters(enhanced=True),
    "standard": Filters(enhanced=False),
    "offence group": Filters(offence_group="Violence against the person"),
    "officer": Filters(officer=0),  # replaced by the officer of the first case
    "sex": Filters(sex="Female"),
    "sex not recorded": Filters(sex=NOT_RECORDED),
    "ethnicity and enhanced": Filters(ethnicity="White British", enhanced=True),
    "under 18": Filters(age_band="under-18"),
    "18 to 24": Filters(age_band="18-24"),
    "age not recorded": Filters(age_band=NOT_RECORDED),
}


def test_summary_gives_the_live_figures_under_the_filters_it_serves(force):
    # One force and one rebuild for every filter: building the force is most of the time.
    summary.refresh(now=NOW)
    for name, filters in SERVED.items():
        if filters.team == 0:
            filters = Filters(team=force["team_a"].pk)
        if filters.officer == 0:
            filters = Filters(officer=force["officer"])
        assert summary.can_serve(filters), name
        for period in PERIODS:
            for group_by in (("rule", "enhanced"), ("month",), ("team",)):
                got = summary.outcome_counts(
                    force["user"], period, group_by=group_by, filters=filters, now=NOW
                )
                assert got == live(force["user"], period, group_by, filters), (name, group_by)


def test_a_caller_that_narrows_the_duties_gets_figures_of_exactly_those(force):
    """Issue 18: the summary used to be switched on for a whole block, and a caller inside it
    that narrowed the duties (to one officer's, one rule's) silently got the summary's figures
    for everything the user sees. The source is now chosen explicitly, a summary source is made
    from the user and the filters only, and a narrowed count is of exactly its duties."""
    summary.refresh(now=NOW)
    period = PERIODS[2]
    page = figures_for(force["user"], NO_FILTERS, on=period.end)
    assert isinstance(page, SummaryFigures)
    narrowed = Duty.objects.visible_to(force["user"]).filter(
        case__officer=force["user"], rule__code="R2"
    )
    [row] = LiveFigures(narrowed).outcome_counts(period, now=NOW)
    assert row["total"] == outcomes.fell_due(narrowed, period).count() > 0
    assert row["total"] < page.outcome_counts(period, now=NOW)[0]["total"]
    # Narrowed by a filter the summary does not hold, the page reads live, and the summary
    # refuses to pretend otherwise.
    mine = Filters(officer=force["user"].pk, team=force["team_b"].pk)
    assert isinstance(figures_for(force["user"], mine, on=period.end), LiveFigures)
    with pytest.raises(ValueError):
        SummaryFigures(force["user"], mine, on=period.end)
    [by_officer] = figures_for(force["user"], mine, on=period.end).outcome_counts(period, now=NOW)
    assert (
        by_officer["total"]
        == outcomes.fell_due(
            Duty.objects.visible_to(force["user"]).filter(
                case__officer=force["user"], case__team=force["team_b"]
            ),
            period,
        ).count()
    )


def test_a_restricted_case_of_another_team_is_not_counted(force):
    summary.refresh(now=NOW)
    period = PERIODS[2]
    everything = sum(
        r["total"] for r in outcomes.outcome_counts(Duty.objects.all(), period, now=NOW)
    )
    theirs = summary.outcome_counts(force["user"], period, now=NOW)[0]["total"]
    hidden = Duty.objects.filter(
        case__restricted=True, case__team=force["team_b"], case__officer__isnull=False
    ).exclude(case__officer=force["user"])
    assert theirs == everything - outcomes.fell_due(hidden, period).count()
    assert theirs < everything


def test_the_summary_is_as_fresh_as_its_last_refresh(force):
    case = case_with(reported_at=at(2026, 6, 1, 9), team=force["team_a"])
    late = duty(case, S.MISSED, due_at=at(2026, 6, 21, 12), rule="R2")
    summary.refresh(now=NOW)
    period = PERIODS[2]
    before = summary.outcome_counts(force["user"], period, group_by=("rule",), now=NOW)
    Duty.objects.filter(pk=late.pk).update(status=S.MET_LATE)
    assert summary.outcome_counts(force["user"], period, group_by=("rule",), now=NOW) == before
    summary.refresh(now=NOW)
    after = summary.outcome_counts(force["user"], period, group_by=("rule",), now=NOW)
    assert after == live(force["user"], period, ("rule",)) != before


def test_refresh_is_idempotent(force):
    first = summary.refresh(now=NOW)
    rows = sorted(DutyOutcomeDay.objects.values_list(*_columns()))
    assert first == len(rows) > 0
    assert summary.refresh(now=NOW) == first
    assert sorted(DutyOutcomeDay.objects.values_list(*_columns())) == rows
    assert SummaryRefresh.objects.get(name=summary.NAME).rows == first
    for rollup in (DutyOutcomeForceDay, DutyOutcomeTeamDay):
        assert rollup.objects.exists()
    assert summary.last_refreshed() == NOW


def test_refresh_leaves_out_withdrawn_and_not_applicable_duties(force):
    summary.refresh(now=NOW)
    counted = Duty.objects.exclude(status__in=[S.WITHDRAWN, S.NOT_APPLICABLE])
    assert sum(DutyOutcomeDay.objects.values_list("total", flat=True)) == counted.count()
    assert sum(DutyOutcomeTeamDay.objects.values_list("total", flat=True)) == counted.count()
    unrestricted = counted.filter(case__restricted=False).count()
    assert sum(DutyOutcomeForceDay.objects.values_list("met", flat=True)) == (
        counted.filter(case__restricted=False, status=S.MET).count()
    )
    assert sum(DutyOutcomeForceDay.objects.values_list("total", flat=True)) == unrestricted


def test_the_task_refreshes_the_summary(force):
    assert tasks.refresh_summary() == DutyOutcomeDay.objects.count() > 0


def test_the_summary_refuses_a_facet_with_a_team_offence_group_or_another_facet(force):
    assert summary.can_serve(Filters(team=1, enhanced=True, offence_group="Theft"))
    for filters in (
        Filters(officer=1, team=1),
        Filters(sex="Female", offence_group="Theft"),
        Filters(age_band="under-18", sex="Female"),
        Filters(ethnicity="White", officer=1),
    ):
        assert not summary.can_serve(filters)
        with pytest.raises(ValueError, match="cannot serve"):
            summary.outcome_counts(force["user"], PERIODS[0], filters=filters, now=NOW)


def test_the_summary_is_updated_every_minute_and_rebuilt_nightly():
    update = PeriodicTask.objects.get(task="compliance.update_summary")
    assert update.enabled and update.interval.every == 60
    rebuild = PeriodicTask.objects.get(task="compliance.refresh_summary")
    assert rebuild.enabled and (rebuild.crontab.hour, rebuild.crontab.minute) == ("3", "15")


def _columns():
    return [f.attname for f in DutyOutcomeDay._meta.concrete_fields if f.attname != "id"]


@pytest.mark.parametrize(
    "refreshed_at",
    [NOW - datetime.timedelta(hours=4), NOW + datetime.timedelta(hours=7)],
    ids=["rebuilt before a deadline passed", "asked about a moment before the rebuild"],
)
def test_deadlines_passing_between_the_rebuild_and_now_are_overdue(force, refreshed_at):
    """Today's 09:00 deadline (UTC) was still open at an 08:00 rebuild; at noon it is overdue,
    and the figures are the live ones. Asked about noon after a 19:00 rebuild, the 18:00
    deadline is still open."""
    # Only a passed deadline is ever marked missed: make the data so at the rebuild.
    Duty.objects.filter(status=S.MISSED, due_at__gte=refreshed_at).update(status=S.DUE)
    summary.refresh(now=refreshed_at)
    for period in PERIODS:
        for group_by in GROUPINGS:
            got = summary.outcome_counts(force["user"], period, group_by=group_by, now=NOW)
            assert got == live(force["user"], period, group_by), (period, group_by)
    for filters in (Filters(team=force["team_a"].pk), Filters(enhanced=True)):
        got = summary.outcome_counts(
            force["user"], PERIODS[0], group_by=("rule", "enhanced"), filters=filters, now=NOW
        )
        assert got == live(force["user"], PERIODS[0], ("rule", "enhanced"), filters)


def test_a_duty_met_after_the_rebuild_shows_at_the_next(force):
    case = case_with(reported_at=at(2026, 7, 1, 9), team=force["team_a"])
    today = duty(case, S.DUE, due_at=at(2026, 7, 15, 18), rule="R2")
    summary.refresh(now=NOW)
    period = Period(TODAY, TODAY)
    before = summary.outcome_counts(force["user"], period, now=NOW)
    Duty.objects.filter(pk=today.pk).update(status=S.MET)
    assert summary.outcome_counts(force["user"], period, now=NOW) == before
    summary.refresh(now=NOW)
    assert summary.outcome_counts(force["user"], period, now=NOW) == live(force["user"], period, ())


def test_the_dashboard_says_when_the_duty_figures_were_counted(force, client):
    from django.urls import reverse

    client.force_login(force["user"])
    assert "Duty figures as at" not in client.get(reverse("compliance-dashboard")).content.decode()
    summary.refresh(now=at(2026, 7, 15, 11, 45))  # 12:45 in London
    page = client.get(reverse("compliance-dashboard")).content.decode()
    assert "Duty figures as at 15 July 2026, 12:45" in page
    officer_filter = client.get(reverse("compliance-dashboard"), {"officer": force["user"].pk})
    assert officer_filter.status_code == 200
    assert "Duty figures as at" in officer_filter.content.decode()  # from the summary too
    two = client.get(reverse("compliance-dashboard"), {"officer": force["user"].pk, "sex": "Male"})
    assert two.status_code == 200
    assert "Duty figures as at" not in two.content.decode()  # two facets: counted live


def test_a_deadline_passed_and_marked_missed_since_the_rebuild_is_overdue_not_open(force):
    """As in production: a duty is still due when its deadline passes, then mark_missed (every 5
    minutes) marks it missed, between two rebuilds (every 15)."""
    rebuilt = NOW - datetime.timedelta(hours=4)
    # Only a passed deadline is ever marked missed: make the data so at the rebuild.
    early = Duty.objects.filter(status=S.MISSED, due_at__gte=rebuilt)
    ids = list(early.values_list("pk", flat=True))
    early.update(status=S.DUE)
    summary.refresh(now=rebuilt)
    Duty.objects.filter(pk__in=ids, due_at__lt=NOW).update(status=S.MISSED)  # mark_missed ran
    for group_by in GROUPINGS:
        got = summary.outcome_counts(force["user"], PERIODS[0], group_by=group_by, now=NOW)
        assert got == live(force["user"], PERIODS[0], group_by), group_by
