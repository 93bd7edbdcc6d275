"""A closed case with something in every record that holds personal data, built through the
services (and the ORM where the app has no service), so disposal and subject access are tested
against every field."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import add_to_team
from cases import services as cases
from cases.models import WitnessCare
from referrals import services as referrals
from referrals.models import ConsentMethod, LawfulBasis, ShareItem
from surveys.models import Answer, Invitation, Question, QuestionKind, SurveyRule
from tests.cases.factories import CaseFactory, close_settled, offence, victim_of
from tests.factories import AgencyFactory, make_user

VICTIM = {
    "first_name": "Zara",
    "last_name": "Quillfeather",
    "date_of_birth": datetime.date(1990, 5, 17),
    "email": "zara.q@example.org",
    "phone": "07700900123",
    "address": "1 Elm Road, Northtown",
    "postcode": "NS1 2AB",
    "communication_needs": "Large print letters",
    "sex": "Female",
    "ethnicity": "White British",
}
SECRET_TEXTS = [
    "Quillfeather",
    "zara.q@example.org",
    "07700900123",
    "Elm Road",
    "NS1 2AB",
    "Large print",
    "Ring after six only",
    "Sister Mabel",
    "Spoke about the bruising",
    "Suspect arrested at his flat",
    "Anxiety since the attack",
    "Wants counselling",
    "Mobile only please",
    "Screens at court",
    "Statement about her fear",
    "Holiday in June",
    "Emotional support after the assault",
    "Officers were kind to Zara",
]


def build_full_case(*, officer=None, team=None, victim=None, offence_code="abh_domestic", **kw):
    """Returns (case, victim party). The case is closed at the end."""
    officer = officer or make_user(Role.OFFICER)
    extra = {"team": team} if team is not None else {}
    case = CaseFactory(
        officer=officer,
        offence=offence(offence_code),
        victim=victim if victim is not None else dict(VICTIM),
        offence_summary="Assault by partner Ray at home",
        **extra,
        **kw,
    )
    party = victim_of(case)
    person = party.person
    now = timezone.now()
    cases.save_safe_contact(
        person=person,
        by=officer,
        expected_version=person.safe_contact.version,
        safe_times="Ring after six only",
        alternative_contact="Sister Mabel",
        notes="Partner reads her texts",
        phone_safe=True,
        text_safe=False,
        email_safe=True,
        letter_safe=True,
        visit_safe=True,
        may_leave_message=False,
    )
    cases.record_contact(
        case=case,
        party=party,
        by=officer,
        occurred_at=now - datetime.timedelta(hours=20),
        method="phone",
        purpose="initial",
        summary="Spoke about the bruising",
    )
    cases.record_event(
        case=case,
        by=officer,
        kind="arrest",
        occurred_at=now - datetime.timedelta(hours=10),
        notes="Suspect arrested at his flat",
    )
    cases.record_needs_assessment(
        party=party,
        by=officer,
        health_and_disability="Anxiety since the attack",
        support_needs="Wants counselling",
    )
    cases.agree_updates(
        party=party, by=officer, frequency_days=7, method="phone", notes="Mobile only please"
    )
    from cases.models import RiskQuestionSet

    qset = RiskQuestionSet.objects.in_force(timezone.localdate())
    answers = {str(n): "no" for n in qset.questions.values_list("number", flat=True)}
    answers["1"] = "yes"
    cases.assess_risk(
        party=party,
        by=officer,
        answers=answers,
        judgement_grade="medium",
        judgement_reason="Threats to her sister",
    )
    cases.record_special_measures(
        party=party,
        by=officer,
        eligibility="intimidated",
        status="considered",
        notes="Screens at court",
    )
    cases.record_vps(party=party, by=officer, status="taken", notes="Statement about her fear")
    WitnessCare.objects.create(party=party, dates_to_avoid="Holiday in June", notes="Needs a lift")
    referrals.create_referral(
        party=party,
        agency=AgencyFactory(),
        by=officer,
        support_requested="Emotional support after the assault",
        lawful_basis=LawfulBasis.EXPLICIT_CONSENT,
        scope=[ShareItem.CONTACT, ShareItem.NEEDS],
        method=ConsentMethod.IN_PERSON,
    )
    rule = SurveyRule.objects.select_related("template").first()
    invitation = Invitation.objects.create(
        case=case,
        party=party,
        template=rule.template,
        rule=rule,
        audience=rule.template.audience,
        nonce="n" * 20,
        channel="email",
        status="completed",
        created_at=now,
        expires_at=now + datetime.timedelta(days=28),
        completed_at=now,
    )
    question = Question.objects.filter(template=rule.template, kind=QuestionKind.TEXT).first()
    Answer.objects.create(
        invitation=invitation, question=question, text="Officers were kind to Zara"
    )
    scale = Question.objects.filter(template=rule.template, kind=QuestionKind.SCALE).first()
    Answer.objects.create(invitation=invitation, question=scale, scale_value=2)
    case.refresh_from_db()
    close_settled(case, by=officer, outcome="evidential_difficulties")
    case.refresh_from_db()
    return case, victim_of(case)


@pytest.fixture
def full_case(db):
    return build_full_case


@pytest.fixture
def team_supervisor(db):
    def make(team):
        user = make_user(Role.SUPERVISOR)
        add_to_team(team=team, user=user, is_supervisor=True)
        return user

    return make
