"""Surveys: who is invited when (frozen clock), sending, answering and the arithmetic of results.

Every call passes `now=`, so nothing depends on the day the tests run."""

import datetime
import re
import secrets
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from cases import services as case_services
from cases.models import EventKind, PartyRole, SafeContact
from surveys import services
from surveys.models import (
    Answer,
    ClosedReason,
    Invitation,
    InvitationStatus,
    Question,
    QuestionKind,
    RestrictedSurveyAllowance,
    Stage,
    SurveyOptOut,
    SurveyRule,
    SurveyTemplate,
)
from tests.cases.factories import CaseFactory, PartyFactory, PersonFactory, offence, victim_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=datetime.UTC)  # a Monday morning
VICTIM_RULE = "Victims: 6 weeks after the report"
WITNESS_RULE = "Witnesses: after the court outcome"


# --- helpers (test_views imports them) ----------------------------------------------------------


def victim_rule(**changes) -> SurveyRule:
    rule = SurveyRule.objects.get(name=VICTIM_RULE)
    for name, value in changes.items():
        setattr(rule, name, value)
    rule.save()
    return rule


def witness_rule() -> SurveyRule:
    return SurveyRule.objects.get(name=WITNESS_RULE)


def reported_case(days_ago: float, *, now=NOW, victim=None, **fields):
    """A case reported `days_ago` days before `now`, created at the time it was reported."""
    reported_at = now - datetime.timedelta(days=days_ago)
    if victim is None:
        victim = {
            "first_name": "Dana",
            "last_name": "Whitlock",
            "email": f"dana.{secrets.token_hex(3)}@example.org",
        }
    return CaseFactory(
        reported_at=reported_at,
        occurred_at=reported_at - datetime.timedelta(hours=2),
        victim=victim,
        now=reported_at,
        **fields,
    )


def set_safe(person, **fields) -> SafeContact:
    safe = SafeContact.objects.get(person=person)
    return case_services.save_safe_contact(
        person=person, by=make_user(Role.OFFICER), expected_version=safe.version, **fields
    )


def invited_cases(now=NOW) -> set[int]:
    return set(Invitation.objects.filter(created_at=now).values_list("case_id", flat=True))


def make_invitation(case=None, *, now=None, status=InvitationStatus.SENT, **fields) -> Invitation:
    """An invitation made directly, for tests of the link and the results."""
    now = now or timezone.now()
    case = case or reported_case(50, now=now)
    rule = SurveyRule.objects.get(name=VICTIM_RULE)
    values = {
        "case": case,
        "party": victim_of(case),
        "template": rule.template,
        "rule": rule,
        "audience": rule.template.audience,
        "nonce": secrets.token_urlsafe(16),
        "channel": "email",
        "status": status,
        "created_at": now,
        "sent_at": None if status == InvitationStatus.PENDING else now,
        "expires_at": now + datetime.timedelta(days=28),
    }
    values.update(fields)
    return Invitation.objects.create(**values)


def questions(template=None) -> dict[str, Question]:
    """The seeded victim questions by stage; "text" and "consent" for the other two."""
    template = template or SurveyTemplate.objects.get(code="victim_satisfaction")
    found = {}
    for q in template.questions.all():
        if q.kind == QuestionKind.SCALE:
            found[q.stage] = q
        elif q.kind == QuestionKind.TEXT:
            found["text"] = q
        else:
            found["consent"] = q
    return found


def answer(invitation, stage_values: dict[str, int]) -> None:
    qs = questions(invitation.template)
    for stage, value in stage_values.items():
        Answer.objects.create(invitation=invitation, question=qs[stage], scale_value=value)


# --- the seeded template and rules ------------------------------------------------------------


def test_the_seed_gives_five_scale_stages_free_text_and_contact_consent():
    qs = questions()
    assert [s for s in Stage.values if s in qs] == [
        "ease_of_contact",
        "actions_taken",
        "follow_up",
        "treatment",
        "whole_experience",
    ]
    assert qs["consent"].is_contact_consent and qs["consent"].choices == ["Yes", "No"]
    rule = SurveyRule.objects.get(name=VICTIM_RULE)
    assert (rule.trigger, rule.delay_days, rule.window_days) == ("after_report", 42, 28)
    assert rule.always_flags == ["domestic_abuse"] and rule.sampling_rate == Decimal("0.25")
    assert witness_rule().trigger == "court_outcome"


