"""Duties in the browser: the case checklist, resolving a duty, the worklist, Right 3 letters."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Role
from cases import services
from entitlements import calendar, selectors
from entitlements.models import Duty, DutyStatus
from tests.cases.factories import CaseFactory, PartyFactory, outcome, victim_of
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db


def _arrest(case, *, hours_ago=1):
    return services.record_event(
        case=case,
        by=case.officer,
        kind="arrest",
        occurred_at=timezone.now() - datetime.timedelta(hours=hours_ago),
    )


def test_the_case_page_lists_each_persons_entitlements_with_why(client):
    case = CaseFactory()
    _arrest(case)
    client.force_login(case.officer)
    content = client.get(reverse("case-detail", kwargs={"pk": case.pk})).content.decode()
    assert "Tell them the suspect was arrested" in content
    assert "Why is this due?" in content and "5 working days for standard rights" in content


def test_logging_a_contact_can_meet_a_duty_in_one_step(client):
    case = CaseFactory()
    _arrest(case)
    duty = Duty.objects.get(case=case, rule__code="R7")
    client.force_login(case.officer)
    response = client.post(
        reverse("contact-create", kwargs={"pk": case.pk}),
        {
            "party": victim_of(case).pk,
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "method": "phone",
            "direction": "outgoing",
            "outcome": outcome().pk,
            "purpose": "update",
            "summary": "Told him about the arrest",
            "meets": [duty.pk],
        },
    )
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.status == DutyStatus.MET and duty.met_contact is not None


def test_a_contact_cannot_meet_another_persons_duty(client):
    case = CaseFactory()
    witness = PartyFactory(case=case)
    _arrest(case)
    duty = Duty.objects.get(case=case, rule__code="R7")
    client.force_login(case.officer)
    response = client.post(
        reverse("contact-create", kwargs={"pk": case.pk}),
        {
            "party": witness.pk,
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "method": "phone",
            "direction": "outgoing",
            "outcome": outcome().pk,
            "purpose": "other",
            "summary": "Spoke to the witness",
            "meets": [duty.pk],
        },
    )
    assert "Choose only open duties owed to the person you contacted." in response.content.decode()
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DUE


def test_an_officer_declines_a_duty_with_a_reason_but_cannot_waive(client):
    case = CaseFactory()
    _arrest(case)
    duty = Duty.objects.get(case=case, rule__code="R7")
    url = reverse("duty", kwargs={"pk": case.pk, "duty_pk": duty.pk})
    client.force_login(case.officer)
    page = client.get(url).content.decode()
    assert "Waive it" not in page and "Why is this due?" in page
    refused = client.post(url, {"action": "decline", "note": ""})
    assert "Give the reason." in refused.content.decode()
    client.post(url, {"action": "decline", "note": "Asked not to hear about arrests"})
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DECLINED and duty.reason.startswith("Asked not")


def test_a_supervisor_waives_a_duty(client):
    case = CaseFactory()
    _arrest(case)
    duty = Duty.objects.get(case=case, rule__code="R7")
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=case.team, user=supervisor, is_supervisor=True)
    client.force_login(supervisor)
    url = reverse("duty", kwargs={"pk": case.pk, "duty_pk": duty.pk})
    client.post(url, {"action": "waive", "note": "Victim abroad, no contact possible"})
    duty.refresh_from_db()
    assert duty.status == DutyStatus.WAIVED and duty.resolved_by == supervisor


def test_the_officer_home_shows_overdue_and_due_duties(client, django_assert_num_queries):
    officer = make_user(Role.OFFICER)
    team = TeamFactory()
    accounts_services.add_to_team(team=team, user=officer)
    old = CaseFactory(officer=officer, team=team, now=timezone.now() - datetime.timedelta(days=20))
    Duty.objects.filter(case=old).update(due_at=timezone.now() - datetime.timedelta(days=1))
    CaseFactory(officer=officer, team=team)  # duties due now and today, listed in full
    client.force_login(officer)
    content = client.get(reverse("home-officer")).content.decode()
    assert "Overdue" in content and old.crime_reference in content
    # 13: the session, user, teams and page's own reads, the time allowed to record a crime
    # (what is "due now" rather than "overdue"), the few columns of every open duty the officer
    # owns (every count, group and "not reachable" flag made from them), the duties listed,
    # and the messages sent through Track my case waiting for a reply.
    with django_assert_num_queries(13) as few:
        client.get(reverse("home-officer"))
    for _ in range(5):
        CaseFactory(officer=officer, team=team)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("home-officer"))


def test_the_busiest_officers_home_counts_overdue_duties_per_case_and_lists_today_in_full(
    client, monkeypatch
):
    officer = make_user(Role.OFFICER)
    team = TeamFactory()
    accounts_services.add_to_team(team=team, user=officer)
    now = timezone.now()
    cases = [CaseFactory(officer=officer, team=team) for _ in range(4)]
    open_duties = Duty.objects.filter(case__in=cases, status=DutyStatus.DUE).order_by("id")
    total = open_duties.count()
    assert total > 6
    # Every one overdue, a minute apart: the first case's deadlines are the oldest.
    for i, duty in enumerate(open_duties):
        Duty.objects.filter(pk=duty.pk).update(due_at=now - datetime.timedelta(minutes=100 - i))
    soonest = list(open_duties.order_by("due_at", "id"))
    client.force_login(officer)
    monkeypatch.setattr(selectors, "OVERDUE_CASES", 2)
    content = client.get(reverse("home-officer")).content.decode()
    assert f"Overdue ({total})" in content
    assert f"{total} duties past their deadline in 4 cases; the 2 waiting longest:" in content
    oldest_first = list(dict.fromkeys(d.case for d in soonest))
    for case in oldest_first[:2]:
        assert reverse("case-detail", args=[case.pk]) in content
    assert oldest_first[3].crime_reference not in content
    # Overdue duties are counted, not listed: the page stays short.
    assert reverse("duty", args=[soonest[0].case_id, soonest[0].pk]) not in content
    # What is due today is listed in full, each with its own link.
    later = soonest[-1]
    end_of_today = calendar.end_of_day(timezone.localdate())
    Duty.objects.filter(pk=later.pk).update(due_at=end_of_today)
    content = client.get(reverse("home-officer")).content.decode()
    assert f"Overdue ({total - 1})" in content and "Due today (1)" in content
    assert reverse("duty", args=[later.case_id, later.pk]) in content
    Duty.objects.filter(pk=later.pk).update(due_at=soonest[-1].due_at)
    listed = client.get(reverse("my-duties")).content.decode()
    assert reverse("duty", args=[soonest[6].case_id, soonest[6].pk]) in listed
    assert f"{total} in all" in listed


def test_all_your_duties_is_paged_and_holds_only_your_own(client, django_assert_num_queries):
    officer, other = make_user(Role.OFFICER), make_user(Role.OFFICER)
    team = TeamFactory()
    accounts_services.add_to_team(team=team, user=officer)
    accounts_services.add_to_team(team=team, user=other)
    mine = CaseFactory(officer=officer, team=team)
    theirs = CaseFactory(officer=other, team=team)
    client.force_login(officer)
    page = client.get(reverse("my-duties")).content.decode()
    assert mine.crime_reference in page and theirs.crime_reference not in page
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("my-duties"))
    for _ in range(30):
        CaseFactory(officer=officer, team=team)
    with django_assert_num_queries(len(few.captured_queries)):
        second = client.get(reverse("my-duties"), {"page": 2}).content.decode()
    assert 'aria-label="Pages of your open duties"' in second


def test_the_acknowledgement_is_emailed_where_safe_and_meets_the_duty(
    client, django_capture_on_commit_callbacks
):
    case = CaseFactory(victim={"first_name": "Ana", "last_name": "Lee", "email": "ana@example.com"})
    victim = victim_of(case)
    client.force_login(case.officer)
    url = reverse("acknowledgement", kwargs={"pk": case.pk, "party_pk": victim.pk})
    page = client.get(url).content.decode()
    assert case.crime_reference in page and "Dear Ana" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"delivery": "email"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.com"]
    assert Duty.objects.get(party=victim, rule__code="R2").status == DutyStatus.MET


def test_the_acknowledgement_is_never_emailed_when_email_is_unsafe(client):
    case = CaseFactory(victim={"first_name": "Ana", "last_name": "Lee", "email": "ana@example.com"})
    victim = victim_of(case)
    person = victim.person
    services.save_safe_contact(
        person=person,
        by=case.officer,
        expected_version=person.safe_contact.version,
        email_safe=False,
    )
    client.force_login(case.officer)
    url = reverse("acknowledgement", kwargs={"pk": case.pk, "party_pk": victim.pk})
    assert "Email is not safe" in client.get(url).content.decode()
    response = client.post(url, {"delivery": "email"})
    assert "Email is not safe" in response.content.decode()
    assert mail.outbox == []
    assert Duty.objects.get(party=victim, rule__code="R2").status == DutyStatus.DUE


def test_your_rights_speaks_to_an_enhanced_victim(client):
    from tests.cases.factories import offence

    case = CaseFactory(offence=offence("abh_domestic"))
    client.force_login(case.officer)
    url = reverse("your-rights", kwargs={"pk": case.pk, "party_pk": victim_of(case).pk})
    content = client.get(url).content.decode()
    assert "enhanced rights" in content and "within 1 working day" in content


def test_the_guidance_explains_working_days_to_staff_only(client):
    client.force_login(make_user(Role.OFFICER))
    content = client.get(reverse("guidance")).content.decode()
    assert "The day itself never counts" in content and "R7" in content
    client.force_login(make_user(Role.AGENCY))
    assert client.get(reverse("guidance")).status_code == 403
