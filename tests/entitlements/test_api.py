"""The obligations API: the duties a case owes, who reaches them, marking them, bounded queries."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import Role
from cases import services as case_services
from cases.api.pagination import KeysetPagination
from cases.models import EventKind
from entitlements.models import Duty, DutyStatus
from tests.cases.factories import CaseFactory, PartyFactory, offence, victim_of
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")

# Queries for one page of a list, the same for 2 duties as for 20. Each request reads the session,
# the user and their role grants and writes the session back (a savepoint, the update and its
# release): 6 queries before the list's own.
# The duty lists are paged by a cursor, so nothing counts them.
OBLIGATION_LIST_QUERIES = 7  # + page of duties with case, person, rule and right
# + the case (access_case), page of duties, and 3 for the audit trail (the people in the case,
# the view event, the people it names)
CASE_OBLIGATION_LIST_QUERIES = 11


def _london(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def _ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def _case_before(moment: datetime.datetime, **kwargs):
    """A case that happened and was reported a few days before `moment`."""
    occurred = moment - datetime.timedelta(days=3)
    return CaseFactory(
        occurred_at=occurred, reported_at=occurred + datetime.timedelta(hours=1), **kwargs
    )


def _arrest(case, at: datetime.datetime) -> Duty:
    """Record an arrest on the case and return the R7 duty it gives the first victim."""
    event = case_services.record_event(
        case=case, by=case.officer, kind=EventKind.ARREST, occurred_at=at
    )
    return Duty.objects.get(trigger_event=event, rule__code="R7", party=victim_of(case))


@pytest.fixture
def api():
    def client_for(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return client_for


@pytest.fixture
def small_pages(monkeypatch) -> int:
    """Pages of 5 on the cursor-paged lists, so that 20 duties make several pages."""
    monkeypatch.setattr(KeysetPagination, "page_size", 5)
    return 5


def _list(client, **params) -> list[dict]:
    response = client.get(reverse("api-obligation-list"), params)
    assert response.status_code == 200, response.data
    return response.data["results"]


def _ids(rows) -> set[int]:
    return {row["id"] for row in rows}


def _post(client, duty: Duty, action: str, body: dict):
    return client.post(reverse(f"api-obligation-{action}", args=[duty.pk]), body, format="json")


# --- what an arrest owes the victim ------------------------------------------------------------


def test_an_arrest_gives_a_standard_victim_an_r7_duty_due_in_five_working_days(api):
    arrested_at = _london(2025, 11, 19, 10, 0)  # a Wednesday, London on GMT
    case = _case_before(
        arrested_at, victim={"first_name": "Alex", "last_name": "Morgan"}, offence=offence()
    )
    duty = _arrest(case, arrested_at)
    client = api(case.officer)

    response = client.get(reverse("api-case-obligations", args=[case.pk]), {"status": "due"})

    assert response.status_code == 200, response.data
    [row] = [row for row in response.data["results"] if row["rule"] == "R7"]
    party = victim_of(case)
    assert row["id"] == duty.pk
    assert row["case"] == {"id": case.pk, "crime_reference": case.crime_reference}
    assert row["person"] == {"id": party.person_id, "name": "Alex Morgan"}
    assert (row["party"], row["role"]) == (party.pk, "victim")
    assert row["right"]["scheme"] == "victims_code"
    assert row["right"]["number"] == 6
    assert row["title"] == "Tell them the suspect was arrested"
    assert row["trigger"]["kind"] == "arrest"
    assert row["trigger"]["at"] == "2025-11-19T10:00:00+00:00"
    assert row["trigger"]["event"] == duty.trigger_event_id
    assert row["enhanced"] is False
    # Thursday, Friday, Monday, Tuesday, Wednesday: by the end of Wednesday 26 November.
    assert row["due_at"] == "2025-11-26T23:59:59+00:00"
    assert (row["status"], row["met_at"], row["is_open"]) == ("due", None, True)
    assert "5 working days for standard rights" in row["explanation"]


def test_an_arrest_gives_an_enhanced_victim_an_r7_duty_due_the_next_working_day(api):
    # Friday before the August bank holiday, London on summer time: Monday 25 is not counted.
    arrested_at = _london(2025, 8, 22, 17, 30)
    case = _case_before(arrested_at, offence=offence("abh_domestic"))
    assert victim_of(case).enhanced
    duty = _arrest(case, arrested_at)
    client = api(case.officer)

    rows = client.get(reverse("api-case-obligations", args=[case.pk])).data["results"]

    [row] = [row for row in rows if row["id"] == duty.pk]
    assert row["enhanced"] is True
    assert row["trigger"]["at"] == "2025-08-22T17:30:00+01:00"
    assert row["due_at"] == "2025-08-26T23:59:59+01:00"
    assert "1 working day for enhanced rights" in row["explanation"]
    assert "Monday 25 August (Late Summer Bank Holiday)" in row["explanation"]


def test_one_duty_can_be_read_by_its_id(api):
    case = CaseFactory()
    duty = _arrest(case, _ago(hours=2))

    response = api(case.officer).get(reverse("api-obligation-detail", args=[duty.pk]))

    assert response.status_code == 200, response.data
    assert (response.data["id"], response.data["rule"]) == (duty.pk, "R7")
    assert response.data["due_at"] == timezone.localtime(duty.due_at, LONDON).isoformat()
    assert response.data["overdue"] is False


# --- filters -----------------------------------------------------------------------------------


@pytest.fixture
def two_arrests():
    """An R7 long overdue in one team's case, and one due in the future in another team's."""
    old_arrest = _london(2025, 11, 19, 10, 0)
    overdue = _arrest(_case_before(old_arrest, team=TeamFactory()), old_arrest)
    recent = _arrest(CaseFactory(team=TeamFactory()), _ago(hours=1))
    return overdue, recent


def test_obligations_filter_by_status(api, officer, two_arrests):
    overdue, recent = two_arrests
    account_services.add_to_team(team=recent.case.team, user=officer)  # may change it
    client = api(officer)
    assert _post(client, recent, "meet", {"note": "Phoned the victim"}).status_code == 200

    met = _ids(_list(client, status="met"))
    due = _ids(_list(client, status="due"))

    assert recent.pk in met and recent.pk not in due
    assert overdue.pk in due and overdue.pk not in met
    assert client.get(reverse("api-obligation-list"), {"status": "late"}).status_code == 400


def test_obligations_filter_by_due_before(api, officer, two_arrests):
    overdue, recent = two_arrests
    client = api(officer)

    # A date alone means its start, London time: due on 26 November is before 27 November.
    before = _ids(_list(client, due_before="2025-11-27"))
    assert overdue.pk in before and recent.pk not in before
    assert overdue.pk not in _ids(_list(client, due_before="2025-11-26T23:59:59+00:00"))
    assert client.get(reverse("api-obligation-list"), {"due_before": "soon"}).status_code == 400


def test_obligations_filter_by_team_and_case(api, officer, two_arrests):
    overdue, recent = two_arrests
    client = api(officer)

    by_team = _list(client, team=recent.case.team_id)
    by_case = _list(client, case=overdue.case_id)

    assert recent.pk in _ids(by_team)
    assert {row["case"]["id"] for row in by_team} == {recent.case_id}
    assert overdue.pk in _ids(by_case)
    assert {row["case"]["id"] for row in by_case} == {overdue.case_id}


def test_obligations_filter_by_overdue(api, officer, two_arrests):
    overdue, recent = two_arrests
    account_services.add_to_team(team=overdue.case.team, user=officer)  # may change it
    client = api(officer)

    late = _list(client, overdue="true")
    not_late = _ids(_list(client, overdue="false"))

    assert overdue.pk in _ids(late) and recent.pk not in _ids(late)
    assert all(row["overdue"] and row["is_open"] for row in late)
    assert recent.pk in not_late and overdue.pk not in not_late
    # Met late, it is no longer overdue.
    assert _post(client, overdue, "meet", {"note": "Told by phone"}).status_code == 200
    assert overdue.pk not in _ids(_list(client, overdue="true"))


def test_obligations_filter_by_owner(api, officer, two_arrests):
    overdue, _ = two_arrests
    client = api(officer)

    assert overdue.pk in _ids(_list(client, owner="officer"))
    assert overdue.pk not in _ids(_list(client, owner="wcu"))


# --- marking duties ----------------------------------------------------------------------------


def test_meeting_a_duty_with_a_note_makes_it_met(api):
    case = CaseFactory()
    duty = _arrest(case, _ago(hours=3))
    client = api(case.officer)

    response = _post(client, duty, "meet", {"note": "  Phoned the victim about the arrest  "})

    assert response.status_code == 200, response.data
    assert response.data["status"] == "met"
    assert response.data["met_record"] == "Phoned the victim about the arrest"
    assert response.data["met_by"] == case.officer.pk
    assert response.data["met_at"].endswith(("+00:00", "+01:00"))
    duty.refresh_from_db()
    assert (duty.status, duty.met_by) == (DutyStatus.MET, case.officer)


def test_meeting_a_duty_after_its_deadline_makes_it_met_late(api):
    arrested_at = _london(2025, 11, 19, 10, 0)
    case = _case_before(arrested_at)
    duty = _arrest(case, arrested_at)

    response = _post(api(case.officer), duty, "meet", {"note": "Told them at last"})

    assert response.status_code == 200, response.data
    assert response.data["status"] == "met_late"
    assert response.data["status_label"] == "Met late"


def test_meeting_a_duty_at_a_past_time_before_its_deadline_makes_it_met(api):
    arrested_at = _london(2025, 11, 19, 10, 0)
    case = _case_before(arrested_at)
    duty = _arrest(case, arrested_at)
    body = {"note": "Told at the scene", "at": "2025-11-20T09:15:00Z"}

    response = _post(api(case.officer), duty, "meet", body)

    assert response.status_code == 200, response.data
    assert response.data["status"] == "met"
    assert response.data["met_at"] == "2025-11-20T09:15:00+00:00"


def test_meeting_a_duty_by_a_contact_with_the_person(api):
    case = CaseFactory()
    duty = _arrest(case, _ago(hours=3))
    contact = case_services.record_contact(
        case=case,
        party=victim_of(case),
        by=case.officer,
        occurred_at=_ago(hours=1),
        method="phone",
        purpose="update",
        summary="Told them about the arrest",
    )

    response = _post(api(case.officer), duty, "meet", {"contact": contact.pk})

    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["met_contact"]) == ("met", contact.pk)


def test_meeting_needs_a_note_or_a_contact_from_this_case_and_not_a_future_time(api):
    case = CaseFactory()
    duty = _arrest(case, _ago(hours=3))
    other = CaseFactory()
    elsewhere = case_services.record_contact(
        case=other,
        party=victim_of(other),
        by=other.officer,
        occurred_at=_ago(hours=1),
        method="phone",
        purpose="update",
        summary="Another case",
    )
    client = api(case.officer)
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()

    assert _post(client, duty, "meet", {}).data == {
        "note": ["Say how the duty was met, or choose the contact."]
    }
    assert _post(client, duty, "meet", {"note": "   "}).status_code == 400
    refused = _post(client, duty, "meet", {"contact": elsewhere.pk})
    assert refused.status_code == 400
    assert refused.data == {"contact": ["No contact with this id is recorded on this case."]}
    refused = _post(client, duty, "meet", {"note": "Phoned", "at": future})
    assert refused.data == {"at": ["This cannot be in the future: enter when it happened."]}
    assert _post(client, duty, "meet", {"note": "Phoned", "at": "yesterday"}).status_code == 400
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DUE


def test_a_contact_with_someone_else_in_the_case_cannot_meet_the_victims_duty(api):
    case = CaseFactory()
    duty = _arrest(case, _ago(hours=3))
    witness = PartyFactory(case=case)
    contact = case_services.record_contact(
        case=case,
        party=witness,
        by=case.officer,
        occurred_at=_ago(hours=1),
        method="phone",
        purpose="update",
        summary="Spoke to the witness",
    )

    response = _post(api(case.officer), duty, "meet", {"contact": contact.pk})

    assert response.status_code == 400
    assert response.data == {"contact": ["That contact was with someone else."]}


def test_a_duty_already_resolved_cannot_be_marked_again(api):
    case = CaseFactory()
    duty = _arrest(case, _ago(hours=3))
    client = api(case.officer)
    assert _post(client, duty, "meet", {"note": "Phoned"}).status_code == 200

    again = _post(client, duty, "meet", {"note": "Phoned again"})
    declined = _post(client, duty, "decline", {"reason": "Does not want updates"})

    assert again.status_code == 400
    assert again.data == {"non_field_errors": ["This duty is already met."]}
    assert declined.data == {"non_field_errors": ["This duty is already met."]}
    duty.refresh_from_db()
    assert (duty.status, duty.met_record) == (DutyStatus.MET, "Phoned")


def test_declining_a_duty_records_the_reason(api):
    case = CaseFactory()
    duty = _arrest(case, _ago(hours=3))
    client = api(case.officer)

    response = _post(client, duty, "decline", {"reason": "Asked not to be told about arrests"})

    assert response.status_code == 200, response.data
    assert response.data["status"] == "declined"
    assert response.data["reason"] == "Asked not to be told about arrests"
    assert response.data["resolved_by"] == case.officer.pk
    assert response.data["is_open"] is False


def test_declining_or_marking_not_applicable_needs_a_reason(api):
    case = CaseFactory()
    duty = _arrest(case, _ago(hours=3))
    client = api(case.officer)

    assert _post(client, duty, "decline", {"reason": "  "}).data == {"reason": ["Give the reason."]}
    missing = _post(client, duty, "not-applicable", {})
    assert missing.status_code == 400
    assert set(missing.data) == {"reason"}
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DUE


def test_marking_a_duty_not_applicable(api):
    case = CaseFactory()
    duty = _arrest(case, _ago(hours=3))

    response = _post(api(case.officer), duty, "not-applicable", {"reason": "Arrest recorded twice"})

    assert response.status_code == 200, response.data
    assert response.data["status"] == "not_applicable"


def test_an_officer_cannot_waive_a_duty(api):
    case = CaseFactory()
    duty = _arrest(case, _ago(hours=3))

    response = _post(api(case.officer), duty, "waive", {"reason": "Victim abroad"})

    assert response.status_code == 403
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DUE


def test_a_supervisor_waives_a_duty_with_a_reason(api, supervisor):
    case = CaseFactory()
    account_services.add_to_team(team=case.team, user=supervisor, is_supervisor=True)
    duty = _arrest(case, _ago(hours=3))
    client = api(supervisor)

    assert _post(client, duty, "waive", {"reason": ""}).data == {"reason": ["Give the reason."]}
    response = _post(client, duty, "waive", {"reason": "Victim has left the country"})

    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["resolved_by"]) == ("waived", supervisor.pk)
    assert response.data["resolved_at"].endswith(("+00:00", "+01:00"))


# --- who reaches which duty --------------------------------------------------------------------


def test_restricted_case_duties_are_hidden_from_another_officer(api, officer):
    restricted = CaseFactory(restricted=True)
    hidden = _arrest(restricted, _ago(hours=3))
    open_duty = _arrest(CaseFactory(), _ago(hours=3))
    client = api(officer)

    listed = _list(client)
    assert open_duty.pk in _ids(listed)
    assert restricted.pk not in {row["case"]["id"] for row in listed}
    assert _list(client, case=restricted.pk) == []
    assert client.get(reverse("api-case-obligations", args=[restricted.pk])).status_code == 404
    assert client.get(reverse("api-obligation-detail", args=[hidden.pk])).status_code == 404
    for action in ("meet", "decline", "not-applicable"):
        body = {"note": "Phoned", "reason": "Because"}
        assert _post(client, hidden, action, body).status_code == 404
    hidden.refresh_from_db()
    assert hidden.status == DutyStatus.DUE
    # Its own officer still reaches it.
    own = api(restricted.officer)
    assert own.get(reverse("api-obligation-detail", args=[hidden.pk])).status_code == 200


@pytest.mark.parametrize("role", [Role.AGENCY, Role.ADMIN])
def test_agency_users_and_administrators_are_refused(api, role):
    case = CaseFactory()
    duty = _arrest(case, _ago(hours=3))
    client = api(make_user(role))

    assert client.get(reverse("api-obligation-list")).status_code == 403
    assert client.get(reverse("api-case-obligations", args=[case.pk])).status_code == 403
    assert client.get(reverse("api-obligation-detail", args=[duty.pk])).status_code == 403
    assert _post(client, duty, "meet", {"note": "Phoned"}).status_code == 403
    assert _post(client, duty, "decline", {"reason": "Because"}).status_code == 403
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DUE


def test_anonymous_visitor_is_refused():
    assert APIClient().get(reverse("api-obligation-list")).status_code == 403


def test_witness_care_officer_sees_their_units_cases_duties_only(api):
    unit = TeamFactory(kind="witness_care_unit")
    wco = make_user(Role.WITNESS_CARE)
    account_services.add_to_team(team=unit, user=wco)
    theirs = CaseFactory()
    case_services.record_event(
        case=theirs,
        by=theirs.officer,
        kind=EventKind.PASSED_TO_WCU,
        occurred_at=_ago(hours=4),
        wcu_team=unit,
    )
    duty = _arrest(theirs, _ago(hours=3))
    other = _arrest(CaseFactory(), _ago(hours=3))
    client = api(wco)

    listed = _ids(_list(client))

    assert duty.pk in listed and other.pk not in listed
    assert _post(client, duty, "meet", {"note": "Phoned"}).status_code == 200
    assert _post(client, duty, "waive", {"reason": "Because"}).status_code == 403


# --- bounded queries ---------------------------------------------------------------------------


def _r7_duties(n: int):
    """n R7 duties, each on its own case with its own victim and team; nothing else."""
    cases = [CaseFactory(team=TeamFactory()) for _ in range(n)]
    Duty.objects.all().delete()
    for case in cases:
        _arrest(case, _ago(hours=2))
    return cases


@pytest.mark.parametrize("n", [2, 20])
def test_obligation_list_query_count_does_not_grow_with_the_duties(
    api, officer, django_assert_num_queries, small_pages, n
):
    _r7_duties(n)
    Duty.objects.filter(pk=Duty.objects.first().pk).update(
        status=DutyStatus.MET, met_at=_ago(hours=1), met_by=officer
    )
    client = api(officer)

    with django_assert_num_queries(OBLIGATION_LIST_QUERIES):
        first = client.get(reverse("api-obligation-list")).data
    pages = [first]
    while pages[-1]["next"]:
        with django_assert_num_queries(OBLIGATION_LIST_QUERIES):
            pages.append(client.get(pages[-1]["next"]).data)

    rows = [row for page in pages for row in page["results"]]
    assert len(first["results"]) == min(n, small_pages)
    assert len({row["id"] for row in rows}) == n
    assert {row["rule"] for row in rows} == {"R7"}


@pytest.mark.parametrize("n", [2, 20])
def test_case_obligation_list_query_count_does_not_grow_with_the_duties(
    api, django_assert_num_queries, n
):
    case = CaseFactory()
    PartyFactory(case=case, role="victim")
    Duty.objects.all().delete()
    for i in range(n):
        case_services.record_event(
            case=case, by=case.officer, kind=EventKind.ARREST, occurred_at=_ago(hours=i + 1)
        )
    client = api(case.officer)
    expected = Duty.objects.filter(case=case).count()
    assert expected == 2 * n  # one R7 for each victim

    with django_assert_num_queries(CASE_OBLIGATION_LIST_QUERIES):
        response = client.get(reverse("api-case-obligations", args=[case.pk]))

    assert len(response.data["results"]) == expected


# --- timing of meeting a duty -----------------------------------------------------------------


def test_meeting_by_a_contact_made_before_the_deadline_is_on_time(api):
    arrested_at = _london(2025, 11, 19, 10, 0)
    case = _case_before(arrested_at)
    duty = _arrest(case, arrested_at)
    contact = case_services.record_contact(
        case=case,
        party=victim_of(case),
        by=case.officer,
        occurred_at=_london(2025, 11, 20, 14, 0),
        method="phone",
        purpose="other",
        summary="Told them about the arrest",
    )

    response = _post(api(case.officer), duty, "meet", {"contact": contact.pk})

    assert response.status_code == 200, response.data
    assert response.data["met_at"] == "2025-11-20T14:00:00+00:00"
    assert response.data["status"] == "met"


def test_a_duty_cannot_be_met_before_what_triggered_it(api):
    arrested_at = _london(2025, 11, 19, 10, 0)
    case = _case_before(arrested_at)
    duty = _arrest(case, arrested_at)

    response = _post(api(case.officer), duty, "meet", {"note": "Told", "at": "2025-11-01T10:00Z"})

    assert response.status_code == 400, response.data
    assert "before what triggered it" in str(response.data["at"])