# --- selection --------------------------------------------------------------------------------


def test_only_people_whose_report_plus_delay_fell_due_within_the_window_are_invited():
    victim_rule(sampling_rate=1)
    too_soon = reported_case(41)
    due_today = reported_case(42)
    mid_window = reported_case(55)
    end_of_window = reported_case(69)
    window_passed = reported_case(71)
    made = services.invite_due(now=NOW)
    assert len(made) == 3
    assert invited_cases() == {due_today.pk, mid_window.pk, end_of_window.pk}
    assert too_soon.pk not in invited_cases() and window_passed.pk not in invited_cases()
    # The one reported 41 days ago falls due tomorrow.
    tomorrow = NOW + datetime.timedelta(days=1)
    assert services.invite_due(now=tomorrow) and invited_cases(tomorrow) == {too_soon.pk}


def test_invitation_fields_come_from_the_rule():
    rule = victim_rule(sampling_rate=1, link_valid_days=21)
    case = reported_case(45)
    [pk] = services.invite_due(now=NOW)
    invitation = Invitation.objects.get(pk=pk)
    assert invitation.case == case and invitation.party == victim_of(case)
    assert invitation.rule == rule and invitation.template == rule.template
    assert invitation.audience == "victim" and invitation.channel == "email"
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.expires_at == NOW + datetime.timedelta(days=21)


def test_a_rule_not_yet_or_no_longer_in_force_invites_nobody():
    reported_case(45)
    victim_rule(sampling_rate=1, effective_from=datetime.date(2025, 6, 3))
    assert services.invite_due(now=NOW) == []
    victim_rule(effective_from=datetime.date(2021, 4, 1), effective_to=datetime.date(2025, 6, 2))
    assert services.invite_due(now=NOW) == []
    victim_rule(effective_to=datetime.date(2025, 6, 3))
    assert len(services.invite_due(now=NOW)) == 1


def test_domestic_abuse_victims_are_always_invited_even_at_a_zero_sampling_rate():
    victim_rule(sampling_rate=0)
    domestic = [reported_case(45, offence=offence("abh_domestic")) for _ in range(3)]
    coercive = reported_case(50, offence=offence("coercive_control"))
    others = [reported_case(45, offence=offence("burglary_residential")) for _ in range(5)]
    services.invite_due(now=NOW)
    assert invited_cases() == {c.pk for c in [*domestic, coercive]}
    assert not invited_cases() & {c.pk for c in others}


def test_a_sampling_rate_of_one_invites_everybody_due():
    victim_rule(sampling_rate=1)
    cases = [reported_case(45, offence=offence("theft_other")) for _ in range(6)]
    services.invite_due(now=NOW)
    assert invited_cases() == {c.pk for c in cases}


def test_other_victims_are_invited_by_a_reproducible_sample():
    rule = victim_rule(sampling_rate=Decimal("0.5"))
    cases = [reported_case(45, offence=offence("theft_other")) for _ in range(24)]
    draws = {c.pk: services.sampled(c.pk, rule.pk, rule.sampling_rate) for c in cases}
    # The same case and rule give the same answer every time.
    assert draws == {c.pk: services.sampled(c.pk, rule.pk, rule.sampling_rate) for c in cases}
    # With 24 cases at 50% both answers turn up (the chance of all one way is 2 in 16 million).
    assert set(draws.values()) == {True, False}
    services.invite_due(now=NOW)
    assert invited_cases() == {pk for pk, chosen in draws.items() if chosen}


