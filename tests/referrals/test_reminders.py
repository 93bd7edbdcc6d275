"""Reminders about referrals waiting for an answer, on a frozen clock.

A referral sent on Monday 2 March 2026 at 10:00 (London, GMT then) to an agency with a 2 working
day response target must be answered by the end of Wednesday 4 March. The sweep reminds the
agency once it is due by the end of the next working day (from Tuesday), and once it is late
(from Thursday) reminds the agency again and tells the referring officer.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import Role, User
from notifications import services as notify
from notifications.models import Delivery, Kind, Notification, Preference
from referrals import services
from referrals.models import AgencyKind, ConsentMethod, LawfulBasis, Referral, ShareItem
from tests.cases.factories import CaseFactory, offence, victim_of
from tests.factories import AgencyFactory, make_user

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
HOUR = datetime.timedelta(hours=1)


def london(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def end_of(y, m, d):
    return datetime.datetime(y, m, d, 23, 59, 59, tzinfo=LONDON)


SENT = london(2026, 3, 2, 10, 0)  # Monday
MONDAY_LATER = london(2026, 3, 2, 16, 0)  # due Wednesday: not yet by the end of the next day
TUESDAY = london(2026, 3, 3, 8, 0)  # due by the end of the next working day
WEDNESDAY = london(2026, 3, 4, 8, 0)  # due today
THURSDAY = london(2026, 3, 5, 0, 15)  # late
FRIDAY = london(2026, 3, 6, 8, 0)


@pytest.fixture
def vs():
    return AgencyFactory(kind=AgencyKind.VICTIM_SERVICE, name="Northshire Victim Service")


@pytest.fixture
def staff(vs):
    """The agency's active users; an inactive one and another agency's user hear nothing."""
    users = [make_user(Role.AGENCY, agency=vs), make_user(Role.AGENCY, agency=vs)]
    make_user(Role.AGENCY, agency=vs, is_active=False)
    make_user(Role.AGENCY, agency=AgencyFactory(kind=AgencyKind.OTHER, name="Elsewhere"))
    return users


def sent_referral(*, at=SENT, officer=None):
    case = CaseFactory(
        offence=offence("theft_other"),
        occurred_at=at - HOUR,
        reported_at=at,
        now=at,
        **({"officer": officer} if officer else {}),
    )
    referral = Referral.objects.get(party=victim_of(case))
    services.record_consent(
        referral=referral,
        by=case.officer,
        lawful_basis=LawfulBasis.CONSENT,
        scope=[ShareItem.CONTACT],
        method=ConsentMethod.PHONE,
        now=at,
    )
    return services.send_referral(referral=referral, by=case.officer, now=at)


def reminders(**filters):
    return Notification.objects.filter(
        kind__in=[Kind.REFERRAL_DUE, Kind.REFERRAL_OVERDUE], **filters
    )


def recipients(kind, referral):
    return sorted(
        Notification.objects.filter(kind=kind, referral=referral).values_list(
            "recipient", flat=True
        )
    )


def ids(users):
    return sorted(u.pk for u in users)


def test_the_response_target_is_two_working_days(vs, staff):
    assert sent_referral().respond_by == end_of(2026, 3, 4)


def test_nothing_is_said_while_the_target_is_more_than_a_working_day_away(vs, staff):
    sent_referral()
    assert notify.sweep_referrals(now=MONDAY_LATER) == []
    assert not reminders().exists()


def test_the_agency_is_reminded_once_before_the_target(vs, staff):
    referral = sent_referral()
    made = notify.sweep_referrals(now=TUESDAY)
    assert len(made) == 2
    assert recipients(Kind.REFERRAL_DUE, referral) == ids(staff)
    # Nothing for the officer yet, and nothing of the case in what the agency is sent.
    assert not reminders(recipient=referral.case.officer).exists()
    for reminder in reminders():
        assert reminder.case_id is None
        assert referral.case.crime_reference not in reminder.title + reminder.body
        assert "Wed 4 Mar" in reminder.title
        assert reminder.link == reverse("agency-referral", kwargs={"pk": referral.pk})
    # Running again, the same day or on the day it is due, makes nothing new.
    assert notify.sweep_referrals(now=TUESDAY) == []
    assert notify.sweep_referrals(now=WEDNESDAY) == []
    assert reminders().count() == 2


def test_past_the_target_the_referring_officer_is_told_too_once(vs, staff):
    referral = sent_referral()
    notify.sweep_referrals(now=TUESDAY)
    made = notify.sweep_referrals(now=THURSDAY)
    officer = referral.case.officer
    assert len(made) == 3
    assert recipients(Kind.REFERRAL_OVERDUE, referral) == sorted([*ids(staff), officer.pk])
    told = Notification.objects.get(kind=Kind.REFERRAL_OVERDUE, recipient=officer)
    assert told.case_id == referral.case_id
    assert referral.case.crime_reference in told.title
    assert str(referral.agency) in told.title
    assert notify.sweep_referrals(now=THURSDAY) == []
    assert notify.sweep_referrals(now=FRIDAY) == []
    assert Notification.objects.filter(recipient=officer).count() == 1
    assert reminders().count() == 5


def test_a_referral_first_swept_when_late_reminds_everyone_once(vs, staff):
    referral = sent_referral()
    assert len(notify.sweep_referrals(now=FRIDAY)) == 3
    assert not Notification.objects.filter(kind=Kind.REFERRAL_DUE).exists()
    assert notify.sweep_referrals(now=FRIDAY + HOUR) == []
    assert recipients(Kind.REFERRAL_OVERDUE, referral) == sorted(
        [*ids(staff), referral.case.officer.pk]
    )


def test_an_officers_own_referral_tells_that_officer(vs, staff):
    referral = sent_referral()
    colleague = make_user(Role.OFFICER)
    Referral.objects.filter(pk=referral.pk).update(created_by=colleague)
    notify.sweep_referrals(now=THURSDAY)
    assert colleague.pk in recipients(Kind.REFERRAL_OVERDUE, referral)
    assert referral.case.officer.pk not in recipients(Kind.REFERRAL_OVERDUE, referral)


def test_an_officer_who_has_left_is_not_told_the_officer_in_the_case_is(vs, staff):
    referral = sent_referral()
    gone = make_user(Role.OFFICER)
    Referral.objects.filter(pk=referral.pk).update(created_by=gone)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    notify.sweep_referrals(now=THURSDAY)
    told = recipients(Kind.REFERRAL_OVERDUE, referral)
    assert gone.pk not in told
    assert referral.case.officer.pk in told


@pytest.mark.parametrize("answer", ["accept", "decline", "return", "withdraw"])
def test_an_answered_or_withdrawn_referral_gets_no_more_reminders(answer, vs, staff):
    referral = sent_referral()
    notify.sweep_referrals(now=TUESDAY)
    before = reminders().count()
    match answer:
        case "accept":
            services.accept(referral=referral, by=staff[0], now=WEDNESDAY)
        case "decline":
            services.decline(referral=referral, by=staff[0], reason="Full", now=WEDNESDAY)
        case "return":
            services.return_for_information(
                referral=referral, by=staff[0], reason="Language?", now=WEDNESDAY
            )
        case "withdraw":
            services.withdraw(
                referral=referral, by=referral.case.officer, reason="Moved", now=WEDNESDAY
            )
    assert notify.sweep_referrals(now=THURSDAY) == []
    assert notify.sweep_referrals(now=FRIDAY) == []
    assert reminders().count() == before
    assert not reminders(kind=Kind.REFERRAL_OVERDUE).exists()


def test_a_referral_sent_again_is_reminded_again(vs, staff):
    referral = sent_referral()
    notify.sweep_referrals(now=TUESDAY)
    services.return_for_information(
        referral=referral, by=staff[0], reason="Language?", now=WEDNESDAY
    )
    resent_at = london(2026, 3, 5, 10, 0)  # Thursday: answer by the end of Monday 9 March
    services.send_referral(referral=referral, by=referral.case.officer, now=resent_at)
    assert notify.sweep_referrals(now=london(2026, 3, 5, 16, 0)) == []
    made = notify.sweep_referrals(now=london(2026, 3, 6, 8, 0))
    assert len(made) == 2
    assert Notification.objects.filter(pk__in=made, title__contains="Mon 9 Mar").count() == 2
    assert notify.sweep_referrals(now=london(2026, 3, 6, 9, 0)) == []
    # Late again: the agency and the officer hear once more.
    assert len(notify.sweep_referrals(now=london(2026, 3, 10, 8, 0))) == 3


def test_each_referral_is_reminded_on_its_own(vs, staff):
    first = sent_referral()
    second = sent_referral(at=london(2026, 3, 3, 10, 0))  # Tuesday: due the end of Thursday
    notify.sweep_referrals(now=TUESDAY)
    assert recipients(Kind.REFERRAL_DUE, first) == ids(staff)
    assert recipients(Kind.REFERRAL_DUE, second) == []
    notify.sweep_referrals(now=WEDNESDAY)
    assert recipients(Kind.REFERRAL_DUE, second) == ids(staff)


def test_reminders_respect_each_users_email_choice(vs, staff):
    Preference.objects.create(user=staff[0], email=False)
    Preference.objects.create(user=staff[1], email=True, digest=True)
    referral = sent_referral()
    notify.sweep_referrals(now=TUESDAY)
    status = dict(
        Notification.objects.filter(referral=referral).values_list("recipient", "email_status")
    )
    assert status == {staff[0].pk: Delivery.OFF, staff[1].pk: Delivery.PENDING}


def test_withdrawal_notices_respect_each_users_email_choice(vs, staff):
    Preference.objects.create(user=staff[0], email=False)
    referral = sent_referral()
    services.withdraw(referral=referral, by=referral.case.officer, reason="Moved", now=TUESDAY)
    status = dict(
        Notification.objects.filter(kind=Kind.REFERRAL_WITHDRAWN).values_list(
            "recipient", "email_status"
        )
    )
    assert status == {staff[0].pk: Delivery.OFF, staff[1].pk: Delivery.PENDING}


def test_a_sweep_queues_only_what_it_made(
    vs, staff, django_capture_on_commit_callbacks, monkeypatch
):
    from notifications import tasks

    queued = []
    monkeypatch.setattr(tasks.deliver, "delay", queued.append)
    sent_referral()
    with django_capture_on_commit_callbacks(execute=True):
        made = notify.sweep_referrals(now=TUESDAY)
    assert len(made) == 2 and sorted(queued) == sorted(made)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.sweep_referrals(now=TUESDAY) == []
    assert len(queued) == 2
