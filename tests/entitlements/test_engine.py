"""The duty engine's behaviour beyond the deadline table: re-timing, withdrawal, idempotency,
meeting and resolving duties, missed duties, rule editions and who a duty is owed to."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role, TeamKind
from cases import services
from cases.models import (
    Basis,
    CaseOutcome,
    Contact,
    ContactMethod,
    ContactPurpose,
    EventKind,
    PartyRole,
    UpdateMethod,
    VpsStatus,
)
from entitlements import services as engine
from entitlements.models import Duty, DutyRule, DutyStatus
from tests.cases.factories import (
    CaseFactory,
    PartyFactory,
    PersonFactory,
    close_settled,
    offence,
    victim_of,
)
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def london(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def end_of(y, m, d):
    return datetime.datetime(y, m, d, 23, 59, 59, tzinfo=LONDON)


FRIDAY = london(2026, 3, 13, 18, 0)  # Friday 13 March 2026, GMT


def make_case(code="theft_other", *, reported_at=FRIDAY - 10 * DAY, **kwargs):
    return CaseFactory(
        offence=offence(code),
        occurred_at=reported_at - HOUR,
        reported_at=reported_at,
        now=reported_at,
        **kwargs,
    )


def arrest(case, at=FRIDAY, **kwargs):
    return services.record_event(
        case=case, by=case.officer, kind=EventKind.ARREST, occurred_at=at, now=at, **kwargs
    )


def duty(party, code, **filters):
    return Duty.objects.get(party=party, rule__code=code, **filters)


def contact(case, party, at, *, meets=(), purpose=ContactPurpose.OTHER):
    return services.record_contact(
        case=case,
        party=party,
        by=case.officer,
        occurred_at=at,
        method=ContactMethod.PHONE,
        purpose=purpose,
        summary="Spoke to them",
        meets=meets,
        now=at,
    )


def dash(yes=0):
    return {str(n): "yes" if n <= yes else "no" for n in range(1, 28)}


# --- eligibility changes re-time open duties -----------------------------------------------------


def test_finding_a_victim_intimidated_re_times_open_duties_from_5_to_1_working_day():
    case = make_case()
    victim = victim_of(case)
    assert not victim.enhanced
    arrest(case)
    r7 = duty(victim, "R7")
    assert (r7.due_at, r7.enhanced) == (end_of(2026, 3, 20), False)  # 5 working days

    services.record_needs_assessment(
        party=victim,
        by=case.officer,
        now=london(2026, 3, 16, 9, 0),
        intimidated=True,
        intimidation_factors=["behaviour_of_accused"],
    )
    victim.refresh_from_db()
    assert victim.enhanced
    r7.refresh_from_db()
    assert r7.due_at == end_of(2026, 3, 16)  # 1 working day: the Monday
    assert r7.enhanced is True
    assert r7.status == DutyStatus.DUE
    assert "Re-timed" in r7.explanation
    assert "enhanced rights" in r7.explanation
    assert "1 working day for enhanced rights" in r7.explanation


def test_re_timing_to_a_deadline_already_past_makes_the_duty_missed():
    case = make_case()
    victim = victim_of(case)
    arrest(case)
    services.record_basis(
        party=victim,
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=True,
        evidence="Third incident this month",
        by=case.officer,
        now=london(2026, 3, 18, 9, 0),  # Wednesday: the enhanced deadline was Monday
    )
    r7 = duty(victim, "R7")
    assert r7.due_at == end_of(2026, 3, 16)
    assert r7.status == DutyStatus.MISSED


def test_losing_enhanced_rights_gives_back_the_standard_deadline():
    case = make_case()
    victim = victim_of(case)
    arrest(case)
    services.record_basis(
        party=victim,
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=True,
        evidence="Repeat victim",
        by=case.officer,
        now=london(2026, 3, 18, 9, 0),
    )
    assert duty(victim, "R7").status == DutyStatus.MISSED
    services.record_basis(
        party=victim,
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=False,
        evidence="Recorded in error",
        by=case.officer,
        now=london(2026, 3, 18, 10, 0),
    )
    r7 = duty(victim, "R7")
    assert (r7.due_at, r7.status, r7.enhanced) == (end_of(2026, 3, 20), DutyStatus.DUE, False)


def test_re_timing_leaves_resolved_duties_alone():
    case = make_case()
    victim = victim_of(case)
    arrest(case)
    r7 = duty(victim, "R7")
    contact(case, victim, FRIDAY + HOUR, meets=[r7])
    services.record_basis(
        party=victim,
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=True,
        evidence="Repeat victim",
        by=case.officer,
        now=FRIDAY + 2 * HOUR,
    )
    r7.refresh_from_db()
    assert (r7.status, r7.due_at, r7.enhanced) == (DutyStatus.MET, end_of(2026, 3, 20), False)
    assert "Re-timed" not in r7.explanation


# --- withdrawn events ---------------------------------------------------------------------------


def test_withdrawing_an_event_withdraws_its_open_duties_with_the_reason_and_keeps_met_ones():
    case = make_case()
    victim = victim_of(case)
    event = services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.HEARING_LISTED,
        occurred_at=FRIDAY - DAY,
        received_at=FRIDAY,
        hearing_at=FRIDAY + 30 * DAY,
        venue="Northshire Magistrates' Court",
        now=FRIDAY,
    )
    r16, wc5 = duty(victim, "R16"), duty(victim, "WC5")
    contact(case, victim, FRIDAY + HOUR, meets=[r16])
    other = arrest(case, at=FRIDAY + HOUR)
    supervisor = make_user(Role.SUPERVISOR)

    services.withdraw_event(
        event=event, by=supervisor, reason="Listed on the wrong case", now=FRIDAY + 2 * HOUR
    )

    wc5.refresh_from_db()
    assert wc5.status == DutyStatus.WITHDRAWN
    assert "Listed on the wrong case" in wc5.reason
    assert wc5.resolved_by == supervisor
    assert wc5.resolved_at == FRIDAY + 2 * HOUR
    r16.refresh_from_db()
    assert r16.status == DutyStatus.MET
    assert r16.reason == ""
    assert duty(victim, "R7", trigger_event=other).status == DutyStatus.DUE


def test_a_withdrawn_duty_is_not_made_missed_or_re_timed():
    case = make_case()
    victim = victim_of(case)
    event = arrest(case)
    services.withdraw_event(event=event, by=case.officer, reason="Wrong suspect", now=FRIDAY)
    engine.mark_missed(now=FRIDAY + 30 * DAY)
    services.record_basis(
        party=victim,
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=True,
        evidence="Repeat victim",
        by=case.officer,
        now=FRIDAY + 31 * DAY,
    )
    r7 = duty(victim, "R7")
    assert (r7.status, r7.due_at) == (DutyStatus.WITHDRAWN, end_of(2026, 3, 20))


# --- the same trigger never makes two duties ----------------------------------------------------


def test_the_same_trigger_twice_makes_no_second_duty():
    case = make_case()
    victim = victim_of(case)
    event = arrest(case)
    assessment = services.record_needs_assessment(party=victim, by=case.officer, now=FRIDAY)
    before = Duty.objects.count()

    engine.on_event_recorded(event)
    engine.on_party_added(victim, at=case.reported_at, at_report=True)
    engine.on_needs_assessed(assessment)
    engine.on_case_created(case)

    assert Duty.objects.count() == before
    assert Duty.objects.filter(party=victim, rule__code="R7").count() == 1


def test_closing_a_case_twice_over_is_one_final_update_even_in_summer_time():
    # The key of the close trigger must not depend on the time zone the time is given in.
    case = make_case(reported_at=london(2026, 6, 1, 12, 0))
    closed_at = london(2026, 7, 3, 16, 0)  # BST
    close_settled(case, outcome=CaseOutcome.NO_SUSPECT, now=closed_at)
    case.refresh_from_db()  # closed_at comes back in UTC
    engine.on_case_closed(case, at=case.closed_at)
    assert Duty.objects.filter(rule__code="R30").count() == 1


def test_two_arrests_are_two_triggers_and_two_duties():
    case = make_case()
    arrest(case, at=FRIDAY - DAY)
    arrest(case, at=FRIDAY)
    assert Duty.objects.filter(party=victim_of(case), rule__code="R7").count() == 2


# --- meeting duties -----------------------------------------------------------------------------


def test_a_contact_meets_the_duties_ticked_in_one_step():
    case = make_case()
    victim = victim_of(case)
    arrest(case)
    r7 = duty(victim, "R7")
    made = contact(case, victim, FRIDAY + 2 * HOUR, meets=[r7])
    r7.refresh_from_db()
    assert r7.status == DutyStatus.MET
    assert r7.met_contact == made
    assert r7.met_at == FRIDAY + 2 * HOUR
    assert r7.met_by == case.officer


def test_a_contact_cannot_meet_a_duty_owed_to_someone_else_and_saves_nothing():
    case = make_case()
    victim = victim_of(case)
    witness = PartyFactory(case=case, role=PartyRole.WITNESS, now=FRIDAY - DAY)
    wc1 = duty(witness, "WC1")
    with pytest.raises(ValidationError) as refused:
        contact(case, victim, FRIDAY, meets=[wc1])
    assert "meets" in refused.value.message_dict
    wc1.refresh_from_db()
    assert wc1.status == DutyStatus.DUE
    assert not Contact.objects.filter(party=victim).exists()


def test_a_contact_cannot_meet_a_duty_already_met():
    case = make_case()
    victim = victim_of(case)
    arrest(case)
    r7 = duty(victim, "R7")
    contact(case, victim, FRIDAY + HOUR, meets=[r7])
    stale = Duty.objects.get(pk=r7.pk)
    with pytest.raises(ValidationError):
        contact(case, victim, FRIDAY + 2 * HOUR, meets=[stale])
    r7.refresh_from_db()
    assert r7.met_at == FRIDAY + HOUR


def test_a_stale_copy_of_a_duty_met_meanwhile_is_not_met_again():
    case = make_case()
    victim = victim_of(case)
    arrest(case)
    loaded = duty(victim, "R7")  # read, say, when the contact form was drawn
    contact(case, victim, FRIDAY + HOUR, meets=[duty(victim, "R7")])
    with pytest.raises(ValidationError):
        contact(case, victim, FRIDAY + 2 * HOUR, meets=[loaded])
    assert duty(victim, "R7").met_at == FRIDAY + HOUR


def test_the_agreed_update_cannot_be_met_by_a_contact_that_is_not_an_update():
    # Otherwise it would be met with no next update scheduled.
    case = make_case()
    victim = victim_of(case)
    services.agree_updates(
        party=victim, by=case.officer, frequency_days=7, method=UpdateMethod.PHONE, now=FRIDAY
    )
    update = duty(victim, "R5-U")
    with pytest.raises(ValidationError):
        contact(case, victim, FRIDAY + DAY, meets=[update], purpose=ContactPurpose.OTHER)
    assert duty(victim, "R5-U").status == DutyStatus.DUE

    # Ticking it on an update contact meets it once and schedules the next.
    contact(case, victim, FRIDAY + DAY, meets=[update], purpose=ContactPurpose.UPDATE)
    statuses = list(
        Duty.objects.filter(party=victim, rule__code="R5-U")
        .order_by("sequence")
        .values_list("sequence", "status")
    )
    assert statuses == [(1, DutyStatus.MET), (2, DutyStatus.DUE)]


def test_a_needs_assessment_meets_r3_for_a_victim_and_wc1_for_a_witness():
    case = make_case()
    victim = victim_of(case)
    witness = PartyFactory(case=case, role=PartyRole.WITNESS, now=FRIDAY - 2 * DAY)
    services.record_needs_assessment(party=victim, by=case.officer, now=FRIDAY)
    r3 = duty(victim, "R3")
    assert r3.status == DutyStatus.MET_LATE  # due 2 working days after the report
    assert r3.met_record == "Needs assessment version 1"
    assert duty(witness, "WC1").status == DutyStatus.DUE  # the victim's assessment is not theirs

    services.record_needs_assessment(party=witness, by=case.officer, now=FRIDAY)
    wc1 = duty(witness, "WC1")
    assert (wc1.status, wc1.met_at) == (DutyStatus.MET, FRIDAY)


def test_offering_a_vps_meets_r14():
    case = make_case()
    victim = victim_of(case)
    services.record_vps(party=victim, by=case.officer, status=VpsStatus.DECLINED, now=FRIDAY)
    r14 = duty(victim, "R14")
    assert (r14.status, r14.met_at) == (DutyStatus.MET, FRIDAY)
    assert "declined" in r14.met_record


def test_a_dash_risk_assessment_meets_r29():
    case = make_case("abh_domestic")
    victim = victim_of(case)
    services.assess_risk(party=victim, by=case.officer, answers=dash(3), now=case.reported_at)
    assert duty(victim, "R29").status == DutyStatus.MET


def test_meeting_after_the_deadline_is_met_late():
    case = make_case()
    victim = victim_of(case)
    arrest(case)
    arrest(case, at=FRIDAY + HOUR)
    on_time, late = Duty.objects.filter(party=victim, rule__code="R7").order_by("trigger_at")
    engine.meet_duty(duty=on_time, by=case.officer, at=end_of(2026, 3, 20), note="Phoned")
    engine.meet_duty(
        duty=late, by=case.officer, at=end_of(2026, 3, 20) + datetime.timedelta(seconds=1), note="x"
    )
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert on_time.status == DutyStatus.MET
    assert late.status == DutyStatus.MET_LATE


def test_meeting_needs_a_note_or_a_contact_and_only_open_duties():
    case = make_case()
    arrest(case)
    r7 = duty(victim_of(case), "R7")
    with pytest.raises(ValidationError):
        engine.meet_duty(duty=r7, by=case.officer, at=FRIDAY + HOUR, note="  ")
    engine.meet_duty(duty=r7, by=case.officer, at=FRIDAY + HOUR, note="Told them by phone")
    with pytest.raises(ValidationError):
        engine.meet_duty(duty=r7, by=case.officer, at=FRIDAY + HOUR, note="Again")


# --- missed duties ------------------------------------------------------------------------------


def test_mark_missed_marks_only_due_duties_past_their_deadline_and_is_idempotent():
    case = make_case()  # reported Tuesday 3 March: R3 and R4 due Thursday 5 March
    victim = victim_of(case)
    arrest(case)  # R7 due Friday 20 March
    services.record_event(
        case=case, by=case.officer, kind=EventKind.VRR_REQUEST, occurred_at=FRIDAY, now=FRIDAY
    )  # R13-ACK due Friday 27 March, R13-DEC in April
    engine.decline_duty(
        duty=duty(victim, "R2"), by=case.officer, reason="Does not want a letter", now=FRIDAY
    )  # was due 10 March
    engine.meet_duty(duty=duty(victim, "R14"), by=case.officer, at=FRIDAY, note="Offered")

    def statuses():
        return dict(Duty.objects.values_list("rule__code", "status"))

    before = statuses()
    # R1 (due 4 March) was met when the case was recorded: resolved, so left alone.
    assert before["R1"] in {DutyStatus.MET, DutyStatus.MET_LATE}

    now = end_of(2026, 3, 20) + datetime.timedelta(seconds=1)
    assert engine.mark_missed(now=now) == 3

    after = statuses()
    changed = {code for code in after if after[code] != before[code]}
    assert changed == {"R3", "R4", "R7"}
    assert {after[code] for code in changed} == {DutyStatus.MISSED}
    assert after["R13-ACK"] == after["R13-DEC"] == DutyStatus.DUE  # not yet due
    assert after["R2"] == DutyStatus.DECLINED  # past its deadline, but resolved
    assert after["R14"] == DutyStatus.MET

    assert engine.mark_missed(now=now) == 0
    assert statuses() == after


def test_a_duty_due_at_exactly_now_is_not_yet_missed():
    case = make_case()
    arrest(case)
    engine.mark_missed(now=end_of(2026, 3, 20))
    assert duty(victim_of(case), "R7").status == DutyStatus.DUE
    engine.mark_missed(now=end_of(2026, 3, 20) + datetime.timedelta(microseconds=1))
    assert duty(victim_of(case), "R7").status == DutyStatus.MISSED


def test_a_missed_duty_can_still_be_met_late():
    case = make_case()
    arrest(case)
    engine.mark_missed(now=end_of(2026, 3, 21))
    r7 = duty(victim_of(case), "R7")
    assert r7.status == DutyStatus.MISSED
    engine.meet_duty(duty=r7, by=case.officer, at=end_of(2026, 3, 21), note="Phoned at last")
    r7.refresh_from_db()
    assert r7.status == DutyStatus.MET_LATE


# --- resolving without meeting ------------------------------------------------------------------


def test_only_a_supervisor_can_waive_a_duty_and_only_with_a_reason():
    case = make_case()
    arrest(case)
    r7 = duty(victim_of(case), "R7")
    with pytest.raises(PermissionDenied):
        engine.waive_duty(duty=r7, by=case.officer, reason="Busy", now=FRIDAY)
    supervisor = make_user(Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):  # a supervisor, but not of this case's team
        engine.waive_duty(duty=r7, by=supervisor, reason="Not mine", now=FRIDAY)
    from accounts import services as accounts_services

    accounts_services.add_to_team(team=case.team, user=supervisor, is_supervisor=True)
    with pytest.raises(ValidationError):
        engine.waive_duty(duty=r7, by=supervisor, reason=" ", now=FRIDAY)
    engine.waive_duty(duty=r7, by=supervisor, reason="Victim died; family told", now=FRIDAY)
    r7.refresh_from_db()
    assert (r7.status, r7.reason, r7.resolved_by) == (
        DutyStatus.WAIVED,
        "Victim died; family told",
        supervisor,
    )
    with pytest.raises(ValidationError):
        engine.waive_duty(duty=r7, by=supervisor, reason="Again", now=FRIDAY)


def test_declining_and_not_applicable_need_a_reason_and_close_the_duty():
    case = make_case()
    arrest(case)
    arrest(case, at=FRIDAY + HOUR)
    first, second = Duty.objects.filter(rule__code="R7").order_by("trigger_at")
    with pytest.raises(ValidationError):
        engine.decline_duty(duty=first, by=case.officer, reason="")
    engine.decline_duty(duty=first, by=case.officer, reason="No updates on arrests", now=FRIDAY)
    engine.mark_not_applicable(duty=second, by=case.officer, reason="Same arrest", now=FRIDAY)
    assert {d.status for d in Duty.objects.filter(rule__code="R7")} == {
        DutyStatus.DECLINED,
        DutyStatus.NOT_APPLICABLE,
    }
    assert not Duty.objects.filter(rule__code="R7").open().exists()


# --- rule editions -----------------------------------------------------------------------------


def test_a_case_keeps_the_rules_of_its_date_after_a_rule_changes():
    change = datetime.date(2026, 4, 1)
    old = DutyRule.objects.get(code="R7")
    old.effective_to = change
    old.save()
    new = DutyRule.objects.create(
        code="R7",
        right=old.right,
        title=old.title,
        trigger=old.trigger,
        roles=old.roles,
        standard_working_days=3,
        enhanced_working_days=2,
        owner=old.owner,
        edition="Victims' Code 2026 (test)",
        effective_from=change,
        source="A later edition",
    )
    case = make_case()
    victim = victim_of(case)
    before = arrest(case, at=london(2026, 3, 31, 23, 30))  # Tuesday, the last day of the old rule
    # 00:30 on 1 April in London is still 31 March in UTC: the London date decides.
    after = arrest(case, at=london(2026, 4, 1, 0, 30))

    old_duty = duty(victim, "R7", trigger_event=before)
    new_duty = duty(victim, "R7", trigger_event=after)
    assert old_duty.rule == old
    assert new_duty.rule == new
    # Old: 5 working days from Tue 31 March, skipping Good Friday and Easter Monday: Thu 9 April.
    assert old_duty.due_at == end_of(2026, 4, 9)
    # New: 3 working days from Wed 1 April: Thu 2, Tue 7, Wed 8 April.
    assert new_duty.due_at == end_of(2026, 4, 8)
    assert "in force from 1 April 2026" in new_duty.explanation
    assert "in force from 1 April 2021" in old_duty.explanation

    # Re-timing keeps each duty on its own edition.
    services.record_basis(
        party=victim,
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=True,
        evidence="Repeat victim",
        by=case.officer,
        now=london(2026, 4, 1, 9, 0),
    )
    old_duty.refresh_from_db()
    new_duty.refresh_from_db()
    assert (old_duty.rule, old_duty.due_at) == (old, end_of(2026, 4, 1))  # 1 working day
    assert (new_duty.rule, new_duty.due_at) == (new, end_of(2026, 4, 7))  # 2 working days


# --- rules that apply only to some cases -------------------------------------------------------


def sentence(case, months, at=FRIDAY):
    return services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.SENTENCE,
        occurred_at=at,
        received_at=at + HOUR,
        custody_months=months,
        now=at + HOUR,
    )


@pytest.mark.parametrize(
    ("code", "months", "referred"),
    [
        ("abh_domestic", 12, True),
        ("rape", 48, True),
        ("gbh_with_intent", 12, True),
        ("abh_domestic", 11, False),  # too short
        ("abh_domestic", 0, False),  # no custody
        ("theft_other", 24, False),  # not a specified offence
        ("abh", 36, False),  # violent, but not flagged as specified
    ],
)
def test_r23_victim_contact_scheme_referral_only_for_a_qualifying_sentence(code, months, referred):
    case = make_case(code)
    victim = victim_of(case)
    sentence(case, months)
    assert Duty.objects.filter(party=victim, rule__code="R23").exists() is referred
    assert Duty.objects.filter(party=victim, rule__code="R22").count() == 1  # always told


def test_r29_dash_duty_only_for_domestic_abuse_and_only_for_the_victim():
    da = make_case("abh_domestic")
    witness = PartyFactory(case=da, role=PartyRole.WITNESS, now=da.reported_at + HOUR)
    r29 = duty(victim_of(da), "R29")
    assert r29.due_at == end_of(2026, 3, 3)  # the end of the day of the report (3 March)
    assert not Duty.objects.filter(party=witness, rule__code="R29").exists()

    other = make_case("common_assault")
    assert not Duty.objects.filter(party=victim_of(other), rule__code="R29").exists()


def test_an_event_about_one_witness_makes_duties_only_for_that_witness():
    case = make_case()
    victim = victim_of(case)
    witness = PartyFactory(
        case=case, role=PartyRole.WITNESS, person=PersonFactory(), now=FRIDAY - DAY
    )
    other_witness = PartyFactory(case=case, role=PartyRole.WITNESS, now=FRIDAY - DAY)
    services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.REQUIRED_TO_GIVE_EVIDENCE,
        occurred_at=FRIDAY - HOUR,
        received_at=FRIDAY,
        party=witness,
        now=FRIDAY,
    )
    codes = set(
        Duty.objects.filter(trigger_event__kind=EventKind.REQUIRED_TO_GIVE_EVIDENCE).values_list(
            "party", "rule__code"
        )
    )
    assert codes == {(witness.pk, "R18"), (witness.pk, "WC3"), (witness.pk, "WC4")}
    assert not Duty.objects.filter(party__in=[victim, other_witness], trigger_event__isnull=False)


def test_an_event_about_the_whole_case_makes_duties_for_everyone_it_is_owed_to():
    case = make_case()
    victim = victim_of(case)
    witness = PartyFactory(case=case, role=PartyRole.WITNESS, now=FRIDAY - DAY)
    services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.VERDICT,
        occurred_at=FRIDAY - HOUR,
        received_at=FRIDAY,
        now=FRIDAY,
    )
    assert set(Duty.objects.filter(rule__code="R21").values_list("party", flat=True)) == {
        victim.pk,
        witness.pk,
    }


def test_passing_to_the_witness_care_unit_owes_a_witness_care_officer_to_the_victim_only():
    case = make_case()
    PartyFactory(case=case, role=PartyRole.WITNESS, now=FRIDAY - DAY)
    services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.PASSED_TO_WCU,
        occurred_at=FRIDAY,
        wcu_team=TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT),
        now=FRIDAY,
    )
    assert list(Duty.objects.filter(rule__code="R15").values_list("party", flat=True)) == [
        victim_of(case).pk
    ]


# --- explanations -------------------------------------------------------------------------------


def test_the_explanation_shows_the_working_day_sum_and_the_days_skipped():
    case = make_case()
    arrest(case)
    text = duty(victim_of(case), "R7").explanation
    assert "R7" in text
    assert "Suspect arrested" in text or "suspect arrested" in text
    assert "5 working days for standard rights" in text
    assert "counted from the day after Friday 13 March" in text
    assert "Monday 16 March, Tuesday 17 March, Wednesday 18 March, Thursday 19 March, " in text
    assert "Friday 20 March" in text
    assert "Not counted: Saturday 14 March (Saturday), Sunday 15 March (Sunday)." in text
    assert "Due by the end of Friday 20 March 2026" in text
    assert "Victims' Code 2020" in text


def test_the_explanation_names_the_bank_holidays_skipped():
    case = make_case("abh_domestic", reported_at=london(2026, 3, 20, 12, 0))
    services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.INTERVIEW,
        occurred_at=london(2026, 4, 2, 15, 0),  # Thursday before Easter
        now=london(2026, 4, 2, 15, 0),
    )
    r8 = duty(victim_of(case), "R8")
    assert r8.due_at == end_of(2026, 4, 7)
    assert "1 working day for enhanced rights" in r8.explanation
    assert "Friday 3 April (Good Friday)" in r8.explanation
    assert "Monday 6 April (Easter Monday)" in r8.explanation
    assert "with enhanced rights" in r8.explanation


def test_the_explanation_of_an_hours_clock_and_a_same_day_clock():
    case = make_case("abh_domestic", reported_at=FRIDAY)
    victim = victim_of(case)
    assert "24 hours from Friday 13 March 2026 at 18:00" in duty(victim, "R1").explanation
    assert "By the end of the same day" in duty(victim, "R29").explanation
