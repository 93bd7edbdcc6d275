"""The life of a case (issue 21): closing it only when nothing the Code owes is still open, a
supervisor's override, reopening it, and withdrawing an event undoing what the event caused."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role, TeamKind
from accounts.services import add_to_team
from audit.models import AuditEvent
from cases import services
from cases.models import (
    CaseClosure,
    CaseOutcome,
    CaseStatus,
    EventKind,
    ReopenReason,
    UpdateMethod,
)
from entitlements.models import OPEN_STATUSES, Duty, DutyRetiming, DutyStatus
from tests.cases.factories import CaseFactory, close_settled, offence, victim_of
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def make_case(**kwargs):
    return CaseFactory(
        offence=offence("theft_other"), occurred_at=NOW - 3 * DAY, now=NOW - 2 * DAY, **kwargs
    )


def supervisor_of(case):
    user = make_user(Role.SUPERVISOR)
    add_to_team(team=case.team, user=user, is_supervisor=True)
    return user


def open_duties(case):
    return Duty.objects.filter(case=case, status__in=OPEN_STATUSES)


def settle(case):
    """Mark every one-off duty not applicable, leaving only the agreed updates open."""
    open_duties(case).exclude(rule__recurring=True).update(
        status=DutyStatus.NOT_APPLICABLE, reason="Not applicable here"
    )


def close(case, by, now=NOW, **kwargs):
    case.refresh_from_db()
    return services.close_case(
        case=case,
        by=by,
        outcome=CaseOutcome.NO_SUSPECT,
        expected_version=case.version,
        now=now,
        **kwargs,
    )


def reopen(case, by, now=NOW + 5 * DAY, reason=ReopenReason.NEW_EVIDENCE, **kwargs):
    case.refresh_from_db()
    return services.reopen_case(
        case=case, by=by, reason=reason, expected_version=case.version, now=now, **kwargs
    )


# --- the closure gate ---------------------------------------------------------------------------


def test_a_case_with_open_duties_is_not_closed_and_the_refusal_lists_them_by_right():
    case = make_case()
    still_open = open_duties(case).count()
    assert still_open  # a new case owes the victim the acknowledgement, the referral...

    with pytest.raises(ValidationError) as refused:
        close(case, case.officer)

    errors = refused.value.message_dict
    assert len(errors["open_duties"]) == still_open
    for label in errors["open_duties"]:
        assert label.startswith("Right ")
        assert not re.search(r"\bR\d+\b", label), "a rule's code is not for the reader"
    assert "ask a supervisor" in errors["override_reason"][0]
    case.refresh_from_db()
    assert case.status == CaseStatus.UNDER_INVESTIGATION
    assert not CaseClosure.objects.exists()


def test_a_missed_duty_not_yet_resolved_also_stands_in_the_way():
    case = make_case()
    settle(case)
    duty = Duty.objects.filter(case=case).first()
    Duty.objects.filter(pk=duty.pk).update(status=DutyStatus.MISSED, due_at=NOW - DAY)

    with pytest.raises(ValidationError) as refused:
        close(case, case.officer)

    [label] = refused.value.message_dict["open_duties"]
    assert "missed" in label


def test_a_case_whose_duties_are_settled_closes_without_an_override():
    case = make_case()
    settle(case)

    close(case, case.officer)

    closing = CaseClosure.objects.get(case=case)
    assert (closing.closed_by, closing.open_duties, closing.override_reason) == (
        case.officer,
        0,
        "",
    )


def test_a_supervisor_of_the_team_must_say_why_to_close_over_open_duties():
    case = make_case()
    supervisor = supervisor_of(case)

    with pytest.raises(ValidationError) as refused:
        close(case, supervisor, override_reason="   ")

    assert refused.value.message_dict["override_reason"] == [
        "Give the reason for closing the case with these duties still open."
    ]


def test_a_supervisor_of_another_team_cannot_override():
    case = make_case()
    other = make_user(Role.SUPERVISOR)
    add_to_team(team=TeamFactory(), user=other, is_supervisor=True)

    with pytest.raises(ValidationError):
        close(case, other, override_reason="The victim has moved abroad")

    assert not CaseClosure.objects.exists()


def test_a_supervisors_override_is_recorded_audited_and_leaves_the_duties_open():
    case = make_case()
    supervisor = supervisor_of(case)
    before = set(open_duties(case).values_list("pk", flat=True))

    close(case, supervisor, override_reason="The victim has moved abroad and asked for no contact")

    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, CaseOutcome.NO_SUSPECT)
    closing = CaseClosure.objects.get(case=case)
    assert closing.open_duties == len(before)
    assert closing.override_reason == "The victim has moved abroad and asked for no contact"
    assert closing.closed_by == supervisor
    # Still owed, so still on the lists and counted: an override hides no failure.
    assert before <= set(open_duties(case).values_list("pk", flat=True))
    assert AuditEvent.objects.filter(
        case_id=case.pk,
        content_type=ContentType.objects.get_for_model(CaseClosure),
        object_id=str(closing.pk),
    ).exists()


def test_closing_gives_the_victim_the_final_update_on_the_outcome_from_the_rule_rows():
    case = make_case()
    settle(case)

    close(case, case.officer)

    final = Duty.objects.get(case=case, rule__trigger="case_closed")
    assert (final.party, final.status, final.rule.right.number) == (
        victim_of(case),
        DutyStatus.DUE,
        6,
    )


def test_closing_withdraws_the_agreed_update_not_yet_due_and_keeps_it_for_a_reopening():
    case = make_case()
    victim = victim_of(case)
    services.agree_updates(
        party=victim, by=case.officer, frequency_days=28, method=UpdateMethod.PHONE, now=NOW
    )
    settle(case)
    update = Duty.objects.get(party=victim, rule__recurring=True)

    close(case, case.officer, now=NOW + DAY)

    update.refresh_from_db()
    assert update.status == DutyStatus.WITHDRAWN
    assert update.withdrawn_by_closure == CaseClosure.objects.get(case=case)
    assert update.reason.startswith("The case was closed on")


def test_an_agreed_update_already_overdue_stands_in_the_way():
    case = make_case()
    victim = victim_of(case)
    services.agree_updates(
        party=victim, by=case.officer, frequency_days=7, method=UpdateMethod.PHONE, now=NOW
    )
    settle(case)

    with pytest.raises(ValidationError) as refused:
        close(case, case.officer, now=NOW + 10 * DAY)

    [label] = refused.value.message_dict["open_duties"]
    assert "Give the agreed update" in label


# --- reopening ----------------------------------------------------------------------------------


def test_only_a_supervisor_of_the_team_reopens_a_case():
    case = make_case()
    close_settled(case, now=NOW)
    with pytest.raises(PermissionDenied):
        reopen(case, case.officer)


def test_reopening_for_another_reason_needs_it_said():
    case = make_case()
    close_settled(case, now=NOW)
    with pytest.raises(ValidationError) as refused:
        reopen(case, supervisor_of(case), reason=ReopenReason.OTHER, details=" ")
    assert "details" in refused.value.message_dict


def test_reopening_restores_the_withdrawn_update_and_starts_what_the_rules_give():
    case = make_case()
    victim = victim_of(case)
    services.agree_updates(
        party=victim, by=case.officer, frequency_days=28, method=UpdateMethod.PHONE, now=NOW
    )
    settle(case)
    update = Duty.objects.get(party=victim, rule__recurring=True)
    closed_at = NOW + DAY
    close(case, case.officer, now=closed_at)
    left = update.due_at - closed_at
    supervisor = supervisor_of(case)
    reopened_at = closed_at + 40 * DAY  # after the update would have fallen due

    closing = reopen(case, supervisor, now=reopened_at, reason=ReopenReason.VICTIMS_RIGHT_TO_REVIEW)

    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_at) == (
        CaseStatus.UNDER_INVESTIGATION,
        "",
        None,
    )
    assert (closing.reopened_at, closing.reopened_by, closing.reopen_reason) == (
        reopened_at,
        supervisor,
        ReopenReason.VICTIMS_RIGHT_TO_REVIEW,
    )
    update.refresh_from_db()
    assert update.status == DutyStatus.DUE
    assert update.due_at == reopened_at + left  # the time it had left, from the reopening
    [move] = DutyRetiming.objects.filter(duty=update)
    assert (move.due_at, move.changed_by) == (update.due_at, supervisor)
    assert "restored on" in update.explanation
    assert "Victims' Right to Review" in update.explanation
    final = Duty.objects.get(case=case, rule__trigger="case_closed")
    assert (final.status, final.resolved_by) == (DutyStatus.WITHDRAWN, supervisor)
    assert final.reason.startswith("The case was reopened")
    started = Duty.objects.get(case=case, rule__trigger="case_reopened")
    assert (started.party, started.status, started.rule.right.number) == (victim, "due", 6)


def test_a_reopened_case_that_was_charged_goes_back_to_the_witness_care_unit():
    case = make_case()
    wcu = TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT)
    services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.PASSED_TO_WCU,
        occurred_at=NOW - DAY,
        wcu_team=wcu,
        now=NOW,
    )
    close_settled(case, outcome=CaseOutcome.ACQUITTED, now=NOW)

    reopen(case, supervisor_of(case), reason=ReopenReason.APPEAL)

    case.refresh_from_db()
    assert case.status == CaseStatus.WITH_WCU


def test_a_reopened_case_can_be_closed_again():
    case = make_case()
    close_settled(case, now=NOW)
    reopen(case, supervisor_of(case))
    close_settled(case, now=NOW + 10 * DAY)
    assert CaseClosure.objects.filter(case=case).count() == 2


# --- withdrawing an event undoes what it caused --------------------------------------------------


def record(case, kind, **kwargs):
    return services.record_event(
        case=case, by=case.officer, kind=kind, occurred_at=NOW - DAY, now=NOW, **kwargs
    )


def test_withdrawing_a_charge_puts_the_status_back_and_withdraws_its_duties_with_a_trace():
    case = make_case()
    charge = record(case, EventKind.CHARGE)
    case.refresh_from_db()
    assert case.status == CaseStatus.WITH_WCU
    caused = list(Duty.objects.filter(trigger_event=charge).values_list("pk", flat=True))
    assert caused
    corrector = make_user(Role.OFFICER)

    services.withdraw_event(
        event=charge, by=corrector, reason="Recorded on the wrong case", now=NOW + DAY
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.UNDER_INVESTIGATION
    for duty in Duty.objects.filter(pk__in=caused):
        assert (duty.status, duty.resolved_by, duty.resolved_at) == (
            DutyStatus.WITHDRAWN,
            corrector,
            NOW + DAY,
        )
        assert "Recorded on the wrong case" in duty.reason


def test_withdrawing_the_hand_over_to_the_witness_care_unit_takes_the_unit_off_the_case():
    case = make_case()
    passed = record(
        case, EventKind.PASSED_TO_WCU, wcu_team=TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT)
    )

    services.withdraw_event(event=passed, by=case.officer, reason="Not yet", now=NOW)

    case.refresh_from_db()
    assert (case.status, case.wcu_team_id) == (CaseStatus.UNDER_INVESTIGATION, None)


def test_an_event_still_standing_keeps_the_status_it_would_have_set_too():
    case = make_case()
    record(case, EventKind.PASSED_TO_WCU, wcu_team=TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT))
    charge = record(case, EventKind.CHARGE)

    services.withdraw_event(event=charge, by=case.officer, reason="Duplicate", now=NOW)

    case.refresh_from_db()
    assert case.status == CaseStatus.WITH_WCU


def test_withdrawing_an_event_that_changed_nothing_on_the_case_leaves_it_as_it_is():
    case = make_case()
    arrest = record(case, EventKind.ARREST)
    version = case.version

    services.withdraw_event(event=arrest, by=case.officer, reason="Wrong suspect", now=NOW)

    case.refresh_from_db()
    assert (case.status, case.version) == (CaseStatus.UNDER_INVESTIGATION, version)
    assert not Duty.objects.filter(trigger_event=arrest, status__in=OPEN_STATUSES).exists()
