"""Right 7 at every stage (issue 21): the victim personal statement is owed when the statement
is taken, again at charge and again before sentence, each a duty from a rule row; an offer
recorded at a stage meets that stage's duty and no other. (The deadlines of R14-CH and R14-SE
are checked with every other rule's in test_rules_table.py.)"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases import selectors, services
from cases.models import EventKind, Party, VpsReading, VpsStage, VpsStatus
from entitlements.models import Duty, DutyRule, DutyStatus, Edition, Owner
from tests.cases.factories import CaseFactory, offence, victim_of

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DAY = datetime.timedelta(days=1)
MONDAY = datetime.datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)


def make_case():
    reported = MONDAY - 2 * DAY
    return CaseFactory(
        offence=offence("theft_other"),
        occurred_at=reported - datetime.timedelta(hours=1),
        reported_at=reported,
        now=reported,
    )


def charge(case, at=MONDAY):
    return services.record_event(
        case=case, by=case.officer, kind=EventKind.CHARGE, occurred_at=at, now=at
    )


def verdict(case, at=MONDAY + DAY):
    return services.record_event(
        case=case,
        by=case.officer,
        kind=EventKind.VERDICT,
        occurred_at=at,
        received_at=at,
        outcome="Guilty",
        now=at,
    )


def vps_duties(party: Party) -> dict[str, str]:
    return dict(
        Duty.objects.filter(party=party, rule__code__startswith="R14").values_list(
            "rule__code", "status"
        )
    )


def test_the_rules_are_rows_of_the_edition_in_force_with_their_source_and_dates():
    today = timezone.localdate()
    edition = Edition.objects.in_force(today).get()
    rules = {r.code: r for r in DutyRule.objects.in_force(today).filter(code__startswith="R14")}
    assert set(rules) == {"R14", "R14-CH", "R14-SE"}
    for rule in rules.values():
        assert rule.code_edition == edition
        assert rule.effective_from == edition.starts_on
        assert rule.right.number == 7
        assert rule.source.startswith("Victims' Code 2020 Right")
    assert (rules["R14-CH"].trigger, rules["R14-CH"].owner) == (EventKind.CHARGE, Owner.OFFICER)
    assert (rules["R14-SE"].trigger, rules["R14-SE"].owner) == (EventKind.VERDICT, Owner.WCU)
    assert rules["R14-SE"].clock_from_receipt


def test_an_offer_is_owed_when_the_statement_is_taken_then_at_charge_then_before_sentence():
    case = make_case()
    victim = victim_of(case)
    assert vps_duties(victim) == {"R14": DutyStatus.DUE}
    charge(case)
    assert vps_duties(victim) == {"R14": DutyStatus.DUE, "R14-CH": DutyStatus.DUE}
    verdict(case)
    assert vps_duties(victim) == {
        "R14": DutyStatus.DUE,
        "R14-CH": DutyStatus.DUE,
        "R14-SE": DutyStatus.DUE,
    }


@pytest.mark.parametrize(
    ("stage", "met"),
    [
        (VpsStage.STATEMENT, "R14"),
        (VpsStage.CHARGE, "R14-CH"),
        (VpsStage.BEFORE_SENTENCE, "R14-SE"),
    ],
)
def test_an_offer_meets_the_duty_of_its_own_stage_and_no_other(stage, met):
    case = make_case()
    victim = victim_of(case)
    charge(case)
    verdict(case)
    at = MONDAY + 2 * DAY
    services.record_vps(party=victim, by=case.officer, stage=stage, status="declined", now=at)
    statuses = vps_duties(victim)
    assert statuses.pop(met) == DutyStatus.MET
    assert set(statuses.values()) == {DutyStatus.DUE}
    duty = Duty.objects.get(party=victim, rule__code=met)
    assert duty.met_at == at
    assert "declined" in duty.met_record


def test_an_offer_recorded_with_an_earlier_time_is_met_then():
    case = make_case()
    victim = victim_of(case)
    charge(case)
    offered = MONDAY + datetime.timedelta(hours=2)
    services.record_vps(
        party=victim,
        by=case.officer,
        stage=VpsStage.CHARGE,
        status=VpsStatus.TAKEN,
        reading_preference=VpsReading.READ_FOR_VICTIM,
        read_by="Her sister",
        offered_at=offered,
        now=MONDAY + 3 * DAY,
    )
    duty = Duty.objects.get(party=victim, rule__code="R14-CH")
    assert (duty.status, duty.met_at) == (DutyStatus.MET, offered)
    statement = victim.statements.get()
    assert (statement.taken_at, statement.read_by) == (offered, "Her sister")


def test_wanting_to_make_one_later_meets_the_offer_and_keeps_a_follow_up_until_answered():
    case = make_case()
    victim = victim_of(case)
    services.record_vps(party=victim, by=case.officer, status=VpsStatus.LATER, now=MONDAY)
    assert vps_duties(victim)["R14"] == DutyStatus.MET
    assert selectors.vps_follow_up(victim).status == VpsStatus.LATER
    assert list(selectors.vps_follow_ups(Party.objects.all())) == [victim]

    charge(case, at=MONDAY + DAY)
    services.record_vps(
        party=victim,
        by=case.officer,
        stage=VpsStage.CHARGE,
        status=VpsStatus.TAKEN,
        now=MONDAY + 2 * DAY,
    )
    assert selectors.vps_follow_up(victim) is None
    assert not selectors.vps_follow_ups(Party.objects.all()).exists()


def test_a_withdrawn_charge_withdraws_its_offer_duty():
    case = make_case()
    victim = victim_of(case)
    event = charge(case)
    services.withdraw_event(event=event, by=case.officer, reason="Entered on the wrong case")
    assert vps_duties(victim)["R14-CH"] == DutyStatus.WITHDRAWN
