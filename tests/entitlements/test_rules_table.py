"""Every seeded duty rule, triggered through cases.services, gives the deadline the Code sets.

One row per rule: how to trigger it, whom it is owed to, the working days (standard and enhanced)
written out from DOMAIN.md section 16, the owner and whether the clock runs from the Witness Care
Unit's receipt. The expected deadlines are dates written out by hand from two triggers with known
calendars (a Friday evening in March, and Christmas Eve 2026 with its bank holidays), not worked
out by the engine's own functions.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role, TeamKind
from accounts.services import add_to_team
from cases import services
from cases.models import (
    Basis,
    CaseOutcome,
    ContactMethod,
    ContactPurpose,
    EnhancedRightsPolicy,
    EventKind,
    PartyRole,
    ReopenReason,
    UpdateMethod,
)
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


def london(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=LONDON)


# Two triggers, and the day each number of working days after them ends, counted by hand.
TRIGGERS = {
    # Friday 13 March 2026, 18:00 GMT. Good Friday is 3 April, Easter Monday 6 April 2026.
    "friday": (
        london(2026, 3, 13, 18, 0),
        {
            0: datetime.date(2026, 3, 13),
            1: datetime.date(2026, 3, 16),  # Monday
            2: datetime.date(2026, 3, 17),
            5: datetime.date(2026, 3, 20),
            10: datetime.date(2026, 3, 27),
            30: datetime.date(2026, 4, 28),  # 14 days to Thu 2 April, then from Tue 7 April
        },
    ),
    # Thursday 24 December 2026, 10:00. Christmas Day Fri 25, Boxing Day Sat 26 (substitute
    # Mon 28), New Year's Day Fri 1 January 2027.
    "christmas_eve": (
        london(2026, 12, 24, 10, 0),
        {
            0: datetime.date(2026, 12, 24),
            1: datetime.date(2026, 12, 29),  # Tuesday
            2: datetime.date(2026, 12, 30),
            5: datetime.date(2027, 1, 5),  # Tue 29, Wed 30, Thu 31, Mon 4, Tue 5
            10: datetime.date(2027, 1, 12),
            30: datetime.date(2027, 2, 9),
        },
    ),
}

VICTIMS = "victim"
WITNESS = "witness"
OFFICER, WCU, SUPERVISOR = "officer", "wcu", "supervisor"


@dataclass(frozen=True)
class Spec:
    setup: str  # how the trigger is made: see trigger_rule()
    standard: int | None  # working days for standard rights
    enhanced: int | None  # working days for enhanced rights
    owner: str
    receipt: bool = False  # clock runs from the Witness Care Unit's receipt
    hours: int | None = None  # a clock in hours instead
    target: str = VICTIMS  # whom to check the duty for


# DOMAIN.md section 16 (and the seeded figures where the Code gives no clock).
SPECS = {
    "R1": Spec("reported", None, None, OFFICER, hours=24),
    "R2": Spec("recorded", 5, 5, OFFICER),
    "R3": Spec("recorded", 2, 2, OFFICER),
    "R4": Spec("recorded", 2, 2, OFFICER),
    "R5": Spec("needs_assessed", 1, 1, OFFICER),
    "R6": Spec(EventKind.NOT_INVESTIGATED, 5, 1, OFFICER),
    "R7": Spec(EventKind.ARREST, 5, 1, OFFICER),
    "R8": Spec(EventKind.INTERVIEW, 5, 1, OFFICER),
    "R9": Spec(EventKind.RELEASED_NO_CHARGE, 5, 1, OFFICER),
    "R10": Spec(EventKind.BAIL, 5, 1, OFFICER),
    "R10-RUI": Spec(EventKind.RUI, 5, 1, OFFICER),
    "R10-BC": Spec(EventKind.BAIL_CHANGED, 5, 1, OFFICER),
    "R11": Spec(EventKind.CHARGE, 5, 1, OFFICER),
    "R11-OOCD": Spec(EventKind.OUT_OF_COURT, 5, 1, OFFICER),
    "R11-NP": Spec(EventKind.NO_PROSECUTION, 5, 1, OFFICER),
    "R13-ACK": Spec(EventKind.VRR_REQUEST, 10, 10, SUPERVISOR),
    "R13-DEC": Spec(EventKind.VRR_REQUEST, 30, 30, SUPERVISOR),
    "R14": Spec("recorded", 10, 10, OFFICER),
    "R14-CH": Spec(EventKind.CHARGE, 5, 1, OFFICER),
    "R14-SE": Spec(EventKind.VERDICT, 1, 1, WCU, receipt=True),
    "R15": Spec(EventKind.PASSED_TO_WCU, 1, 1, WCU),
    "R16": Spec(EventKind.HEARING_LISTED, 1, 1, WCU, receipt=True),
    "R17": Spec(EventKind.HEARING_OUTCOME, 5, 1, WCU, receipt=True),
    "R18": Spec(EventKind.REQUIRED_TO_GIVE_EVIDENCE, 1, 1, WCU, receipt=True),
    "R19": Spec(EventKind.SPECIAL_MEASURES_DECISION, 5, 1, WCU, receipt=True),
    "R20": Spec("special_measures_needed", 10, 10, OFFICER),
    "R21": Spec(EventKind.VERDICT, 1, 1, WCU, receipt=True),
    "R22": Spec(EventKind.SENTENCE, 1, 1, WCU, receipt=True),
    # Referral within 10 working days of the sentence itself, not of the WCU hearing of it.
    "R23": Spec(EventKind.SENTENCE, 10, 10, WCU, receipt=False),
    "R25": Spec(EventKind.APPEAL, 5, 1, WCU, receipt=True),
    "R26": Spec(EventKind.COMPLAINT, 10, 10, SUPERVISOR),
    "R29": Spec("recorded", 0, 0, OFFICER),
    "R30": Spec("closed", 5, 1, OFFICER),
    "R30-RO": Spec("reopened", 5, 1, OFFICER),
    "WC1": Spec("witness_added", 5, 2, OFFICER, target=WITNESS),
    "WC3": Spec(EventKind.REQUIRED_TO_GIVE_EVIDENCE, 5, 2, WCU, receipt=True),
    "WC4": Spec(EventKind.REQUIRED_TO_GIVE_EVIDENCE, 5, 5, WCU, receipt=True),
    "WC5": Spec(EventKind.HEARING_LISTED, 5, 5, WCU, receipt=True),
}


# --- building each trigger ----------------------------------------------------------------------


def _offence_code(code: str, enhanced: bool) -> str:
    if code == "R23":
        # A specified offence either way; the standard victim opts out of the automatic
        # intimidation a knife offence brings (robbery is not one of the most serious crimes).
        return "abh_domestic" if enhanced else "robbery_knife"
    # Domestic abuse makes a victim enhanced (most serious crime, automatically intimidated).
    return "abh_domestic" if enhanced or code == "R29" else "theft_other"


def _make_case(code: str, enhanced: bool, *, reported_at: datetime.datetime):
    if code == "R29" and not enhanced:
        # A force whose policy (from 2025) treats no offence as most serious or intimidating: the
        # only way a domestic abuse victim is on standard rights.
        EnhancedRightsPolicy.objects.create(
            name="Test policy",
            effective_from=datetime.date(2025, 1, 1),
            source="test",
            most_serious_flags=[],
            automatic_intimidated_flags={},
        )
    case = CaseFactory(
        offence=offence(_offence_code(code, enhanced)),
        occurred_at=reported_at - datetime.timedelta(hours=2),
        reported_at=reported_at,
        now=reported_at,
    )
    if code == "R23" and not enhanced:
        services.record_basis(
            party=victim_of(case),
            basis=Basis.INTIMIDATED,
            applies=False,
            opted_out=True,
            evidence="Does not want to be treated as intimidated",
            by=case.officer,
            now=reported_at,
        )
    return case


def trigger_rule(code: str, trigger_at: datetime.datetime, enhanced: bool):
    """Make the trigger of `code` happen at `trigger_at`. Returns (party, clock start)."""
    spec = SPECS[code]
    if spec.setup in {"reported", "recorded"}:
        case = _make_case(code, enhanced, reported_at=trigger_at)
        return victim_of(case), trigger_at

    case = _make_case(code, enhanced, reported_at=trigger_at - 30 * DAY)
    victim = victim_of(case)
    officer = case.officer

    if spec.setup == "witness_added":
        born = datetime.date(2012, 5, 1) if enhanced else datetime.date(1980, 5, 1)
        witness = PartyFactory(
            case=case,
            role=PartyRole.WITNESS,
            person=PersonFactory(date_of_birth=born),
            now=trigger_at,
        )
        return witness, trigger_at
    if spec.setup in {"needs_assessed", "special_measures_needed"}:
        services.record_needs_assessment(
            party=victim,
            by=officer,
            now=trigger_at,
            special_measures_needed=spec.setup == "special_measures_needed",
        )
        return victim, trigger_at
    if spec.setup == "closed":
        close_settled(case, by=officer, outcome=CaseOutcome.NO_SUSPECT, now=trigger_at)
        return victim, trigger_at
    if spec.setup == "reopened":
        close_settled(case, by=officer, outcome=CaseOutcome.NO_SUSPECT, now=trigger_at - 7 * DAY)
        supervisor = make_user(Role.SUPERVISOR)
        add_to_team(team=case.team, user=supervisor, is_supervisor=True)
        case.refresh_from_db()
        services.reopen_case(
            case=case,
            by=supervisor,
            reason=ReopenReason.NEW_EVIDENCE,
            expected_version=case.version,
            now=trigger_at,
        )
        return victim, trigger_at

    kind = spec.setup
    extra = {}
    if kind in {
        EventKind.REQUIRED_TO_GIVE_EVIDENCE,
        EventKind.SPECIAL_MEASURES_DECISION,
        EventKind.COMPLAINT,
    }:
        extra["party"] = victim
    if kind == EventKind.PASSED_TO_WCU:
        extra["wcu_team"] = TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT)
    if kind == EventKind.HEARING_LISTED:
        extra["hearing_at"] = trigger_at + 40 * DAY
        extra["venue"] = "Northshire Crown Court"
    if kind == EventKind.SENTENCE:
        extra["custody_months"] = 12 if code == "R23" else 0
    if spec.receipt:
        # The court decided three days earlier; the Witness Care Unit heard at the trigger.
        occurred_at, received_at, clock = trigger_at - 3 * DAY, trigger_at, trigger_at
    elif kind == EventKind.SENTENCE:
        # Sentenced at the trigger; the Witness Care Unit heard four days later.
        occurred_at, received_at, clock = trigger_at, trigger_at + 4 * DAY, trigger_at
    else:
        occurred_at, received_at, clock = trigger_at, None, trigger_at
    services.record_event(
        case=case,
        by=officer,
        kind=kind,
        occurred_at=occurred_at,
        received_at=received_at,
        now=max(occurred_at, received_at or occurred_at),
        **extra,
    )
    return victim, clock


def _seeded_one_off_codes() -> set[str]:
    return set(DutyRule.objects.filter(recurring=False).values_list("code", flat=True))


# --- the table ---------------------------------------------------------------------------------


def test_the_table_covers_every_seeded_one_off_rule_with_the_seeded_figures():
    assert _seeded_one_off_codes() == set(SPECS)
    for rule in DutyRule.objects.filter(recurring=False):
        spec = SPECS[rule.code]
        assert (rule.standard_working_days, rule.enhanced_working_days) == (
            spec.standard,
            spec.enhanced,
        ), rule.code
        assert rule.calendar_hours == spec.hours, rule.code
        assert rule.clock_from_receipt is spec.receipt, rule.code
        assert rule.owner == spec.owner, rule.code


@pytest.mark.parametrize("enhanced", [False, True], ids=["standard", "enhanced"])
@pytest.mark.parametrize("when", sorted(TRIGGERS))
@pytest.mark.parametrize("code", sorted(SPECS))
def test_rule_deadline_owner_and_clock(code, when, enhanced):
    spec = SPECS[code]
    trigger_at, ends = TRIGGERS[when]
    party, clock = trigger_rule(code, trigger_at, enhanced)
    party.refresh_from_db()
    assert party.enhanced is enhanced, "the set-up did not give the intended rights"

    duty = Duty.objects.get(rule__code=code, party=party)

    if spec.hours is not None:
        expected = trigger_at + datetime.timedelta(hours=spec.hours)
    else:
        expected = end_of(ends[spec.enhanced if enhanced else spec.standard])
    assert duty.due_at == expected
    assert duty.due_at.astimezone(LONDON) == expected  # and so 23:59:59 London time
    assert duty.owner == spec.owner
    assert duty.enhanced is enhanced
    assert duty.trigger_at == clock
    if spec.receipt:
        assert duty.trigger_event.received_at == duty.trigger_at
        assert duty.trigger_event.occurred_at < duty.trigger_at
    elif duty.trigger_event is not None:
        assert duty.trigger_event.occurred_at == duty.trigger_at


def test_a_duty_clocked_from_receipt_ignores_when_the_court_decided():
    # The verdict was given on Monday 9 March; the Witness Care Unit heard on Friday 13 March.
    trigger_at, ends = TRIGGERS["friday"]
    party, _ = trigger_rule("R21", trigger_at, enhanced=False)
    duty = Duty.objects.get(rule__code="R21", party=party)
    assert duty.due_at == end_of(ends[1])  # Monday 16 March, not Tuesday 10 March


def test_one_off_rules_owed_only_to_victims_make_no_duty_for_a_witness():
    trigger_at, _ = TRIGGERS["friday"]
    case = _make_case("R7", False, reported_at=trigger_at - 30 * DAY)
    witness = PartyFactory(case=case, role=PartyRole.WITNESS, now=trigger_at - 29 * DAY)
    services.record_event(
        case=case, by=case.officer, kind=EventKind.ARREST, occurred_at=trigger_at, now=trigger_at
    )
    assert Duty.objects.filter(party=witness, rule__code="R7").count() == 0
    assert Duty.objects.filter(party=victim_of(case), rule__code="R7").count() == 1
    # And WC1 is owed to the witness, not the victim.
    assert Duty.objects.filter(party=witness, rule__code="WC1").count() == 1
    assert Duty.objects.filter(party=victim_of(case), rule__code="WC1").count() == 0


# --- R1: met when the case is recorded ---------------------------------------------------------


def test_r1_is_met_by_recording_the_crime_within_24_hours():
    reported = london(2026, 3, 13, 18, 0)
    case = CaseFactory(
        occurred_at=reported - datetime.timedelta(hours=1),
        reported_at=reported,
        recorded_at=reported + datetime.timedelta(hours=3),
        now=reported + datetime.timedelta(hours=3),
    )
    duty = Duty.objects.get(rule__code="R1", party=victim_of(case))
    assert duty.due_at == reported + datetime.timedelta(hours=24)
    assert duty.status == DutyStatus.MET
    assert duty.met_at == reported + datetime.timedelta(hours=3)
    assert duty.met_by == case.created_by
    assert duty.met_record


def test_r1_recorded_after_24_hours_is_met_late():
    reported = london(2026, 3, 13, 18, 0)
    recorded = reported + datetime.timedelta(hours=30)
    case = CaseFactory(
        occurred_at=reported - datetime.timedelta(hours=1),
        reported_at=reported,
        recorded_at=recorded,
        now=recorded,
    )
    duty = Duty.objects.get(rule__code="R1", party=victim_of(case))
    assert duty.status == DutyStatus.MET_LATE
    assert duty.met_at == recorded


# --- R5-U: the agreed updates, one at a time ---------------------------------------------------


def _open_updates(party):
    return Duty.objects.filter(party=party, rule__code="R5-U", status=DutyStatus.DUE)


def test_agreed_updates_make_one_update_duty_at_a_time_each_met_by_an_update():
    # All in winter (GMT): the agreed frequency is in calendar days, added in UTC by cases.rules.
    agreed_at = london(2026, 1, 9, 18, 0)  # a Friday
    case = CaseFactory(
        occurred_at=agreed_at - 3 * DAY, reported_at=agreed_at - 3 * DAY, now=agreed_at
    )
    victim = victim_of(case)
    services.record_needs_assessment(party=victim, by=case.officer, now=agreed_at - DAY)
    r5 = Duty.objects.get(party=victim, rule__code="R5")
    assert r5.status == DutyStatus.DUE

    services.agree_updates(
        party=victim, by=case.officer, frequency_days=14, method=UpdateMethod.PHONE, now=agreed_at
    )
    r5.refresh_from_db()
    assert r5.status == DutyStatus.MET  # the agreement itself meets R5
    first = _open_updates(victim).get()
    assert first.sequence == 1
    assert first.due_at == agreed_at + 14 * DAY  # calendar days, as agreed
    assert first.owner == OFFICER

    # An update after 10 days meets it; the next is due 14 days after that update.
    update_at = agreed_at + 10 * DAY
    services.record_contact(
        case=case,
        party=victim,
        by=case.officer,
        occurred_at=update_at,
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.UPDATE,
        summary="Update on the investigation",
        now=update_at,
    )
    first.refresh_from_db()
    assert first.status == DutyStatus.MET
    assert first.met_at == update_at
    assert first.met_contact is not None
    second = _open_updates(victim).get()
    assert second.sequence == 2
    assert second.due_at == update_at + 14 * DAY

    # A contact that is not an update leaves the update duty alone.
    services.record_contact(
        case=case,
        party=victim,
        by=case.officer,
        occurred_at=update_at + DAY,
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.OTHER,
        summary="Asked about property",
        now=update_at + DAY,
    )
    assert _open_updates(victim).get() == second

    # The next update comes late: met late, and a third is scheduled.
    late = update_at + 20 * DAY
    services.record_contact(
        case=case,
        party=victim,
        by=case.officer,
        occurred_at=late,
        method=ContactMethod.PHONE,
        purpose=ContactPurpose.UPDATE,
        summary="Late update",
        now=late,
    )
    second.refresh_from_db()
    assert second.status == DutyStatus.MET_LATE
    third = _open_updates(victim).get()
    assert third.sequence == 3
    assert third.due_at == late + 14 * DAY
    assert Duty.objects.filter(party=victim, rule__code="R5-U").count() == 3


def test_changing_the_agreement_moves_the_open_update_duty_rather_than_adding_one():
    agreed_at = london(2026, 3, 13, 18, 0)
    case = CaseFactory(
        occurred_at=agreed_at - 3 * DAY, reported_at=agreed_at - 3 * DAY, now=agreed_at
    )
    victim = victim_of(case)
    services.agree_updates(
        party=victim, by=case.officer, frequency_days=28, method=UpdateMethod.EMAIL, now=agreed_at
    )
    services.agree_updates(
        party=victim,
        by=case.officer,
        frequency_days=7,
        method=UpdateMethod.PHONE,
        now=agreed_at + DAY,
    )
    only = _open_updates(victim).get()
    assert only.due_at == agreed_at + DAY + 7 * DAY
