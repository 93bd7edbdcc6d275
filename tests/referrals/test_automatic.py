"""Right 4 met by a referral, not a draft: VictimCare sends the victim service referral itself.

The clock is frozen with time-machine. The crime is reported on Monday 2 March 2026 at 10:00
(London, GMT then), so the Right 4 duty (refer within 2 working days, from the rule row) is due by
the end of Wednesday 4 March. The policy gives the officer 4 hours to record an opt-out.
"""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import add_to_team
from cases import services as cases
from cases.models import PartyRole
from entitlements import services as duties
from entitlements.models import Duty, DutyRule, DutyStatus, MetBy
from notifications.models import Kind, Notification
from referrals import automatic, selectors, services, tasks
from referrals.models import (
    AgencyKind,
    ConsentMethod,
    LawfulBasis,
    Referral,
    ReferralEvent,
    ReferralPolicy,
    ReferralStatus,
    ShareItem,
    SharingException,
)
from tests.cases.factories import CaseFactory, PartyFactory, PersonFactory, offence, victim_of
from tests.factories import AgencyFactory, make_user

pytestmark = pytest.mark.django_db

S = ReferralStatus
LONDON = ZoneInfo("Europe/London")


def london(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON)


REPORTED = london(2026, 3, 2, 10, 0)  # Monday
TOO_SOON = london(2026, 3, 2, 13, 59)  # within the 4 hours the officer has to record an opt-out
TUESDAY = london(2026, 3, 3, 11, 0)
LAST_MINUTE = london(2026, 3, 4, 23, 59)  # Wednesday, the last minute of the time limit
THURSDAY = london(2026, 3, 5, 9, 0)  # too late: the officer must act


@pytest.fixture
def vs():
    """The commissioned victim service: created before any case, so cases propose to it."""
    return AgencyFactory(
        kind=AgencyKind.VICTIM_SERVICE,
        name="Northshire Victim Service",
        response_target_working_days=2,
    )


@pytest.fixture
def vs_staff(vs):
    make_user(Role.AGENCY, agency=vs, is_active=False)
    return [make_user(Role.AGENCY, agency=vs), make_user(Role.AGENCY, agency=vs)]


def make_case(code="theft_other", *, at=REPORTED, **kwargs):
    with time_machine.travel(at, tick=False):
        return CaseFactory(
            offence=offence(code),
            occurred_at=at - datetime.timedelta(hours=1),
            reported_at=at,
            victim={"first_name": "Imogen", "last_name": "Threlkeld"},
            **kwargs,
        )


def proposal(case) -> Referral:
    return Referral.objects.get(party=victim_of(case), agency__kind=AgencyKind.VICTIM_SERVICE)


def right4(case) -> Duty:
    return Duty.objects.get(party=victim_of(case), rule__met_by=MetBy.REFERRAL_SENT)


def sweep(at):
    with time_machine.travel(at, tick=False):
        return automatic.send_due_referrals()


def status(case, at=TUESDAY):
    referral = proposal(case)
    duty = right4(case)
    with time_machine.travel(at, tick=False):
        return automatic.referral_status(referral, duty=duty, policy=automatic.policy_in_force())


# --- sent within the time limit ----------------------------------------------------------------


def test_the_victim_service_referral_is_sent_by_victimcare_within_two_working_days(vs, vs_staff):
    case = make_case()
    sent = sweep(TUESDAY)
    referral = proposal(case)
    assert sent == [referral.pk]
    assert (referral.status, referral.sent_at, referral.sent_automatically) == (
        S.SENT,
        TUESDAY,
        True,
    )
    # The lawful basis and what was shared come from the policy, recorded by nobody (VictimCare).
    policy = ReferralPolicy.objects.in_force(TUESDAY.date())
    assert referral.lawful_basis == LawfulBasis.PUBLIC_TASK == policy.automatic_lawful_basis
    assert referral.consent_scope == [ShareItem.CONTACT, ShareItem.OFFENCE]
    assert (referral.consent_recorded_at, referral.consent_recorded_by) == (TUESDAY, None)
    # Without consent, it names the exception the policy relies on (a legal duty: DVCVA s.32)
    # and why, as an officer must.
    assert referral.sharing_exception.code == "legal_duty" == policy.automatic_exception_code
    assert referral.sharing_reason == automatic.AUTOMATIC_REASON
    # The agency's answer is due by its own target, as for an officer's send.
    assert referral.respond_by == datetime.datetime(2026, 3, 5, 23, 59, 59, tzinfo=LONDON)


