"""Reminders in the browser: the header count, the list, marking read, settings, and the
supervisors' record of who was reminded. Reminders are made by the sweeps on a frozen clock."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from accounts.services import add_to_team
from cases import services
from cases.models import ContactMethod, ContactPurpose, EventKind
from entitlements import services as engine
from entitlements.models import Duty, DutyStatus
from notifications import services as notify
from notifications.models import Kind, Notification, Preference
from tests.cases.factories import CaseFactory, offence
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)

ARRESTED = datetime.datetime(2026, 3, 13, 18, 0, tzinfo=LONDON)  # R7 due by the end of 20 March
THURSDAY = datetime.datetime(2026, 3, 19, 9, 0, tzinfo=LONDON)
SATURDAY = datetime.datetime(2026, 3, 21, 0, 15, tzinfo=LONDON)
NEXT_WEDNESDAY = datetime.datetime(2026, 3, 25, 8, 0, tzinfo=LONDON)

LIST = reverse("notification-list")
SETTINGS = reverse("notification-preferences")
SENT = reverse("notification-sent")


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


def arrest(officer, team) -> Duty:
    """A case whose only open duty is R7, owned by `officer`."""
    reported_at = ARRESTED - 10 * DAY
    case = CaseFactory(
        officer=officer,
        team=team,
        offence=offence("theft_other"),
        occurred_at=reported_at - HOUR,
        reported_at=reported_at,
        now=reported_at,
        victim={"first_name": "Philippa", "last_name": "Quenby-Marchbanks"},
    )
    Duty.objects.filter(case=case).update(status=DutyStatus.NOT_APPLICABLE)
    event = services.record_event(
        case=case, by=officer, kind=EventKind.ARREST, occurred_at=ARRESTED, now=ARRESTED
    )
    return Duty.objects.get(trigger_event=event, rule__code="R7")


def remind(*, overdue=False, escalate=False) -> list[int]:
    ids = notify.sweep_due_soon(now=THURSDAY)
    if overdue or escalate:
        engine.mark_missed(now=SATURDAY)
        ids += notify.sweep_overdue(now=SATURDAY)
    if escalate:
        ids += notify.sweep_escalations(working_days=2, now=NEXT_WEDNESDAY)
    for pk in ids:
        notify.deliver(pk, now=THURSDAY)
    return ids


def badge(content: str) -> str:
    match = re.search(r'Reminders <span class="badge text-bg-(\w+)">(\d+)</span>', content)
    assert match, "no reminders badge in the header"
    return f"{match[2]} {match[1]}"


def meet(duty, at=SATURDAY + HOUR):
    services.record_contact(
        case=duty.case,
        party=duty.party,
        by=duty.case.officer,
        occurred_at=at,
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.OTHER,
        summary="Told them about the arrest",
        meets=[duty],
        now=at,
    )


# --- the header --------------------------------------------------------------------------------


def test_the_header_shows_how_many_reminders_are_unread(client, team, officer, supervisor):
    arrest(officer, team)
    arrest(officer, team)
    remind(overdue=True)  # due soon and overdue, for each of the two duties
    client.force_login(officer)

    response = client.get(reverse("home"), follow=True)

    assert response.context["unread_notifications"] == 4
    assert badge(response.content.decode()) == "4 warning"
    client.post(LIST, {"all": "1"})
    assert badge(client.get(LIST).content.decode()) == "0 secondary"


def test_reminders_about_a_duty_since_met_are_not_counted_as_unread(
    client, team, officer, supervisor
):
    r7 = arrest(officer, team)
    other = arrest(officer, team)
    remind(escalate=True)
    meet(r7)

    client.force_login(officer)
    assert badge(client.get(LIST).content.decode()) == "2 warning"  # the other duty's two
    client.force_login(supervisor)
    # The other duty's overdue reminder, and the escalation list (about no one duty).
    assert badge(client.get(LIST).content.decode()) == "2 warning"
    assert Notification.objects.filter(recipient=supervisor, read_at__isnull=True).count() == 3

    meet(other)
    assert badge(client.get(LIST).content.decode()) == "1 warning"


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shows_my_reminders_with_links_to_the_duty(client, team, officer, supervisor):
    r7 = arrest(officer, team)
    someone_elses = arrest(make_user(Role.OFFICER), team)
    remind(overdue=True)
    client.force_login(officer)

    content = client.get(LIST).content.decode()

    link = reverse("duty", kwargs={"pk": r7.case_id, "duty_pk": r7.pk})
    assert content.count(f'href="{link}"') == 2  # due soon, then overdue
    assert f"Overdue: Tell them the suspect was arrested ({r7.case.crime_reference})" in content
    assert f"Due soon: Tell them the suspect was arrested ({r7.case.crime_reference})" in content
    assert someone_elses.case.crime_reference not in content
    assert "Philippa" not in content


def test_a_reminder_about_a_met_duty_says_so(client, team, officer):
    r7 = arrest(officer, team)
    remind()
    meet(r7, at=THURSDAY + HOUR)
    client.force_login(officer)
    content = client.get(LIST).content.decode()
    assert '<span class="badge text-bg-success">Met</span>' in content
    assert badge(content) == "0 secondary"


def test_marking_one_reminder_as_read(client, team, officer, supervisor):
    arrest(officer, team)
    remind(overdue=True)
    due_soon = Notification.objects.get(recipient=officer, kind=Kind.DUE_SOON)
    theirs = Notification.objects.get(recipient=supervisor)
    client.force_login(officer)

    response = client.post(LIST, {"id": due_soon.pk}, follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    assert "1 marked as read." in response.content.decode()
    unread = Notification.objects.filter(read_at__isnull=True)
    assert set(unread.values_list("recipient_id", "kind")) == {
        (officer.pk, Kind.OVERDUE),
        (supervisor.pk, Kind.OVERDUE),
    }
    assert badge(response.content.decode()) == "1 warning"

    # Someone else's reminder, or something that is not an id, marks nothing.
    response = client.post(LIST, {"id": [theirs.pk, "abc", ""]}, follow=True)
    assert "0 marked as read." in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_all_reminders_as_read(client, team, officer, supervisor):
    arrest(officer, team)
    arrest(officer, team)
    remind(overdue=True)
    client.force_login(officer)

    response = client.post(LIST, {"all": "1"}, follow=True)

    assert "4 marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=supervisor, read_at__isnull=True).count() == 2


# --- settings ----------------------------------------------------------------------------------


def test_the_settings_page_saves_preferences(client, officer):
    client.force_login(officer)
    assert client.get(SETTINGS).status_code == 200

    response = client.post(
        SETTINGS,
        {"digest": "on", "digest_hour": "18", "sms": "on", "mobile_number": "07700 900123"},
    )

    assert response.status_code == 302
    pref = Preference.objects.get(user=officer)
    assert (pref.email, pref.digest, pref.digest_hour, pref.sms, pref.mobile_number) == (
        False,
        True,
        18,
        True,
        "07700 900123",
    )

    client.post(SETTINGS, {"email": "on", "digest_hour": "7"})
    pref.refresh_from_db()
    assert (pref.email, pref.digest, pref.digest_hour, pref.sms) == (True, False, 7, False)
    assert Preference.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"email": "on", "sms": "on", "mobile_number": "", "digest_hour": "7"},
            "Enter a mobile number to get text messages.",
        ),
        ({"email": "on", "digest": "on", "digest_hour": "24"}, "Enter an hour from 0 to 23."),
        ({"email": "on", "digest": "on", "digest_hour": "-1"}, "greater than or equal to 0"),
    ],
)
def test_the_settings_page_refuses_what_cannot_work(client, officer, data, error):
    client.force_login(officer)

    response = client.post(SETTINGS, data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Preference.objects.filter(user=officer).exists()


# --- who was reminded --------------------------------------------------------------------------


def test_supervisors_see_who_was_reminded_about_their_teams_cases(
    client, team, officer, supervisor
):
    officer.first_name, officer.last_name = "Dana", "Whitlock"
    officer.save()
    r7 = arrest(officer, team)
    elsewhere = arrest(make_user(Role.OFFICER), TeamFactory())
    remind(escalate=True)
    client.force_login(supervisor)

    response = client.get(SENT)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Dana Whitlock" in content
    assert content.count(r7.case.crime_reference) == 4  # due soon, two overdue, the escalation
    assert "1 duty still overdue after 2 working days" in content
    assert "Sent" in content and "Not yet" in content
    assert elsewhere.case.crime_reference not in content


def test_officers_cannot_see_who_was_reminded(client, officer):
    client.force_login(officer)
    assert client.get(SENT).status_code == 403


def test_support_agency_users_see_only_their_own_reminders(client, agency_user):
    """Agency staff are reminded of referrals waiting for an answer; they never see who else
    was reminded."""
    client.force_login(agency_user)
    assert client.get(LIST).status_code == 200
    assert client.get(SETTINGS).status_code == 200
    assert client.get(SENT).status_code == 403
    assert "Reminders" in client.get(reverse("profile")).content.decode()


def test_the_settings_rules_hold_outside_the_page_too(officer):
    with pytest.raises(ValidationError) as refused:
        notify.save_preferences(
            user=officer, email=True, digest=True, digest_hour=24, sms=True, mobile_number=" "
        )
    assert set(refused.value.message_dict) == {"digest_hour", "mobile_number"}
    assert not Preference.objects.filter(user=officer).exists()