def test_sampled_edges_and_reproducibility():
    for case_id in range(1, 200):
        assert services.sampled(case_id, 1, Decimal("0")) is False
        assert services.sampled(case_id, 1, Decimal("1")) is True
        assert services.sampled(case_id, 1, Decimal("0.25")) == services.sampled(
            case_id, 1, Decimal("0.25")
        )
    share = sum(services.sampled(i, 7, Decimal("0.25")) for i in range(4000)) / 4000
    assert 0.2 < share < 0.3
    # A case drawn at a low rate is drawn at every higher rate.
    low = {i for i in range(500) if services.sampled(i, 3, Decimal("0.1"))}
    high = {i for i in range(500) if services.sampled(i, 3, Decimal("0.5"))}
    assert low <= high


def test_a_person_who_opted_out_is_never_invited():
    victim_rule(sampling_rate=1)
    case = reported_case(45)
    kept = reported_case(45)
    SurveyOptOut.objects.create(person=victim_of(case).person, recorded_at=NOW)
    services.invite_due(now=NOW)
    assert invited_cases() == {kept.pk}
    # Not in a later case either.
    later = reported_case(45, now=NOW + datetime.timedelta(days=30), victim=victim_of(case).person)
    services.invite_due(now=NOW + datetime.timedelta(days=30))
    assert not Invitation.objects.filter(case=later).exists()


def test_a_restricted_case_is_never_surveyed_unless_a_supervisor_allowed_it():
    victim_rule(sampling_rate=1)
    restricted = reported_case(45, restricted=True, offence=offence("abh_domestic"))
    allowed = reported_case(45, restricted=True)
    RestrictedSurveyAllowance.objects.create(
        case=allowed, allowed_by=make_user(Role.SUPERVISOR), allowed_at=NOW, reason="Checked"
    )
    services.invite_due(now=NOW)
    assert invited_cases() == {allowed.pk}  # not even a domestic abuse case, unless allowed
    assert not Invitation.objects.filter(case=restricted).exists()


def test_email_when_it_is_safe():
    victim_rule(sampling_rate=1)
    reported_case(45, victim={"first_name": "A", "last_name": "B", "email": "a@example.org"})
    [pk] = services.invite_due(now=NOW)
    assert Invitation.objects.get(pk=pk).channel == "email"


def test_a_text_message_when_email_is_unsafe_and_texts_are_safe_and_the_phone_is_known():
    victim_rule(sampling_rate=1)
    case = reported_case(
        45,
        victim={
            "first_name": "A",
            "last_name": "B",
            "email": "a@example.org",
            "phone": "07700900123",
        },
    )
    set_safe(victim_of(case).person, email_safe=False)
    [pk] = services.invite_due(now=NOW)
    assert Invitation.objects.get(pk=pk).channel == "sms"


def test_a_text_message_when_only_the_phone_is_known():
    victim_rule(sampling_rate=1)
    reported_case(45, victim={"first_name": "A", "last_name": "B", "phone": "07700900124"})
    [pk] = services.invite_due(now=NOW)
    assert Invitation.objects.get(pk=pk).channel == "sms"


@pytest.mark.parametrize(
    ("details", "safe"),
    [
        (
            {"email": "a@example.org", "phone": "07700900125"},
            {"email_safe": False, "text_safe": False},
        ),
        ({"email": "a@example.org"}, {"email_safe": False}),
        ({"phone": "07700900126"}, {"text_safe": False}),
        ({}, {}),
    ],
    ids=["both-unsafe", "email-unsafe-no-phone", "text-unsafe-no-email", "no-details"],
)
def test_nobody_is_invited_without_a_safe_known_channel(details, safe):
    victim_rule(sampling_rate=1)
    case = reported_case(45, victim={"first_name": "A", "last_name": "B", **details})
    if safe:
        set_safe(victim_of(case).person, **safe)
    assert services.invite_due(now=NOW) == []
    assert not Invitation.objects.exists()


def test_never_twice_for_one_case():
    victim_rule(sampling_rate=1)
    case = reported_case(45)
    assert len(services.invite_due(now=NOW)) == 1
    assert services.invite_due(now=NOW) == []
    # Nor the next day, while the case is still within the window.
    assert services.invite_due(now=NOW + datetime.timedelta(days=1)) == []
    assert Invitation.objects.filter(case=case).count() == 1