def test_sending_meets_the_right_4_duty_and_is_in_the_history_like_an_officers_send(vs):
    case = make_case()
    assert right4(case).status == DutyStatus.DUE  # the draft meets nothing
    sweep(TUESDAY)
    duty = right4(case)
    assert (duty.status, duty.met_at, duty.met_by) == (DutyStatus.MET, TUESDAY, None)
    assert duty.met_record == "Sent by VictimCare: referral to Northshire Victim Service"
    move = ReferralEvent.objects.get(referral=proposal(case), kind="move", to_status=S.SENT)
    assert (move.from_status, move.by, move.at) == (S.DRAFT, None, TUESDAY)
    assert move.note == (
        "Sent by VictimCare for Right 4: the victim did not opt out. Lawful basis: public task. "
        "Shared: contact details and safe times, the kind of crime and when."
    )
    # The audit history keeps the referral as sent, as it does after an officer's send.
    latest = proposal(case).record_history.latest("history_date")
    assert (latest.status, latest.sent_automatically) == (S.SENT, True)


def test_sent_at_the_last_minute_of_the_time_limit_is_met_on_time(vs):
    case = make_case()
    assert sweep(LAST_MINUTE) == [proposal(case).pk]
    assert right4(case).status == DutyStatus.MET


def test_the_agencys_active_staff_are_told_on_commit_without_the_victims_details(
    vs, vs_staff, django_capture_on_commit_callbacks
):
    case = make_case()
    with django_capture_on_commit_callbacks() as callbacks:
        sweep(TUESDAY)
    told = Notification.objects.filter(kind=Kind.REFERRAL_NEW, referral=proposal(case))
    assert sorted(n.recipient_id for n in told) == sorted(u.pk for u in vs_staff)
    assert {n.title for n in told} == {
        "New referral from Northshire Police: please answer by Thu 5 Mar, 23:59"
    }
    assert not any("Threlkeld" in n.title + n.body for n in told)
    assert len(callbacks) == 1  # one prompt to the workers, after the commit


def test_the_working_days_come_from_the_right_4_rule_row(vs):
    """A force that allows 5 working days: a proposal still in time on the next Friday is sent."""
    DutyRule.objects.filter(met_by=MetBy.REFERRAL_SENT).update(
        standard_working_days=5, enhanced_working_days=5
    )
    case = make_case()
    friday = london(2026, 3, 6, 15, 0)
    assert right4(case).due_at == datetime.datetime(2026, 3, 9, 23, 59, 59, tzinfo=LONDON)
    assert proposal(case).proposed_reason == (
        "Right 4: support within 5 working days (referred unless they opt out)"
    )
    assert sweep(friday) == [proposal(case).pk]
    assert right4(case).status == DutyStatus.MET


def test_not_sent_while_the_officer_may_still_record_an_opt_out(vs):
    case = make_case()
    assert sweep(TOO_SOON) == []
    assert proposal(case).status == S.DRAFT
    assert status(case, TOO_SOON).reason == (
        "VictimCare sends it from 2 Mar 2026, 14:00 unless the victim opts out "
        "(decline the Right 4 duty to record that)."
    )


def test_not_sent_once_the_time_limit_has_passed(vs):
    case = make_case()
    assert sweep(THURSDAY) == []
    assert proposal(case).status == S.DRAFT
    assert status(case, THURSDAY).reason == (
        "Not sent: the Right 4 time limit has passed: send it yourself, or record why not."
    )


def test_running_twice_sends_nothing_twice(vs, vs_staff):
    case = make_case()
    assert len(sweep(TUESDAY)) == 1
    assert sweep(TUESDAY + datetime.timedelta(minutes=15)) == []
    referral = proposal(case)
    assert referral.sent_at == TUESDAY
    assert ReferralEvent.objects.filter(referral=referral, to_status=S.SENT).count() == 1
    assert Notification.objects.filter(kind=Kind.REFERRAL_NEW).count() == len(vs_staff)


