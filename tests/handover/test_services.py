"""Sending a charged case to the Witness Care Unit, and the unit's answer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from cases import services as case_services
from cases.models import CaseEvent, EventKind
from entitlements.models import OPEN_STATUSES, Duty, Owner
from handover import services
from handover.models import HandOver, HandOverState
from notifications.models import Kind, Notification
from tests.cases.factories import CaseFactory
from tests.factories import make_user

from .helpers import charge, recorded_case, wcu_officer

pytestmark = pytest.mark.django_db


def _person(summary, name):
    return next(p for p in summary["people"] if p["name"] == name)


def test_the_summary_carries_each_persons_records():
    case, victim, _ = recorded_case()
    _, unit = wcu_officer()

    handover = services.send_handover(case=case, by=case.officer, wcu_team=unit)

    summary = handover.summary
    assert summary["case"]["crime_reference"] == case.crime_reference
    assert summary["case"]["charged_at"] is not None
    victim_row = _person(summary, "Aurelia Quenby")
    assert victim_row["role_label"] == "Victim"
    needs = victim_row["needs_assessment"]
    assert "Needs an interpreter" in needs["flags"]
    assert "Needs transport to attend court" in needs["flags"]
    assert {"label": "Communication and language", "text": "Prefers short sentences"} in needs[
        "details"
    ]
    assert victim_row["special_measures"]["status_label"] == "MG2 submitted to CPS"
    assert victim_row["special_measures"]["measures"] == [
        "s23: Screening the witness from the accused"
    ]
    assert victim_row["safe_contact"]["asked"] is True
    assert victim_row["safe_contact"]["not_safe"] == ["phone"]
    assert victim_row["safe_contact"]["safe_times"] == "Weekdays after 6pm"
    assert victim_row["safe_contact"]["may_leave_message"] is False
    assert victim_row["update_agreement"]["frequency_days"] == 14
    assert victim_row["update_agreement"]["method_label"] == "Email"
    assert victim_row["vps"]["status_label"] == "Made a statement"
    assert [r["agency"] for r in victim_row["referrals"]] == ["Northshire Victim Care"]
    open_titles = {d["title"] for d in victim_row["open_duties"]}
    expected = set(
        Duty.objects.filter(party=victim, status__in=OPEN_STATUSES).values_list(
            "rule__title", flat=True
        )
    )
    assert open_titles == expected
    assert "Assign a witness care officer" in open_titles
    witness_row = _person(summary, "Bertram Oakes")
    assert witness_row["role_label"] == "Witness"
    assert witness_row["needs_assessment"] is None
    assert witness_row["vps"] is None
    assert witness_row["safe_contact"] == {"asked": False}


def test_the_summary_is_what_was_sent_not_what_changed_since():
    case, victim, _ = recorded_case()
    _, unit = wcu_officer()
    handover = services.send_handover(case=case, by=case.officer, wcu_team=unit)

    case_services.agree_updates(party=victim, by=case.officer, frequency_days=28, method="letter")

    handover.refresh_from_db()
    assert _person(handover.summary, "Aurelia Quenby")["update_agreement"]["frequency_days"] == 14


def test_a_case_not_charged_cannot_be_sent():
    case = CaseFactory()
    _, unit = wcu_officer()

    with pytest.raises(ValidationError) as refused:
        services.send_handover(case=case, by=case.officer, wcu_team=unit)

    assert "has not been charged" in refused.value.messages[0]
    assert not HandOver.objects.exists()


def test_a_withdrawn_charge_is_no_charge():
    case = CaseFactory()
    _, unit = wcu_officer()
    event = charge(case)

    case_services.withdraw_event(event=event, by=case.officer, reason="Recorded in error")

    with pytest.raises(ValidationError):
        services.send_handover(case=case, by=case.officer, wcu_team=unit)


def test_only_one_open_hand_over_at_a_time():
    case, _, _ = recorded_case()
    _, unit = wcu_officer()
    services.send_handover(case=case, by=case.officer, wcu_team=unit)

    with pytest.raises(ValidationError) as refused:
        services.send_handover(case=case, by=case.officer, wcu_team=unit)

    assert "already with the Witness Care Unit" in refused.value.messages[0]
    assert HandOver.objects.filter(case=case).count() == 1


def test_sending_passes_the_case_to_the_unit():
    case, _, _ = recorded_case()
    _, unit = wcu_officer()

    services.send_handover(case=case, by=case.officer, wcu_team=unit)

    case.refresh_from_db()
    assert case.wcu_team == unit
    assert CaseEvent.objects.filter(case=case, kind=EventKind.PASSED_TO_WCU).count() == 1


def test_someone_outside_the_case_team_cannot_send():
    case, _, _ = recorded_case()
    _, unit = wcu_officer()
    stranger = make_user(Role.OFFICER)

    with pytest.raises(PermissionDenied):
        services.send_handover(case=case, by=stranger, wcu_team=unit)


def test_accepting_moves_the_units_duties_to_the_accepting_officer():
    case, _, _ = recorded_case()
    wco, unit = wcu_officer()
    handover = services.send_handover(case=case, by=case.officer, wcu_team=unit)
    unit_duties = set(
        Duty.objects.filter(case=case, owner=Owner.WCU, status__in=OPEN_STATUSES).values_list(
            "pk", flat=True
        )
    )

    services.accept_handover(handover=handover, by=wco)

    handover.refresh_from_db()
    case.refresh_from_db()
    assert handover.state == HandOverState.ACCEPTED
    assert handover.answered_by == wco
    assert case.witness_care_officer == wco
    moved = set(handover.moved_duties.values_list("pk", flat=True))
    still_open = set(
        Duty.objects.filter(case=case, owner=Owner.WCU, status__in=OPEN_STATUSES).values_list(
            "pk", flat=True
        )
    )
    assert moved == still_open
    # The "assign a witness care officer" duty was met by the acceptance itself.
    assign = Duty.objects.get(case=case, rule__title="Assign a witness care officer")
    assert assign.pk in unit_duties
    assert assign.status in ("met", "met_late")
    assert handover.history.count() >= 2


def test_a_witness_care_officer_of_another_unit_cannot_answer():
    case, _, _ = recorded_case()
    _, unit = wcu_officer()
    other, _ = wcu_officer()
    handover = services.send_handover(case=case, by=case.officer, wcu_team=unit)

    with pytest.raises(PermissionDenied):
        services.accept_handover(handover=handover, by=other)
    with pytest.raises(PermissionDenied):
        services.return_handover(handover=handover, by=case.officer, missing="All of it")


def test_returning_needs_to_say_what_is_missing():
    case, _, _ = recorded_case()
    wco, unit = wcu_officer()
    handover = services.send_handover(case=case, by=case.officer, wcu_team=unit)

    with pytest.raises(ValidationError) as refused:
        services.return_handover(handover=handover, by=wco, missing="   ")

    assert refused.value.message_dict == {"missing": [services.SAY_WHAT_IS_MISSING]}
    handover.refresh_from_db()
    assert handover.state == HandOverState.SENT


def test_a_return_tells_the_officer_and_a_new_one_may_be_sent():
    case, _, _ = recorded_case()
    wco, unit = wcu_officer()
    handover = services.send_handover(case=case, by=case.officer, wcu_team=unit)

    services.return_handover(handover=handover, by=wco, missing="No VPS for the witness")

    handover.refresh_from_db()
    assert handover.state == HandOverState.RETURNED
    assert handover.missing == "No VPS for the witness"
    told = Notification.objects.get(recipient=case.officer, kind=Kind.HANDOVER_RETURNED)
    assert case.crime_reference in told.title
    assert "VPS" not in told.title + told.body  # what is missing is on the page, not in emails
    assert told.link == services.link(handover)
    assert Notification.objects.filter(recipient=wco, kind=Kind.HANDOVER_SENT).exists()
    with pytest.raises(ValidationError):
        services.accept_handover(handover=handover, by=wco)
    again = services.send_handover(case=case, by=case.officer, wcu_team=unit)
    assert again.state == HandOverState.SENT
