"""Nothing impossible is stored: a date in the future, before 1900, or a victim born after the
offence is refused with a message on its field, in every form and every API write alike."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as accounts_services
from accounts.models import Role
from cases import dates, services
from cases.models import (
    Case,
    CaseEvent,
    Contact,
    EventKind,
    Party,
    PartyRole,
    Person,
    SpecialMeasuresRecord,
    WitnessCare,
)
from entitlements.models import Duty, DutyStatus
from tests.factories import TeamFactory, make_user

from .factories import CaseFactory, offence, outcome, victim_of

pytestmark = pytest.mark.django_db

FUTURE = dates.IN_FUTURE
EARLY = dates.TOO_EARLY


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def _ahead(**delta) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**delta)


YEAR_1899 = datetime.datetime(1899, 12, 31, 12, 0, tzinfo=datetime.UTC)
YEAR_2100 = datetime.datetime(2100, 1, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def case():
    case = CaseFactory()
    accounts_services.add_to_team(team=case.team, user=case.officer)
    return case


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


# --- the rule itself -----------------------------------------------------------------------------


def test_the_rule_judges_against_the_clock_it_is_given():
    now = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    assert dates.past_moment_error(now + datetime.timedelta(minutes=4), now=now) is None
    assert dates.past_moment_error(now + datetime.timedelta(minutes=6), now=now) == FUTURE
    assert dates.past_moment_error(YEAR_1899, now=now) == EARLY
    assert dates.ahead_moment_error(now + datetime.timedelta(days=300), now=now) is None
    assert dates.ahead_moment_error(YEAR_2100, now=now) == dates.TOO_FAR_AHEAD
    today = now.date()
    assert dates.date_of_birth_error(datetime.date(2100, 1, 1), today=today) == (
        "A date of birth cannot be in the future."
    )
    assert dates.date_of_birth_error(datetime.date(1899, 1, 1), today=today) == (
        "Enter a date of birth from 1900 onwards."
    )
    assert "after the offence (1 February 2026)" in dates.date_of_birth_error(
        datetime.date(2026, 2, 2), today=today, offence_on=datetime.date(2026, 2, 1)
    )


# --- the pages -----------------------------------------------------------------------------------


def _new_case(team, officer, **overrides) -> dict:
    data = {
        "crime_reference": "NS/054321/26",
        "offence": offence("burglary_residential").pk,
        "occurred_at": _local(_ago(hours=5)),
        "reported_at": _local(_ago(hours=3)),
        "team": team.pk,
        "officer": officer.pk,
        "thrive_grade": "scheduled",
        "victim_role": PartyRole.VICTIM,
        "vulnerable": "no",
        "victim-first_name": "Amira",
        "victim-last_name": "Haddad",
        "victim-preferred_language": "English",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"occurred_at": _local(_ahead(days=2))}, "occurred_at", FUTURE),
        ({"reported_at": _local(_ahead(days=2))}, "reported_at", FUTURE),
        ({"recorded_at": _local(_ahead(days=2))}, "recorded_at", FUTURE),
        ({"occurred_at": _local(YEAR_1899)}, "occurred_at", EARLY),
        ({"occurred_at": _local(YEAR_2100)}, "occurred_at", FUTURE),
        (
            {"reported_at": _local(_ago(hours=8))},
            "reported_at",
            "The crime cannot have been reported before it happened.",
        ),
        (
            {"recorded_at": _local(_ago(hours=4))},
            "recorded_at",
            "The crime cannot have been recorded before it was reported.",
        ),
    ],
)
def test_a_new_case_with_an_impossible_date_is_refused_on_the_field(
    client, overrides, field, message
):
    officer, team = make_user(Role.OFFICER), TeamFactory()
    client.force_login(officer)
    response = client.post(reverse("case-create"), _new_case(team, officer, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert 'value="Amira"' in response.content.decode()
    assert not Case.objects.exists() and not Duty.objects.exists()


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ("2100-01-01", "A date of birth cannot be in the future."),
        ("1899-12-31", "Enter a date of birth from 1900 onwards."),
    ],
)
def test_a_new_victim_with_an_impossible_birth_date_is_refused_on_the_field(client, born, message):
    officer, team = make_user(Role.OFFICER), TeamFactory()
    client.force_login(officer)
    data = _new_case(team, officer, **{"victim-date_of_birth": born})
    response = client.post(reverse("case-create"), data)
    assert response.context["victim"].errors["date_of_birth"] == [message]
    assert not Case.objects.exists() and not Person.objects.exists()


def test_a_new_victim_born_after_the_offence_is_refused_on_their_date_of_birth(client):
    officer, team = make_user(Role.OFFICER), TeamFactory()
    client.force_login(officer)
    occurred = _ago(days=400)
    born = (timezone.localdate(occurred) + datetime.timedelta(days=30)).isoformat()
    data = _new_case(
        team,
        officer,
        occurred_at=_local(occurred),
        reported_at=_local(occurred + datetime.timedelta(hours=1)),
        **{"victim-date_of_birth": born},
    )
    response = client.post(reverse("case-create"), data)
    [error] = response.context["victim"].errors["date_of_birth"]
    assert error.startswith("This date of birth is after the offence")
    assert not Case.objects.exists() and not Person.objects.exists()


# (url name, per-person?, valid data, field given an impossible value, value, message, model)
PAGE_CASES = [
    (
        "contact-create",
        False,
        lambda party: {
            "party": party.pk,
            "method": "phone",
            "direction": "outgoing",
            "outcome": outcome().pk,
            "purpose": "update",
            "summary": "Called",
        },
        "occurred_at",
        _ahead(days=1),
        FUTURE,
        Contact,
    ),
    (
        "contact-create",
        False,
        lambda party: {
            "party": party.pk,
            "method": "phone",
            "direction": "outgoing",
            "outcome": outcome().pk,
            "purpose": "update",
            "summary": "Called",
        },
        "occurred_at",
        YEAR_1899,
        EARLY,
        Contact,
    ),
    (
        "event-create",
        False,
        lambda party: {"kind": EventKind.ARREST},
        "occurred_at",
        _ahead(days=1),
        FUTURE,
        CaseEvent,
    ),
    (
        "event-create",
        False,
        lambda party: {"kind": EventKind.VERDICT, "occurred_at": _local(_ago(hours=2))},
        "received_at",
        _ahead(days=1),
        FUTURE,
        CaseEvent,
    ),
    (
        "event-create",
        False,
        lambda party: {
            "kind": EventKind.HEARING_LISTED,
            "occurred_at": _local(_ago(hours=2)),
            "received_at": _local(_ago(hours=1)),
            "venue": "Northtown Crown Court",
        },
        "hearing_at",
        YEAR_2100,
        dates.TOO_FAR_AHEAD,
        CaseEvent,
    ),
    (
        "special-measures",
        True,
        lambda party: {"eligibility": "vulnerable", "status": "granted"},
        "decision_at",
        _ahead(days=1),
        FUTURE,
        SpecialMeasuresRecord,
    ),
    (
        "special-measures",
        True,
        lambda party: {"eligibility": "vulnerable", "status": "mg2_submitted"},
        "mg2_submitted_at",
        YEAR_1899,
        EARLY,
        SpecialMeasuresRecord,
    ),
    (
        "witness-care",
        True,
        lambda party: {"version": 1},
        "court_needs_assessed_at",
        _ahead(days=1),
        FUTURE,
        WitnessCare,
    ),
]


@pytest.mark.parametrize(
    ("url_name", "per_person", "valid", "field", "value", "message", "model"),
    PAGE_CASES,
    ids=[f"{c[0]}-{c[3]}-{c[5][:12]}" for c in PAGE_CASES],
)
def test_every_record_form_refuses_an_impossible_date_on_its_field(
    client, case, url_name, per_person, valid, field, value, message, model
):
    party = victim_of(case)
    kwargs = {"pk": case.pk, **({"party_pk": party.pk} if per_person else {})}
    client.force_login(case.officer)
    before = model.objects.count()
    data = {"occurred_at": _local(_ago(hours=1)), **valid(party), field: _local(value)}
    response = client.post(reverse(url_name, kwargs=kwargs), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert model.objects.count() == before


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ("2100-01-01", "A date of birth cannot be in the future."),
        ("1899-06-30", "Enter a date of birth from 1900 onwards."),
    ],
)
@pytest.mark.parametrize("url_name", ["party-add", "person-edit"])
def test_person_forms_refuse_an_impossible_date_of_birth(client, case, url_name, born, message):
    party = victim_of(case)
    client.force_login(case.officer)
    data = {
        "first_name": "Dan",
        "last_name": "Reyes",
        "preferred_language": "English",
        "date_of_birth": born,
        "role": PartyRole.WITNESS,
        "version": party.person.version,
    }
    kwargs = {"pk": case.pk} if url_name == "party-add" else {"pk": case.pk, "party_pk": party.pk}
    response = client.post(reverse(url_name, kwargs=kwargs), data)
    assert response.context["form"].errors["date_of_birth"] == [message]
    assert not Person.objects.filter(date_of_birth=born).exists()
    assert not Party.objects.filter(case=case, enhanced=True).exists()


@pytest.mark.parametrize("url_name", ["party-add", "person-edit"])
def test_a_victim_or_witness_born_after_the_offence_is_refused_on_the_field(client, case, url_name):
    party = victim_of(case)
    client.force_login(case.officer)
    born = timezone.localdate(case.occurred_at) + datetime.timedelta(days=1)
    data = {
        "first_name": "Dan",
        "last_name": "Reyes",
        "preferred_language": "English",
        "date_of_birth": born.isoformat(),
        "role": PartyRole.WITNESS,
        "version": party.person.version,
    }
    kwargs = {"pk": case.pk} if url_name == "party-add" else {"pk": case.pk, "party_pk": party.pk}
    response = client.post(reverse(url_name, kwargs=kwargs), data)
    [error] = response.context["form"].errors["date_of_birth"]
    assert error.startswith("This date of birth is after the offence")
    assert not Person.objects.filter(date_of_birth=born).exists()


def test_a_bereaved_relative_may_be_born_after_the_offence(case):
    born = timezone.localdate(case.occurred_at)
    person = services.create_person(by=case.officer, first_name="A", last_name="B")
    person.date_of_birth = born
    person.save()
    party = services.add_party(case=case, person=person, role=PartyRole.BEREAVED, by=case.officer)
    assert party.pk is not None


def test_moving_the_offence_before_a_victims_birth_is_refused_on_the_offence_date(client, case):
    person = victim_of(case).person
    services.update_person(
        person=person,
        by=case.officer,
        expected_version=person.version,
        date_of_birth=timezone.localdate(case.occurred_at) - datetime.timedelta(days=10),
    )
    with pytest.raises(services.ValidationError) as refused:
        services.update_case(
            case=case,
            by=case.officer,
            expected_version=case.version,
            occurred_at=case.occurred_at - datetime.timedelta(days=30),
            reported_at=case.reported_at,
        )
    assert (
        "Someone in the case was born after this date"
        in refused.value.message_dict["occurred_at"][0]
    )


def test_the_case_edit_form_refuses_a_future_offence(client, case):
    client.force_login(case.officer)
    data = {
        "offence": case.offence.pk,
        "team": case.team.pk,
        "officer": case.officer.pk,
        "thrive_grade": case.thrive_grade,
        "occurred_at": _local(_ahead(days=3)),
        "reported_at": _local(case.reported_at),
        "version": case.version,
    }
    response = client.post(reverse("case-edit", kwargs={"pk": case.pk}), data)
    assert response.context["form"].errors["occurred_at"] == [FUTURE]
    assert Case.objects.get(pk=case.pk).occurred_at == case.occurred_at


def test_a_duty_cannot_be_marked_met_in_the_future_on_the_page(client, case):
    duty = Duty.objects.filter(case=case, status=DutyStatus.DUE).first()
    client.force_login(case.officer)
    response = client.post(
        reverse("duty", kwargs={"pk": case.pk, "duty_pk": duty.pk}),
        {"action": "meet", "met_at": _local(_ahead(days=1)), "note": "Phoned"},
    )
    assert response.context["form"].errors["met_at"] == [FUTURE]
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DUE


# --- the API -------------------------------------------------------------------------------------


def _case_body(team, officer, **overrides) -> dict:
    body = {
        "crime_reference": "NS/012345/26",
        "offence": offence("abh_domestic").pk,
        "occurred_at": _ago(days=1, hours=2).isoformat(),
        "reported_at": _ago(days=1).isoformat(),
        "team": team.pk,
        "officer": officer.pk,
        "thrive_grade": "priority",
        "victim": {"person": {"first_name": "Alex", "last_name": "Morgan"}},
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"occurred_at": _ahead(days=2).isoformat()}, {"occurred_at": [FUTURE]}),
        (
            {"occurred_at": YEAR_2100.isoformat(), "reported_at": YEAR_2100.isoformat()},
            {"occurred_at": [FUTURE], "reported_at": [FUTURE]},
        ),
        ({"recorded_at": _ahead(days=2).isoformat()}, {"recorded_at": [FUTURE]}),
        ({"occurred_at": YEAR_1899.isoformat()}, {"occurred_at": [EARLY]}),
        (
            {"reported_at": _ago(days=3).isoformat()},
            {"reported_at": ["The crime cannot have been reported before it happened."]},
        ),
        (
            {
                "victim": {
                    "person": {"first_name": "A", "last_name": "B", "date_of_birth": "2100-01-01"}
                }
            },
            {"victim": {"person": {"date_of_birth": ["A date of birth cannot be in the future."]}}},
        ),
    ],
)
def test_the_api_refuses_a_case_with_an_impossible_date(overrides, expected):
    officer, team = make_user(Role.OFFICER), TeamFactory()
    response = _api(officer).post(
        reverse("api-case-list"), _case_body(team, officer, **overrides), format="json"
    )
    assert response.status_code == 400
    assert response.json() == expected
    assert not Case.objects.exists() and not Duty.objects.exists()


def test_the_api_refuses_a_victim_born_after_the_offence():
    officer, team = make_user(Role.OFFICER), TeamFactory()
    occurred = _ago(days=400)
    born = (timezone.localdate(occurred) + datetime.timedelta(days=5)).isoformat()
    body = _case_body(
        team,
        officer,
        occurred_at=occurred.isoformat(),
        reported_at=(occurred + datetime.timedelta(hours=1)).isoformat(),
        victim={"person": {"first_name": "A", "last_name": "B", "date_of_birth": born}},
    )
    response = _api(officer).post(reverse("api-case-list"), body, format="json")
    assert response.status_code == 400
    [error] = response.json()["victim"]["person"]["date_of_birth"]
    assert error.startswith("This date of birth is after the offence")
    assert not Case.objects.exists()


API_RECORDS = [
    (
        "api-case-contacts",
        {"method": "phone", "purpose": "update", "outcome": "reached", "summary": "Called"},
    ),
    ("api-case-events", {"kind": EventKind.ARREST}),
]


@pytest.mark.parametrize(("value", "message"), [(_ahead(days=1), FUTURE), (YEAR_1899, EARLY)])
@pytest.mark.parametrize(("url_name", "body"), API_RECORDS)
def test_the_api_refuses_records_that_happened_in_the_future_or_before_1900(
    case, url_name, body, value, message
):
    body = {**body, "party": victim_of(case).pk, "occurred_at": value.isoformat()}
    response = _api(case.officer).post(reverse(url_name, args=[case.pk]), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"occurred_at": [message]}
    assert not Contact.objects.exists() and not CaseEvent.objects.exists()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            {"kind": EventKind.VERDICT, "received_at": _ahead(days=1).isoformat()},
            {"received_at": [FUTURE]},
        ),
        (
            {
                "kind": EventKind.HEARING_LISTED,
                "received_at": _ago(minutes=10).isoformat(),
                "hearing_at": YEAR_2100.isoformat(),
                "venue": "Northtown",
            },
            {"hearing_at": [dates.TOO_FAR_AHEAD]},
        ),
    ],
)
def test_the_api_refuses_an_event_received_in_the_future_or_heard_in_2100(case, extra, expected):
    body = {"occurred_at": _ago(hours=1).isoformat(), **extra}
    url = reverse("api-case-events", args=[case.pk])
    response = _api(case.officer).post(url, body, format="json")
    assert response.status_code == 400
    assert response.json() == expected
    assert not CaseEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"occurred_at": _ahead(days=1).isoformat()}, "occurred_at"),
        ({"recorded_at": _ahead(days=1).isoformat()}, "recorded_at"),
    ],
)
def test_the_api_refuses_a_case_changed_to_a_future_date(case, body, field):
    url = reverse("api-case-detail", args=[case.pk])
    response = _api(case.officer).patch(url, {**body, "version": case.version}, format="json")
    assert response.status_code == 400
    assert response.json() == {field: [FUTURE]}


@pytest.mark.parametrize(
    ("born", "starts"),
    [
        ("2100-01-01", "A date of birth cannot be in the future."),
        ("1850-01-01", "Enter a date of birth from 1900 onwards."),
        ("after-offence", "This date of birth is after the offence"),
    ],
)
def test_the_api_refuses_an_impossible_date_of_birth_and_never_marks_enhanced_by_it(
    case, born, starts
):
    person = victim_of(case).person
    if born == "after-offence":
        born = (timezone.localdate(case.occurred_at) + datetime.timedelta(days=1)).isoformat()
    url = reverse("api-person-detail", args=[person.pk])
    response = _api(case.officer).patch(
        url, {"date_of_birth": born, "version": person.version}, format="json"
    )
    assert response.status_code == 400
    [error] = response.json()["date_of_birth"]
    assert error.startswith(starts)
    person.refresh_from_db()
    assert person.date_of_birth is None
    assert not victim_of(case).enhanced


def test_the_api_refuses_a_witness_born_after_the_offence(case):
    born = (timezone.localdate(case.occurred_at) + datetime.timedelta(days=1)).isoformat()
    body = {
        "role": PartyRole.WITNESS,
        "person": {"first_name": "Dan", "last_name": "Reyes", "date_of_birth": born},
    }
    url = reverse("api-case-parties", args=[case.pk])
    response = _api(case.officer).post(url, body, format="json")
    assert response.status_code == 400
    [error] = response.json()["date_of_birth"]
    assert error.startswith("This date of birth is after the offence")
    assert case.parties.count() == 1 and not Person.objects.filter(last_name="Reyes").exists()


# --- a complaint names its complainant -----------------------------------------------------------


COMPLAINANT = "Choose the person who made the complaint."


def test_a_complaint_without_its_complainant_is_refused_on_the_page(client, case):
    client.force_login(case.officer)
    response = client.post(
        reverse("event-create", kwargs={"pk": case.pk}),
        {"kind": EventKind.COMPLAINT, "occurred_at": _local(_ago(hours=1))},
    )
    assert response.context["form"].errors["party"] == [COMPLAINANT]
    assert not CaseEvent.objects.exists()


def test_a_complaint_without_its_complainant_is_refused_by_the_api(case):
    body = {"kind": EventKind.COMPLAINT, "occurred_at": _ago(hours=1).isoformat()}
    url = reverse("api-case-events", args=[case.pk])
    response = _api(case.officer).post(url, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"party": [COMPLAINANT]}
    assert not CaseEvent.objects.exists()


def test_a_complaint_owes_its_duty_to_the_complainant_only(client, case):
    second_victim = services.add_party(
        case=case,
        person=services.create_person(by=case.officer, first_name="W", last_name="X"),
        role=PartyRole.VICTIM,
        by=case.officer,
    )
    client.force_login(case.officer)
    response = client.post(
        reverse("event-create", kwargs={"pk": case.pk}),
        {
            "kind": EventKind.COMPLAINT,
            "occurred_at": _local(_ago(hours=1)),
            "party": second_victim.pk,
        },
    )
    assert response.status_code == 302
    event = CaseEvent.objects.get(kind=EventKind.COMPLAINT)
    owed = set(Duty.objects.filter(trigger_event=event).values_list("party_id", flat=True))
    assert owed == {second_victim.pk}