def test_two_victims_in_one_case_get_one_invitation():
    victim_rule(sampling_rate=1)
    case = reported_case(45)
    second = PersonFactory(first_name="Sam", last_name="Reid", email="sam@example.org")
    PartyFactory(case=case, person=second, role=PartyRole.VICTIM, now=NOW)
    services.invite_due(now=NOW)
    [invitation] = Invitation.objects.filter(case=case)
    assert invitation.party == victim_of(case)  # the first victim recorded


def test_the_second_victim_is_asked_when_the_first_has_no_safe_channel():
    victim_rule(sampling_rate=1)
    case = reported_case(45, victim={"first_name": "A", "last_name": "B"})  # no contact details
    second = PersonFactory(first_name="Sam", last_name="Reid", email="sam@example.org")
    party = PartyFactory(case=case, person=second, role=PartyRole.VICTIM, now=NOW)
    services.invite_due(now=NOW)
    [invitation] = Invitation.objects.filter(case=case)
    assert invitation.party == party


def test_a_witness_in_the_same_case_is_not_asked_the_victim_survey():
    victim_rule(sampling_rate=1)
    case = reported_case(45, victim={"first_name": "A", "last_name": "B"})  # no contact details
    witness = PersonFactory(first_name="W", last_name="X", email="w@example.org")
    PartyFactory(case=case, person=witness, role=PartyRole.WITNESS, now=NOW)
    assert services.invite_due(now=NOW) == []


def _verdict(case, at):
    return case_services.record_event(
        case=case, by=case.officer, kind=EventKind.VERDICT, occurred_at=at, received_at=at, now=at
    )


def test_witnesses_are_asked_after_a_verdict():
    victim_rule(sampling_rate=0)
    case = reported_case(300)  # the victim survey's window passed long ago
    witness = PersonFactory(first_name="Wren", last_name="Hale", email="wren@example.org")
    party = PartyFactory(case=case, person=witness, role=PartyRole.WITNESS, now=NOW)
    _verdict(case, NOW - datetime.timedelta(days=3))
    assert services.invite_due(now=NOW) == []  # 7 days after the outcome, not 3
    later = NOW + datetime.timedelta(days=4)
    [pk] = services.invite_due(now=later)
    invitation = Invitation.objects.get(pk=pk)
    assert invitation.party == party and invitation.audience == "witness"
    assert invitation.rule == witness_rule()
    assert invitation.template.code == "witness_experience"


def test_no_witness_survey_without_a_court_outcome_or_when_it_was_withdrawn():
    case = reported_case(300)
    PartyFactory(
        case=case,
        person=PersonFactory(first_name="W", last_name="X", email="w@example.org"),
        role=PartyRole.WITNESS,
        now=NOW,
    )
    assert services.invite_due(now=NOW) == []
    event = _verdict(case, NOW - datetime.timedelta(days=10))
    case_services.withdraw_event(event=event, by=case.officer, reason="Wrong case", now=NOW)
    assert services.invite_due(now=NOW) == []


def test_a_victim_and_a_witness_in_one_case_can_each_have_their_own_survey():
    victim_rule(sampling_rate=1)
    case = reported_case(45)
    PartyFactory(
        case=case,
        person=PersonFactory(first_name="W", last_name="X", email="w@example.org"),
        role=PartyRole.WITNESS,
        now=NOW,
    )
    _verdict(case, NOW - datetime.timedelta(days=8))
    services.invite_due(now=NOW)
    assert sorted(Invitation.objects.filter(case=case).values_list("audience", flat=True)) == [
        "victim",
        "witness",
    ]


def test_invite_due_queues_one_send_per_invitation_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    from surveys import tasks

    queued = []
    monkeypatch.setattr(tasks.send_invitation, "delay", queued.append)
    victim_rule(sampling_rate=1)
    reported_case(45)
    reported_case(46)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        made = services.invite_due(now=NOW)
    assert len(callbacks) == 2 and sorted(queued) == sorted(made)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.invite_due(now=NOW)
    assert callbacks == []