def test_a_referral_changed_since_it_was_read_is_left_for_the_next_run(vs):
    """The officer recorded the victim's answer between the read and the lock: not sent on the
    stale copy; the next run sends it with the officer's answer."""
    case = make_case()
    with time_machine.travel(TUESDAY, tick=False):
        policy = automatic.policy_in_force()
        rules = list(automatic.referral_rules(TUESDAY.date()))
        stale = automatic.candidates(now=automatic._now(None), policy=policy, rules=rules).get()
        services.record_consent(
            referral=proposal(case),
            by=case.officer,
            lawful_basis=LawfulBasis.CONSENT,
            scope=[ShareItem.CONTACT],
            method=ConsentMethod.PHONE,
        )
        assert not automatic._send_one(stale, policy=policy, now=automatic._now(None))
    assert proposal(case).status == S.DRAFT
    sweep(TUESDAY + datetime.timedelta(minutes=15))
    referral = proposal(case)
    assert (referral.status, referral.lawful_basis, referral.consent_scope) == (
        S.SENT,
        LawfulBasis.CONSENT,
        [ShareItem.CONTACT],
    )


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_referral_another_run_is_sending_is_skipped_not_waited_for(vs):
    """Two runs at once: the second passes over the row the first holds, and sends nothing."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks are PostgreSQL's; SQLite runs one writer at a time.")
    case = make_case()
    held, release = threading.Event(), threading.Event()

    def other_run():
        try:
            with transaction.atomic():
                Referral.objects.select_for_update().get(pk=proposal(case).pk)
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    worker = threading.Thread(target=other_run)
    worker.start()
    try:
        assert held.wait(timeout=30)
        assert sweep(TUESDAY) == []
    finally:
        release.set()
        worker.join()
    assert sweep(TUESDAY) == [proposal(case).pk]
    assert ReferralEvent.objects.filter(referral=proposal(case), to_status=S.SENT).count() == 1


def test_the_beat_schedule_runs_the_task_every_15_minutes(vs):
    task = PeriodicTask.objects.get(task="referrals.send_automatic")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 900, "seconds")
    case = make_case()
    with time_machine.travel(TUESDAY, tick=False):
        assert tasks.send_automatic.apply().get() == 1
    assert proposal(case).status == S.SENT


# --- not sent ----------------------------------------------------------------------------------


def test_a_victim_who_opted_out_is_not_referred_and_the_duty_says_so(vs, vs_staff):
    case = make_case()
    with time_machine.travel(REPORTED + datetime.timedelta(hours=1), tick=False):
        duties.decline_duty(duty=right4(case), by=case.officer, reason="Does not want support.")
    assert sweep(TUESDAY) == []
    referral = proposal(case)
    assert (referral.status, referral.sent_at) == (S.WITHDRAWN, None)
    assert referral.reason == "The victim opted out of a referral (Right 4 declined)."
    assert (right4(case).status, right4(case).reason) == (
        DutyStatus.DECLINED,
        "Does not want support.",
    )
    assert not Notification.objects.exists()
    assert status(case).choice == automatic.Choice.OPTED_OUT
    assert status(case).choice_label == "Opted out: Does not want support."


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("rape", "sexual offences need the victim to agree"),
        ("abh_domestic", "domestic abuse needs the victim to agree"),
    ],
)
def test_an_offence_that_needs_consent_stays_a_draft_and_says_why(vs, code, why):
    case = make_case(code)
    assert sweep(TUESDAY) == []
    assert proposal(case).status == S.DRAFT
    assert right4(case).status == DutyStatus.DUE
    found = status(case)
    assert found.choice == automatic.Choice.NOT_ASKED
    assert found.reason == f"Not sent: waiting for the victim's consent: {why}."


def test_the_consent_rules_are_the_policy_in_force_on_the_day(vs):
    """A force that adds theft to the opt-in offences from 3 March: held from then."""
    case = make_case()
    ReferralPolicy.objects.create(
        name="Local policy",
        effective_from=datetime.date(2026, 3, 3),
        source="Force policy 2026/1",
        opt_in_flags=[],
        opt_in_roles=[PartyRole.VICTIM],
    )
    assert sweep(TUESDAY) == []
    assert status(case).reason == (
        "Not sent: waiting for the victim's consent: a victim must agree first."
    )


def test_a_bereaved_relative_must_agree_first(vs):
    case = make_case("theft_other")
    with time_machine.travel(REPORTED, tick=False):
        party = PartyFactory(case=case, person=PersonFactory(), role=PartyRole.BEREAVED)
    referral = Referral.objects.get(party=party, agency__kind=AgencyKind.VICTIM_SERVICE)
    assert referral.pk not in sweep(TUESDAY)
    referral.refresh_from_db()
    assert referral.status == S.DRAFT
    found = automatic.referral_status(
        referral,
        duty=Duty.objects.get(party=party, rule__met_by=MetBy.REFERRAL_SENT),
        policy=automatic.policy_in_force(),
        now=TUESDAY,
    )
    assert found.reason == (
        "Not sent: waiting for the victim's consent: bereaved close relatives need to agree."
    )


def test_once_the_victim_agrees_to_an_opt_in_referral_it_is_sent_with_their_answer(vs):
    case = make_case("rape")
    with time_machine.travel(REPORTED + datetime.timedelta(hours=2), tick=False):
        services.record_consent(
            referral=proposal(case),
            by=case.officer,
            lawful_basis=LawfulBasis.EXPLICIT_CONSENT,
            scope=[ShareItem.CONTACT, ShareItem.NEEDS],
            method=ConsentMethod.IN_PERSON,
        )
    sweep(TUESDAY)
    referral = proposal(case)
    assert (referral.status, referral.lawful_basis, referral.consent_scope) == (
        S.SENT,
        LawfulBasis.EXPLICIT_CONSENT,
        [ShareItem.CONTACT, ShareItem.NEEDS],
    )
    assert referral.consent_recorded_by == case.officer
    assert right4(case).status == DutyStatus.MET
    found = status(case)
    assert (found.choice, found.shared, found.reason) == (
        automatic.Choice.AGREED,
        ["Contact details and safe times", "Support needs"],
        "",
    )


def test_a_restricted_case_is_left_to_the_officer(vs):
    case = make_case(restricted=True)
    assert sweep(TUESDAY) == []
    assert status(case).reason == (
        "Not sent: the case is restricted, so an officer decides what is shared and sends it."
    )


def test_a_victim_who_is_not_safe_to_contact_by_every_route_is_left_to_the_officer(vs):
    case = make_case()
    person = victim_of(case).person
    cases.save_safe_contact(
        person=person,
        by=case.officer,
        expected_version=person.safe_contact.version,
        phone_safe=False,
    )
    assert sweep(TUESDAY) == []
    assert status(case).reason.startswith("Not sent: it is not safe to contact them by phone")


def test_a_service_that_needs_explicit_consent_waits_for_it(vs):
    vs.consent_basis = LawfulBasis.EXPLICIT_CONSENT
    vs.save()
    case = make_case()
    assert sweep(TUESDAY) == []
    assert status(case).reason == (
        "Not sent: waiting for the victim's consent: Northshire Victim Service needs the "
        "victim to agree."
    )


def test_nothing_is_sent_without_an_exception_to_consent_in_force_for_the_victim_service(vs):
    case = make_case()
    SharingException.objects.filter(code="legal_duty").update(
        effective_to=datetime.date(2026, 3, 3)
    )
    assert sweep(TUESDAY) == []
    assert status(case).reason == (
        "Not sent: no exception to consent in force allows sharing with Northshire Victim "
        "Service without the victim's answer: record it, or ask an administrator."
    )


def test_the_supervisors_review_keeps_automatic_referrals_apart_from_the_officers_own(client, vs):
    case = make_case()
    sweep(TUESDAY)
    officers_own = make_case(team=case.team, at=TUESDAY)
    with time_machine.travel(TUESDAY, tick=False):
        services.record_consent(
            referral=proposal(officers_own),
            by=officers_own.officer,
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            scope=[ShareItem.CONTACT],
            method="",
            sharing_exception=SharingException.objects.get(code="legal_duty"),
            sharing_reason="Victim cannot be reached; the service has an outreach worker.",
        )
    supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=case.team, user=supervisor, is_supervisor=True)
    assert proposal(case).shared_without_consent
    assert list(selectors.shared_without_consent(supervisor)) == [proposal(officers_own)]
    assert list(selectors.shared_without_consent(supervisor, automatic=True)) == [proposal(case)]
    client.force_login(supervisor)
    url = reverse("referrals-without-consent")
    officers = client.get(url).content.decode()
    assert "Victim cannot be reached" in officers
    assert officers.count("VictimCare, under the policy") == 0
    policy = client.get(url, {"sent": "victimcare"}).content.decode()
    assert policy.count("VictimCare, under the policy") == 1
    assert "Victim cannot be reached" not in policy


def test_only_the_victim_service_is_sent_automatically(vs):
    isva = AgencyFactory(kind=AgencyKind.ISVA, name="Northshire ISVA")
    case = make_case("rape")
    with time_machine.travel(REPORTED + datetime.timedelta(hours=2), tick=False):
        services.record_consent(
            referral=Referral.objects.get(agency=isva),
            by=case.officer,
            lawful_basis=LawfulBasis.EXPLICIT_CONSENT,
            scope=[ShareItem.CONTACT],
            method=ConsentMethod.IN_PERSON,
        )
    assert sweep(TUESDAY) == []
    assert Referral.objects.get(agency=isva).status == S.DRAFT


# --- the sweep's cost --------------------------------------------------------------------------


def _ineligible_cases(n):
    """Cases the sweep must pass over: opt-in offences, and proposals out of time."""
    for i in range(n):
        make_case("rape" if i % 2 else "theft_other", at=REPORTED - datetime.timedelta(days=8))
        make_case("abh_domestic")


def _queries(at):
    with CaptureQueriesContext(connection) as run, time_machine.travel(at, tick=False):
        automatic.send_due_referrals()
    return len(run.captured_queries)


@pytest.mark.parametrize("n", [2, 12])
def test_the_sweep_reads_a_fixed_number_of_queries_whatever_the_number_of_cases(
    vs, n, django_assert_num_queries
):
    _ineligible_cases(n)
    # The policy, the exception it relies on, the Right 4 rule rows, the drafts, the opt-outs.
    with django_assert_num_queries(5), time_machine.travel(TUESDAY, tick=False):
        assert automatic.send_due_referrals() == []


def test_the_sweep_costs_the_same_per_referral_sent(vs, vs_staff):
    _ineligible_cases(3)
    make_case()
    one = _queries(TUESDAY)
    for _ in range(3):
        make_case(at=REPORTED + datetime.timedelta(hours=1))
    three = _queries(TUESDAY + datetime.timedelta(hours=1))
    per_referral = one - 5
    assert three == 5 + 3 * per_referral
    assert per_referral <= 30


# --- shown to the officer ----------------------------------------------------------------------


def test_the_case_page_shows_the_victims_choice_and_what_was_shared(client, vs):
    case = make_case()
    sweep(TUESDAY)
    client.force_login(case.officer)
    with time_machine.travel(TUESDAY + datetime.timedelta(hours=1), tick=False):
        page = client.get(reverse("case-detail", kwargs={"pk": case.pk})).content.decode()
    assert "Right 4: referral to the victim service" in page
    assert "Not needed: referred unless they opt out" in page
    assert "by VictimCare" in page
    assert "Public task" in page
    assert "Contact details and safe times, The kind of crime and when" in page


def test_the_case_and_duty_pages_say_why_a_referral_waits(client, vs):
    case = make_case("rape")
    client.force_login(case.officer)
    why = (
        "Not sent: waiting for the victim&#x27;s consent: sexual offences need the victim to agree."
    )
    with time_machine.travel(TUESDAY, tick=False):
        page = client.get(reverse("case-detail", kwargs={"pk": case.pk})).content.decode()
        assert why in page
        assert "Not asked yet: they must agree first" in page
        url = reverse("duty", kwargs={"pk": case.pk, "duty_pk": right4(case).pk})
        duty_page = client.get(url).content.decode()
    assert why in duty_page
    assert "The victim&#x27;s choice: Not asked yet: they must agree first." in duty_page


def test_the_duty_page_says_victimcare_sent_it_and_what_it_shared(client, vs):
    case = make_case()
    sweep(TUESDAY)
    client.force_login(case.officer)
    url = reverse("duty", kwargs={"pk": case.pk, "duty_pk": right4(case).pk})
    page = client.get(url).content.decode()
    assert "Referral to Northshire Victim Service sent by VictimCare on 3 Mar 2026, 11:00." in page
    assert "Shared: Contact details and safe times, The kind of crime and when." in page
    assert "(Sent by VictimCare: referral to Northshire Victim Service)" in page


def test_the_case_page_shows_an_opt_out_and_that_nothing_was_sent(client, vs):
    case = make_case()
    with time_machine.travel(REPORTED + datetime.timedelta(hours=1), tick=False):
        duties.decline_duty(duty=right4(case), by=case.officer, reason="Has family support.")
    sweep(TUESDAY)
    client.force_login(case.officer)
    page = client.get(reverse("case-detail", kwargs={"pk": case.pk})).content.decode()
    people = page.split('id="people"', 1)[1]
    assert "Opted out: Has family support." in people
    assert "Not sent" in people
    assert "Shared" not in people


def test_the_referral_page_no_longer_says_nothing_is_sent_when_victimcare_will_send_it(client, vs):
    case = make_case()
    client.force_login(case.officer)
    url = reverse("referral", kwargs={"pk": case.pk, "referral_pk": proposal(case).pk})
    with time_machine.travel(REPORTED + datetime.timedelta(hours=1), tick=False):
        page = client.get(url).content.decode()
    assert "Nothing is sent until you send it" not in page
    assert "VictimCare sends it from 2 Mar 2026, 14:00 unless the victim opts out" in page


def test_the_api_gives_the_police_the_reason_and_the_agency_nothing_of_it(client, vs, vs_staff):
    waiting = make_case("rape")
    sent = make_case()
    sweep(TUESDAY)
    client.force_login(waiting.officer)
    with time_machine.travel(TUESDAY, tick=False):
        url = reverse("api-referral-detail", kwargs={"pk": proposal(waiting).pk})
        body = client.get(url).json()
    assert body["sent_automatically"] is False
    assert body["right4"] == {
        "victim_choice": "not_asked",
        "victim_choice_label": "Not asked yet: they must agree first",
        "waiting_reason": "Not sent: waiting for the victim's consent: sexual offences need the "
        "victim to agree.",
        "shared": [],
        "sent_automatically": False,
    }
    client.force_login(vs_staff[0])
    body = client.get(reverse("api-referral-detail", kwargs={"pk": proposal(sent).pk})).json()
    assert (body["sent_automatically"], body["right4"]) == (True, None)


def test_a_policy_cannot_share_what_is_not_a_share_item():
    policy = ReferralPolicy.objects.in_force(REPORTED.date())
    policy.automatic_scope = ["contact", "medical_records"]
    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert "automatic_scope" in refused.value.message_dict


def test_the_obligation_api_says_why_a_referral_waits_and_the_list_stays_lean(vs):
    case = make_case("rape")
    client = APIClient()
    client.force_authenticate(case.officer)
    with time_machine.travel(TUESDAY, tick=False):
        found = client.get(reverse("api-obligation-detail", args=[right4(case).pk])).json()
        listed = client.get(reverse("api-case-obligations", args=[case.pk])).json()
    assert found["notes"] == [
        "The victim's choice: Not asked yet: they must agree first.",
        "Not sent: waiting for the victim's consent: sexual offences need the victim to agree.",
    ]
    # The sentences cost queries per duty: only the one duty's answer carries them.
    assert all("notes" not in row for row in listed["results"])
