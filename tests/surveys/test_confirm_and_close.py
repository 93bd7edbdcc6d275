"""Sending nothing asks first; a link the system closed never tells the person they declined."""

import pytest
from django.urls import reverse

from surveys import services
from surveys.models import Answer, ClosedReason, Invitation, InvitationStatus

from .test_services import NOW, make_invitation, questions

pytestmark = pytest.mark.django_db


def _url(invitation) -> str:
    return reverse("survey", args=[services.link_token(invitation)])


def _empty_form(**extra) -> dict:
    """Every question left unanswered, as the page sends it."""
    return {**{f"q{q.pk}": "" for q in questions().values()}, **extra}


# --- services ----------------------------------------------------------------------------------


def test_finishing_with_nothing_answered_needs_confirming_and_keeps_what_was_saved():
    invitation = make_invitation(now=NOW)
    qs = questions()
    services.save_answers(
        invitation=invitation, answers={qs["treatment"].pk: 2}, finish=False, now=NOW
    )

    with pytest.raises(services.NothingAnswered):
        services.save_answers(
            invitation=invitation,
            answers={q.pk: None for q in qs.values()},
            finish=True,
            now=NOW,
        )

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.STARTED
    assert list(invitation.answers.values_list("scale_value", flat=True)) == [2]
    assert services.link_state(invitation, now=NOW) == "open"


def test_a_confirmed_empty_send_closes_the_link_as_declined_not_answered():
    invitation = make_invitation(now=NOW, contact_consent=True)

    services.save_answers(
        invitation=invitation,
        answers={q.pk: None for q in questions().values()},
        finish=True,
        send_empty=True,
        now=NOW,
    )

    invitation.refresh_from_db()
    assert (invitation.status, invitation.declined_at) == (InvitationStatus.DECLINED, NOW)
    assert invitation.completed_at is None and invitation.contact_consent is False
    assert not invitation.answers.exists()


def test_send_empty_changes_nothing_when_something_was_answered():
    invitation = make_invitation(now=NOW)
    treatment = questions()["treatment"]

    services.save_answers(
        invitation=invitation, answers={treatment.pk: 1}, finish=True, send_empty=True, now=NOW
    )

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    assert invitation.answers.get().scale_value == 1


def test_the_system_closes_only_a_link_still_open_and_keeps_why():
    pending = make_invitation(now=NOW, status=InvitationStatus.PENDING)
    services.close(invitation=pending, reason=ClosedReason.CASE_RESTRICTED, now=NOW)
    pending.refresh_from_db()
    assert (pending.status, pending.closed_reason, pending.closed_at) == (
        InvitationStatus.CLOSED,
        ClosedReason.CASE_RESTRICTED,
        NOW,
    )
    assert services.link_state(pending, now=NOW) == "closed"

    answered = make_invitation(now=NOW, status=InvitationStatus.COMPLETED, completed_at=NOW)
    services.close(invitation=answered, reason=ClosedReason.OPTED_OUT, now=NOW)
    assert Invitation.objects.get(pk=answered.pk).status == InvitationStatus.COMPLETED


# --- the page ----------------------------------------------------------------------------------


def test_send_with_nothing_answered_asks_first_and_closes_nothing(client):
    invitation = make_invitation()

    response = client.post(_url(invitation), _empty_form(finish="1"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "You have not answered any questions" in page
    assert 'name="send_empty" value="1"' in page and "Send without answers" in page
    assert f'href="{_url(invitation)}"' in page  # back to the questions, no script needed
    assert "Thank you" not in page
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.SENT
    assert "Send my answers" in client.get(_url(invitation)).content.decode()


def test_only_a_confirmed_empty_send_closes_the_link(client):
    invitation = make_invitation()

    response = client.post(_url(invitation), {"finish": "1", "send_empty": "1"})

    assert "You sent no answers, and that is fine" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.DECLINED
    assert "This survey is closed" in client.get(_url(invitation)).content.decode()


def test_going_back_from_the_question_keeps_saved_answers(client):
    invitation = make_invitation()
    treatment = questions()["treatment"]
    client.post(_url(invitation), _empty_form(**{f"q{treatment.pk}": "3", "save": "1"}))

    client.post(_url(invitation), _empty_form(finish="1"))

    assert Answer.objects.get(invitation=invitation).scale_value == 3
    page = client.get(_url(invitation)).content.decode()
    assert f'name="q{treatment.pk}" value="3"' in page and "checked" in page


@pytest.mark.parametrize("reason", list(ClosedReason))
def test_a_link_the_system_closed_says_so_kindly_never_that_the_person_declined(client, reason):
    invitation = make_invitation()
    services.close(invitation=invitation, reason=reason)

    page = client.get(_url(invitation)).content.decode()

    assert "This survey is closed" in page
    assert "We closed this survey" in page and "nothing you need to do" in page
    assert "You told us" not in page and "did not want to answer" not in page
    # Why it closed stays with staff: a link can be read by someone other than the person.
    assert reason.label not in page
    assert "restricted" not in page and "safe" not in page.lower()


def test_a_link_the_person_declined_still_says_they_told_us(client):
    invitation = make_invitation()
    client.post(_url(invitation), {"decline": "1"})

    assert "You told us you did not want to answer" in client.get(_url(invitation)).content.decode()


def test_an_officer_recording_no_surveys_closes_the_persons_open_links(client):
    from cases.models import Party
    from surveys.models import SurveyOptOut

    open_link = make_invitation()
    party = Party.objects.get(pk=open_link.party_id)
    answered = make_invitation(status=InvitationStatus.COMPLETED, completed_at=NOW)
    client.force_login(open_link.case.officer)

    response = client.post(
        reverse("survey-opt-out", kwargs={"pk": open_link.case_id, "party_pk": party.pk})
    )

    assert response.status_code == 302
    assert SurveyOptOut.objects.filter(person=party.person).exists()
    open_link.refresh_from_db()
    assert (open_link.status, open_link.closed_reason) == (
        InvitationStatus.CLOSED,
        ClosedReason.OPTED_OUT,
    )
    assert Invitation.objects.get(pk=answered.pk).status == InvitationStatus.COMPLETED
    client.logout()
    assert "We closed this survey" in client.get(_url(open_link)).content.decode()
