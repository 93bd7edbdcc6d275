"""Previous-period comparisons, the monthly trend in London months (BST and GMT), by team, and
the charts that show them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services as case_services
from cases.models import Case
from compliance import charts, duty_figures, outcomes, pack, service_figures
from compliance.sources import LiveFigures
from counting.periods import Period
from entitlements.models import Duty
from tests.cases.factories import victim_of
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

JUNE = Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
NOW = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=UTC)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def test_key_entitlements_compare_with_the_previous_period():
    case = case_with(reported_at=at(2026, 5, 1, 9))
    for status in (S.MET, S.MET, S.MISSED):
        duty(case, status, rule="R2", due_at=at(2026, 6, 10, 12))
    for status in (S.MET, S.MISSED):
        duty(case, status, rule="R2", due_at=at(2026, 5, 15, 12))
    duty(case, S.MET, rule="R2", due_at=at(2026, 5, 1, 12))  # before 2 May: in neither
    key = duty_figures.key_entitlements(
        LiveFigures(Duty.objects.all()), JUNE, previous=JUNE.previous(), now=NOW
    )
    acknowledgement = key[0]
    assert acknowledgement["label"] == "Written acknowledgement"
    assert (acknowledgement["total"], acknowledgement["on_time"]) == (3, 66.7)
    assert acknowledgement["previous_on_time"] == 50.0
    assert acknowledgement["change"]["text"] == "up 16.7 percentage points"
    assert acknowledgement["change"]["arrow"] == "\u25b2"
    referral = key[1]
    assert referral["on_time"] is None and referral["change"]["text"] == "no comparison"


def test_service_measures_compare_with_the_previous_period():
    case_with(reported_at=at(2026, 5, 20, 9))
    june_case = case_with(reported_at=at(2026, 6, 10, 9))
    case_with(reported_at=at(2026, 6, 11, 9))
    case_services.record_needs_assessment(
        party=victim_of(june_case), by=june_case.officer, now=at(2026, 6, 10, 13)
    )
    figures = pack.compliance_figures(
        LiveFigures(Duty.objects.all(), Case.objects.all()), JUNE, previous=JUNE.previous(), now=NOW
    )
    rows = {row["key"]: row for row in figures["service"]}
    assert (rows["cases"]["value"], rows["cases"]["previous"]) == (2, 1)
    assert rows["cases"]["change"]["text"] == "up 1"
    assert (rows["needs_assessed"]["value"], rows["needs_assessed"]["previous"]) == (50.0, 0.0)
    assert rows["needs_assessed"]["change"]["text"] == "up 50 percentage points"
    assert rows["needs_assessed"]["shown"] == "50%" and rows["needs_assessed"]["base"] == 2
    assert rows["needs_median_hours"]["shown"] == "4 hours"
    assert rows["needs_median_hours"]["change"]["text"] == "no comparison"


def test_by_rule_shows_the_change_in_each_column():
    case = case_with(reported_at=at(2026, 5, 1, 9))
    duty(case, S.MET, due_at=at(2026, 6, 10, 12))
    duty(case, S.MET, due_at=at(2026, 5, 10, 12))
    duty(case, S.MISSED, due_at=at(2026, 5, 10, 12))
    [row] = duty_figures.by_rule_compared(
        LiveFigures(Duty.objects.all()), JUNE, JUNE.previous(), now=NOW
    )
    assert row["code"] == "R7" and row["right"] is not None and row["title"]
    assert row["label"] == f"Right {row['right']}: {row['title']}"
    assert row["standard"]["on_time"] == 100.0
    assert row["previous"]["standard"]["on_time"] == 50.0
    assert row["standard_change"]["text"] == "up 50 percentage points"
    assert row["enhanced_change"]["text"] == "no comparison"


def test_trend_buckets_follow_london_months_in_summer_and_winter_time():
    case = case_with(reported_at=at(2026, 1, 1, 9))
    # GMT: London = UTC.
    duty(case, S.MET, due_at=at(2026, 1, 31, 23, 30))  # 23:30 31 January in London
    duty(case, S.MISSED, due_at=at(2026, 2, 1, 0, 30))  # 00:30 1 February
    # BST (from 29 March): London = UTC + 1.
    duty(case, S.MET, due_at=at(2026, 3, 31, 22, 30))  # 23:30 31 March in London
    duty(case, S.MET_LATE, due_at=at(2026, 3, 31, 23, 30))  # 00:30 1 April in London
    april = Period(datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
    trend = duty_figures.monthly_trend(LiveFigures(Duty.objects.all()), april, now=NOW)
    assert len(trend) == 12
    assert trend[0]["month"] == datetime.date(2025, 5, 1)
    months = {row["month"]: row for row in trend}
    january, february = months[datetime.date(2026, 1, 1)], months[datetime.date(2026, 2, 1)]
    march, april = months[datetime.date(2026, 3, 1)], months[datetime.date(2026, 4, 1)]
    assert (january["total"], january["on_time"]) == (1, 100.0)
    assert (february["total"], february["on_time"]) == (1, 0.0)
    assert (march["total"], march["met"], march["on_time"]) == (1, 1, 100.0)
    assert (april["total"], april["met_late"], april["on_time"]) == (1, 1, 0.0)
    assert months[datetime.date(2025, 12, 1)]["on_time"] is None
    assert april["label"] == "Apr 2026"


def test_trend_covers_a_longer_chosen_period_month_by_month():
    long = Period(datetime.date(2024, 3, 15), datetime.date(2026, 2, 10))
    trend = duty_figures.monthly_trend(LiveFigures(Duty.objects.none()), long, now=NOW)
    assert len(trend) == 24
    assert trend[0]["month"] == datetime.date(2024, 3, 1)
    assert trend[-1]["month"] == datetime.date(2026, 2, 1)


def test_by_team_in_one_grouped_query(django_assert_num_queries):
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    for team, statuses in ((north, [S.MET, S.MISSED]), (south, [S.MET])):
        case = case_with(reported_at=at(2026, 6, 1, 9), team=team)
        for status in statuses:
            duty(case, status, due_at=at(2026, 6, 10, 12))
    with django_assert_num_queries(2):  # the counts, then the team names
        teams = duty_figures.by_team(LiveFigures(Duty.objects.all()), JUNE, now=NOW)
    assert [(t["label"], t["total"], t["on_time"]) for t in teams] == [
        ("North", 2, 50.0),
        ("South", 1, 100.0),
    ]


def test_every_duty_outcome_figure_goes_through_one_grouped_count():
    """So that the summary tables can answer them all (compliance.sources.SummaryFigures)."""
    calls = []

    class Spy(LiveFigures):
        def outcome_counts(self, period, *, group_by=(), now):
            calls.append(tuple(group_by))
            return super().outcome_counts(period, group_by=group_by, now=now)

    duties = Spy(Duty.objects.all())
    duty_figures.by_rule(duties, JUNE, now=NOW)
    duty_figures.key_entitlements(duties, JUNE, previous=JUNE.previous(), now=NOW)
    duty_figures.monthly_trend(duties, JUNE, now=NOW)
    duty_figures.by_team(duties, JUNE, now=NOW)
    assert calls == [("rule", "enhanced"), ("rule",), ("rule",), ("month",), ("team",)]


def test_line_chart_is_labelled_escaped_and_has_no_style():
    svg = charts.line_chart(
        chart_id="c",
        title="Trend <b>",
        description="A description",
        points=[charts.Point("Jan <2026>", 50.0), charts.Point("Feb", None)],
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-label="Trend &lt;b&gt;"' in svg
    assert "<title" in svg and "<desc" in svg
    assert "Jan &lt;2026&gt;" in svg and ">50%<" in svg and ">none<" in svg
    assert "style" not in svg and "<script" not in svg


def test_bar_chart_hatches_bars_and_writes_each_value():
    svg = charts.bar_chart(
        chart_id="teams",
        title="By team",
        description="d",
        points=[charts.Point("North", 75.0, "of 4"), charts.Point("South", None)],
    )
    assert '<pattern id="teams-hatch"' in svg and 'fill="url(#teams-hatch)"' in svg
    assert ">75% of 4<" in svg and ">no duties<" in svg
    assert "style" not in svg


def test_survey_satisfaction_by_stage_is_compared_with_the_previous_period():
    def figures(stages, rate):
        base = {key: 0 for key, *_ in service_figures.SERVICE_ROWS}
        return base | {"surveys": {"response_rate": rate, "stages": stages}}

    current = figures({"Overall experience": {"answers": 4, "satisfied": 75.0}}, 40.0)
    previous = figures(
        {
            "Overall experience": {"answers": 2, "satisfied": 50.0},
            "Treatment": {"answers": 2, "satisfied": 100.0},
        },
        None,
    )
    rows = {row["key"]: row for row in service_figures.service_rows(current, previous)}
    overall = rows["satisfied:Overall experience"]
    assert (overall["label"], overall["shown"], overall["base"]) == (
        "Satisfied: overall experience",
        "75%",
        4,
    )
    assert overall["change"]["text"] == "up 25 percentage points"
    treatment = rows["satisfied:Treatment"]
    assert treatment["value"] is None and treatment["previous_shown"] == "100%"
    assert rows["survey_response_rate"]["change"]["text"] == "no comparison"


def test_live_figures_read_a_periods_duties_once_and_sum_each_grouping_from_them():
    teams = [TeamFactory(), TeamFactory()]
    for i, (status, rule, day) in enumerate(
        [(S.MET, "R2", 3), (S.MET_LATE, "R2", 9), (S.MISSED, "R7", 12), (S.DUE, "R7", 28)]
    ):
        case = case_with(reported_at=at(2026, 6, 1, 9), team=teams[i % 2])
        duty(case, status, rule=rule, due_at=at(2026, 6, day, 12), enhanced=bool(i % 2))
    direct = LiveFigures(Duty.objects.all())
    asked = [(), ("rule",), ("team",), ("enhanced",), ("rule", "enhanced"), ("month",)]
    expected = {
        group_by: outcomes.outcome_counts(Duty.objects.all(), JUNE, group_by=group_by, now=NOW)
        for group_by in asked
    }
    with CaptureQueriesContext(connection) as read:
        found = {
            group_by: direct.outcome_counts(JUNE, group_by=group_by, now=NOW) for group_by in asked
        }
    assert found == expected
    assert len(read.captured_queries) == 1
