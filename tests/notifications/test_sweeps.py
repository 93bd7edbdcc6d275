"""Reminder sweeps and delivery, on a frozen clock: every service is given `now=`.

The duty followed through most tests is R7 (tell the victim the suspect was arrested): 5 working
days for standard rights, owned by the officer in the case. Arrested on Friday 13 March 2026 at
18:00, it is due by the end of Friday 20 March (London time, GMT then).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, TeamKind
from accounts.services import add_to_team
from cases import services
from cases.models import ContactMethod, ContactPurpose, EventKind
from entitlements import services as engine
from entitlements.models import Duty, DutyStatus, Owner
from notifications import channels, tasks
from notifications import services as notify
from notifications.models import Delivery, Kind, Notification, Preference
from tests.cases.factories import CaseFactory, offence, victim_of
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


def london(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def end_of(y, m, d):
    return datetime.datetime(y, m, d, 23, 59, 59, tzinfo=LONDON)


ARRESTED = london(2026, 3, 13, 18, 0)  # Friday
WEDNESDAY = london(2026, 3, 18, 9, 0)
THURSDAY = london(2026, 3, 19, 9, 0)  # R7 is due by the end of the next working day
FRIDAY = london(2026, 3, 20, 9, 0)  # R7 is due today
SATURDAY = london(2026, 3, 21, 0, 15)  # R7 is overdue

VICTIM = {"first_name": "Philippa", "last_name": "Quenby-Marchbanks"}


# --- people and cases --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_cached_sms_channel():
    channels.sms_channel.cache_clear()
    yield
    channels.sms_channel.cache_clear()


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def officer(team):
    user = make_user(Role.OFFICER)
    add_to_team(team=team, user=user)
    return user


@pytest.fixture
def supervisor(team):
    user = make_user(Role.SUPERVISOR)
    add_to_team(team=team, user=user, is_supervisor=True)
    return user


@pytest.fixture
def colleague(team):
    """Another officer in the team: never told about a case that is not theirs."""
    user = make_user(Role.OFFICER)
    add_to_team(team=team, user=user)
    return user


@pytest.fixture
def unit(db):
    return TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT)


def make_case(officer, team, *, reported_at=ARRESTED - 10 * DAY, **kwargs):
    kwargs.setdefault("victim", dict(VICTIM))
    case = CaseFactory(
        officer=officer,
        team=team,
        offence=offence("theft_other"),
        occurred_at=reported_at - HOUR,
        reported_at=reported_at,
        now=reported_at,
        **kwargs,
    )
    # Start from a clean slate: the duties opened with the case have been dealt with.
    Duty.objects.filter(case=case).update(status=DutyStatus.NOT_APPLICABLE)
    return case


def arrest(case, at=ARRESTED) -> Duty:
    event = services.record_event(
        case=case, by=case.officer, kind=EventKind.ARREST, occurred_at=at, now=at
    )
    return Duty.objects.get(trigger_event=event, rule__code="R7")


def meet(duty, at):
    case = duty.case
    services.record_contact(
        case=case,
        party=duty.party,
        by=case.officer,
        occurred_at=at,
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.OTHER,
        summary="Told them about the arrest",
        meets=[duty],
        now=at,
    )
    duty.refresh_from_db()
    assert duty.status == DutyStatus.MET
    return duty


def prefer(user, **fields):
    return Preference.objects.update_or_create(user=user, defaults=fields)[0]


# --- running sweeps ----------------------------------------------------------------------------


def run(sweep, now, **kwargs) -> list[int]:
    """Run a sweep at `now` and deliver what it made, as the worker would straight after."""
    ids = sweep(now=now, **kwargs)
    for pk in ids:
        notify.deliver(pk, now=now)
    return ids


def made(ids) -> set[tuple[int, str]]:
    return set(Notification.objects.filter(pk__in=ids).values_list("recipient_id", "kind"))


def run_every_sweep(now) -> list[int]:
    return (
        run(notify.sweep_due_soon, now)
        + run(notify.sweep_overdue, now)
        + run(notify.sweep_escalations, now, working_days=2)
        + run(notify.sweep_digests, now)
    )


# --- one duty, from due soon to escalated ------------------------------------------------------


def test_one_duty_is_reminded_due_soon_then_overdue_then_escalated_each_exactly_once(
    team, officer, supervisor, colleague, mailoutbox
):
    r7 = arrest(make_case(officer, team))
    assert r7.due_at == end_of(2026, 3, 20)

    # Wednesday: due by the end of Friday, more than a working day away.
    assert run(notify.sweep_due_soon, WEDNESDAY) == []

    # Thursday: due by the end of the next working day. The officer, once.
    ids = run(notify.sweep_due_soon, THURSDAY)
    assert made(ids) == {(officer.pk, Kind.DUE_SOON)}
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert run(notify.sweep_due_soon, THURSDAY + 15 * MINUTE) == []

    # Friday, the day it is due: nothing new, and not overdue yet.
    assert run(notify.sweep_due_soon, FRIDAY) == []
    assert run(notify.sweep_overdue, end_of(2026, 3, 20) - MINUTE) == []
    assert len(mailoutbox) == 1

    # Just after midnight: overdue, to the officer and the team's supervisor (not the colleague).
    engine.mark_missed(now=SATURDAY)
    ids = run(notify.sweep_overdue, SATURDAY)
    assert made(ids) == {(officer.pk, Kind.OVERDUE), (supervisor.pk, Kind.OVERDUE)}
    assert sorted(m.to[0] for m in mailoutbox[1:]) == sorted([officer.email, supervisor.email])
    assert run(notify.sweep_overdue, SATURDAY + 15 * MINUTE) == []
    assert run(notify.sweep_due_soon, SATURDAY + 15 * MINUTE) == []

    # Escalated once two whole working days (Monday and Tuesday) have passed since the deadline.
    assert run(notify.sweep_escalations, london(2026, 3, 23, 8), working_days=2) == []
    assert run(notify.sweep_escalations, london(2026, 3, 24, 8), working_days=2) == []
    wednesday = london(2026, 3, 25, 8)
    ids = run(notify.sweep_escalations, wednesday, working_days=2)
    assert made(ids) == {(supervisor.pk, Kind.ESCALATION)}
    escalation = Notification.objects.get(pk=ids[0])
    assert escalation.title == "1 duty still overdue after 2 working days"
    assert r7.case.crime_reference in escalation.body
    assert run(notify.sweep_escalations, wednesday + 15 * MINUTE, working_days=2) == []

    # One list a day while it stays overdue.
    ids = run(notify.sweep_escalations, london(2026, 3, 26, 8), working_days=2)
    assert made(ids) == {(supervisor.pk, Kind.ESCALATION)}

    assert Notification.objects.filter(recipient=colleague).count() == 0
    assert len(mailoutbox) == 5
    assert Notification.objects.filter(email_status=Delivery.SENT).count() == 5


@pytest.mark.parametrize(
    ("working_days", "too_soon", "escalated"),
    [
        # Due by the end of Thursday 2 April 2026; Good Friday and Easter Monday are not
        # working days, so the first whole working day overdue is Tuesday 7 April.
        (1, london(2026, 4, 7, 8), london(2026, 4, 8, 8)),
        (2, london(2026, 4, 8, 8), london(2026, 4, 9, 8)),
    ],
)
def test_escalation_waits_for_whole_working_days_past_the_deadline(
    team, officer, supervisor, working_days, too_soon, escalated
):
    r7 = arrest(make_case(officer, team, reported_at=london(2026, 3, 20, 10)), london(2026, 3, 26))
    assert r7.due_at == end_of(2026, 4, 2)
    assert run(notify.sweep_escalations, too_soon, working_days=working_days) == []
    ids = run(notify.sweep_escalations, escalated, working_days=working_days)
    assert made(ids) == {(supervisor.pk, Kind.ESCALATION)}


def test_escalation_is_one_list_a_day_per_supervisor_across_their_teams(
    team, officer, supervisor, mailoutbox
):
    other_team = TeamFactory()
    add_to_team(team=other_team, user=supervisor, is_supervisor=True)
    other_supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=other_team, user=other_supervisor, is_supervisor=True)
    ours = arrest(make_case(officer, team)).case
    theirs = arrest(make_case(make_user(Role.OFFICER), other_team)).case

    ids = run(notify.sweep_escalations, london(2026, 3, 25, 8), working_days=2)

    assert made(ids) == {(supervisor.pk, Kind.ESCALATION), (other_supervisor.pk, Kind.ESCALATION)}
    both = Notification.objects.get(recipient=supervisor)
    assert both.title == "2 duties still overdue after 2 working days"
    assert ours.crime_reference in both.body and theirs.crime_reference in both.body
    one = Notification.objects.get(recipient=other_supervisor)
    assert theirs.crime_reference in one.body and ours.crime_reference not in one.body
    assert len(mailoutbox) == 2


# --- idempotency -------------------------------------------------------------------------------


def test_running_every_sweep_twice_makes_nothing_new_and_sends_no_second_email(
    team, officer, supervisor, mailoutbox
):
    arrest(make_case(officer, team))  # due soon on Thursday
    arrest(make_case(officer, team), ARRESTED - 7 * DAY)  # due Friday 13th: long overdue
    summary_reader = make_user(Role.OFFICER)
    add_to_team(team=team, user=summary_reader)
    arrest(make_case(summary_reader, team))
    prefer(summary_reader, digest=True, digest_hour=9)
    engine.mark_missed(now=THURSDAY)

    first = run_every_sweep(THURSDAY)
    duty_kinds = {Kind.DUE_SOON, Kind.OVERDUE, Kind.ESCALATION, Kind.DIGEST}
    assert {kind for _, kind in made(first)} == duty_kinds
    stored, sent = Notification.objects.count(), len(mailoutbox)
    assert stored == len(first) and sent > 0

    assert run_every_sweep(THURSDAY + 20 * MINUTE) == []
    assert Notification.objects.count() == stored
    assert len(mailoutbox) == sent


def test_a_sweep_queues_one_delivery_per_new_reminder_once_committed(
    team, officer, supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    arrest(make_case(officer, team))
    queued = []
    monkeypatch.setattr(tasks.deliver, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ids = notify.sweep_overdue(now=SATURDAY)
    assert queued == []  # nothing goes out before the reminders are committed
    for callback in callbacks:
        callback()
    assert len(ids) == 2 and sorted(queued) == sorted(ids)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert notify.sweep_overdue(now=SATURDAY + 15 * MINUTE) == []
    assert callbacks == []


def test_delivering_twice_sends_once(team, officer, mailoutbox):
    arrest(make_case(officer, team))
    [pk] = notify.sweep_due_soon(now=THURSDAY)

    assert notify.deliver(pk, now=THURSDAY) == "sent"
    assert notify.deliver(pk, now=THURSDAY + MINUTE) == "nothing to send"

    assert len(mailoutbox) == 1
    notification = Notification.objects.get(pk=pk)
    assert notification.email_status == Delivery.SENT
    assert notification.email_sent_at == THURSDAY
    assert notify.deliver(pk + 1000, now=THURSDAY) == "gone"


# --- duties dealt with -------------------------------------------------------------------------


def test_a_duty_met_between_the_sweep_and_delivery_is_not_emailed(team, officer, mailoutbox):
    r7 = arrest(make_case(officer, team))
    [pk] = notify.sweep_due_soon(now=THURSDAY)
    meet(r7, THURSDAY + 10 * MINUTE)

    assert notify.deliver(pk, now=THURSDAY + 11 * MINUTE) == "skipped"

    assert mailoutbox == []
    assert Notification.objects.get(pk=pk).email_status == Delivery.SKIPPED


def test_a_duty_met_before_the_sweep_gets_no_reminder(team, officer, supervisor, mailoutbox):
    r7 = arrest(make_case(officer, team))
    meet(r7, WEDNESDAY)

    assert run(notify.sweep_due_soon, THURSDAY) == []
    assert run(notify.sweep_overdue, SATURDAY) == []
    assert run(notify.sweep_escalations, london(2026, 3, 25, 8), working_days=2) == []
    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_a_waived_duty_is_not_reminded_as_overdue(team, officer, supervisor):
    r7 = arrest(make_case(officer, team))
    engine.waive_duty(duty=r7, by=supervisor, reason="Victim cannot be reached", now=FRIDAY)
    assert run(notify.sweep_overdue, SATURDAY) == []


# --- Witness Care Unit duties ------------------------------------------------------------------


def witness_care_officer(unit):
    user = make_user(Role.WITNESS_CARE)
    add_to_team(team=unit, user=user)
    return user


def pass_to_unit(case, unit, at=ARRESTED):
    services.record_event(case=case, by=case.officer, kind=EventKind.CHARGE, occurred_at=at, now=at)
    services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.PASSED_TO_WCU,
        occurred_at=at,
        wcu_team=unit,
        now=at,
    )


def test_a_unit_duty_with_no_named_officer_goes_to_every_member_of_the_unit(team, officer, unit):
    first, second = witness_care_officer(unit), witness_care_officer(unit)
    elsewhere = witness_care_officer(TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT))
    case = make_case(officer, team)
    pass_to_unit(case, unit)
    r15 = Duty.objects.get(case=case, owner=Owner.WCU, status=DutyStatus.DUE)
    assert r15.due_at == end_of(2026, 3, 16)  # Monday

    ids = run(notify.sweep_due_soon, ARRESTED + HOUR)

    assert made(ids) == {(first.pk, Kind.DUE_SOON), (second.pk, Kind.DUE_SOON)}
    assert not Notification.objects.filter(recipient__in=[officer, elsewhere]).exists()


def test_a_unit_duty_goes_to_the_named_witness_care_officer_only(team, officer, unit):
    named, other = witness_care_officer(unit), witness_care_officer(unit)
    case = make_case(officer, team)
    pass_to_unit(case, unit)
    services.assign_witness_care_officer(case=case, officer=named, by=named, now=ARRESTED + HOUR)
    services.record_event(
        case=case,
        by=named,
        kind=EventKind.HEARING_LISTED,
        occurred_at=ARRESTED + HOUR,
        received_at=ARRESTED + HOUR,
        hearing_at=ARRESTED + 30 * DAY,
        venue="Northshire Magistrates' Court",
        now=ARRESTED + HOUR,
    )
    assert Duty.objects.filter(case=case, owner=Owner.WCU, status=DutyStatus.DUE).exists()

    ids = run(notify.sweep_due_soon, ARRESTED + 2 * HOUR)

    wcu = Notification.objects.filter(pk__in=ids, duty__owner=Owner.WCU)
    assert set(wcu.values_list("recipient_id", flat=True)) == {named.pk}
    assert not Notification.objects.filter(recipient=other).exists()


# --- daily summaries ---------------------------------------------------------------------------


def test_a_summary_reader_gets_reminders_in_the_app_and_one_summary_email_a_day(
    team, officer, supervisor, mailoutbox
):
    prefer(officer, digest=True, digest_hour=7)
    arrest(make_case(officer, team))

    # Before their hour, nothing; at their hour, one summary, however often the sweep runs.
    assert run(notify.sweep_digests, london(2026, 3, 19, 6, 59)) == []
    ids = run(notify.sweep_digests, london(2026, 3, 19, 7, 0))
    assert made(ids) == {(officer.pk, Kind.DIGEST)}
    assert Notification.objects.get(pk=ids[0]).title == (
        "Today: 0 overdue, 1 due by the end of the next working day"
    )
    assert run(notify.sweep_digests, london(2026, 3, 19, 7, 45)) == []
    assert run(notify.sweep_digests, london(2026, 3, 19, 8, 0)) == []
    assert [m.to for m in mailoutbox] == [[officer.email]]

    # The per-duty reminders are there to read, but not emailed.
    [due_soon] = run(notify.sweep_due_soon, THURSDAY)
    assert Notification.objects.get(pk=due_soon).email_status == Delivery.OFF
    engine.mark_missed(now=SATURDAY)
    ids = run(notify.sweep_overdue, SATURDAY)
    assert made(ids) == {(officer.pk, Kind.OVERDUE), (supervisor.pk, Kind.OVERDUE)}
    assert [m.to for m in mailoutbox] == [[officer.email], [supervisor.email]]

    # The next morning's summary.
    ids = run(notify.sweep_digests, london(2026, 3, 21, 7, 0))
    assert Notification.objects.get(pk=ids[0]).title.startswith("Today: 1 overdue, 0 due")
    assert [m.to for m in mailoutbox][-1] == [officer.email]
    assert len(mailoutbox) == 3


def test_no_summary_on_a_day_with_nothing_due(team, officer):
    prefer(officer, digest=True, digest_hour=7)
    arrest(make_case(officer, team))
    assert run(notify.sweep_digests, london(2026, 3, 16, 7, 0)) == []  # R7 is due on Friday


def test_who_turned_email_off_gets_reminders_only_in_the_app(team, officer, supervisor, mailoutbox):
    prefer(officer, email=False)
    prefer(supervisor, email=False)
    arrest(make_case(officer, team))
    prefer(make_user(Role.OFFICER), digest=True)  # someone else's preferences do not matter

    ids = run(notify.sweep_due_soon, THURSDAY) + run(notify.sweep_overdue, SATURDAY)
    ids += run(notify.sweep_escalations, london(2026, 3, 25, 8), working_days=2)

    assert len(ids) == 4
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Delivery.OFF}
    assert mailoutbox == []


# --- what an email says ------------------------------------------------------------------------


def test_emails_give_the_crime_reference_and_link_but_never_the_victims_name(
    team, officer, supervisor, settings, mailoutbox
):
    settings.SITE_URL = "https://victimcare.northshire.police.uk/"
    r7 = arrest(make_case(officer, team))
    case = r7.case
    assert str(victim_of(case).person) == "Philippa Quenby-Marchbanks"
    link = f"https://victimcare.northshire.police.uk/cases/{case.pk}/duties/{r7.pk}/"

    run(notify.sweep_due_soon, THURSDAY)
    run(notify.sweep_overdue, SATURDAY)
    run(notify.sweep_escalations, london(2026, 3, 25, 8), working_days=2)
    prefer(officer, digest=True, digest_hour=7)
    run(notify.sweep_digests, london(2026, 3, 25, 7, 0))

    kinds = dict(Notification.objects.values_list("pk", "kind"))
    assert sorted(kinds.values()) == sorted(
        [Kind.DUE_SOON, Kind.OVERDUE, Kind.OVERDUE, Kind.ESCALATION, Kind.DIGEST]
    )
    assert len(mailoutbox) == 5
    per_duty = [m for m in mailoutbox if m.subject.startswith(("Due soon", "Overdue"))]
    assert len(per_duty) == 3
    for message in per_duty:
        assert case.crime_reference in message.subject
        assert "Tell them the suspect was arrested" in message.subject
        assert link in message.body
    [escalation] = [m for m in mailoutbox if "still overdue" in m.subject]
    assert case.crime_reference in escalation.body
    assert "https://victimcare.northshire.police.uk/notifications/sent/" in escalation.body
    for message in mailoutbox:
        text = f"{message.subject}\n{message.body}"
        for name in VICTIM.values():
            assert name not in text
    for notification in Notification.objects.all():
        for name in VICTIM.values():
            assert name not in f"{notification.title} {notification.body}"


# --- text messages -----------------------------------------------------------------------------


class FakeSms:
    def __init__(self, failures=0):
        self.sent = []
        self.failures = failures

    def send(self, phone_number, message):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("GOV.UK Notify is unreachable")
        self.sent.append((phone_number, message))


def test_text_messages_are_off_unless_configured(team, officer, settings):
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_SMS_TEMPLATE_ID = ""
    prefer(officer, sms=True, mobile_number="07700 900123")
    arrest(make_case(officer, team))

    assert channels.sms_channel() is None
    ids = run(notify.sweep_overdue, SATURDAY)
    assert Notification.objects.get(pk__in=ids, recipient=officer).sms_status == Delivery.OFF


def test_an_overdue_duty_sends_one_text_to_whoever_opted_in(
    team, officer, supervisor, monkeypatch, mailoutbox
):
    fake = FakeSms()
    monkeypatch.setattr(notify, "sms_channel", lambda: fake)
    prefer(officer, sms=True, mobile_number="07700 900123")
    r7 = arrest(make_case(officer, team))

    run(notify.sweep_due_soon, THURSDAY)
    assert fake.sent == []  # texts are for overdue duties only

    ids = run(notify.sweep_overdue, SATURDAY)
    assert fake.sent == [("07700 900123", f"Overdue: {r7.rule.title} ({r7.case.crime_reference})")]
    assert "Philippa" not in fake.sent[0][1]
    mine = Notification.objects.get(pk__in=ids, recipient=officer)
    assert (mine.sms_status, mine.sms_sent_at) == (Delivery.SENT, SATURDAY)
    assert Notification.objects.get(pk__in=ids, recipient=supervisor).sms_status == Delivery.OFF

    for pk in ids:
        notify.deliver(pk, now=SATURDAY + MINUTE)
    assert run(notify.sweep_overdue, SATURDAY + 15 * MINUTE) == []
    assert len(fake.sent) == 1
    assert len(mailoutbox) == 3  # due soon, and overdue to the officer and the supervisor


def test_a_failed_text_is_retried_without_sending_the_email_again(
    team, officer, monkeypatch, mailoutbox
):
    fake = FakeSms(failures=1)
    monkeypatch.setattr(notify, "sms_channel", lambda: fake)
    prefer(officer, sms=True, mobile_number="07700 900123")
    arrest(make_case(officer, team))
    [pk] = notify.sweep_overdue(now=SATURDAY)

    with pytest.raises(ConnectionError):
        notify.deliver(pk, now=SATURDAY)  # the task retries on ConnectionError
    assert len(mailoutbox) == 1
    assert notify.deliver(pk, now=SATURDAY + 5 * MINUTE) == "sent"

    assert len(mailoutbox) == 1
    assert len(fake.sent) == 1
    notification = Notification.objects.get(pk=pk)
    assert (notification.email_status, notification.email_sent_at) == (Delivery.SENT, SATURDAY)
    assert notification.sms_status == Delivery.SENT


def test_a_text_is_not_sent_to_someone_who_opted_out_since_the_sweep(team, officer, monkeypatch):
    fake = FakeSms()
    monkeypatch.setattr(notify, "sms_channel", lambda: fake)
    prefer(officer, sms=True, mobile_number="07700 900123")
    arrest(make_case(officer, team))
    [pk] = notify.sweep_overdue(now=SATURDAY)
    prefer(officer, sms=False)

    notify.deliver(pk, now=SATURDAY)

    assert fake.sent == []
    assert Notification.objects.get(pk=pk).sms_status == Delivery.SKIPPED


# --- cost --------------------------------------------------------------------------------------

SWEEPS = {
    "due_soon": lambda now: notify.sweep_due_soon(now=now),
    "overdue": lambda now: notify.sweep_overdue(now=now),
    "escalations": lambda now: notify.sweep_escalations(working_days=2, now=now),
    "digests": lambda now: notify.sweep_digests(now=now),
}


def _queries_per_sweep(team, officer, unit, *, unrelated: int) -> dict[str, int]:
    """Queries each sweep makes with `unrelated` duties stored that are due next month, besides a
    few that are due soon or overdue. Rolled back afterwards."""
    now = THURSDAY
    with transaction.atomic():
        arrest(make_case(officer, team))  # due soon
        arrest(make_case(officer, team), ARRESTED - 7 * DAY)  # overdue and escalated
        pass_to_unit(make_case(officer, team), unit, at=ARRESTED - 7 * DAY)  # a unit's, overdue
        prefer(officer, digest=True, digest_hour=now.hour)
        for n in range(unrelated):
            owner = officer if n % 2 else make_user(Role.OFFICER)
            case = make_case(owner, team if n % 3 else TeamFactory())
            arrest(case)
            if n % 4 == 0:
                pass_to_unit(case, unit)
            Duty.objects.filter(case=case).update(status=DutyStatus.DUE, due_at=now + 30 * DAY)
        engine.mark_missed(now=now)
        counts = {}
        for name, sweep in SWEEPS.items():
            with CaptureQueriesContext(connection) as queries:
                assert sweep(now)  # each has something to say
            counts[name] = len(queries)
        transaction.set_rollback(True)
    return counts


def test_sweeps_make_the_same_queries_however_many_duties_are_not_yet_due(
    team, officer, supervisor, unit
):
    witness_care_officer(unit)
    few = _queries_per_sweep(team, officer, unit, unrelated=2)
    many = _queries_per_sweep(team, officer, unit, unrelated=20)
    assert few == many
    assert max(few.values()) <= 15


def test_a_long_escalation_list_names_the_longest_overdue_and_counts_the_rest(
    team, officer, supervisor, monkeypatch
):
    monkeypatch.setattr(notify, "ESCALATION_LINES", 2)
    first = arrest(make_case(officer, team), ARRESTED - 2 * DAY).case
    second = arrest(make_case(officer, team), ARRESTED - DAY).case
    third = arrest(make_case(officer, team)).case
    run(notify.sweep_escalations, london(2026, 3, 25, 8), working_days=2)
    escalation = Notification.objects.get(recipient=supervisor, kind=Kind.ESCALATION)
    assert escalation.title == "3 duties still overdue after 2 working days"
    assert first.crime_reference in escalation.body and second.crime_reference in escalation.body
    assert third.crime_reference not in escalation.body
    assert escalation.body.endswith("and 1 more: see the overdue worklist.")


def test_the_overdue_sweep_looks_back_a_week_and_leaves_older_deadlines_to_escalation(
    team, officer, supervisor
):
    r7 = arrest(make_case(officer, team))
    assert r7.due_at == end_of(2026, 3, 20)

    def reminded(now, **kwargs) -> bool:
        ids = notify.sweep_overdue(now=now, **kwargs)
        return Notification.objects.filter(pk__in=ids, duty=r7).exists()

    with transaction.atomic():
        assert reminded(london(2026, 3, 27, 23, 0))  # a week after the deadline, less an hour
        transaction.set_rollback(True)
    assert not reminded(london(2026, 3, 28, 1, 0))
    assert reminded(london(2026, 3, 28, 1, 0), lookback_days=14)
