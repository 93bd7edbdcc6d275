"""The cases REST API: who reaches what, how service refusals come back, and bounded queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import Role
from cases import services
from cases.api.pagination import KeysetPagination
from cases.models import (
    Case,
    CaseEditPolicy,
    CaseEvent,
    CaseStatus,
    EventKind,
    OtherTeams,
    PartyRole,
    RiskQuestion,
)
from tests.cases.factories import CaseFactory, PartyFactory, PersonFactory, offence, victim_of
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

# Queries for one page of a list, the same for 2 records as for 20. Each request reads the
# session, the user and their role grants and writes the session back (a savepoint, the update
# and its release): 6 queries before the list's own.
CASE_LIST_QUERIES = 8  # + page of cases (no count: a cursor), victims with their people
# A case's records are a view of that case: 3 more for the audit trail (the people in the case,
# the view event, the people it names).
CONTACT_LIST_QUERIES = 12  # + the case (access_case), count, page of contacts, audit
EVENT_LIST_QUERIES = 12  # + the case (access_case), count, page of events, audit


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


def _ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


@pytest.fixture
def api():
    def client_for(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return client_for


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def small_pages(monkeypatch) -> int:
    """Pages of 5 on the cursor-paged lists, so that 20 records make several pages."""
    monkeypatch.setattr(KeysetPagination, "page_size", 5)
    return 5


@pytest.fixture
def officer_api(api, officer):
    return api(officer)


@pytest.fixture(autouse=True)
def _any_officer_may_change_a_case(db):
    """These tests are about the API's shapes and answers, by an officer outside the case's
    team: the case edit policy lets any officer change it here (tests/cases/test_edit_policy.py
    tests the policy itself)."""
    CaseEditPolicy.objects.update(other_teams_may_change=OtherTeams.OFFICERS)


def _new_case_body(team, officer, **overrides) -> dict:
    body = {
        "crime_reference": "NS/012345/26",
        "offence": offence("abh_domestic").pk,
        "offence_summary": "Assault at home address",
        "occurred_at": _iso(_ago(days=1, hours=2)),
        "reported_at": _iso(_ago(days=1)),
        "team": team.pk,
        "officer": officer.pk,
        "thrive_grade": "priority",
        "victim": {"person": {"first_name": "Alex", "last_name": "Morgan"}},
    }
    body.update(overrides)
    return body


# --- opening and reading cases -----------------------------------------------------------------


def test_officer_opens_a_case_with_a_new_victim(officer_api, officer, team):
    response = officer_api.post(
        reverse("api-case-list"), _new_case_body(team, officer), format="json"
    )

    assert response.status_code == 201, response.data
    case = Case.objects.get(pk=response.data["id"])
    assert case.crime_reference == "NS/012345/26"
    assert case.created_by == officer
    assert response.data["version"] == 1
    [party] = response.data["parties"]
    assert party["role"] == PartyRole.VICTIM
    assert party["person"]["last_name"] == "Morgan"
    # Worked out by the service from the domestic abuse offence, never sent by the client.
    assert party["enhanced"] is True


def test_a_case_can_be_opened_for_a_person_already_known_in_another_case(
    officer_api, officer, team
):
    known = victim_of(CaseFactory()).person
    body = _new_case_body(team, officer, victim={"person_id": known.pk, "role": "bereaved"})

    response = officer_api.post(reverse("api-case-list"), body, format="json")

    assert response.status_code == 201, response.data
    [party] = response.data["parties"]
    assert (party["person"]["id"], party["role"]) == (known.pk, PartyRole.BEREAVED)


def test_badly_formed_crime_reference_is_refused_with_a_field_error(officer_api, officer, team):
    body = _new_case_body(team, officer, crime_reference="12345")

    response = officer_api.post(reverse("api-case-list"), body, format="json")

    assert response.status_code == 400
    assert response.data == {
        "crime_reference": ["Enter the crime reference in the format NS/012345/26."]
    }
    assert not Case.objects.exists()


def test_a_crime_reference_already_in_use_is_refused(officer_api, officer, team):
    CaseFactory(crime_reference="NS/012345/26")

    response = officer_api.post(
        reverse("api-case-list"), _new_case_body(team, officer), format="json"
    )

    assert response.status_code == 400
    assert "crime_reference" in response.data


def test_reported_before_it_happened_is_refused_without_saving_anyone(officer_api, officer, team):
    body = _new_case_body(team, officer, reported_at=_iso(_ago(days=3)))

    response = officer_api.post(reverse("api-case-list"), body, format="json")

    assert response.status_code == 400
    assert response.data == {
        "reported_at": ["The crime cannot have been reported before it happened."]
    }
    assert not Case.objects.exists()


def test_victim_needs_either_details_or_a_person_id(officer_api, officer, team):
    known = victim_of(CaseFactory()).person
    both = {"person": {"first_name": "A", "last_name": "B"}, "person_id": known.pk}
    for victim in ({}, both):
        body = _new_case_body(team, officer, victim=victim)
        response = officer_api.post(reverse("api-case-list"), body, format="json")
        assert response.status_code == 400
        assert "person" in response.data["victim"]


def test_a_person_only_in_a_restricted_case_cannot_be_attached_by_id(officer_api, officer, team):
    hidden = victim_of(CaseFactory(restricted=True)).person
    body = _new_case_body(team, officer, victim={"person_id": hidden.pk})

    response = officer_api.post(reverse("api-case-list"), body, format="json")

    assert response.status_code == 400
    assert "person_id" in response.data["victim"]


def test_case_list_filters_by_status_team_officer_offence_reference_and_dates(officer_api, officer):
    mine = CaseFactory(officer=officer, crime_reference="NS/111111/26")
    theirs = CaseFactory(
        offence=offence("burglary_residential"),
        occurred_at=_ago(days=30),
        crime_reference="NS/222222/26",
    )
    charged = CaseFactory(crime_reference="NS/333333/25")
    services.record_event(
        case=charged, by=charged.officer, kind=EventKind.CHARGE, occurred_at=_ago(hours=1)
    )
    url = reverse("api-case-list")

    def ids(**params):
        response = officer_api.get(url, params)
        assert response.status_code == 200, response.data
        return {row["id"] for row in response.data["results"]}

    assert ids() == {mine.pk, theirs.pk, charged.pk}
    assert ids(status=CaseStatus.WITH_WCU) == {charged.pk}
    assert ids(officer=officer.pk) == {mine.pk}
    assert ids(team=theirs.team_id) == {theirs.pk}
    assert ids(offence=offence("burglary_residential").pk) == {theirs.pk}
    assert ids(q="/25") == {charged.pk}
    assert ids(q="ns/1111") == {mine.pk}
    assert ids(reported_before=_iso(_ago(days=10))) == {theirs.pk}
    assert ids(reported_after=_iso(_ago(days=10))) == {mine.pk, charged.pk}
    assert ids(restricted="false") == {mine.pk, theirs.pk, charged.pk}
    assert officer_api.get(url, {"status": "lost"}).status_code == 400


def test_case_list_shows_each_case_with_its_victims(officer_api):
    case = CaseFactory(victim={"first_name": "Sam", "last_name": "Reid"})

    [row] = officer_api.get(reverse("api-case-list")).data["results"]

    assert row["crime_reference"] == case.crime_reference
    assert row["officer_name"] == str(case.officer)
    assert [v["person"]["last_name"] for v in row["victims"]] == ["Reid"]


def test_restricted_case_is_hidden_from_another_officer(api, officer):
    restricted = CaseFactory(restricted=True)
    open_case = CaseFactory()
    client = api(officer)

    listed = {row["id"] for row in client.get(reverse("api-case-list")).data["results"]}
    assert listed == {open_case.pk}
    assert client.get(reverse("api-case-detail", args=[restricted.pk])).status_code == 404
    for name in ("api-case-parties", "api-case-contacts", "api-case-events"):
        assert client.get(reverse(name, args=[restricted.pk])).status_code == 404
    person = victim_of(restricted).person
    assert client.get(reverse("api-person-detail", args=[person.pk])).status_code == 404
    assert client.get(reverse("api-case-list"), {"restricted": "true"}).data["results"] == []


def test_restricted_case_is_visible_to_its_officer_and_the_team_supervisor(api, supervisor):
    restricted = CaseFactory(restricted=True)
    account_services.add_to_team(team=restricted.team, user=supervisor, is_supervisor=True)
    url = reverse("api-case-detail", args=[restricted.pk])

    assert api(restricted.officer).get(url).status_code == 200
    assert api(supervisor).get(url).status_code == 200


@pytest.mark.parametrize("role", [Role.AGENCY, Role.ADMIN])
def test_agency_users_and_administrators_are_refused(api, role, team):
    case = CaseFactory()
    client = api(make_user(role))
    person = victim_of(case).person

    assert client.get(reverse("api-case-list")).status_code == 403
    body = _new_case_body(team, case.officer)
    assert client.post(reverse("api-case-list"), body, format="json").status_code == 403
    assert client.get(reverse("api-case-detail", args=[case.pk])).status_code == 403
    assert client.get(reverse("api-case-contacts", args=[case.pk])).status_code == 403
    assert client.get(reverse("api-person-detail", args=[person.pk])).status_code == 403
    assert not Case.objects.exclude(pk=case.pk).exists()


def test_anonymous_visitor_is_refused(team):
    assert APIClient().get(reverse("api-case-list")).status_code == 403


def test_witness_care_officer_sees_their_units_cases_but_cannot_open_or_edit_one(api, team):
    wcu = TeamFactory(kind="witness_care_unit")
    wco = make_user(Role.WITNESS_CARE)
    account_services.add_to_team(team=wcu, user=wco)
    theirs = CaseFactory()
    services.record_event(
        case=theirs,
        by=theirs.officer,
        kind=EventKind.PASSED_TO_WCU,
        occurred_at=_ago(hours=1),
        wcu_team=wcu,
    )
    other = CaseFactory()
    client = api(wco)

    listed = {row["id"] for row in client.get(reverse("api-case-list")).data["results"]}
    assert listed == {theirs.pk}
    assert client.get(reverse("api-case-detail", args=[other.pk])).status_code == 404
    body = _new_case_body(team, wco)
    assert client.post(reverse("api-case-list"), body, format="json").status_code == 403
    patch = {"offence_summary": "x", "version": 2}
    url = reverse("api-case-detail", args=[theirs.pk])
    assert client.patch(url, patch, format="json").status_code == 403


# --- changing a case and a person --------------------------------------------------------------


def test_patch_changes_the_case_and_moves_its_version_on(officer_api):
    case = CaseFactory()
    url = reverse("api-case-detail", args=[case.pk])

    response = officer_api.patch(
        url, {"offence_summary": "Window smashed", "version": 1}, format="json"
    )

    assert response.status_code == 200, response.data
    assert response.data["offence_summary"] == "Window smashed"
    assert response.data["version"] == 2
    case.refresh_from_db()
    assert (case.offence_summary, case.version) == ("Window smashed", 2)


def test_patch_with_a_stale_version_is_refused_with_409_and_the_current_record(officer_api):
    case = CaseFactory()
    services.update_case(
        case=case, by=case.officer, expected_version=1, offence_summary="Someone else's edit"
    )
    url = reverse("api-case-detail", args=[case.pk])

    response = officer_api.patch(url, {"offence_summary": "Mine", "version": 1}, format="json")

    assert response.status_code == 409
    assert response.data["detail"] == services.EditConflict.message
    assert response.data["current"]["offence_summary"] == "Someone else's edit"
    assert response.data["current"]["version"] == 2
    case.refresh_from_db()
    assert case.offence_summary == "Someone else's edit"


def test_patch_without_a_version_is_refused(officer_api):
    case = CaseFactory()
    url = reverse("api-case-detail", args=[case.pk])

    response = officer_api.patch(url, {"offence_summary": "Mine"}, format="json")

    assert response.status_code == 400
    assert response.data == {"version": ["This field is required."]}


def test_patch_that_breaks_a_rule_gets_field_errors(officer_api):
    case = CaseFactory()
    url = reverse("api-case-detail", args=[case.pk])

    response = officer_api.patch(url, {"thrive_grade": "urgent", "version": 1}, format="json")

    assert response.status_code == 400
    assert "thrive_grade" in response.data


def test_person_in_a_visible_case_can_be_read_with_safe_contact_and_changed(officer_api):
    person = victim_of(CaseFactory()).person
    url = reverse("api-person-detail", args=[person.pk])

    read = officer_api.get(url)
    assert read.status_code == 200
    assert read.data["safe_contact"]["may_leave_message"] is False

    changed = officer_api.patch(url, {"phone": "07700 900123", "version": 1}, format="json")
    assert changed.status_code == 200, changed.data
    assert (changed.data["phone"], changed.data["version"]) == ("07700 900123", 2)


def test_person_patch_with_a_stale_version_is_refused_with_409(officer_api):
    person = victim_of(CaseFactory()).person
    services.update_person(person=person, by=None, expected_version=1, phone="01632 960001")
    url = reverse("api-person-detail", args=[person.pk])

    response = officer_api.patch(url, {"phone": "07700 900123", "version": 1}, format="json")

    assert response.status_code == 409
    assert response.data["current"]["phone"] == "01632 960001"


def test_person_in_no_case_is_not_found(officer_api):
    person = PersonFactory()
    url = reverse("api-person-detail", args=[person.pk])
    assert officer_api.get(url).status_code == 404


# --- parties -----------------------------------------------------------------------------------


def test_officer_adds_a_new_witness_and_lists_the_parties(officer_api):
    case = CaseFactory()
    url = reverse("api-case-parties", args=[case.pk])
    body = {"role": "witness", "person": {"first_name": "Jo", "last_name": "Patel"}}

    response = officer_api.post(url, body, format="json")

    assert response.status_code == 201, response.data
    assert (response.data["role"], response.data["person"]["last_name"]) == ("witness", "Patel")
    roles = [row["role"] for row in officer_api.get(url).data["results"]]
    assert sorted(roles) == ["victim", "witness"]


def test_the_same_person_cannot_take_the_same_role_twice(officer_api):
    case = CaseFactory()
    person = victim_of(case).person
    url = reverse("api-case-parties", args=[case.pk])

    response = officer_api.post(url, {"role": "victim", "person_id": person.pk}, format="json")

    assert response.status_code == 400
    assert response.data == {"role": ["This person already has that role in the case."]}


# --- contacts, events and agreements -----------------------------------------------------------


def test_officer_records_a_contact_with_the_victim(officer_api, officer):
    case = CaseFactory()
    party = victim_of(case)
    url = reverse("api-case-contacts", args=[case.pk])
    body = {
        "party": party.pk,
        "occurred_at": _iso(_ago(hours=1)),
        "method": "phone",
        "purpose": "initial",
        "outcome": "reached",
        "summary": "Explained the Victims' Code and agreed next steps.",
    }

    response = officer_api.post(url, body, format="json")

    assert response.status_code == 201, response.data
    assert response.data["by"] == officer.pk
    assert response.data["person_name"] == str(party.person)
    assert [row["id"] for row in officer_api.get(url).data["results"]] == [response.data["id"]]


def test_contact_in_the_future_is_refused_by_the_service(officer_api):
    case = CaseFactory()
    body = {
        "party": victim_of(case).pk,
        "occurred_at": _iso(timezone.now() + datetime.timedelta(days=1)),
        "method": "phone",
        "purpose": "update",
        "outcome": "reached",
        "summary": "Will call",
    }

    response = officer_api.post(reverse("api-case-contacts", args=[case.pk]), body, format="json")

    assert response.status_code == 400
    assert response.data == {
        "occurred_at": ["This cannot be in the future: enter when it happened."]
    }


def test_a_party_from_another_case_is_refused(officer_api):
    case = CaseFactory()
    elsewhere = victim_of(CaseFactory())
    body = {
        "party": elsewhere.pk,
        "occurred_at": _iso(_ago(hours=1)),
        "method": "phone",
        "purpose": "update",
        "outcome": "reached",
        "summary": "Update given",
    }

    response = officer_api.post(reverse("api-case-contacts", args=[case.pk]), body, format="json")

    assert response.status_code == 400
    assert response.data == {"party": ["This person is not part of this case."]}


def test_a_hearing_without_the_date_it_was_received_is_refused(officer_api):
    case = CaseFactory()
    body = {
        "kind": EventKind.HEARING_LISTED,
        "occurred_at": _iso(_ago(hours=3)),
        "hearing_at": _iso(timezone.now() + datetime.timedelta(days=40)),
        "venue": "Northshire Magistrates' Court",
    }

    response = officer_api.post(reverse("api-case-events", args=[case.pk]), body, format="json")

    assert response.status_code == 400
    assert list(response.data) == ["received_at"]
    assert not CaseEvent.objects.exists()


def test_recording_a_charge_puts_the_case_with_the_witness_care_unit(officer_api, officer):
    case = CaseFactory()
    body = {"kind": EventKind.CHARGE, "occurred_at": _iso(_ago(hours=2))}

    response = officer_api.post(reverse("api-case-events", args=[case.pk]), body, format="json")

    assert response.status_code == 201, response.data
    assert (response.data["kind"], response.data["recorded_by"]) == ("charge", officer.pk)
    case.refresh_from_db()
    assert (case.status, case.version) == (CaseStatus.WITH_WCU, 2)


def test_an_event_is_withdrawn_with_a_reason_and_stays_on_record(officer_api):
    case = CaseFactory()
    event = services.record_event(
        case=case, by=case.officer, kind=EventKind.ARREST, occurred_at=_ago(hours=5)
    )
    url = reverse("api-case-event-withdraw", args=[case.pk, event.pk])

    assert officer_api.post(url, {"reason": ""}, format="json").status_code == 400
    response = officer_api.post(url, {"reason": "Recorded on the wrong case"}, format="json")

    assert response.status_code == 200, response.data
    assert response.data["withdrawal_reason"] == "Recorded on the wrong case"
    events = reverse("api-case-events", args=[case.pk])
    assert officer_api.get(events, {"withdrawn": "true"}).data["count"] == 1
    assert officer_api.get(events, {"withdrawn": "false"}).data["count"] == 0
    again = officer_api.post(url, {"reason": "Twice"}, format="json")
    assert again.status_code == 400
    assert again.data == {"non_field_errors": ["This event has already been withdrawn."]}


def test_an_event_of_another_case_cannot_be_withdrawn_through_this_one(officer_api):
    case = CaseFactory()
    other = CaseFactory()
    event = services.record_event(
        case=other, by=other.officer, kind=EventKind.ARREST, occurred_at=_ago(hours=5)
    )
    url = reverse("api-case-event-withdraw", args=[case.pk, event.pk])

    assert officer_api.post(url, {"reason": "Wrong"}, format="json").status_code == 404


def test_update_agreement_is_recorded_for_the_victim(officer_api):
    case = CaseFactory()
    url = reverse("api-case-update-agreements", args=[case.pk])
    body = {"party": victim_of(case).pk, "frequency_days": 28, "method": "email"}

    response = officer_api.post(url, body, format="json")

    assert response.status_code == 201, response.data
    assert response.data["next_update_due_at"] is not None
    too_rare = officer_api.post(url, {**body, "frequency_days": 400}, format="json")
    assert too_rare.status_code == 400
    assert "frequency_days" in too_rare.data


# --- assessments -------------------------------------------------------------------------------


def _dash_answers(yes: int) -> dict[str, str]:
    numbers = RiskQuestion.objects.filter(question_set__code="dash_2009").values_list(
        "number", flat=True
    )
    return {str(n): ("yes" if i < yes else "no") for i, n in enumerate(sorted(numbers))}


def test_risk_assessment_works_out_a_high_grade_and_a_marac_referral(officer_api):
    case = CaseFactory(offence=offence("abh_domestic"))
    url = reverse("api-case-risk-assessments", args=[case.pk])
    body = {"party": victim_of(case).pk, "answers": _dash_answers(14)}

    response = officer_api.post(url, body, format="json")

    assert response.status_code == 201, response.data
    assert response.data["score"] == 14
    assert (response.data["actuarial_grade"], response.data["grade"]) == ("high", "high")
    assert response.data["marac_referral"] is True
    assert response.data["question_set"] == "dash_2009"


def test_risk_assessment_keeps_a_standard_grade_without_marac(officer_api):
    case = CaseFactory(offence=offence("abh_domestic"))
    body = {"party": victim_of(case).pk, "answers": _dash_answers(3)}

    response = officer_api.post(
        reverse("api-case-risk-assessments", args=[case.pk]), body, format="json"
    )

    assert response.status_code == 201, response.data
    assert (response.data["grade"], response.data["marac_referral"]) == ("standard", False)


def test_risk_assessment_judgement_cannot_lower_the_grade_or_skip_questions(officer_api):
    case = CaseFactory(offence=offence("abh_domestic"))
    url = reverse("api-case-risk-assessments", args=[case.pk])
    party = victim_of(case).pk

    lowered = officer_api.post(
        url,
        {"party": party, "answers": _dash_answers(14), "judgement_grade": "medium"},
        format="json",
    )
    partial = officer_api.post(url, {"party": party, "answers": {"1": "yes"}}, format="json")

    assert lowered.status_code == 400
    assert "judgement_grade" in lowered.data
    assert partial.status_code == 400
    assert "answers" in partial.data


def test_needs_assessment_finding_intimidation_makes_the_victim_enhanced(officer_api):
    case = CaseFactory(offence=offence("burglary_residential"))
    party = victim_of(case)
    assert not party.enhanced
    url = reverse("api-case-needs-assessments", args=[case.pk])
    body = {
        "party": party.pk,
        "version": 0,
        "intimidated": True,
        "intimidation_factors": ["fear of reprisal"],
    }

    response = officer_api.post(url, body, format="json")

    assert response.status_code == 201, response.data
    assert response.data["version"] == 1
    party.refresh_from_db()
    assert party.enhanced
    assert officer_api.get(url, {"party": party.pk}).data["count"] == 1


# --- bounded queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 20])
def test_case_list_query_count_does_not_grow_with_the_cases(
    officer_api, django_assert_num_queries, small_pages, n
):
    team = TeamFactory()
    for _ in range(n):
        case = CaseFactory(team=team)
        PartyFactory(case=case, role=PartyRole.VICTIM)
    url = reverse("api-case-list")

    with django_assert_num_queries(CASE_LIST_QUERIES):
        first = officer_api.get(url).data
    pages = [first]
    while pages[-1]["next"]:
        with django_assert_num_queries(CASE_LIST_QUERIES):
            pages.append(officer_api.get(pages[-1]["next"]).data)

    rows = [row for page in pages for row in page["results"]]
    assert len(first["results"]) == min(n, small_pages)
    assert len({row["id"] for row in rows}) == n
    assert all(len(row["victims"]) == 2 for row in rows)


@pytest.mark.parametrize("n", [2, 20])
def test_contact_list_query_count_does_not_grow_with_the_contacts(
    officer_api, django_assert_num_queries, n
):
    case = CaseFactory()
    witness = PartyFactory(case=case)
    for i in range(n):
        services.record_contact(
            case=case,
            party=witness if i % 2 else victim_of(case),
            by=make_user(Role.OFFICER) if i < 3 else case.officer,
            occurred_at=_ago(hours=i + 1),
            method="phone",
            purpose="update",
            summary=f"Update {i}",
        )
    url = reverse("api-case-contacts", args=[case.pk])

    with django_assert_num_queries(CONTACT_LIST_QUERIES):
        response = officer_api.get(url)

    assert response.data["count"] == n


@pytest.mark.parametrize("n", [2, 20])
def test_event_list_query_count_does_not_grow_with_the_events(
    officer_api, django_assert_num_queries, n
):
    case = CaseFactory()
    for i in range(n):
        services.record_event(
            case=case, by=case.officer, kind=EventKind.ARREST, occurred_at=_ago(hours=i + 1)
        )
    url = reverse("api-case-events", args=[case.pk])

    with django_assert_num_queries(EVENT_LIST_QUERIES):
        response = officer_api.get(url)

    assert response.data["count"] == n
