"""Recording an offer of a victim personal statement, on the person's page and in the API: the
stage, the answer and how the statement is to be used in court, each refused with a clear field
error when it cannot be right; and what a recorded offer does to the duty of its stage."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from cases import services
from cases.models import (
    CaseEditPolicy,
    EventKind,
    OtherTeams,
    VictimPersonalStatement,
    VpsStage,
    VpsStatus,
)
from entitlements.models import Duty, DutyStatus
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# The session, the user, their grants, the session written back (6); the case (access_case);
# the count and page of offers; the audit trail's three.
VPS_LIST_QUERIES = 12


@pytest.fixture(autouse=True)
def _any_officer_may_change_a_case(db):
    CaseEditPolicy.objects.update(other_teams_may_change=OtherTeams.OFFICERS)


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _charged_case():
    case = CaseFactory()
    now = timezone.now()
    services.record_event(
        case=case, by=case.officer, kind=EventKind.CHARGE, occurred_at=now, now=now
    )
    return case


# --- the person's page ---------------------------------------------------------------------------


def _page(case):
    return reverse("vps", kwargs={"pk": case.pk, "party_pk": victim_of(case).pk})


def _form(**overrides) -> dict:
    return {
        "stage": VpsStage.CHARGE,
        "status": VpsStatus.TAKEN,
        "reading_preference": "read_by_victim",
        "read_by": "",
        "offered_at": "",
        "notes": "",
        **overrides,
    }


def test_the_officer_records_an_offer_at_charge_and_it_meets_that_duty(client):
    case = _charged_case()
    client.force_login(case.officer)
    response = client.post(_page(case), _form())
    assert response.status_code == 302
    statement = VictimPersonalStatement.objects.get()
    assert (statement.stage, statement.status, statement.reading_preference) == (
        VpsStage.CHARGE,
        VpsStatus.TAKEN,
        "read_by_victim",
    )
    assert Duty.objects.get(rule__code="R14-CH").status == DutyStatus.MET
    assert Duty.objects.get(rule__code="R14").status == DutyStatus.DUE

    page = client.get(_page(case)).content.decode()
    assert "Offers so far" in page
    assert "<td>At charge</td>" in page and "<td>Made a statement</td>" in page
    assert "<td>Read aloud in court by the victim</td>" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"status": ""}, "status", "This field is required."),
        ({"stage": ""}, "stage", "This field is required."),
        (
            {"reading_preference": "read_for_victim", "read_by": "  "},
            "read_by",
            "Say who will read the statement aloud.",
        ),
        (
            {"status": VpsStatus.DECLINED},
            "reading_preference",
            "Only a statement the person made can be used in court",
        ),
        (
            {"offered_at": _local(timezone.now() + datetime.timedelta(days=2))},
            "offered_at",
            "This cannot be in the future",
        ),
    ],
)
def test_the_form_refuses_what_cannot_be_right_on_its_field(client, overrides, field, message):
    case = _charged_case()
    client.force_login(case.officer)
    response = client.post(_page(case), _form(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert not VictimPersonalStatement.objects.exists()
    assert Duty.objects.get(rule__code="R14-CH").status == DutyStatus.DUE


def test_the_form_offers_only_real_answers_with_labels(client):
    case = CaseFactory()
    client.force_login(case.officer)
    page = client.get(_page(case)).content.decode()
    assert "Wants to make one later" in page and "Declined" in page
    assert "answer not recorded" not in page
    assert "Played in court (recorded)" in page
    assert "When the statement was taken" in page and "Before sentence" in page


def test_wanting_to_make_one_later_shows_a_follow_up_on_the_page(client):
    case = CaseFactory()
    client.force_login(case.officer)
    client.post(
        _page(case),
        _form(stage=VpsStage.STATEMENT, status=VpsStatus.LATER, reading_preference="undecided"),
    )
    page = client.get(_page(case)).content.decode()
    assert "Follow up:" in page and "want to make a statement later" in page
    client.post(
        _page(case),
        _form(stage=VpsStage.STATEMENT, status=VpsStatus.DECLINED, reading_preference="undecided"),
    )
    assert "Follow up:" not in client.get(_page(case)).content.decode()


def test_an_agency_user_cannot_record_an_offer(client):
    case = CaseFactory()
    client.force_login(make_user(Role.AGENCY))
    assert client.post(_page(case), _form()).status_code == 403
    assert not VictimPersonalStatement.objects.exists()


# --- the API -----------------------------------------------------------------------------------


def _url(case):
    return reverse("api-case-vps-offers", args=[case.pk])


def _body(case, **overrides) -> dict:
    return {
        "party": victim_of(case).pk,
        "stage": VpsStage.CHARGE,
        "answer": VpsStatus.TAKEN,
        "reading_preference": "read_for_victim",
        "read_by": "The prosecutor",
        **overrides,
    }


def test_the_api_records_an_offer_with_labels_and_meets_the_duty():
    case = _charged_case()
    response = api(case.officer).post(_url(case), _body(case), format="json")
    assert response.status_code == 201, response.data
    data = response.data
    assert (data["stage_label"], data["answer_label"], data["reading_preference_label"]) == (
        "At charge",
        "Made a statement",
        "Read aloud by someone else",
    )
    assert data["read_by"] == "The prosecutor"
    assert data["recorded_by"] == case.officer.pk
    assert Duty.objects.get(rule__code="R14-CH").status == DutyStatus.MET
    listed = api(case.officer).get(_url(case)).data["results"]
    assert [row["id"] for row in listed] == [data["id"]]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"answer": None}, "answer"),
        ({"answer": "offered"}, "answer"),
        ({"stage": "trial"}, "stage"),
        ({"read_by": ""}, "read_by"),
        ({"answer": VpsStatus.LATER}, "reading_preference"),
        (
            {"offered_at": (timezone.now() + datetime.timedelta(days=1)).isoformat()},
            "offered_at",
        ),
    ],
)
def test_the_api_answers_400_with_the_field_in_error_and_stores_nothing(overrides, field):
    case = _charged_case()
    body = {k: v for k, v in _body(case, **overrides).items() if v is not None}
    response = api(case.officer).post(_url(case), body, format="json")
    assert response.status_code == 400
    assert list(response.data) == [field]
    assert not VictimPersonalStatement.objects.exists()
    assert Duty.objects.get(rule__code="R14-CH").status == DutyStatus.DUE


def test_the_api_refuses_a_person_of_another_case():
    case = _charged_case()
    other = CaseFactory(officer=case.officer)
    response = api(case.officer).post(_url(case), _body(other), format="json")
    assert response.status_code == 400 and list(response.data) == ["party"]


def test_a_restricted_case_offers_are_hidden_and_an_agency_is_refused():
    restricted = CaseFactory(restricted=True)
    outsider = make_user(Role.OFFICER)
    assert api(outsider).get(_url(restricted)).status_code == 404
    assert api(outsider).post(_url(restricted), _body(restricted), format="json").status_code == 404
    assert api(make_user(Role.AGENCY)).get(_url(restricted)).status_code == 403


def test_the_api_list_has_a_fixed_number_of_queries(django_assert_max_num_queries):
    case = CaseFactory()
    victim = victim_of(case)
    for _ in range(2):
        services.record_vps(party=victim, by=case.officer, status=VpsStatus.DECLINED)
    client = api(case.officer)
    with django_assert_max_num_queries(VPS_LIST_QUERIES):
        assert len(client.get(_url(case)).data["results"]) == 2
    for _ in range(18):
        services.record_vps(party=victim, by=case.officer, status=VpsStatus.DECLINED)
    with django_assert_max_num_queries(VPS_LIST_QUERIES):
        assert len(client.get(_url(case)).data["results"]) == 20


def test_the_case_page_says_to_ask_again_who_wants_to_make_one_later(client):
    case = CaseFactory()
    client.force_login(case.officer)
    url = reverse("case-detail", kwargs={"pk": case.pk})
    assert "ask again" not in client.get(url).content.decode()
    services.record_vps(party=victim_of(case), by=case.officer, status=VpsStatus.LATER)
    assert "Wants to make one later: ask again" in client.get(url).content.decode()
    services.record_vps(party=victim_of(case), by=case.officer, status=VpsStatus.TAKEN)
    assert "ask again" not in client.get(url).content.decode()