# --- sending ----------------------------------------------------------------------------------


def _link_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/s/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_send_invitation_emails_a_link_that_opens_the_survey(client, mailoutbox):
    victim_rule(sampling_rate=1)
    case = reported_case(
        45, victim={"first_name": "Dana", "last_name": "Whitlock", "email": "dana@example.org"}
    )
    [pk] = services.invite_due(now=NOW)
    assert services.send_invitation(pk, now=NOW) == "sent"
    [mail] = mailoutbox
    assert mail.to == ["dana@example.org"]
    assert case.crime_reference not in mail.body and case.offence.name not in mail.body
    invitation = Invitation.objects.get(pk=pk)
    assert invitation.status == InvitationStatus.SENT and invitation.sent_at == NOW
    path = _link_path(mail.body)
    assert path == f"/s/{services.link_token(invitation)}/"
    # The link opens the survey (the page works on the real clock, so move the expiry on).
    Invitation.objects.filter(pk=pk).update(expires_at=timezone.now() + datetime.timedelta(days=28))
    response = client.get(path)
    assert response.status_code == 200
    assert questions()["whole_experience"].text in response.content.decode()


def test_sending_twice_sends_one_email(mailoutbox):
    victim_rule(sampling_rate=1)
    reported_case(45)
    [pk] = services.invite_due(now=NOW)
    assert services.send_invitation(pk, now=NOW) == "sent"
    assert services.send_invitation(pk, now=NOW) == "nothing to send"
    assert len(mailoutbox) == 1


def test_nothing_is_sent_when_the_channel_became_unsafe(mailoutbox):
    victim_rule(sampling_rate=1)
    case = reported_case(45)
    [pk] = services.invite_due(now=NOW)
    set_safe(victim_of(case).person, email_safe=False)
    assert services.send_invitation(pk, now=NOW) == "channel no longer safe"
    assert mailoutbox == []
    invitation = Invitation.objects.get(pk=pk)
    assert invitation.status == InvitationStatus.CLOSED and invitation.sent_at is None
    assert invitation.closed_reason == ClosedReason.CHANNEL_UNSAFE and invitation.closed_at == NOW
    assert invitation.declined_at is None  # the person declined nothing
    assert services.send_invitation(pk, now=NOW) == "nothing to send"
    assert mailoutbox == []


def test_nothing_is_sent_to_someone_who_opted_out_after_the_invitation_was_made(mailoutbox):
    victim_rule(sampling_rate=1)
    case = reported_case(45)
    [pk] = services.invite_due(now=NOW)
    SurveyOptOut.objects.create(person=victim_of(case).person, recorded_at=NOW)
    assert services.send_invitation(pk, now=NOW) == "opted out"
    assert mailoutbox == []
    invitation = Invitation.objects.get(pk=pk)
    assert (invitation.status, invitation.closed_reason) == (
        InvitationStatus.CLOSED,
        ClosedReason.OPTED_OUT,
    )


def test_nothing_is_sent_when_the_case_became_restricted(mailoutbox):
    victim_rule(sampling_rate=1)
    case = reported_case(45)
    [pk] = services.invite_due(now=NOW)
    type(case).objects.filter(pk=case.pk).update(restricted=True)
    assert services.send_invitation(pk, now=NOW) == "case restricted"
    assert mailoutbox == []


def test_an_expired_invitation_is_never_sent(mailoutbox):
    victim_rule(sampling_rate=1, link_valid_days=28)
    reported_case(45)
    [pk] = services.invite_due(now=NOW)
    assert services.send_invitation(pk, now=NOW + datetime.timedelta(days=28)) == "link expired"
    assert mailoutbox == []


class FakeSms:
    def __init__(self):
        self.sent = []

    def send(self, phone_number, message):
        self.sent.append((phone_number, message))


