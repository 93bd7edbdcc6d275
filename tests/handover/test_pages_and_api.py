"""The hand-over pages and API: who may send, read and answer; field errors; bounded queries."""

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from cases import services as case_services
from cases.models import Case
from handover import services
from handover.models import HandOver, HandOverState
from handover.summary import build_summary
from tests.cases.factories import CaseFactory, PartyFactory
from tests.factories import make_user

from .helpers import charge, recorded_case, wcu_officer

pytestmark = pytest.mark.django_db


def _summary_url(handover):
    return reverse("handover", kwargs={"pk": handover.case_id, "handover_pk": handover.pk})


def _api(handover, what=""):
    name = f"api-handover-{what}" if what else "api-handover-detail"
    return reverse(name, kwargs={"case_pk": handover.case_id, "pk": handover.pk})


def test_the_officer_sends_from_the_page_and_reads_the_summary(client):
    case, _, _ = recorded_case()
    _, unit = wcu_officer()
    client.force_login(case.officer)

    page = client.get(reverse("handover-send", kwargs={"pk": case.pk}))
    assert page.status_code == 200
    sent = client.post(
        reverse("handover-send", kwargs={"pk": case.pk}), {"wcu_team": unit.pk, "note": ""}
    )

    handover = HandOver.objects.get(case=case)
    assert sent.status_code == 302 and sent.url == _summary_url(handover)
    summary = client.get(_summary_url(handover))
    content = summary.content.decode()
    assert "Aurelia Quenby" in content and "Bertram Oakes" in content
    assert "Screening the witness from the accused" in content
    assert "Weekdays after 6pm" in content
    assert "Northshire Victim Care" in content
    assert "Assign a witness care officer" in content
    assert "Accept the hand-over" not in content  # the officer does not answer it


def test_sending_before_charge_shows_a_plain_error(client):
    case = CaseFactory()
    _, unit = wcu_officer()
    client.force_login(case.officer)

    answer = client.post(reverse("handover-send", kwargs={"pk": case.pk}), {"wcu_team": unit.pk})

    assert answer.status_code == 200
    assert "This case has not been charged" in answer.content.decode()
    assert not HandOver.objects.exists()


def test_a_witness_care_officer_may_not_send(client):
    case, _, _ = recorded_case()
    wco, unit = wcu_officer()
    case_services.record_event(
        case=case,
        by=case.officer,
        kind="passed_to_wcu",
        occurred_at=case.reported_at,
        wcu_team=unit,
    )
    client.force_login(wco)

    assert client.get(reverse("handover-send", kwargs={"pk": case.pk})).status_code == 403
    api = client.post(
        reverse("api-handover-list", kwargs={"case_pk": case.pk}), {"wcu_team": unit.pk}
    )
    assert api.status_code == 403


def test_an_officer_of_another_team_may_not_send_even_where_they_may_read(client):
    case, _, _ = recorded_case()
    _, unit = wcu_officer()
    client.force_login(make_user(Role.OFFICER))

    page = client.post(reverse("handover-send", kwargs={"pk": case.pk}), {"wcu_team": unit.pk})

    assert page.status_code == 403
    assert not HandOver.objects.exists()


def test_the_unit_accepts_from_its_incoming_list(client):
    case, _, _ = recorded_case()
    wco, unit = wcu_officer()
    handover = services.send_handover(case=case, by=case.officer, wcu_team=unit)
    client.force_login(wco)

    incoming = client.get(reverse("handover-incoming"))
    assert case.crime_reference in incoming.content.decode()
    accepted = client.post(
        reverse("handover-accept", kwargs={"pk": case.pk, "handover_pk": handover.pk})
    )

    assert accepted.status_code == 302
    handover.refresh_from_db()
    assert handover.state == HandOverState.ACCEPTED


def test_returning_without_saying_what_is_missing_is_a_field_error(client):
    case, _, _ = recorded_case()
    wco, unit = wcu_officer()
    handover = services.send_handover(case=case, by=case.officer, wcu_team=unit)
    client.force_login(wco)
    url = reverse("handover-return", kwargs={"pk": case.pk, "handover_pk": handover.pk})

    page = client.post(url, {"missing": ""})
    assert page.status_code == 200
    assert services.SAY_WHAT_IS_MISSING in page.content.decode()
    api = client.post(_api(handover, "return"), {"missing": ""}, content_type="application/json")
    assert api.status_code == 400
    assert set(api.json()) == {"missing"}
    handover.refresh_from_db()
    assert handover.state == HandOverState.SENT


