"""Survey invitations on the demo cases, so that someone trying the product can open a survey as
the victim would and see it counted. Development only: `demo_data` calls this after the demo
cases exist, and prints each link.

The demo sends nothing: an invitation is marked sent as if its email had gone, and its link is
printed instead."""

import datetime

from django.db import transaction
from django.utils import timezone

from cases.models import Party, PartyRole, SafeContact
from surveys import services
from surveys.models import (
    Audience,
    Invitation,
    InvitationStatus,
    QuestionKind,
    SurveyRule,
    SurveyTrigger,
)

# crime reference of a demo case, the state its victim's survey is left in, and what to try.
DEMO_SURVEYS = [
    ("NS/102877/26", InvitationStatus.SENT, "not answered yet: answer it, or send it empty"),
    ("NS/104388/26", InvitationStatus.STARTED, "one answer saved: carry on where they left off"),
    ("NS/103120/26", InvitationStatus.COMPLETED, "answered: counted in Survey results"),
]

# Answers for the demo survey left completed, by question kind: a mixed but fair picture.
SCALE_ANSWERS = [2, 3, 1, 5, 2]
TEXT_ANSWER = "The officer kept me up to date, but the court date took a long time to come."


def _rule() -> SurveyRule | None:
    return (
        SurveyRule.objects.filter(
            trigger=SurveyTrigger.AFTER_REPORT,
            template__audience=Audience.VICTIM,
            template__is_active=True,
        )
        .select_related("template")
        .order_by("-effective_from", "-id")
        .first()
    )


def _answers(invitation: Invitation, *, all_of_them: bool) -> dict[int, object]:
    answers: dict[int, object] = {}
    scales = iter(SCALE_ANSWERS)
    for question in invitation.template.questions.order_by("number"):
        if question.kind == QuestionKind.SCALE:
            answers[question.pk] = next(scales, 3)
            if not all_of_them:
                break
        elif question.kind == QuestionKind.TEXT:
            answers[question.pk] = TEXT_ANSWER
        elif question.choices:
            # "Yes" to being contacted: the supervisor's contact sample then has someone in it.
            answers[question.pk] = question.choices[0]
    return answers


def create_demo_surveys(now: datetime.datetime | None = None) -> list[tuple[Invitation, str]]:
    """Each demo survey with what to try on it; made once, so running again lists the same."""
    now = now or timezone.now()
    rule = _rule()
    if rule is None:
        return []
    made = []
    for reference, state, note in DEMO_SURVEYS:
        party = (
            Party.objects.filter(case__crime_reference=reference, role=PartyRole.VICTIM)
            .select_related("person", "case")
            .order_by("id")
            .first()
        )
        if party is None:
            continue
        invitation = Invitation.objects.filter(
            case=party.case, audience=rule.template.audience
        ).first()
        if invitation is None:
            safe = SafeContact.objects.filter(person=party.person).first()
            channel = services.channel_for(party, safe)
            if channel is None:
                continue
            with transaction.atomic():
                invitation = services.invite(party=party, rule=rule, channel=channel, now=now)
                if invitation is None:
                    continue
                Invitation.objects.filter(pk=invitation.pk).update(
                    status=InvitationStatus.SENT, sent_at=now
                )
                invitation.refresh_from_db()
                if state != InvitationStatus.SENT:
                    services.save_answers(
                        invitation=invitation,
                        answers=_answers(
                            invitation, all_of_them=state == InvitationStatus.COMPLETED
                        ),
                        finish=state == InvitationStatus.COMPLETED,
                        now=now,
                    )
        made.append((invitation, note))
    return made