def test_a_text_message_carries_the_link(monkeypatch, mailoutbox):
    import notifications.channels

    fake = FakeSms()
    monkeypatch.setattr(notifications.channels, "sms_channel", lambda: fake)
    victim_rule(sampling_rate=1)
    case = reported_case(
        45,
        victim={"first_name": "A", "last_name": "B", "email": "a@example.org", "phone": "0770"},
    )
    set_safe(victim_of(case).person, email_safe=False)
    [pk] = services.invite_due(now=NOW)
    assert services.send_invitation(pk, now=NOW) == "sent"
    [(phone, message)] = fake.sent
    assert phone == "0770" and mailoutbox == []
    assert _link_path(message) == f"/s/{services.link_token(Invitation.objects.get(pk=pk))}/"
    assert case.crime_reference not in message


def test_a_text_waits_while_text_messages_are_off(monkeypatch):
    import notifications.channels

    monkeypatch.setattr(notifications.channels, "sms_channel", lambda: None)
    victim_rule(sampling_rate=1)
    reported_case(45, victim={"first_name": "A", "last_name": "B", "phone": "07700900127"})
    [pk] = services.invite_due(now=NOW)
    assert services.send_invitation(pk, now=NOW) == "text messages are off"
    assert Invitation.objects.get(pk=pk).status == InvitationStatus.PENDING


# --- the link ---------------------------------------------------------------------------------


