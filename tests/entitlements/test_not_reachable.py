"""Failed-contact escalation: after N attempts that did not reach the person, or M working days
after a duty fell due with attempts and no contact (the reach policy in force: 3 and 2), the duty
is flagged "not reachable", once, and its owner and the team's supervisors are told once.

The duty followed is R7 (tell the victim of the arrest): arrested on Monday 7 December 2026 at
09:02 London time (GMT)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Role
from accounts.services import add_to_team
from cases import services
from cases.models import ContactMethod, ContactPurpose, EventKind
from entitlements import calendar, tasks
from entitlements import services as engine
from entitlements.models import Duty, ReachPolicy
from notifications.models import Kind, Notification
from tests.cases.factories import CaseFactory, outcome, victim_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime.datetime(2026, 12, 7, 10, 2, tzinfo=LONDON)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def arrest_duty() -> Duty:
    return _arrest_duty()


def _arrest_duty() -> Duty:
    with time_machine.travel(MONDAY, tick=False):
        case = CaseFactory(
            occurred_at=MONDAY - 3 * DAY, reported_at=MONDAY - 2 * DAY, now=MONDAY - 2 * DAY
        )
        services.record_event(
            case=case,
            by=case.officer,
            kind=EventKind.ARREST,
            occurred_at=MONDAY - datetime.timedelta(hours=1),
            now=MONDAY,
        )
    return Duty.objects.get(party=victim_of(case), rule__trigger="arrest")


def _try(duty: Duty, at: datetime.datetime, code: str = "no_answer") -> None:
    with time_machine.travel(at, tick=False):
        services.record_contact(
            case=duty.case,
            party=duty.party,
            by=duty.case.officer,
            occurred_at=at,
            method=ContactMethod.PHONE,
            purpose=ContactPurpose.UPDATE,
            outcome=outcome(code),
            summary="Tried to tell them of the arrest",
            meets=[duty],
        )


def _sweep(at: datetime.datetime) -> int:
    """The beat task itself, on a frozen clock."""
    with time_machine.travel(at, tick=False):
        return tasks.flag_not_reachable()


def test_the_seeded_policy_is_three_attempts_or_two_working_days_with_a_source():
    policy = engine.reach_policy(datetime.date(2026, 12, 7))
    assert (policy.failed_attempts, policy.working_days) == (3, 2)
    assert policy.source and policy.effective_from == datetime.date(2026, 12, 7)
    assert engine.reach_policy(datetime.date(2026, 12, 6)) is None


def test_flagged_not_reachable_after_three_attempts_that_did_not_reach_them(arrest_duty):
    _try(arrest_duty, MONDAY)
    _try(arrest_duty, MONDAY.replace(hour=16, minute=40))
    assert _sweep(MONDAY.replace(hour=17)) == 0

    _try(arrest_duty, MONDAY.replace(hour=17, minute=30), "wrong_number")
    assert _sweep(MONDAY.replace(hour=18)) == 1

    arrest_duty.refresh_from_db()
    assert arrest_duty.not_reachable_at == MONDAY.replace(hour=18)
    assert arrest_duty.not_reachable_reason == "3 or more attempts did not reach them"


def test_flagged_when_not_reached_two_working_days_after_falling_due(arrest_duty):
    _try(arrest_duty, MONDAY)
    # Tuesday and Wednesday are the two working days: not yet on Wednesday evening.
    assert _sweep(datetime.datetime(2026, 12, 9, 23, 0, tzinfo=LONDON)) == 0
    assert _sweep(datetime.datetime(2026, 12, 10, 0, 5, tzinfo=LONDON)) == 1

    arrest_duty.refresh_from_db()
    assert arrest_duty.not_reachable_reason == (
        "not reached within 2 working days of the duty falling due, despite attempts"
    )


def test_working_days_skip_the_weekend_and_bank_holidays():
    # Started on Christmas Eve (Thursday): Friday 25 and Monday 28 are bank holidays (Boxing
    # Day falls on a Saturday), so the two working days are Tuesday 29 and Wednesday 30.
    started = datetime.datetime(2026, 12, 24, 15, 0, tzinfo=LONDON)
    thursday = datetime.datetime(2026, 12, 31, 0, 5, tzinfo=LONDON)
    assert calendar.working_days_after(started, 2).due_at < thursday
    assert started <= calendar.started_at_least_working_days_ago(thursday, 2)
    assert started > calendar.started_at_least_working_days_ago(thursday - DAY, 2)


def test_no_attempt_is_neglect_not_unreachable(arrest_duty):
    """A duty nobody tried is overdue, not "not reachable": the supervisor must tell them apart."""
    assert _sweep(MONDAY + 10 * DAY) == 0
    arrest_duty.refresh_from_db()
    assert arrest_duty.not_reachable_at is None


def test_a_duty_met_after_attempts_is_not_flagged(arrest_duty):
    _try(arrest_duty, MONDAY)
    _try(arrest_duty, MONDAY.replace(hour=11))
    _try(arrest_duty, MONDAY.replace(hour=12), "reached")
    assert _sweep(MONDAY + 10 * DAY) == 0


def test_running_twice_flags_once_and_tells_once(arrest_duty):
    supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=arrest_duty.case.team, user=supervisor, is_supervisor=True)
    for hour in (10, 11, 12):
        _try(arrest_duty, MONDAY.replace(hour=hour, minute=30))

    assert _sweep(MONDAY.replace(hour=13)) == 1
    assert _sweep(MONDAY.replace(hour=13, minute=15)) == 0
    assert _sweep(MONDAY + 5 * DAY) == 0

    arrest_duty.refresh_from_db()
    assert arrest_duty.not_reachable_at == MONDAY.replace(hour=13)
    told = Notification.objects.filter(kind=Kind.NOT_REACHABLE, duty=arrest_duty)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [arrest_duty.case.officer_id, supervisor.pk]
    )
    assert told.first().title.startswith("Could not reach them: ")


def test_no_policy_in_force_flags_nothing(arrest_duty):
    for hour in (10, 11, 12):
        _try(arrest_duty, MONDAY.replace(hour=hour))
    ReachPolicy.objects.update(effective_to=datetime.date(2026, 12, 7))
    assert _sweep(MONDAY + DAY) == 0


def test_the_sweep_costs_the_same_for_many_duties(arrest_duty, django_assert_max_num_queries):
    """Two UPDATEs and the notifications' few reads, whatever the number of duties flagged."""
    duties = [arrest_duty, _arrest_duty(), _arrest_duty()]
    for duty in duties:
        for hour in (10, 11, 12):
            _try(duty, MONDAY.replace(hour=hour))
    with django_assert_max_num_queries(17):
        assert len(engine.flag_not_reachable(now=MONDAY + DAY)) == 3