def test_the_api_sends_reads_and_returns(client):
    case, _, _ = recorded_case()
    wco, unit = wcu_officer()
    client.force_login(case.officer)
    url = reverse("api-handover-list", kwargs={"case_pk": case.pk})

    sent = client.post(url, {"wcu_team": unit.pk, "note": "Court date pending"})
    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert body["state"] == "sent"
    names = {person["name"] for person in body["summary"]["people"]}
    assert names == {"Aurelia Quenby", "Bertram Oakes"}
    again = client.post(url, {"wcu_team": unit.pk})
    assert again.status_code == 400
    assert "already with the Witness Care Unit" in again.json()["non_field_errors"][0]

    handover = HandOver.objects.get(pk=body["id"])
    assert client.post(_api(handover, "accept")).status_code == 403  # not the unit
    client.force_login(wco)
    read = client.get(_api(handover))
    assert read.status_code == 200
    assert read.json()["summary"] == handover.summary
    returned = client.post(
        _api(handover, "return"), {"missing": "Witness statement"}, content_type="application/json"
    )
    assert returned.status_code == 200
    assert returned.json()["state"] == "returned"
    assert returned.json()["missing"] == "Witness statement"


def test_the_api_refuses_a_case_not_charged_with_400(client):
    case = CaseFactory()
    _, unit = wcu_officer()
    client.force_login(case.officer)

    answer = client.post(
        reverse("api-handover-list", kwargs={"case_pk": case.pk}), {"wcu_team": 999999}
    )
    assert answer.status_code == 400
    assert "wcu_team" in answer.json()
    answer = client.post(
        reverse("api-handover-list", kwargs={"case_pk": case.pk}), {"wcu_team": unit.pk}
    )
    assert answer.status_code == 400
    assert "has not been charged" in answer.json()["non_field_errors"][0]


def test_a_restricted_case_hand_over_stays_hidden_from_officers_outside_it(client):
    case, _, _ = recorded_case(restricted=True)
    _, unit = wcu_officer()
    handover = services.send_handover(case=case, by=case.officer, wcu_team=unit)
    client.force_login(make_user(Role.OFFICER))

    assert client.get(_summary_url(handover)).status_code == 404
    assert client.get(_api(handover)).status_code == 404


def _bigger(case, n):
    for _ in range(n):
        PartyFactory(case=case)


@pytest.mark.parametrize("extra", [0, 6])
def test_the_summary_page_and_api_read_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, extra
):
    case, _, _ = recorded_case()
    _bigger(case, extra)
    wco, unit = wcu_officer()
    handover = services.send_handover(case=case, by=case.officer, wcu_team=unit)
    client.force_login(wco)
    client.get(_summary_url(handover))  # the first visit may fill session and caches

    # The snapshot is one column: the same queries whatever the number of people.
    with django_assert_max_num_queries(13):
        assert client.get(_summary_url(handover)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(_api(handover)).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("handover-incoming")).status_code == 200


@pytest.mark.parametrize("extra", [0, 6])
def test_building_the_summary_reads_the_same_queries_whatever_the_people(
    django_assert_max_num_queries, extra
):
    case, _, _ = recorded_case()
    _bigger(case, extra)
    case = Case.objects.select_related("offence", "team", "officer").get(pk=case.pk)

    # The charge, the people, then one query per kind of record (two for special measures).
    with django_assert_max_num_queries(9):
        build_summary(case)


def test_a_supervisor_of_the_team_may_send(client):
    case, _, _ = recorded_case()
    _, unit = wcu_officer()
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=case.team, user=supervisor, is_supervisor=True)
    client.force_login(supervisor)

    sent = client.post(reverse("handover-send", kwargs={"pk": case.pk}), {"wcu_team": unit.pk})

    assert sent.status_code == 302
    assert HandOver.objects.get(case=case).sent_by == supervisor


def test_charge_helper_is_a_real_charge():
    case = CaseFactory()
    charge(case)
    assert services.is_charged(case)


def test_the_api_sends_to_the_unit_the_case_was_passed_to_when_none_is_named(client):
    case, _, _ = recorded_case()
    _, unit = wcu_officer()
    case_services.record_event(
        case=case,
        by=case.officer,
        kind="passed_to_wcu",
        occurred_at=case.reported_at,
        wcu_team=unit,
    )
    client.force_login(case.officer)

    sent = client.post(reverse("api-handover-list", kwargs={"case_pk": case.pk}), {})

    assert sent.status_code == 201, sent.content
    assert sent.json()["wcu_team"] == unit.pk
    listed = client.get(reverse("api-handover-list", kwargs={"case_pk": case.pk}))
    assert [h["id"] for h in listed.json()] == [sent.json()["id"]]
