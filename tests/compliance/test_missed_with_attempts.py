"""The dashboard tells neglect from a victim who could not be reached: of the duties missed in the
period, how many had an attempt to reach the person recorded before their deadline, counted live
or from the summary as the rest of the page is."""

import datetime

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from cases import services
from cases.models import ContactMethod, ContactPurpose
from compliance import duty_figures, summary
from compliance.sources import LiveFigures, SummaryFigures, figures_for
from counting.filters import NO_FILTERS
from counting.periods import Period
from entitlements.models import Duty, DutyAttempt
from tests.cases.factories import outcome
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

JUNE = Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
NOW = datetime.datetime(2026, 7, 1, 12, tzinfo=UTC)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def attempt(d: Duty, when: datetime.datetime, code: str = "no_answer") -> None:
    # The builder starts a duty's clock at its deadline: start it at the report instead.
    Duty.objects.filter(pk=d.pk).update(trigger_at=d.case.reported_at)
    contact = services.record_contact(
        case=d.case,
        party=d.party,
        by=d.case.officer,
        occurred_at=when,
        method=ContactMethod.FACE_TO_FACE,
        purpose=ContactPurpose.OTHER,
        outcome=outcome(code),
        summary="Called round, nobody in",
        now=NOW,
    )
    DutyAttempt.objects.create(duty=d, contact=contact)


@pytest.fixture
def june(db):
    team = TeamFactory()
    case = case_with(reported_at=at(2026, 6, 1, 9), team=team)
    tried = duty(case, S.MISSED, due_at=at(2026, 6, 10, 12))
    attempt(tried, at(2026, 6, 10, 9))
    duty(case, S.MISSED, due_at=at(2026, 6, 11, 12))  # nobody tried
    late_try = duty(case, S.MISSED, due_at=at(2026, 6, 12, 12))
    attempt(late_try, at(2026, 6, 13, 9))  # after the deadline: not within its window
    duty(case, S.MET, due_at=at(2026, 6, 14, 12))
    return team, case


def test_a_missed_duty_counts_with_attempts_only_for_an_attempt_in_its_window(june):
    _, case = june
    counts = duty_figures.missed_counts(LiveFigures(Duty.objects.filter(case=case)), JUNE, now=NOW)
    assert counts == {"missed": 3, "missed_with_attempts": 1}


def test_the_summary_counts_missed_with_attempts_as_the_live_figures_do(june):
    team, case = june
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=team, user=supervisor, is_supervisor=True)
    later = duty(case, S.DUE, due_at=at(2026, 6, 20, 12))  # passes after the rebuild
    attempt(later, at(2026, 6, 20, 9))
    summary.refresh(now=NOW - datetime.timedelta(days=20))
    source = figures_for(supervisor, NO_FILTERS, on=JUNE.end)
    assert isinstance(source, SummaryFigures)
    expected = {"missed": 4, "missed_with_attempts": 2}
    assert duty_figures.missed_counts(source, JUNE, now=NOW) == expected
    summary.update(now=NOW)
    assert duty_figures.missed_counts(source, JUNE, now=NOW) == expected


def test_the_supervisors_dashboard_shows_missed_with_recorded_attempts(
    client, june, django_assert_max_num_queries
):
    team, case = june
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=team, user=supervisor, is_supervisor=True)
    client.force_login(supervisor)
    url = reverse("compliance-dashboard")
    query = {"start": "2026-06-01", "end": "2026-06-30"}
    client.get(url, query)
    with django_assert_max_num_queries(60) as first:
        page = client.get(url, query).content.decode()
    assert "3 duties missed in the period; <strong>1</strong> of them with recorded" in page
    for day in range(15, 25):
        more = duty(case, S.MISSED, due_at=at(2026, 6, day, 12))
        attempt(more, at(2026, 6, day, 9))
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(url, query).content.decode()
    assert "13 duties missed in the period; <strong>11</strong> of them" in page