# --- what the working days are counted from, and duties nobody tried (the force's choice) -------


def _policy(**choices) -> None:
    """The force changes its policy's choices (a test edits the row in force; a force closes it
    and adds the next)."""
    ReachPolicy.objects.update(**choices)


def test_by_default_the_days_are_counted_from_when_the_duty_arose_and_need_an_attempt():
    policy = engine.reach_policy(datetime.date(2026, 12, 7))
    assert policy.days_counted_from == ReachPolicy.CountFrom.ARISEN
    assert policy.flag_untried is False


def test_counted_from_the_deadline_the_days_begin_once_the_duty_is_overdue(arrest_duty):
    _policy(days_counted_from=ReachPolicy.CountFrom.DEADLINE)
    # Standard rights: 5 working days, due by the end of Monday 14 December.
    assert arrest_duty.due_at == calendar.end_of_day(datetime.date(2026, 12, 14))
    _try(arrest_duty, MONDAY)
    # Counted from when it arose it would be flagged now; counted from its deadline, not yet.
    assert _sweep(datetime.datetime(2026, 12, 10, 0, 5, tzinfo=LONDON)) == 0
    # Tuesday 15 and Wednesday 16 are the two working days after the deadline.
    assert _sweep(datetime.datetime(2026, 12, 16, 23, 0, tzinfo=LONDON)) == 0
    assert _sweep(datetime.datetime(2026, 12, 17, 0, 5, tzinfo=LONDON)) == 1
    assert _sweep(datetime.datetime(2026, 12, 17, 0, 20, tzinfo=LONDON)) == 0

    arrest_duty.refresh_from_db()
    assert arrest_duty.not_reachable_reason == (
        "not reached within 2 working days after its deadline, despite attempts"
    )


def test_counted_from_the_deadline_a_duty_nobody_tried_is_still_not_flagged(arrest_duty):
    _policy(days_counted_from=ReachPolicy.CountFrom.DEADLINE)
    assert _sweep(MONDAY + 20 * DAY) == 0


@pytest.mark.parametrize(
    ("count_from", "flag_at", "not_yet"),
    [
        # From when it arose (Monday 7): after Tuesday 8 and Wednesday 9.
        (ReachPolicy.CountFrom.ARISEN, (2026, 12, 10, 0, 5), (2026, 12, 9, 23, 0)),
        # From its deadline (Monday 14): after Tuesday 15 and Wednesday 16.
        (ReachPolicy.CountFrom.DEADLINE, (2026, 12, 17, 0, 5), (2026, 12, 16, 23, 0)),
    ],
)
def test_a_force_may_flag_duties_nobody_tried_once_and_says_so(
    arrest_duty, count_from, flag_at, not_yet
):
    supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=arrest_duty.case.team, user=supervisor, is_supervisor=True)
    _policy(days_counted_from=count_from, flag_untried=True)

    assert _sweep(datetime.datetime(*not_yet, tzinfo=LONDON)) == 0
    assert _sweep(datetime.datetime(*flag_at, tzinfo=LONDON)) == 1
    assert _sweep(datetime.datetime(*flag_at, tzinfo=LONDON) + DAY) == 0

    arrest_duty.refresh_from_db()
    assert arrest_duty.not_reachable_reason.endswith(", and no attempt was recorded")
    told = Notification.objects.filter(kind=Kind.NOT_REACHABLE, duty=arrest_duty)
    assert told.count() == 2


def test_flagging_untried_duties_leaves_those_that_arose_before_the_policy(arrest_duty):
    # The policy that flags untried duties took effect the day after the arrest.
    ReachPolicy.objects.update(effective_to=datetime.date(2026, 12, 8))
    ReachPolicy.objects.create(
        failed_attempts=3,
        working_days=2,
        flag_untried=True,
        effective_from=datetime.date(2026, 12, 8),
        source="Test policy",
    )
    assert _sweep(MONDAY + 10 * DAY) == 0
    # One tried and not reached is flagged as before.
    _try(arrest_duty, MONDAY)
    assert _sweep(MONDAY + 10 * DAY + datetime.timedelta(minutes=15)) == 1


def test_the_sweep_with_every_choice_on_costs_the_same_for_many_duties(
    arrest_duty, django_assert_max_num_queries
):
    _policy(days_counted_from=ReachPolicy.CountFrom.DEADLINE, flag_untried=True)
    duties = [arrest_duty, _arrest_duty(), _arrest_duty(), _arrest_duty()]
    for duty in duties[:2]:
        _try(duty, MONDAY)
    with django_assert_max_num_queries(18):
        assert len(engine.flag_not_reachable(now=MONDAY + 10 * DAY)) == 4
