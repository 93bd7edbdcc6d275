"""The pure derivations in cases.rules: no database, every fact passed in."""

import datetime

import pytest

from cases import rules
from cases.models import Basis, PartyRole, RiskAnswer, RiskGrade

MOST_SERIOUS = ["domestic_abuse", "sexual_offence", "hate_crime", "homicide", "gbh_with_intent"]
AUTOMATIC = {
    "sexual_offence": ["victim"],
    "domestic_abuse": ["victim"],
    "knife_firearm": ["victim", "witness"],
}
OFFENCE_DATE = datetime.date(2026, 3, 10)


def bases(**overrides):
    facts = {
        "role": PartyRole.VICTIM,
        "offence_flags": [],
        "date_of_birth": datetime.date(1980, 1, 1),
        "offence_date": OFFENCE_DATE,
        "most_serious_flags": MOST_SERIOUS,
        "automatic_intimidated": AUTOMATIC,
        "under_age": 18,
    }
    facts.update(overrides)
    return rules.derived_bases(**facts)


# --- age ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (datetime.date(2026, 6, 14), 17),  # the day before the 18th birthday
        (datetime.date(2026, 6, 15), 18),  # the birthday itself counts
        (datetime.date(2026, 6, 16), 18),
        (datetime.date(2025, 12, 31), 17),
    ],
)
def test_age_counts_whole_years_and_a_birthday_from_the_day_itself(on, age):
    assert rules.age_on(datetime.date(2008, 6, 15), on) == age


def test_person_born_on_29_february_turns_a_year_older_on_1_march_in_a_common_year():
    born = datetime.date(2008, 2, 29)
    assert rules.age_on(born, datetime.date(2026, 2, 28)) == 17
    assert rules.age_on(born, datetime.date(2026, 3, 1)) == 18


def test_person_born_on_29_february_turns_a_year_older_on_29_february_in_a_leap_year():
    born = datetime.date(2008, 2, 29)
    assert rules.age_on(born, datetime.date(2028, 2, 28)) == 19
    assert rules.age_on(born, datetime.date(2028, 2, 29)) == 20


# --- derived eligibility ------------------------------------------------------------------------


def test_victim_aged_17_on_offence_date_is_vulnerable():
    found = bases(date_of_birth=datetime.date(2008, 6, 15))  # 17 on 10 March 2026
    assert Basis.UNDER_18 in found
    assert "Aged 17" in found[Basis.UNDER_18]


def test_victim_who_turned_18_on_the_offence_date_is_not_under_18():
    assert Basis.UNDER_18 not in bases(date_of_birth=datetime.date(2008, 3, 10))


def test_age_is_taken_on_the_offence_date_not_today():
    # 17 when the offence happened; an adult by the time anyone looks at the record.
    found = bases(date_of_birth=datetime.date(2008, 6, 15), offence_date=datetime.date(2026, 1, 1))
    assert Basis.UNDER_18 in found


def test_unknown_date_of_birth_derives_no_age_basis():
    assert Basis.UNDER_18 not in bases(date_of_birth=None)


def test_victim_of_a_flagged_offence_is_a_victim_of_the_most_serious_crime():
    found = bases(offence_flags=["hate_crime"])
    assert found[Basis.MOST_SERIOUS] == "Offence flagged: hate crime"


def test_offence_without_a_most_serious_flag_derives_nothing():
    assert bases(offence_flags=["knife_firearm"]).keys() == {Basis.INTIMIDATED}
    assert bases(offence_flags=[]) == {}


def test_witness_is_not_a_victim_of_the_most_serious_crime():
    assert Basis.MOST_SERIOUS not in bases(role=PartyRole.WITNESS, offence_flags=["homicide"])


def test_bereaved_close_relative_is_eligible_by_role():
    found = bases(role=PartyRole.BEREAVED, offence_flags=["homicide"])
    assert Basis.BEREAVED in found
    assert Basis.MOST_SERIOUS in found