def test_link_states():
    invitation = make_invitation(now=NOW)
    token = services.link_token(invitation)
    assert services.invitation_for(token) == invitation
    assert services.link_state(invitation, now=NOW) == "open"
    assert services.link_state(invitation, now=invitation.expires_at) == "expired"
    assert services.link_state(None, now=NOW) == "unknown"
    assert services.invitation_for(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert services.invitation_for("not-a-token") is None
    assert services.invitation_for("") is None
    # A properly signed link whose nonce no longer matches is not ours.
    Invitation.objects.filter(pk=invitation.pk).update(nonce="changed")
    assert services.invitation_for(token) is None


# --- answering --------------------------------------------------------------------------------


def test_saving_some_answers_then_finishing_later():
    invitation = make_invitation(now=NOW)
    qs = questions()
    services.save_answers(
        invitation=invitation,
        answers={qs["ease_of_contact"].pk: 2, qs["text"].pk: "Kept waiting"},
        finish=False,
        now=NOW,
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.STARTED and invitation.started_at == NOW
    assert invitation.completed_at is None
    later = NOW + datetime.timedelta(days=2)
    services.save_answers(
        invitation=invitation,
        answers={
            qs["ease_of_contact"].pk: 2,
            qs["text"].pk: "Kept waiting",
            qs["whole_experience"].pk: 3,
        },
        finish=True,
        now=later,
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    assert (invitation.started_at, invitation.completed_at) == (NOW, later)
    saved = {a.question_id: (a.scale_value, a.text) for a in invitation.answers.all()}
    assert saved == {
        qs["ease_of_contact"].pk: (2, ""),
        qs["text"].pk: (None, "Kept waiting"),
        qs["whole_experience"].pk: (3, ""),
    }
    with pytest.raises(ValidationError):
        services.save_answers(
            invitation=invitation, answers={qs["treatment"].pk: 1}, finish=True, now=later
        )
    assert not invitation.answers.filter(question=qs["treatment"]).exists()


def test_an_expired_link_cannot_save():
    invitation = make_invitation(now=NOW)
    with pytest.raises(ValidationError):
        services.save_answers(
            invitation=invitation,
            answers={questions()["treatment"].pk: 1},
            finish=False,
            now=invitation.expires_at,
        )
    assert not invitation.answers.exists()


def test_contact_consent_follows_the_answer():
    invitation = make_invitation(now=NOW)
    consent = questions()["consent"]
    services.save_answers(invitation=invitation, answers={consent.pk: "Yes"}, finish=False, now=NOW)
    assert Invitation.objects.get(pk=invitation.pk).contact_consent is True
    services.save_answers(invitation=invitation, answers={consent.pk: "No"}, finish=False, now=NOW)
    assert Invitation.objects.get(pk=invitation.pk).contact_consent is False
    services.save_answers(invitation=invitation, answers={consent.pk: "Yes"}, finish=False, now=NOW)
    # Taking the answer back takes the consent back.
    services.save_answers(invitation=invitation, answers={consent.pk: None}, finish=False, now=NOW)
    assert Invitation.objects.get(pk=invitation.pk).contact_consent is False


def test_decline_closes_an_open_link_only():
    invitation = make_invitation(now=NOW)
    services.decline(invitation=invitation, now=NOW)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED and invitation.declined_at == NOW
    done = make_invitation(now=NOW, status=InvitationStatus.COMPLETED, completed_at=NOW)
    services.decline(invitation=done, now=NOW)
    assert Invitation.objects.get(pk=done.pk).status == InvitationStatus.COMPLETED


# --- results ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([1, 2, 3], 100.0),
        ([4, 5, 6, 7], 0.0),
        ([1, 2, 3, 4, 5, 6, 7], 42.9),
        ([1, 1, 7, 4], 50.0),
        ([3, 4, 4], 33.3),
        ([2, 3, 5], 66.7),
    ],
)
def test_percent_satisfied_is_completely_very_or_fairly_satisfied(values, expected):
    assert services.percent_satisfied(values) == expected


def test_results_count_completed_answers_only():
    completed_a = make_invitation(now=NOW, status=InvitationStatus.COMPLETED, completed_at=NOW)
    completed_b = make_invitation(now=NOW, status=InvitationStatus.COMPLETED, completed_at=NOW)
    started = make_invitation(now=NOW, status=InvitationStatus.STARTED)
    make_invitation(now=NOW, status=InvitationStatus.DECLINED, declined_at=NOW)
    make_invitation(now=NOW, status=InvitationStatus.SENT)
    make_invitation(now=NOW, status=InvitationStatus.PENDING)  # not yet sent: not invited
    # Never sent because the channel became unsafe: not counted as invited either.
    make_invitation(now=NOW, status=InvitationStatus.DECLINED, sent_at=None, declined_at=NOW)
    answer(completed_a, {"ease_of_contact": 1, "treatment": 2, "whole_experience": 5})
    answer(completed_b, {"ease_of_contact": 6, "treatment": 3})
    answer(started, {"ease_of_contact": 7, "follow_up": 7})
    result = services.results(Invitation.objects.all())
    assert result["invited"] == 5
    assert result["completed"] == 2
    assert result["response_rate"] == 40.0
    assert result["stages"] == {
        "Ease of contact": {"answers": 2, "satisfied": 50.0},
        "Treatment": {"answers": 2, "satisfied": 100.0},
        "Whole experience": {"answers": 1, "satisfied": 0.0},
    }
    assert list(result["stages"]) == ["Ease of contact", "Treatment", "Whole experience"]


def test_results_of_nothing():
    assert services.results(Invitation.objects.none()) == {
        "invited": 0,
        "completed": 0,
        "response_rate": None,
        "stages": {},
    }


def _completed(consent: bool) -> Invitation:
    return make_invitation(
        now=NOW, status=InvitationStatus.COMPLETED, completed_at=NOW, contact_consent=consent
    )


def test_the_contact_sample_is_reproducible_and_only_of_consenting_respondents():
    consenting = {_completed(True).pk for _ in range(8)}
    refused = {_completed(False).pk for _ in range(3)}
    unfinished = make_invitation(now=NOW, status=InvitationStatus.STARTED, contact_consent=True)
    rows = Invitation.objects.all()
    first = services.contact_consenting_sample(rows, size=4, seed="2025-Q2")
    assert first == services.contact_consenting_sample(rows, size=4, seed="2025-Q2")
    assert len(first) == 4 and set(first) <= consenting
    everyone = services.contact_consenting_sample(rows, size=50, seed="2025-Q2")
    assert set(everyone) == consenting
    assert not set(everyone) & (refused | {unfinished.pk})
    seeds = {tuple(services.contact_consenting_sample(rows, size=4, seed=s)) for s in "abcdef"}
    assert len(seeds) > 1  # another seed, another sample
    assert services.contact_consenting_sample(rows, size=0, seed="x") == []
