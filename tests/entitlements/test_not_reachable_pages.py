"""Where a duty flagged "not reachable" shows: the duty page says what to try next (a safe way
not tried yet, the alternative contact), the officer's home lists it, and the team's supervisor
has a paged "cannot reach" list linked from their home. Each duty on the officer's home opens
the person's contact form with the duty ticked and a safe way chosen."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import add_to_team
from cases import services
from cases.models import ContactMethod, ContactPurpose, EventKind
from entitlements import services as engine
from entitlements.models import Duty
from tests.cases.factories import CaseFactory, outcome, victim_of
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db


def _flagged_duty(*, team=None, officer=None) -> Duty:
    kwargs = {"team": team} if team else {}
    if officer:
        kwargs["officer"] = officer
    case = CaseFactory(**kwargs)
    services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.ARREST,
        occurred_at=timezone.now() - datetime.timedelta(hours=3),
    )
    duty = Duty.objects.get(party=victim_of(case), rule__trigger="arrest")
    person = duty.party.person
    services.save_safe_contact(
        person=person,
        by=case.officer,
        expected_version=person.safe_contact.version,
        text_safe=False,
        alternative_contact="Her sister, on the number in the notes",
    )
    for minutes in (150, 120, 90):
        services.record_contact(
            case=case,
            party=duty.party,
            by=case.officer,
            occurred_at=timezone.now() - datetime.timedelta(minutes=minutes),
            method=ContactMethod.PHONE,
            purpose=ContactPurpose.UPDATE,
            outcome=outcome("no_answer"),
            summary="Rang",
            meets=[duty],
        )
    assert engine.flag_not_reachable() == [duty.pk]
    duty.refresh_from_db()
    return duty


def test_the_duty_page_says_to_try_a_safe_way_not_tried_yet_or_the_alternative(client):
    duty = _flagged_duty()
    client.force_login(duty.case.officer)
    page = client.get(reverse("duty", args=[duty.case_id, duty.pk])).content.decode()
    assert "Could not reach them" in page
    assert "3 or more attempts did not reach them" in page
    # Phone was tried, text messages are not safe for her: email is next.
    assert "Try a way not tried yet that is safe for them: email." in page
    assert "Or their alternative contact: Her sister, on the number in the notes." in page
    assert f"/contact/?duty={duty.pk}" in page


def test_the_officers_home_lists_who_they_could_not_reach(client, django_assert_max_num_queries):
    duty = _flagged_duty()
    client.force_login(duty.case.officer)
    page = client.get(reverse("home-officer")).content.decode()
    assert "People you could not reach" in page
    assert "3 or more attempts did not reach them" in page
    assert reverse("duty", args=[duty.case_id, duty.pk]) in page
    # One query more than before, whatever the number flagged: the flagged rows (and one more).
    for _ in range(6):
        _flagged_duty(officer=duty.case.officer)
    # 14 with the messages sent through Track my case waiting for a reply (one query).
    with django_assert_max_num_queries(14):
        page = client.get(reverse("home-officer")).content.decode()
    assert "And more:" in page


def test_the_supervisor_sees_the_cannot_reach_list_paged_in_bounded_queries(
    client, django_assert_num_queries
):
    team = TeamFactory()
    supervisor = make_user(Role.SUPERVISOR)
    add_to_team(team=team, user=supervisor, is_supervisor=True)
    duty = _flagged_duty(team=team)
    other_team = _flagged_duty()
    client.force_login(supervisor)

    home = client.get(reverse("home-supervisor")).content.decode()
    assert "1 duty on your teams' cases is waiting" in home
    assert reverse("cannot-reach") in home

    with django_assert_num_queries(9) as few:
        page = client.get(reverse("cannot-reach")).content.decode()
    assert reverse("duty", args=[duty.case_id, duty.pk]) in page
    assert reverse("duty", args=[other_team.case_id, other_team.pk]) not in page
    assert "3 or more attempts did not reach them" in page
    for _ in range(2):
        _flagged_duty(team=team)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("cannot-reach"))


def test_an_officer_may_not_open_the_cannot_reach_list(client):
    client.force_login(make_user(Role.OFFICER))
    assert client.get(reverse("cannot-reach")).status_code == 403


def test_log_contact_from_a_duty_chooses_the_duty_and_a_safe_way_and_no_outcome(client):
    duty = _flagged_duty()
    client.force_login(duty.case.officer)
    url = reverse("person-contact", args=[duty.case_id, duty.party_id]) + f"?duty={duty.pk}"
    page = client.get(url)
    form = page.context["form"]
    assert form.initial["meets"] == [duty.pk]
    assert form.initial["method"] == ContactMethod.EMAIL  # phone tried, text not safe
    assert "outcome" not in form.initial

    response = client.post(
        url,
        {
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "method": "email",
            "purpose": "update",
            "outcome": outcome().pk,
            "summary": "Told her",
            "meets": [duty.pk],
        },
    )
    assert response.status_code == 302 and response.url == reverse("home")
    duty.refresh_from_db()
    assert duty.status == "met"


def test_log_contact_for_another_persons_duty_chooses_none(client):
    duty = _flagged_duty()
    other = _flagged_duty(officer=duty.case.officer)
    client.force_login(duty.case.officer)
    url = reverse("person-contact", args=[duty.case_id, duty.party_id]) + f"?duty={other.pk}"
    assert "meets" not in client.get(url).context["form"].initial
