"""Who is invited, sending the invitation, answering it, and the results.

Selection is set-based: one query per rule finds the people whose trigger fell due, leaving out
anyone already invited for the case, anyone who opted out, restricted cases without a
supervisor's allowance, and anyone with no safe channel. Sampling is reproducible (a hash of the
case and rule), so running the task twice invites nobody new.
"""

import datetime
import hashlib
import random
import re
import secrets
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record
from cases.models import Case, CaseEvent, CaseStatus, EventKind, Party, Person, SafeContact
from notifications import channels

from .models import (
    SATISFIED,
    Answer,
    ClosedReason,
    Invitation,
    InvitationStatus,
    QuestionKind,
    RestrictedSurveyAllowance,
    Stage,
    SurveyOptOut,
    SurveyRule,
    SurveyTrigger,
)

SIGNER_SALT = "surveys.invitation"
STAGE_ORDER = {stage: i for i, stage in enumerate(Stage.values)}
COURT_OUTCOMES = (EventKind.VERDICT, EventKind.SENTENCE)


def _now(now):
    return now or timezone.now()


# --- selection ---------------------------------------------------------------------------------


def sampled(case_id: int, rule_id: int, rate: Decimal) -> bool:
    """A reproducible draw: the same case and rule always give the same answer."""
    digest = hashlib.sha256(f"{case_id}:{rule_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < float(rate)


def _triggered_cases(rule: SurveyRule, *, now) -> QuerySet[Case]:
    due_from = now - datetime.timedelta(days=rule.delay_days + rule.window_days)
    due_to = now - datetime.timedelta(days=rule.delay_days)
    if rule.trigger == SurveyTrigger.CASE_CLOSED:
        return Case.objects.filter(status=CaseStatus.CLOSED, closed_at__range=(due_from, due_to))
    if rule.trigger == SurveyTrigger.AFTER_REPORT:
        return Case.objects.filter(reported_at__range=(due_from, due_to))
    outcome = CaseEvent.objects.current().filter(
        case=OuterRef("pk"), kind__in=COURT_OUTCOMES, occurred_at__range=(due_from, due_to)
    )
    return Case.objects.filter(Exists(outcome))


def candidates(rule: SurveyRule, *, now) -> QuerySet[Party]:
    cases = _triggered_cases(rule, now=now)
    allowed = RestrictedSurveyAllowance.objects.filter(case=OuterRef("case_id"))
    invited = Invitation.objects.filter(case=OuterRef("case_id"), audience=rule.template.audience)
    opted_out = SurveyOptOut.objects.filter(person=OuterRef("person_id"))
    return (
        Party.objects.filter(case__in=cases, role__in=rule.roles)
        .filter(Q(case__restricted=False) | Exists(allowed))
        .exclude(Exists(invited))
        .exclude(Exists(opted_out))
        .select_related("person", "case__offence")
        .order_by("case_id", "id")
    )


def channel_for(party: Party, safe: SafeContact | None) -> str | None:
    """Email if it is safe and known, else a text message if that is; otherwise nobody asks."""
    person = party.person
    if person.email and (safe is None or safe.email_safe):
        return "email"
    if person.phone and (safe is None or safe.text_safe):
        return "sms"
    return None


def invite_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Create the invitations that are due. Idempotent: the unique (case, audience) row and the
    reproducible sample mean a second run creates nothing."""
    now = _now(now)
    today = timezone.localdate(now)
    made = []
    rules = SurveyRule.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gt=today),
        effective_from__lte=today,
        template__is_active=True,
    ).select_related("template")
    for rule in rules:
        parties = list(candidates(rule, now=now))
        safe = {
            s.person_id: s
            for s in SafeContact.objects.filter(person_id__in={p.person_id for p in parties})
        }
        seen_cases = set()
        for party in parties:
            if party.case_id in seen_cases:
                continue  # One invitation per case: the first person in the role order.
            always = set(rule.always_flags) & set(party.case.offence_flags)
            if not always and not sampled(party.case_id, rule.pk, rule.sampling_rate):
                continue
            channel = channel_for(party, safe.get(party.person_id))
            if channel is None:
                continue
            invitation = invite(party=party, rule=rule, channel=channel, now=now)
            if invitation is None:
                continue  # Another run invited this case first.
            seen_cases.add(party.case_id)
            made.append(invitation.pk)
    if made:
        from .tasks import send_invitation

        for pk in made:
            transaction.on_commit(lambda pk=pk: send_invitation.delay(pk))
    return made


def invite(
    *, party: Party, rule: SurveyRule, channel: str, now: datetime.datetime
) -> Invitation | None:
    """One invitation for the party's case, or None when the case already has one for this
    audience (the unique row decides, so two runs at once make one)."""
    try:
        with transaction.atomic():
            return Invitation.objects.create(
                case_id=party.case_id,
                party=party,
                template=rule.template,
                rule=rule,
                audience=rule.template.audience,
                nonce=secrets.token_urlsafe(16),
                channel=channel,
                created_at=now,
                expires_at=now + datetime.timedelta(days=rule.link_valid_days),
            )
    except IntegrityError:
        return None


# --- the link ----------------------------------------------------------------------------------


def link_token(invitation: Invitation) -> str:
    return signing.Signer(salt=SIGNER_SALT).sign(f"{invitation.pk}.{invitation.nonce}")


def invitation_for(token: str) -> Invitation | None:
    """The invitation a link belongs to, or None for a link that was never ours."""
    try:
        value = signing.Signer(salt=SIGNER_SALT).unsign(token)
        pk, nonce = value.split(".", 1)
    except (signing.BadSignature, ValueError):
        return None
    invitation = Invitation.objects.select_related("template", "case").filter(pk=pk).first()
    if invitation is None or not secrets.compare_digest(invitation.nonce, nonce):
        return None
    return invitation


def link_state(invitation: Invitation | None, *, now=None) -> str:
    """open, used, declined, closed (by us, not the person), expired or unknown: the page says
    something kind and true for each."""
    if invitation is None:
        return "unknown"
    if invitation.status == InvitationStatus.COMPLETED:
        return "used"
    if invitation.status == InvitationStatus.DECLINED:
        return "declined"
    if invitation.status == InvitationStatus.CLOSED:
        return "closed"
    if _now(now) >= invitation.expires_at:
        return "expired"
    return "open"


def send_invitation(invitation_id: int, *, now=None) -> str:
    """Send once: the row is locked and only a pending invitation is sent. What was true when it
    was made is checked again, and an invitation that may no longer be sent is closed unsent by
    the system (closed, with its reason and no sent_at): its link expired, the person opted out,
    the case became restricted, or the channel is no longer safe."""
    now = _now(now)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("party__person", "case")
            .filter(pk=invitation_id, status=InvitationStatus.PENDING)
            .first()
        )
        if invitation is None:
            return "nothing to send"
        person = invitation.party.person
        safe = SafeContact.objects.filter(person=person).first()
        stop = None
        if now >= invitation.expires_at:
            # e.g. text messages were off until after it closed
            stop = ("link expired", ClosedReason.LINK_EXPIRED)
        elif SurveyOptOut.objects.filter(person=person).exists():
            stop = ("opted out", ClosedReason.OPTED_OUT)
        elif (
            invitation.case.restricted
            and not RestrictedSurveyAllowance.objects.filter(case=invitation.case).exists()
        ):
            stop = ("case restricted", ClosedReason.CASE_RESTRICTED)
        elif channel_for(invitation.party, safe) != invitation.channel:
            # Safe-contact instructions changed since: do not use a channel now unsafe.
            stop = ("channel no longer safe", ClosedReason.CHANNEL_UNSAFE)
        if stop:
            close(invitation=invitation, reason=stop[1], now=now)
            return stop[0]
        url = settings.SITE_URL.rstrip("/") + reverse("survey", args=[link_token(invitation)])
        message = (
            f"{settings.FORCE_NAME} would like to know how we did. It takes 3 minutes: {url} "
            f"You do not have to answer."
        )
        if invitation.channel == "email":
            send_mail("How did we do?", message, settings.DEFAULT_FROM_EMAIL, [person.email])
        else:
            channel = channels.sms_channel()
            if channel is None:
                return "text messages are off"
            channel.send(person.phone, message)
        invitation.status = InvitationStatus.SENT
        invitation.sent_at = now
        invitation.save(update_fields=["status", "sent_at"])
        return "sent"


def close(*, invitation: Invitation, reason: str, now=None) -> Invitation:
    """The system closes a link that is still open (never one the person answered or declined),
    keeping why for staff."""
    if invitation.status not in OPEN_STATUSES:
        return invitation
    invitation.status = InvitationStatus.CLOSED
    invitation.closed_at = _now(now)
    invitation.closed_reason = reason
    invitation.save(update_fields=["status", "closed_at", "closed_reason"])
    return invitation


# --- answering ---------------------------------------------------------------------------------


class NothingAnswered(Exception):
    """ "Send my answers" with no answer at all: the person is asked first, because sending
    closes the link for good."""


@transaction.atomic
def save_answers(
    *,
    invitation: Invitation,
    answers: dict[int, object],
    finish: bool,
    send_empty: bool = False,
    now=None,
) -> Invitation:
    """Keep what was answered so far; finishing closes the link for good.

    Finishing with nothing answered raises NothingAnswered (and keeps nothing of this
    submission) unless the person confirmed it (`send_empty`); a confirmed empty answer closes
    the link as declined, since no answer was given."""
    now = _now(now)
    state = link_state(invitation, now=now)
    if state != "open":
        raise ValidationError("This link can no longer be used.")
    questions = {q.pk: q for q in invitation.template.questions.all()}
    for question_id, value in answers.items():
        question = questions[question_id]
        fields = {"scale_value": None, "choice": "", "text": ""}
        if value in (None, ""):
            Answer.objects.filter(invitation=invitation, question=question).delete()
            if question.is_contact_consent:
                invitation.contact_consent = False  # Taking the answer back takes consent back.
            continue
        if question.kind == QuestionKind.SCALE:
            fields["scale_value"] = int(value)
        elif question.kind == QuestionKind.CHOICE:
            fields["choice"] = str(value)
        else:
            fields["text"] = str(value)[:4000]
        Answer.objects.update_or_create(invitation=invitation, question=question, defaults=fields)
        if question.is_contact_consent:
            invitation.contact_consent = value == "Yes"
    if finish and not invitation.answers.exists():
        if not send_empty:
            raise NothingAnswered  # rolls back this submission: what was saved before stays
        invitation.status = InvitationStatus.DECLINED
        invitation.declined_at = now
        invitation.contact_consent = False
        invitation.save(update_fields=["status", "declined_at", "contact_consent"])
        return invitation
    invitation.started_at = invitation.started_at or now
    invitation.status = InvitationStatus.COMPLETED if finish else InvitationStatus.STARTED
    if finish:
        invitation.completed_at = now
    invitation.save()
    return invitation


@transaction.atomic
def decline(*, invitation: Invitation, never_again: bool = False, now=None) -> Invitation:
    """The person says no thanks from the page; `never_again` also records that they want no
    more surveys at all."""
    if link_state(invitation, now=now) != "open":
        return invitation
    now = _now(now)
    invitation.status = InvitationStatus.DECLINED
    invitation.declined_at = now
    invitation.save(update_fields=["status", "declined_at"])
    if never_again:
        record_opt_out(person=invitation.party.person, by=None, now=now)
    return invitation


OPEN_STATUSES = (InvitationStatus.PENDING, InvitationStatus.SENT, InvitationStatus.STARTED)


@transaction.atomic
def record_opt_out(*, person: Person, by, now=None) -> SurveyOptOut:
    """The person wants no surveys: never invited again (by the page, or an officer told), and
    any link of theirs still open is closed by the system, so it says it was closed."""
    now = _now(now)
    opt_out, _ = SurveyOptOut.objects.get_or_create(
        person=person, defaults={"recorded_at": now, "recorded_by": by}
    )
    Invitation.objects.filter(party__person=person, status__in=OPEN_STATUSES).update(
        status=InvitationStatus.CLOSED, closed_at=now, closed_reason=ClosedReason.OPTED_OUT
    )
    return opt_out


def on_people_merged(event) -> None:
    """Two records of one person made one (cases.events.PeopleMerged): an opt-out recorded on
    either is the person's, so it moves to the kept record (the earlier one, if both had one)
    and any survey link still open for the person is closed, as when they opted out."""
    kept = event.kept
    opt_outs = list(
        SurveyOptOut.objects.filter(person_id__in=[kept.pk, event.merged_person_id]).order_by(
            "recorded_at"
        )
    )
    if not opt_outs:
        return
    first = opt_outs[0]
    if first.person_id != kept.pk:
        SurveyOptOut.objects.filter(person=kept).delete()
        SurveyOptOut.objects.filter(pk=first.pk).update(person=kept)
    Invitation.objects.filter(party__person=kept, status__in=OPEN_STATUSES).update(
        status=InvitationStatus.CLOSED,
        closed_at=event.merge.merged_at,
        closed_reason=ClosedReason.OPTED_OUT,
    )


def allow_restricted(*, case: Case, by, reason: str, now=None) -> RestrictedSurveyAllowance:
    """A supervisor lets the people in a restricted case be surveyed."""
    allowance, _ = RestrictedSurveyAllowance.objects.get_or_create(
        case=case,
        defaults={
            "allowed_by": by,
            "allowed_at": _now(now),
            "reason": reason.strip() or "Allowed by a supervisor",
        },
    )
    return allowance


# --- results -----------------------------------------------------------------------------------


def percent_satisfied(values: list[int]) -> float | None:
    """Share of scale answers that are completely, very or fairly satisfied."""
    if not values:
        return None
    return round(100 * sum(1 for v in values if v in SATISFIED) / len(values), 1)


def results(invitations: QuerySet[Invitation]) -> dict:
    """Counts, response rate and % satisfied by stage for a set of invitations."""
    # Invited means the invitation reached the person: not one still waiting, nor one stopped
    # before sending because its channel became unsafe.
    invited = invitations.filter(
        Q(sent_at__isnull=False)
        | Q(status__in=[InvitationStatus.STARTED, InvitationStatus.COMPLETED])
    ).count()
    completed = invitations.filter(status=InvitationStatus.COMPLETED)
    by_stage: dict[str, list[int]] = defaultdict(list)
    rows = Answer.objects.filter(
        invitation__in=completed, question__kind=QuestionKind.SCALE
    ).values_list("question__stage", "scale_value")
    for stage, value in rows:
        by_stage[stage].append(value)
    return {
        "invited": invited,
        "completed": completed.count(),
        "response_rate": round(100 * completed.count() / invited, 1) if invited else None,
        "stages": {
            Stage(stage).label: {"answers": len(values), "satisfied": percent_satisfied(values)}
            for stage, values in sorted(by_stage.items(), key=lambda item: STAGE_ORDER[item[0]])
        },
    }


def contact_consenting_sample(invitations: QuerySet[Invitation], *, size: int, seed: str):
    """A reproducible random sample of respondents who agreed to be contacted."""
    pool = list(
        invitations.filter(status=InvitationStatus.COMPLETED, contact_consent=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    random.Random(seed).shuffle(pool)  # noqa: S311 - a sample, not a secret
    return sorted(pool[:size])


# --- exports -----------------------------------------------------------------------------------
# Each export of people's data is recorded in the audit trail: who (the request's user), what,
# and how many people it holds. The CSV cells go through audit.exports, which keeps formulas out.

ANSWER_COLUMNS = [
    "response",
    "completed",
    "team",
    "offence group",
    "question",
    "stage",
    "scale value",
    "choice",
    "text",
]
SAMPLE_COLUMNS = ["response", "name", "email", "phone", "team"]


@dataclass(frozen=True)
class Export:
    filename: str
    header: list[str]
    rows: Iterator[list[Any]] | list[list[Any]]


def export_answers(invitations: QuerySet[Invitation], *, by: Any, filters: str = "") -> Export:
    """For independent review: completed answers by team, period and offence group, without
    names. `by` is the request (or user) the audit entry names."""
    completed = invitations.filter(status=InvitationStatus.COMPLETED)
    people = completed.count()
    detail = f"Survey answers, without names: {people} people"
    record(by, AuditAction.EXPORT, detail=f"{detail}; {filters}" if filters else detail)
    answers = (
        Answer.objects.filter(invitation__in=completed)
        .select_related("invitation__case__team", "invitation__case__offence", "question")
        .order_by("invitation_id", "question__number")
    )

    def rows() -> Iterator[list[Any]]:
        for a in answers.iterator(chunk_size=2000):
            inv = a.invitation
            yield [
                inv.pk,
                inv.completed_at.date().isoformat() if inv.completed_at else "",
                inv.case.team.name,
                inv.case.offence.offence_group,
                a.question.number,
                a.question.stage,
                a.scale_value or "",
                a.choice,
                a.text,
            ]

    return Export("survey-answers.csv", ANSWER_COLUMNS, rows())


def export_contact_sample(
    invitations: QuerySet[Invitation], *, size: int, seed: str, by: Any, filters: str = ""
) -> Export:
    """A reproducible sample of respondents who agreed to be contacted, with their names and the
    contact details their safe-contact instructions allow using today. It names people, so the
    audit entry links each of them."""
    ids = contact_consenting_sample(invitations, size=size, seed=seed)
    chosen = list(
        Invitation.objects.filter(pk__in=ids)
        .select_related("party__person__safe_contact", "case__team")
        .order_by("pk")
    )
    parts = [f"Survey contact sample (names, emails, phones): {len(chosen)} people"]
    parts += [f"seed={seed}", f"size={size}"] + ([filters] if filters else [])
    record(
        by,
        AuditAction.EXPORT,
        person_ids=[inv.party.person_id for inv in chosen],
        detail="; ".join(parts),
    )
    rows = []
    for inv in chosen:
        person = inv.party.person
        safe = getattr(person, "safe_contact", None)
        email_ok = safe is None or safe.email_safe
        phone_ok = safe is None or safe.phone_safe or safe.text_safe
        rows.append(
            [
                inv.pk,
                f"{person.first_name} {person.last_name}",
                person.email if email_ok else "",
                person.phone if phone_ok else "",
                inv.case.team.name,
            ]
        )
    label = re.sub(r"[^\w.-]", "", seed)[:40]  # the seed is typed in: keep the header clean
    return Export(f"survey-sample-{label}.csv", SAMPLE_COLUMNS, rows)