@pytest.mark.parametrize("flag", ["domestic_abuse", "sexual_offence"])
def test_complainant_in_domestic_abuse_or_sexual_offence_is_automatically_intimidated(flag):
    assert Basis.INTIMIDATED in bases(offence_flags=[flag])


@pytest.mark.parametrize("flag", ["domestic_abuse", "sexual_offence"])
def test_witness_in_domestic_abuse_or_sexual_offence_is_not_automatically_intimidated(flag):
    assert Basis.INTIMIDATED not in bases(role=PartyRole.WITNESS, offence_flags=[flag])


def test_witness_in_a_knife_offence_is_automatically_intimidated():
    found = bases(role=PartyRole.WITNESS, offence_flags=["gbh_with_intent", "knife_firearm"])
    assert found[Basis.INTIMIDATED] == "Automatic for this offence: knife or firearm offence"
    assert Basis.MOST_SERIOUS not in found


def test_the_policy_rows_decide_the_derivation():
    found = bases(offence_flags=["burglary_flag"], most_serious_flags=["burglary_flag"])
    assert Basis.MOST_SERIOUS in found
    assert Basis.UNDER_18 in bases(date_of_birth=datetime.date(2006, 1, 1), under_age=21)


# --- risk ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (0, RiskGrade.STANDARD),
        (9, RiskGrade.STANDARD),
        (10, RiskGrade.MEDIUM),
        (13, RiskGrade.MEDIUM),
        (14, RiskGrade.HIGH),
        (27, RiskGrade.HIGH),
    ],
)
def test_actuarial_grade_follows_the_thresholds(score, grade):
    assert rules.actuarial_grade(score, medium_threshold=10, high_threshold=14) == grade


def test_judgement_raises_the_grade_but_never_lowers_it():
    assert rules.higher_grade(RiskGrade.MEDIUM, RiskGrade.HIGH) == RiskGrade.HIGH
    assert rules.higher_grade(RiskGrade.HIGH, RiskGrade.STANDARD) == RiskGrade.HIGH
    assert rules.higher_grade(RiskGrade.MEDIUM, "") == RiskGrade.MEDIUM


def test_only_yes_answers_count_towards_the_score():
    answers = {"1": RiskAnswer.YES, "2": RiskAnswer.NOT_KNOWN, "3": RiskAnswer.NO, "4": "yes"}
    assert rules.count_yes(answers) == 2


def marac(**overrides):
    facts = {
        "score": 0,
        "high_threshold": 14,
        "judgement_raised_to_high": False,
        "incidents_in_window": 1,
        "escalation_incidents": 3,
        "referred_within_repeat_window": False,
    }
    facts.update(overrides)
    return rules.marac_reasons(**facts)


def test_no_marac_criterion_met_gives_no_reasons():
    assert marac(score=13, incidents_in_window=2) == []


def test_fourteen_yes_answers_call_for_marac():
    assert marac(score=14) == ["Visible high risk: 14 yes answers (threshold 14)"]


def test_each_marac_criterion_gives_its_own_reason():
    reasons = marac(
        score=14,
        judgement_raised_to_high=True,
        incidents_in_window=3,
        referred_within_repeat_window=True,
    )
    assert len(reasons) == 4


# --- updates ------------------------------------------------------------------------------------

AGREED = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC)


def test_next_update_is_due_a_frequency_after_the_agreement():
    due = rules.next_update_due(agreed_at=AGREED, frequency_days=14, last_update_at=None)
    assert due == datetime.datetime(2026, 3, 15, 10, 0, tzinfo=datetime.UTC)


def test_next_update_is_due_a_frequency_after_the_last_update():
    last = AGREED + datetime.timedelta(days=5)
    due = rules.next_update_due(agreed_at=AGREED, frequency_days=14, last_update_at=last)
    assert due == last + datetime.timedelta(days=14)


def test_an_update_before_the_agreement_does_not_bring_the_next_one_forward():
    earlier = AGREED - datetime.timedelta(days=10)
    due = rules.next_update_due(agreed_at=AGREED, frequency_days=7, last_update_at=earlier)
    assert due == AGREED + datetime.timedelta(days=7)
