"""The actions in cases.services: what each records, derives and refuses."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role, TeamKind
from cases import services
from cases.models import (
    Basis,
    BasisSource,
    Case,
    CaseEvent,
    CaseOutcome,
    CaseStatus,
    ContactMethod,
    ContactPurpose,
    CrimeReferenceFormat,
    EligibilityBasis,
    EventKind,
    Party,
    PartyRole,
    Person,
    RiskGrade,
    RiskQuestionSet,
    SafeContact,
    SpecialMeasure,
    SpecialMeasuresStatus,
    ThriveGrade,
    UpdateAgreement,
    UpdateMethod,
    VpsStatus,
)
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

NOW = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def make_case(code="theft_other", *, occurred_at=NOW - 2 * DAY, victim=None, **kwargs):
    if victim is not None:
        kwargs["victim"] = victim
    return CaseFactory(offence=offence(code), occurred_at=occurred_at, now=NOW, **kwargs)


def basis(party, code):
    return EligibilityBasis.objects.filter(party=party, basis=code).first()


def applying(party):
    return set(
        EligibilityBasis.objects.filter(party=party, applies=True).values_list("basis", flat=True)
    )


def fresh(party):
    return Party.objects.select_related("case__offence", "person").get(pk=party.pk)


# --- crime reference ----------------------------------------------------------------------------


def test_crime_reference_in_the_format_in_force_is_accepted_and_upper_cased(officer):
    case = make_case(crime_reference=" ns/012345/26 ", officer=officer)
    assert case.crime_reference == "NS/012345/26"


@pytest.mark.parametrize(
    "reference", ["NS/1234/26", "NS-012345-26", "N/012345/26", "NS/012345/2026"]
)
def test_crime_reference_in_another_format_is_refused_with_the_example(reference):
    with pytest.raises(ValidationError) as error:
        make_case(crime_reference=reference)
    assert error.value.message_dict["crime_reference"] == [
        "Enter the crime reference in the format NS/012345/26."
    ]
    assert not Case.objects.exists()


def test_changing_the_format_row_changes_the_rule():
    CrimeReferenceFormat.objects.update(pattern=r"^NS-[0-9]{6}$", example="NS-012345")
    with pytest.raises(ValidationError, match="NS-012345"):
        make_case(crime_reference="NS/012345/26")
    assert make_case(crime_reference="ns-012345").crime_reference == "NS-012345"


def test_a_new_format_applies_only_from_its_effective_date():
    CrimeReferenceFormat.objects.create(
        pattern=r"^NS-[0-9]{6}$",
        example="NS-012345",
        effective_from=datetime.date(2026, 4, 1),
        source="Test: a new crime recording system",
    )
    today = datetime.date(2026, 3, 20)
    assert services.validate_crime_reference("NS/012345/26", on=today) == "NS/012345/26"
    with pytest.raises(ValidationError):
        services.validate_crime_reference("NS/012345/26", on=datetime.date(2026, 4, 1))


def test_a_second_case_with_the_same_crime_reference_is_refused():
    make_case(crime_reference="NS/012345/26")
    with pytest.raises(ValidationError, match="exists"):
        make_case(crime_reference="ns/012345/26")


# --- enhanced rights ----------------------------------------------------------------------------


def test_victim_of_domestic_abuse_is_enhanced_as_most_serious_and_automatically_intimidated():
    party = victim_of(make_case("abh_domestic"))
    assert party.enhanced
    assert applying(party) == {Basis.MOST_SERIOUS, Basis.INTIMIDATED}
    assert basis(party, Basis.MOST_SERIOUS).source == BasisSource.DERIVED
    assert basis(party, Basis.INTIMIDATED).source == BasisSource.AUTOMATIC


def test_victim_of_rape_is_enhanced_as_most_serious_and_automatically_intimidated():
    party = victim_of(make_case("rape"))
    assert applying(party) == {Basis.MOST_SERIOUS, Basis.INTIMIDATED}


def test_adult_victim_of_a_burglary_is_not_enhanced():
    party = victim_of(
        make_case(
            "burglary_residential",
            victim={
                "first_name": "A",
                "last_name": "B",
                "date_of_birth": datetime.date(1970, 5, 5),
            },
        )
    )
    assert not party.enhanced
    assert applying(party) == set()
    assert party.enhanced_history.get().enhanced is False


def test_victim_aged_17_on_offence_date_is_vulnerable():
    case = make_case(
        "theft_other",
        occurred_at=datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC),
        victim={
            "first_name": "Ella",
            "last_name": "Marsh",
            "date_of_birth": datetime.date(2008, 6, 15),
        },
    )
    party = victim_of(case)
    assert party.enhanced
    assert (
        basis(party, Basis.UNDER_18).evidence
        == "Aged 17 on the date of the offence (10 March 2026)"
    )


def test_victim_born_on_29_february_is_under_18_until_1_march_of_their_18th_year():
    born = {"first_name": "Leah", "last_name": "Dunn", "date_of_birth": datetime.date(2008, 2, 29)}
    on_28th = make_case(
        occurred_at=datetime.datetime(2026, 2, 28, 12, tzinfo=datetime.UTC), victim=born
    )
    on_1st = make_case(
        occurred_at=datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC), victim=dict(born)
    )
    assert victim_of(on_28th).enhanced
    assert not victim_of(on_1st).enhanced


def test_bereaved_close_relative_in_a_homicide_is_enhanced():
    case = make_case(
        "murder",
        victim={"first_name": "Janet", "last_name": "Reid"},
        victim_role=PartyRole.BEREAVED,
    )
    party = case.parties.get()
    assert applying(party) == {Basis.BEREAVED, Basis.MOST_SERIOUS}


def test_witness_in_a_knife_offence_is_automatically_intimidated():
    case = make_case("gbh_with_intent_knife")
    witness = PartyFactory(case=case, role=PartyRole.WITNESS, now=NOW)
    assert witness.enhanced
    assert applying(witness) == {Basis.INTIMIDATED}


def test_witness_in_a_domestic_abuse_offence_is_not_automatically_intimidated():
    witness = PartyFactory(case=make_case("abh_domestic"), role=PartyRole.WITNESS, now=NOW)
    assert not witness.enhanced
    assert applying(witness) == set()


def test_opting_out_removes_automatic_intimidation_and_it_stays_removed():
    case = make_case("abh_domestic")
    party = victim_of(case)
    enhanced = services.record_basis(
        party=party,
        basis=Basis.INTIMIDATED,
        applies=True,
        opted_out=True,
        evidence="Does not want to be treated as intimidated",
        by=case.officer,
        now=NOW,
    )
    assert enhanced  # still a victim of the most serious crime
    row = basis(party, Basis.INTIMIDATED)
    assert (row.applies, row.opted_out) == (False, True)
    services.update_case(
        case=case, by=case.officer, expected_version=case.version, occurred_at=NOW - 3 * DAY
    )
    assert basis(party, Basis.INTIMIDATED).applies is False


def test_opting_out_of_the_only_basis_ends_enhanced_status():
    witness = PartyFactory(case=make_case("robbery_knife"), role=PartyRole.WITNESS, now=NOW)
    services.record_basis(
        party=witness,
        basis=Basis.INTIMIDATED,
        applies=False,
        opted_out=True,
        evidence="Declined",
        by=witness.case.officer,
        now=NOW,
    )
    assert not fresh(witness).enhanced
    assert witness.enhanced_history.last().enhanced is False


@pytest.mark.parametrize("code", [Basis.MOST_SERIOUS, Basis.UNDER_18, Basis.BEREAVED])
def test_officer_cannot_record_a_basis_the_record_itself_proves(code):
    party = victim_of(make_case())
    with pytest.raises(ValidationError, match="worked out"):
        services.record_basis(
            party=party, basis=code, applies=True, evidence="x", by=party.case.officer
        )


def test_only_intimidation_can_be_opted_out_of():
    party = victim_of(make_case())
    with pytest.raises(ValidationError):
        services.record_basis(
            party=party,
            basis=Basis.PHYSICAL,
            applies=False,
            opted_out=True,
            evidence="x",
            by=party.case.officer,
        )


def test_an_officer_finding_needs_evidence():
    party = victim_of(make_case())
    with pytest.raises(ValidationError):
        services.record_basis(
            party=party,
            basis=Basis.PERSISTENTLY_TARGETED,
            applies=True,
            evidence="  ",
            by=party.case.officer,
        )


def test_persistently_targeted_finding_makes_the_victim_enhanced():
    party = victim_of(make_case("harassment"))
    assert services.record_basis(
        party=party,
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=True,
        evidence="Fourth report about the same neighbour this year",
        by=party.case.officer,
        now=NOW,
    )
    assert basis(party, Basis.PERSISTENTLY_TARGETED).source == BasisSource.OFFICER


def test_needs_assessment_findings_set_the_bases():
    party = victim_of(make_case("burglary_residential"))
    officer = party.case.officer
    first = services.record_needs_assessment(
        party=party,
        by=officer,
        now=NOW,
        mental_disorder=True,
        intimidated=True,
        intimidation_factors=["behaviour_of_accused"],
    )
    assert first.version == 1
    assert first.reason == "Initial assessment"
    assert applying(party) == {Basis.MENTAL_DISORDER, Basis.INTIMIDATED}
    row = basis(party, Basis.INTIMIDATED)
    assert row.source == BasisSource.NEEDS_ASSESSMENT
    assert row.intimidation_factors == ["behaviour_of_accused"]
    assert fresh(party).enhanced

    second = services.record_needs_assessment(party=party, by=officer, now=NOW + DAY)
    assert (second.version, second.reason) == (2, "Reassessment")
    assert applying(party) == set()
    assert basis(party, Basis.MENTAL_DISORDER).evidence == "Needs assessment version 2"
    assert not fresh(party).enhanced
    assert party.needs_assessments.count() == 2


def test_needs_assessment_without_intimidation_keeps_automatic_intimidation():
    party = victim_of(make_case("sexual_assault"))
    services.record_needs_assessment(party=party, by=party.case.officer, now=NOW, intimidated=False)
    row = basis(party, Basis.INTIMIDATED)
    assert (row.applies, row.source) == (True, BasisSource.AUTOMATIC)


def test_needs_assessment_with_no_findings_records_no_bases():
    party = victim_of(make_case())
    services.record_needs_assessment(
        party=party, by=party.case.officer, now=NOW, support_needs="None"
    )
    assert not EligibilityBasis.objects.filter(party=party).exists()


def test_needs_assessment_refuses_unknown_answers():
    party = victim_of(make_case())
    with pytest.raises(TypeError):
        services.record_needs_assessment(
            party=party, by=party.case.officer, favourite_colour="blue"
        )


def test_correcting_the_date_of_birth_recomputes_the_under_18_basis():
    case = make_case(
        occurred_at=datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC),
        victim={
            "first_name": "Mia",
            "last_name": "Lowe",
            "date_of_birth": datetime.date(1990, 1, 1),
        },
    )
    party = victim_of(case)
    person = party.person
    assert not party.enhanced

    services.update_person(
        person=person,
        by=case.officer,
        expected_version=person.version,
        date_of_birth=datetime.date(2010, 1, 1),
        now=NOW,
    )
    assert fresh(party).enhanced
    assert basis(party, Basis.UNDER_18).applies
    assert party.enhanced_history.last().reason == "Date of birth changed"

    services.update_person(
        person=person,
        by=case.officer,
        expected_version=person.version,
        date_of_birth=datetime.date(1990, 1, 1),
        now=NOW,
    )
    assert not fresh(party).enhanced
    row = basis(party, Basis.UNDER_18)
    assert (row.applies, row.evidence) == (False, "No longer shown by the record")
    assert [h.enhanced for h in party.enhanced_history.all()] == [False, True, False]


def test_changing_the_offence_recomputes_derived_and_automatic_bases():
    case = make_case("theft_other")
    party = victim_of(case)
    services.update_case(
        case=case,
        by=case.officer,
        expected_version=case.version,
        offence=offence("abh_domestic"),
        now=NOW,
    )
    assert applying(party) == {Basis.MOST_SERIOUS, Basis.INTIMIDATED}
    assert fresh(party).enhanced
    assert party.enhanced_history.last().reason == "Offence details changed"

    services.update_case(
        case=case,
        by=case.officer,
        expected_version=case.version,
        offence=offence("theft_other"),
        now=NOW,
    )
    assert applying(party) == set()
    assert not fresh(party).enhanced


def test_moving_the_offence_date_past_the_18th_birthday_removes_the_under_18_basis():
    case = make_case(
        occurred_at=datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC),
        victim={
            "first_name": "Kai",
            "last_name": "Ross",
            "date_of_birth": datetime.date(2008, 3, 12),
        },
    )
    party = victim_of(case)
    assert party.enhanced
    services.update_case(
        case=case,
        by=case.officer,
        expected_version=case.version,
        occurred_at=datetime.datetime(2026, 3, 12, 12, tzinfo=datetime.UTC),
        reported_at=NOW,
    )
    assert not fresh(party).enhanced


def test_enhanced_history_gets_a_row_only_when_something_changes():
    party = victim_of(make_case("abh_domestic"))
    assert party.enhanced_history.count() == 1
    services.recompute_enhanced(party=fresh(party), by=None, reason="Nothing new", now=NOW)
    services.update_case(
        case=party.case,
        by=party.case.officer,
        expected_version=party.case.version,
        offence_summary="Punched in the kitchen",
        now=NOW,
    )
    assert party.enhanced_history.count() == 1
    services.record_basis(
        party=party,
        basis=Basis.PHYSICAL,
        applies=True,
        evidence="Uses a wheelchair",
        by=party.case.officer,
        now=NOW,
    )
    history = list(party.enhanced_history.all())
    assert len(history) == 2
    assert history[-1].bases == ["intimidated", "most_serious", "physical"]


# --- risk ---------------------------------------------------------------------------------------


def dash(yes: int, *, not_known: int = 0) -> dict[str, str]:
    answers = {}
    for number in range(1, 28):
        if number <= yes:
            answers[str(number)] = "yes"
        elif number <= yes + not_known:
            answers[str(number)] = "not_known"
        else:
            answers[str(number)] = "no"
    return answers


def da_victim(*, person=None, occurred_at=NOW - 2 * DAY):
    return victim_of(make_case("abh_domestic", occurred_at=occurred_at, victim=person))


@pytest.mark.parametrize(
    ("yes", "grade", "marac"),
    [
        (9, RiskGrade.STANDARD, False),
        (10, RiskGrade.MEDIUM, False),
        (13, RiskGrade.MEDIUM, False),
        (14, RiskGrade.HIGH, True),
    ],
)
def test_risk_grade_follows_the_yes_answer_thresholds(yes, grade, marac):
    party = da_victim()
    assessment = services.assess_risk(
        party=party, by=party.case.officer, answers=dash(yes, not_known=3), now=NOW
    )
    assert (assessment.score, assessment.grade, assessment.marac_referral) == (yes, grade, marac)


def test_fourteen_yes_answers_call_for_marac_as_visible_high_risk():
    party = da_victim()
    assessment = services.assess_risk(party=party, by=party.case.officer, answers=dash(14), now=NOW)
    assert assessment.marac_reasons == ["Visible high risk: 14 yes answers (threshold 14)"]
    assert assessment.question_set == RiskQuestionSet.objects.get(code="dash_2009")


def test_judgement_cannot_lower_the_actuarial_grade():
    party = da_victim()
    with pytest.raises(ValidationError) as error:
        services.assess_risk(
            party=party,
            by=party.case.officer,
            answers=dash(14),
            judgement_grade=RiskGrade.MEDIUM,
            judgement_reason="Partner has moved away",
            now=NOW,
        )
    assert "judgement_grade" in error.value.message_dict
    assert not party.risk_assessments.exists()


def test_judgement_raising_the_grade_needs_a_reason():
    party = da_victim()
    with pytest.raises(ValidationError) as error:
        services.assess_risk(
            party=party,
            by=party.case.officer,
            answers=dash(5),
            judgement_grade=RiskGrade.HIGH,
            now=NOW,
        )
    assert "judgement_reason" in error.value.message_dict


def test_judgement_raising_to_high_calls_for_marac():
    party = da_victim()
    assessment = services.assess_risk(
        party=party,
        by=party.case.officer,
        answers=dash(5),
        judgement_grade=RiskGrade.HIGH,
        judgement_reason="Recent threat with a weapon",
        now=NOW,
    )
    assert (assessment.actuarial_grade, assessment.grade) == (RiskGrade.STANDARD, RiskGrade.HIGH)
    assert assessment.marac_reasons == ["Professional judgement: high risk"]


def test_judgement_raising_to_medium_does_not_call_for_marac():
    party = da_victim()
    assessment = services.assess_risk(
        party=party,
        by=party.case.officer,
        answers=dash(5),
        judgement_grade=RiskGrade.MEDIUM,
        judgement_reason="Escalating texts",
        now=NOW,
    )
    assert assessment.grade == RiskGrade.MEDIUM
    assert not assessment.marac_referral


def test_unknown_judgement_grade_is_refused():
    party = da_victim()
    with pytest.raises(ValidationError) as error:
        services.assess_risk(
            party=party,
            by=party.case.officer,
            answers=dash(5),
            judgement_grade="extreme",
            judgement_reason="x",
            now=NOW,
        )
    assert "judgement_grade" in error.value.message_dict


@pytest.mark.parametrize(
    "answers", [{"1": "yes"}, {**dash(3), "28": "yes"}, {**dash(3), "5": "maybe"}]
)
def test_every_question_must_be_answered_yes_no_or_not_known(answers):
    party = da_victim()
    with pytest.raises(ValidationError) as error:
        services.assess_risk(party=party, by=party.case.officer, answers=answers, now=NOW)
    assert "answers" in error.value.message_dict


def test_third_domestic_abuse_incident_in_12_months_calls_for_marac():
    person = PersonFactory()
    da_victim(person=person, occurred_at=NOW - 300 * DAY)
    da_victim(person=person, occurred_at=NOW - 100 * DAY)
    party = da_victim(person=person, occurred_at=NOW - 2 * DAY)
    assessment = services.assess_risk(party=party, by=party.case.officer, answers=dash(3), now=NOW)
    assert assessment.domestic_abuse_incidents_in_window == 3
    assert assessment.marac_reasons == [
        "Potential escalation: 3 domestic abuse incidents in the window"
    ]


def test_domestic_abuse_incidents_older_than_12_months_or_other_crimes_do_not_count():
    person = PersonFactory()
    da_victim(person=person, occurred_at=NOW - 400 * DAY)
    make_case("burglary_residential", occurred_at=NOW - 50 * DAY, victim=person)
    da_victim(person=person, occurred_at=NOW - 100 * DAY)
    party = da_victim(person=person, occurred_at=NOW - 2 * DAY)
    assessment = services.assess_risk(party=party, by=party.case.officer, answers=dash(3), now=NOW)
    assert assessment.domestic_abuse_incidents_in_window == 2
    assert not assessment.marac_referral


def test_further_incident_within_12_months_of_a_marac_referral_is_a_repeat():
    person = PersonFactory()
    first = da_victim(person=person, occurred_at=NOW - 200 * DAY)
    services.assess_risk(party=first, by=first.case.officer, answers=dash(15), now=NOW - 199 * DAY)
    second = da_victim(person=person, occurred_at=NOW - 5 * DAY)
    assessment = services.assess_risk(
        party=second, by=second.case.officer, answers=dash(2), now=NOW
    )
    assert assessment.marac_referral
    assert assessment.marac_reasons == [
        "Repeat: a further incident within the window of the last MARAC referral"
    ]


def test_incident_more_than_12_months_after_a_marac_referral_is_not_a_repeat():
    person = PersonFactory()
    first = da_victim(person=person, occurred_at=NOW - 600 * DAY)
    services.assess_risk(party=first, by=first.case.officer, answers=dash(15), now=NOW - 599 * DAY)
    second = da_victim(person=person, occurred_at=NOW - 5 * DAY)
    assessment = services.assess_risk(
        party=second, by=second.case.officer, answers=dash(2), now=NOW
    )
    assert not assessment.marac_referral


def test_reassessing_the_same_incident_is_not_a_repeat():
    party = da_victim()
    services.assess_risk(party=party, by=party.case.officer, answers=dash(15), now=NOW - DAY)
    again = services.assess_risk(party=party, by=party.case.officer, answers=dash(4), now=NOW)
    assert again.marac_reasons == []
    assert party.risk_assessments.count() == 2


# --- contacts and updates -----------------------------------------------------------------------


def contact(party, *, at, purpose=ContactPurpose.UPDATE):
    return services.record_contact(
        case=party.case,
        party=party,
        by=party.case.officer,
        occurred_at=at,
        method=ContactMethod.PHONE,
        purpose=purpose,
        summary="Told them where the investigation is.",
        now=NOW,
    )


def test_next_update_is_due_the_agreed_number_of_days_after_the_agreement():
    party = victim_of(make_case())
    agreement = services.agree_updates(
        party=party,
        by=party.case.officer,
        frequency_days=14,
        method=UpdateMethod.PHONE,
        now=NOW - 20 * DAY,
    )
    assert agreement.next_update_due_at == NOW - 6 * DAY


def test_an_update_contact_moves_the_next_update_due():
    party = victim_of(make_case())
    services.agree_updates(
        party=party,
        by=party.case.officer,
        frequency_days=14,
        method=UpdateMethod.PHONE,
        now=NOW - 20 * DAY,
    )
    contact(party, at=NOW - DAY)
    # 14 days on the London calendar from 19 March 12:00 GMT: 2 April 12:00 BST, 11:00 UTC.
    due = party.update_agreements.get().next_update_due_at
    assert due == datetime.datetime(2026, 4, 2, 11, 0, tzinfo=datetime.UTC)


def test_a_contact_that_is_not_an_update_leaves_the_next_update_due():
    party = victim_of(make_case())
    services.agree_updates(
        party=party,
        by=party.case.officer,
        frequency_days=14,
        method=UpdateMethod.PHONE,
        now=NOW - 20 * DAY,
    )
    contact(party, at=NOW - DAY, purpose=ContactPurpose.NEEDS_ASSESSMENT)
    assert party.update_agreements.get().next_update_due_at == NOW - 6 * DAY


def test_changing_the_agreement_keeps_the_old_one_and_leaves_one_current():
    party = victim_of(make_case())
    officer = party.case.officer
    old = services.agree_updates(
        party=party, by=officer, frequency_days=28, method=UpdateMethod.LETTER, now=NOW - 20 * DAY
    )
    contact(party, at=NOW - 10 * DAY)
    new = services.agree_updates(
        party=party,
        by=officer,
        frequency_days=7,
        method=UpdateMethod.EMAIL,
        notes="Weekly while the suspect is on bail",
        now=NOW - 5 * DAY,
    )
    old.refresh_from_db()
    assert old.superseded_at == NOW - 5 * DAY
    assert party.update_agreements.count() == 2
    current = UpdateAgreement.objects.get(party=party, superseded_at__isnull=True)
    assert current == new
    # Due a week after the new agreement, since that is later than the last update.
    assert current.next_update_due_at == NOW + 2 * DAY


def test_update_frequency_must_be_between_1_and_365_days():
    party = victim_of(make_case())
    for days in (0, 366):
        with pytest.raises(ValidationError):
            services.agree_updates(
                party=party, by=party.case.officer, frequency_days=days, method=UpdateMethod.PHONE
            )
    assert not party.update_agreements.exists()


def test_a_contact_cannot_be_in_the_future():
    party = victim_of(make_case())
    with pytest.raises(ValidationError):
        contact(party, at=NOW + DAY)


def test_a_contact_must_be_with_someone_in_the_case():
    party = victim_of(make_case())
    other = make_case()
    with pytest.raises(ValidationError):
        services.record_contact(
            case=other,
            party=party,
            by=other.officer,
            occurred_at=NOW,
            method=ContactMethod.PHONE,
            purpose=ContactPurpose.UPDATE,
            summary="x",
            now=NOW,
        )


# --- events -------------------------------------------------------------------------------------


def event(case, kind, **kwargs):
    kwargs.setdefault("occurred_at", NOW - DAY)
    return services.record_event(case=case, by=case.officer, kind=kind, now=NOW, **kwargs)


def wcu():
    return TeamFactory(name="Witness Care Unit", kind=TeamKind.WITNESS_CARE_UNIT)


@pytest.mark.parametrize("kind", [EventKind.HEARING_OUTCOME, EventKind.VERDICT, EventKind.APPEAL])
def test_information_from_court_needs_the_date_the_witness_care_unit_received_it(kind):
    case = make_case()
    with pytest.raises(ValidationError) as error:
        event(case, kind, outcome="Adjourned")
    assert "received_at" in error.value.message_dict


def test_information_cannot_be_received_before_it_happened():
    with pytest.raises(ValidationError) as error:
        event(make_case(), EventKind.HEARING_OUTCOME, received_at=NOW - 2 * DAY)
    assert "received_at" in error.value.message_dict


@pytest.mark.parametrize(
    ("hearing_at", "venue"), [(None, "Northshire Crown Court"), (NOW + 30 * DAY, "")]
)
def test_a_listed_hearing_needs_its_date_and_venue(hearing_at, venue):
    with pytest.raises(ValidationError) as error:
        event(
            make_case(),
            EventKind.HEARING_LISTED,
            received_at=NOW,
            hearing_at=hearing_at,
            venue=venue,
        )
    assert "hearing_at" in error.value.message_dict


def test_a_listed_hearing_is_recorded_with_its_date_venue_and_receipt():
    case = make_case()
    listed = event(
        case,
        EventKind.HEARING_LISTED,
        received_at=NOW,
        hearing_at=NOW + 30 * DAY,
        venue="Northshire Crown Court",
    )
    assert (listed.hearing_at, listed.venue, listed.received_at) == (
        NOW + 30 * DAY,
        "Northshire Crown Court",
        NOW,
    )


def test_an_event_cannot_be_recorded_before_it_happens():
    with pytest.raises(ValidationError) as error:
        event(make_case(), EventKind.ARREST, occurred_at=NOW + DAY)
    assert "occurred_at" in error.value.message_dict


def test_an_unknown_kind_of_event_is_refused():
    case = make_case()
    with pytest.raises(ValidationError) as error:
        event(case, "abducted_by_aliens")
    assert "kind" in error.value.message_dict
    assert not CaseEvent.objects.exists()


def test_a_witness_decision_needs_the_witness():
    with pytest.raises(ValidationError) as error:
        event(make_case(), EventKind.REQUIRED_TO_GIVE_EVIDENCE, received_at=NOW)
    assert "party" in error.value.message_dict


def test_passing_to_the_witness_care_unit_moves_the_case_to_it():
    case = make_case()
    unit = wcu()
    event(case, EventKind.PASSED_TO_WCU, wcu_team=unit)
    case.refresh_from_db()
    assert (case.status, case.wcu_team, case.version) == (CaseStatus.WITH_WCU, unit, 2)


def test_passing_to_the_witness_care_unit_needs_the_unit():
    case = make_case()
    with pytest.raises(ValidationError) as error:
        event(case, EventKind.PASSED_TO_WCU)
    assert "wcu_team" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.UNDER_INVESTIGATION


def test_a_closed_case_takes_no_events():
    case = make_case()
    close_settled(case, outcome=CaseOutcome.NO_SUSPECT, now=NOW)
    with pytest.raises(ValidationError) as error:
        event(case, EventKind.ARREST)
    assert "kind" in error.value.message_dict


def test_a_withdrawn_event_stays_on_record_with_who_withdrew_it_and_why():
    case = make_case()
    arrest = event(case, EventKind.ARREST)
    supervisor = make_user(Role.SUPERVISOR)
    services.withdraw_event(
        event=arrest, by=supervisor, reason="Recorded on the wrong case", now=NOW
    )
    arrest.refresh_from_db()
    assert (arrest.withdrawn_at, arrest.withdrawn_by, arrest.withdrawal_reason) == (
        NOW,
        supervisor,
        "Recorded on the wrong case",
    )
    assert case.events.count() == 1
    assert not case.events.current().exists()


def test_an_event_is_withdrawn_once_and_only_with_a_reason():
    case = make_case()
    arrest = event(case, EventKind.ARREST)
    with pytest.raises(ValidationError):
        services.withdraw_event(event=arrest, by=case.officer, reason=" ")
    services.withdraw_event(event=arrest, by=case.officer, reason="Duplicate")
    with pytest.raises(ValidationError):
        services.withdraw_event(event=arrest, by=case.officer, reason="Duplicate again")


# --- optimistic locking and closing -------------------------------------------------------------


def test_saving_a_case_over_someone_elses_save_raises_a_conflict_and_keeps_their_save():
    case = make_case()
    stale = Case.objects.get(pk=case.pk)
    services.update_case(
        case=case, by=case.officer, expected_version=1, offence_summary="Bike taken from the shed"
    )
    with pytest.raises(services.EditConflict):
        services.update_case(
            case=stale, by=case.officer, expected_version=1, offence_summary="Bike stolen"
        )
    saved = Case.objects.get(pk=case.pk)
    assert (saved.offence_summary, saved.version) == ("Bike taken from the shed", 2)


def test_saving_a_person_over_someone_elses_save_raises_a_conflict_and_keeps_their_save():
    person = victim_of(make_case()).person
    stale = Person.objects.get(pk=person.pk)
    services.update_person(person=person, by=None, expected_version=1, phone="07700 900123")
    with pytest.raises(services.EditConflict):
        services.update_person(person=stale, by=None, expected_version=1, phone="07700 900999")
    assert Person.objects.get(pk=person.pk).phone == "07700 900123"


def test_saving_safe_contact_over_someone_elses_save_raises_a_conflict():
    party = victim_of(make_case())
    person = party.person
    services.save_safe_contact(
        person=person, by=party.case.officer, expected_version=1, letter_safe=False
    )
    with pytest.raises(services.EditConflict):
        services.save_safe_contact(
            person=person, by=party.case.officer, expected_version=1, letter_safe=True
        )
    safe = SafeContact.objects.get(person=person)
    assert (safe.letter_safe, safe.version) == (False, 2)


def test_an_edit_moves_the_last_updated_time(monkeypatch):
    case = make_case()
    later = timezone.now() + datetime.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    services.update_case(case=case, by=case.officer, expected_version=1, offence_summary="Updated")
    assert Case.objects.get(pk=case.pk).updated_at == later


def test_an_invalid_edit_is_refused_and_saves_nothing():
    case = make_case()
    with pytest.raises(ValidationError):
        services.update_case(
            case=case, by=case.officer, expected_version=1, reported_at=case.occurred_at - DAY
        )
    assert Case.objects.get(pk=case.pk).version == 1


def test_closing_a_case_records_the_outcome_and_when():
    case = make_case()
    close_settled(case, outcome=CaseOutcome.EVIDENTIAL_DIFFICULTIES, now=NOW)
    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_at) == (
        CaseStatus.CLOSED,
        CaseOutcome.EVIDENTIAL_DIFFICULTIES,
        NOW,
    )


def test_closing_a_case_needs_a_known_outcome():
    case = make_case()
    with pytest.raises(ValidationError):
        services.close_case(case=case, by=case.officer, outcome="", expected_version=1)


# --- special measures, VPS, witness care --------------------------------------------------------


def test_intimidated_witness_cannot_have_measures_only_for_vulnerable_witnesses():
    party = victim_of(make_case("abh_domestic"))
    intermediary = SpecialMeasure.objects.get(section="s29")
    with pytest.raises(ValidationError, match="s29"):
        services.record_special_measures(
            party=party,
            by=party.case.officer,
            eligibility="intimidated",
            status=SpecialMeasuresStatus.CONSIDERED,
            measures=[intermediary],
        )


def test_special_measures_record_keeps_the_measures():
    party = victim_of(make_case("abh_domestic"))
    screens = SpecialMeasure.objects.filter(section__in=["s23", "s24"])
    record = services.record_special_measures(
        party=party,
        by=party.case.officer,
        eligibility="intimidated",
        status=SpecialMeasuresStatus.MG2_SUBMITTED,
        measures=screens,
        mg2_submitted_at=NOW,
        now=NOW,
    )
    assert set(record.measures.values_list("section", flat=True)) == {"s23", "s24"}


def test_a_second_statement_taken_is_a_further_statement():
    party = victim_of(make_case())
    first = services.record_vps(
        party=party, by=party.case.officer, status=VpsStatus.TAKEN, now=NOW - DAY
    )
    second = services.record_vps(
        party=party, by=party.case.officer, status=VpsStatus.TAKEN, now=NOW
    )
    assert (first.is_further_statement, second.is_further_statement) == (False, True)
    assert second.taken_at == NOW


def test_witness_care_details_are_saved_with_optimistic_locking():
    party = victim_of(make_case())
    unit_officer = make_user(Role.WITNESS_CARE)
    care = services.save_witness_care(
        party=party,
        by=unit_officer,
        expected_version=1,
        dates_to_avoid="School holidays",
        pre_trial_visit_offered_at=NOW,
    )
    assert (care.version, care.updated_by) == (2, unit_officer)
    with pytest.raises(services.EditConflict):
        services.save_witness_care(party=party, by=unit_officer, expected_version=1, notes="Stale")


def test_a_new_case_has_its_victim_and_a_safe_contact_record(officer):
    team = TeamFactory()
    case = services.create_case(
        by=officer,
        crime_reference="NS/000001/26",
        victim={"first_name": "Ruth", "last_name": "Abbott"},
        offence=offence("burglary_residential"),
        occurred_at=NOW - DAY,
        reported_at=NOW,
        team=team,
        officer=officer,
        thrive_grade=ThriveGrade.SCHEDULED,
        now=NOW,
    )
    party = case.parties.get()
    assert party.role == PartyRole.VICTIM
    assert SafeContact.objects.filter(person=party.person).exists()


def test_the_same_role_twice_for_a_person_is_refused():
    party = victim_of(make_case())
    with pytest.raises(ValidationError):
        services.add_party(
            case=party.case, person=party.person, role=PartyRole.VICTIM, by=party.case.officer
        )


# --- refusals added after review -----------------------------------------------------------------


def test_the_officer_in_the_case_must_be_an_active_officer():
    with pytest.raises(ValidationError) as refused:
        CaseFactory(officer=make_user(Role.AGENCY))
    assert "officer" in refused.value.error_dict


def test_an_offence_no_longer_in_use_cannot_be_chosen():
    retired = offence("fraud")
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError) as refused:
        CaseFactory(offence=retired)
    assert "offence" in refused.value.error_dict


def test_a_closed_case_cannot_be_closed_again():
    case = CaseFactory()
    close_settled(case, outcome="no_suspect")
    with pytest.raises(ValidationError, match="already closed"):
        services.close_case(
            case=case, by=case.officer, outcome="other", expected_version=case.version
        )


def test_a_business_contact_is_not_enhanced_by_a_serious_offence():
    case = CaseFactory(offence=offence("arson_endangering_life"))
    business = PartyFactory(case=case, role=PartyRole.BUSINESS_CONTACT)
    assert victim_of(case).enhanced is True
    assert business.enhanced is False


def test_a_reassessment_does_not_clear_an_officers_finding():
    case = CaseFactory()
    victim = victim_of(case)
    services.record_basis(
        party=victim,
        basis=Basis.PERSISTENTLY_TARGETED,
        applies=True,
        evidence="Five reports in three months",
        by=case.officer,
    )
    services.record_needs_assessment(party=victim, by=case.officer)
    victim.refresh_from_db()
    assert victim.enhanced is True


def test_an_opt_out_of_automatic_intimidation_survives_later_assessments():
    case = CaseFactory(offence=offence("abh_domestic"))
    victim = victim_of(case)
    services.record_basis(
        party=victim,
        basis=Basis.INTIMIDATED,
        applies=False,
        opted_out=True,
        evidence="She does not want it",
        by=case.officer,
    )
    services.record_needs_assessment(party=victim, by=case.officer, intimidated=True)
    services.record_needs_assessment(party=victim, by=case.officer, intimidated=False)
    basis = victim.bases.get(basis=Basis.INTIMIDATED)
    assert (basis.applies, basis.opted_out) == (False, True)


def test_only_a_witness_care_officer_of_the_cases_unit_can_be_assigned():
    unit = TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT)
    case = CaseFactory()
    wco = make_user(Role.WITNESS_CARE)
    with pytest.raises(ValidationError, match="Pass the case"):
        services.assign_witness_care_officer(case=case, officer=wco, by=case.officer)
    services.record_event(
        case=case,
        by=case.officer,
        kind="passed_to_wcu",
        occurred_at=timezone.now(),
        wcu_team=unit,
    )
    with pytest.raises(ValidationError):
        services.assign_witness_care_officer(case=case, officer=wco, by=case.officer)
    from accounts import services as accounts_services

    accounts_services.add_to_team(team=unit, user=wco)
    services.assign_witness_care_officer(case=case, officer=wco, by=case.officer)
    case.refresh_from_db()
    assert case.witness_care_officer == wco
