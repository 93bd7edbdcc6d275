"""Track my case: every action, by an officer or by the person, in one place.

Officers issue and revoke access; the person opens the link, proves who they are, reads, writes
and changes how they want updates. Every check that decides whether the person may see anything
is `refusal()`, run when the link is opened and again on every request of a session, so access
switched off, a channel since marked unsafe, a case since restricted, all take effect at once.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit
from cases import safe_channels
from cases import services as case_services
from cases.models import (
    Case,
    CaseEvent,
    ContactDirection,
    ContactMethod,
    ContactPurpose,
    Party,
    SafeContact,
    UpdateMethod,
)
from entitlements.models import OPEN_STATUSES, Duty
from notifications import channels
from notifications import services as notifications
from notifications.models import Kind
from outbox.queue import queue_many_on_commit, queue_on_commit
from surveys import services as surveys
from victimsite import language

from .models import (
    Access,
    Channel,
    Direction,
    Factor,
    LinkPurpose,
    PortalMessage,
    PortalPolicy,
    SelfService,
    Send,
    UrgentAttempt,
    UrgentNotice,
    VictimEventRule,
)
from .plain import event_words

logger = logging.getLogger(__name__)

# The contact method each channel is, for the person's safe-contact profile.
CHANNEL_METHODS = {Channel.EMAIL: ContactMethod.EMAIL, Channel.SMS: ContactMethod.TEXT}
PASSCODE_MIN_LENGTH = 6
REDELIVER_AFTER = datetime.timedelta(minutes=1)
CODE_REQUEST_GAP = datetime.timedelta(minutes=1)


class Refused(Exception):
    """The person may not see anything: `reason` is for the trail, never shown to them."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def policy(on: datetime.date) -> PortalPolicy:
    found = PortalPolicy.objects.in_force(on)
    if found is None:
        raise ValidationError("No Track my case policy is in force.")
    return found


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def language_of(party: Party) -> str:
    """The language the person's record says they prefer: Welsh, or English."""
    return language.for_preference(party.person.preferred_language)


# --- who may have access ---


# An unsaved row stands for "no SelfService yet", so barred() asks no query per person.
NO_SELF_SERVICE = SelfService(suspect_may_see_phone=False)


def barred(party: Party, case: Case, self_service: SelfService | None = None) -> str | None:
    """Why the person has no self-service, or None. A supervisor's leave lifts both bars."""
    if self_service is None:
        self_service = SelfService.objects.filter(party=party).first()
    allowed = self_service is not None and self_service.allowed_at is not None
    if allowed:
        return None
    if case.restricted:
        return "case restricted"
    if self_service is not None and self_service.suspect_may_see_phone:
        return "suspect may see their phone"
    return None


def channel_problem(party: Party, channel: str, safe: SafeContact | None) -> str | None:
    """Why the channel may not carry a link or news to the person, or None when it may: it must
    be in an answered safe-contact profile, allowed by it, and the person must have the address."""
    if safe is None or not safe.asked:
        return "safe-contact profile not asked"
    if CHANNEL_METHODS[channel] in safe_channels.refused_methods(safe):
        return "channel unsafe"
    person = party.person
    if not (person.email if channel == Channel.EMAIL else person.phone):
        return "no address"
    return None


def refusal(access: Access | None, *, now: datetime.datetime) -> str | None:
    """Why this access shows the person nothing now, or None. Checked at every request."""
    if access is None:
        return "unknown"
    if access.revoked_at is not None:
        return "revoked"
    party = access.party
    if party.case_id != access.case_id:
        return "unknown"
    if reason := barred(party, access.case):
        return reason
    if channel_problem(party, access.channel, safe_channels.profile(party)):
        return "channel unsafe"
    return None


# --- the officer's side ---


@transaction.atomic
def _issue(**fields) -> Access:
    return Access.objects.create(**fields)


def issue_access(
    *,
    case: Case,
    party: Party,
    by: User,
    channel: str,
    factor: str,
    passcode: str = "",
    now: datetime.datetime | None = None,
) -> Access:
    """Give one person of the case access, by a safe channel of theirs. A channel their profile
    forbids is refused and the attempt audited (cases.safe_channels); so is a barred person."""
    now = _now(now)
    if party.case_id != case.pk:
        raise ValidationError({"party": "This person is not part of this case."})
    if channel not in Channel.values:
        raise ValidationError({"channel": "Choose email or text message."})
    if factor not in Factor.values:
        raise ValidationError({"factor": "Choose how they will prove who they are."})
    if factor == Factor.PASSCODE and len(passcode.strip()) < PASSCODE_MIN_LENGTH:
        raise ValidationError(
            {"passcode": f"Agree a passcode of at least {PASSCODE_MIN_LENGTH} characters."}
        )
    if factor == Factor.DOB_AND_CODE and party.person.date_of_birth is None:
        raise ValidationError({"factor": "Their date of birth is not recorded."})
    if reason := barred(party, case):
        audit.record(
            by,
            audit.AuditAction.ACCESS_DENIED,
            obj=party,
            case=case.pk,
            person_ids=[party.person_id],
            detail=f"Track my case access refused: {reason}",
        )
        raise ValidationError(
            "This person cannot use Track my case: "
            + (
                "the case is restricted."
                if reason == "case restricted"
                else "the suspect may see their phone."
            )
            + " A supervisor can allow it for them."
        )
    # Refused by the profile: audited, and raised, before any write.
    safe_channels.check_safe(
        party=party, by=by, method=CHANNEL_METHODS[channel], what="Track my case link"
    )
    problem = channel_problem(party, channel, safe_channels.profile(party))
    if problem:
        safe_channels.record_refusal(
            party=party, by=by, channels=[Channel(channel).label.lower()], what="Track my case link"
        )
        raise ValidationError(
            {
                "channel": {
                    "safe-contact profile not asked": "Ask them first how they may safely be "
                    "contacted: their safe-contact profile is not answered.",
                    "no address": "We have no address for them on this channel.",
                }.get(problem, "Not safe: their safe-contact instructions say no.")
            }
        )
    rules = policy(timezone.localdate(now))
    with transaction.atomic():
        # Issuing again replaces the old access: its link stops working at once.
        Access.objects.active().filter(party=party).update(
            revoked_at=now, revoked_by=by, revoke_reason="replaced by a new link"
        )
        access = _issue(
            case=case,
            party=party,
            channel=channel,
            factor=factor,
            passcode_hash=make_password(passcode.strip()) if factor == Factor.PASSCODE else "",
            issued_at=now,
            issued_by=by,
            link_expires_at=now + datetime.timedelta(hours=rules.link_valid_hours),
            link_queued_at=now,
        )
        audit.record(
            by,
            audit.AuditAction.CREATE,
            obj=access,
            case=case.pk,
            person_ids=[party.person_id],
            detail=f"Track my case access issued by {Channel(channel).label.lower()}",
        )
        from .tasks import send_link

        queue_on_commit(send_link, access.pk)
    return access


@transaction.atomic
def revoke_access(
    *, access: Access, by: User, reason: str = "", now: datetime.datetime | None = None
) -> Access:
    """Switch access off at once: the link and any session stop working on their next request."""
    now = _now(now)
    updated = Access.objects.filter(pk=access.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by, revoke_reason=reason[:200] or "switched off by an officer"
    )
    if updated:
        audit.record(
            by,
            audit.AuditAction.CHANGE,
            obj=access,
            case=access.case_id,
            person_ids=[access.party.person_id],
            detail="Track my case access switched off",
        )
    access.refresh_from_db()
    return access


@transaction.atomic
def flag_suspect_may_see_phone(
    *, party: Party, by: User, flagged: bool, now: datetime.datetime | None = None
) -> SelfService:
    """Record that the suspect may see the person's phone: no self-service until a supervisor
    allows it. Flagging switches off any access they have."""
    now = _now(now)
    row, _ = SelfService.objects.get_or_create(party=party)
    row.suspect_may_see_phone = flagged
    row.flagged_by = by
    row.flagged_at = now
    if flagged:
        row.allowed_at = None
        row.allowed_by = None
        row.allow_reason = ""
    row.save()
    if flagged:
        for access in Access.objects.active().filter(party=party):
            revoke_access(access=access, by=by, reason="suspect may see their phone", now=now)
    return row


@transaction.atomic
def allow_self_service(
    *, party: Party, by: User, reason: str, now: datetime.datetime | None = None
) -> SelfService:
    """A supervisor lets this person use Track my case despite a bar (restricted case, or the
    suspect may see their phone). The permission is checked by the view (portal.allow)."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why self-service is safe for this person."})
    row, _ = SelfService.objects.get_or_create(party=party)
    row.allowed_by = by
    row.allowed_at = _now(now)
    row.allow_reason = reason.strip()[:300]
    row.save()
    audit.record(
        by,
        audit.AuditAction.CHANGE,
        obj=party,
        case=party.case_id,
        person_ids=[party.person_id],
        detail="Track my case allowed by a supervisor",
        reason=row.allow_reason,
    )
    return row


# --- sending (the worker) ---


def _channel_off(channel: str) -> bool:
    return channel == Channel.SMS and channels.sms_channel() is None


def _deliver(party: Party, channel: str, *, subject: str, body: str) -> None:
    """Hand one message to the channel. A failure raises: the caller's transaction rolls the
    send's record back, and the task's retry or the sweep tries again."""
    person = party.person
    if channel == Channel.EMAIL:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
    else:
        channels.sms_channel().send(person.phone, body)


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_link(access_id: int, *, now: datetime.datetime | None = None) -> str:
    """Make the link's token, keep only its hash, and send it: once (the row is claimed from
    pending to sending in one conditional UPDATE). Checked again at sending: a channel since
    marked unsafe, access since revoked or a link already expired sends nothing."""
    now = _now(now)
    with transaction.atomic():
        access = (
            Access.objects.select_for_update(of=("self",))
            .select_related("party__person", "case")
            .filter(pk=access_id, link_status=Send.PENDING)
            .first()
        )
        if access is None:
            return "nothing to send"
        reason = refusal(access, now=now)
        if reason is None and now >= access.link_expires_at:
            reason = "link expired"
        if reason is None and _channel_off(access.channel):
            reason = "text messages are off"
        if reason is not None:
            access.link_status = Send.SKIPPED
            access.save(update_fields=["link_status"])
            return reason
        raw = secrets.token_urlsafe(32)
        access.token_hash = hash_token(raw)
        access.link_status = Send.SENT
        access.link_sent_at = now
        access.save(update_fields=["token_hash", "link_status", "link_sent_at"])
        with translation.override(language_of(access.party)):
            hours = round((access.link_expires_at - now).total_seconds() / 3600)
            words = {
                "force": settings.FORCE_NAME,
                "url": _site(reverse("track-open", args=[raw])),
                "hours": hours,
            }
            # No words of a reply: the message may be read where the case page is not.
            if access.link_purpose == LinkPurpose.REPLY:
                body = _(
                    "%(force)s: your officer has answered your message. Open this link to read "
                    "it: %(url)s It works once, for %(hours)s hours. You will need what you "
                    "agreed with your officer."
                )
                subject = _("Your officer has answered")
            elif access.link_purpose == LinkPurpose.AGAIN:
                body = _(
                    "%(force)s: here is the new link you asked for: %(url)s It works once, for "
                    "%(hours)s hours. You will need what you agreed with your officer."
                )
                subject = _("Your new link")
            else:
                body = _(
                    "%(force)s: you can now follow your case online. Open this link: %(url)s "
                    "It works once, for %(hours)s hours. You will need what you agreed with "
                    "your officer."
                )
                subject = _("Follow your case online")
            body = body % words
        # Inside the transaction: a failed send rolls the token back and the sweep tries again.
        _deliver(access.party, access.channel, subject=subject, body=body)
        return "sent"


def send_code(access_id: int, *, now: datetime.datetime | None = None) -> str:
    """Make a one-time code, keep its hash, send it by the access's safe channel: once."""
    now = _now(now)
    with transaction.atomic():
        access = (
            Access.objects.select_for_update(of=("self",))
            .select_related("party__person", "case")
            .filter(pk=access_id, code_status=Send.PENDING)
            .first()
        )
        if access is None:
            return "nothing to send"
        if refusal(access, now=now) is not None or _channel_off(access.channel):
            access.code_status = Send.SKIPPED
            access.save(update_fields=["code_status"])
            return "refused"
        code = f"{secrets.randbelow(10**6):06d}"
        rules = policy(timezone.localdate(now))
        access.code_hash = make_password(code)
        access.code_expires_at = now + datetime.timedelta(minutes=rules.code_valid_minutes)
        access.code_status = Send.SENT
        access.save(update_fields=["code_hash", "code_expires_at", "code_status"])
        with translation.override(language_of(access.party)):
            body = _(
                "Your code for %(force)s Track my case is %(code)s. It works for %(minutes)s "
                "minutes. Never tell anyone this code."
            ) % {"force": settings.FORCE_NAME, "code": code, "minutes": rules.code_valid_minutes}
            subject = _("Your code")
        _deliver(access.party, access.channel, subject=subject, body=body)
        return "sent"


def _send_again(
    access_id: int,
    *,
    purpose: str,
    now: datetime.datetime,
    every: datetime.timedelta | None = None,
) -> bool:
    """A fresh one-time link on the same access, to the same safe channel: the old link stops
    working (its token is forgotten) and the second factor is asked again. At most one per
    `every`, decided by one conditional UPDATE, so two requests at once send one link."""
    rules = policy(timezone.localdate(now))
    wanted = Q(pk=access_id, revoked_at__isnull=True)
    if every is not None:
        wanted &= Q(link_queued_at__isnull=True) | Q(link_queued_at__lte=now - every)
    renewed = Access.objects.filter(wanted).update(
        token_hash="",
        link_status=Send.PENDING,
        link_used_at=None,
        link_expires_at=now + datetime.timedelta(hours=rules.link_valid_hours),
        link_queued_at=now,
        link_purpose=purpose,
    )
    if renewed:
        from .tasks import send_link

        queue_on_commit(send_link, access_id)
    return bool(renewed)


@transaction.atomic
def request_new_link(access: Access | None, *, now: datetime.datetime | None = None) -> bool:
    """The person asks for a new link from one that no longer works. Sent only while their
    access stands and its channel is still safe, and at most once per the policy's minutes;
    the page answers the same whatever happened here."""
    now = _now(now)
    if access is None:
        return False
    reason = refusal(access, now=now)
    sent = False
    if reason is None:
        every = datetime.timedelta(minutes=policy(timezone.localdate(now)).new_link_every_minutes)
        sent = _send_again(access.pk, purpose=LinkPurpose.AGAIN, now=now, every=every)
        reason = None if sent else "asked again too soon"
    audit.record(
        None,
        audit.AuditAction.CHANGE if sent else audit.AuditAction.ACCESS_DENIED,
        obj=access.party,
        case=access.case_id,
        person_ids=[access.party.person_id],
        detail="Track my case: the person asked for a new link"
        + ("" if sent else f" (none sent: {reason})"),
    )
    return sent


# --- the person: opening the link and proving who they are ---


def access_for_link(raw: str) -> Access | None:
    if not raw or len(raw) > 100:
        return None
    return (
        Access.objects.select_related("party__person", "case")
        .filter(token_hash=hash_token(raw))
        .first()
    )


def link_refusal(access: Access | None, *, now: datetime.datetime) -> str | None:
    """Why a link opens nothing, or None: unknown, used, expired, or any reason of `refusal`."""
    if access is None:
        return "unknown"
    if access.link_used_at is not None:
        return "used"
    if now >= access.link_expires_at:
        return "expired"
    return refusal(access, now=now)


def record_refused(request, *, access: Access | None, reason: str) -> None:
    """The trail keeps every refused door, the person by id only."""
    audit.record(
        request,
        audit.AuditAction.ACCESS_DENIED,
        obj=access,
        case=access.case_id if access else None,
        person_ids=[access.party.person_id] if access else [],
        detail=f"Track my case refused: {reason}",
    )


def _locked(access: Access, now: datetime.datetime) -> bool:
    return access.locked_until is not None and now < access.locked_until


def _fail(access: Access, *, now: datetime.datetime) -> None:
    """Count a wrong answer; at the policy's limit, lock the access for a while."""
    rules = policy(timezone.localdate(now))
    Access.objects.filter(pk=access.pk).update(failed_attempts=F("failed_attempts") + 1)
    access.refresh_from_db(fields=["failed_attempts"])
    if access.failed_attempts >= rules.max_failed_attempts:
        Access.objects.filter(pk=access.pk).update(
            locked_until=now + datetime.timedelta(minutes=rules.lockout_minutes),
            failed_attempts=0,
        )


@dataclass(frozen=True)
class Answer:
    ok: bool
    locked: bool = False
    code_sent: bool = False


def check_passcode(access: Access, passcode: str, *, now: datetime.datetime) -> Answer:
    if _locked(access, now):
        return Answer(ok=False, locked=True)
    if access.factor != Factor.PASSCODE or not check_password(
        passcode.strip(), access.passcode_hash
    ):
        _fail(access, now=now)
        return Answer(ok=False, locked=_locked_now(access, now))
    return Answer(ok=True)


def _locked_now(access: Access, now: datetime.datetime) -> bool:
    access.refresh_from_db(fields=["locked_until"])
    return _locked(access, now)


def check_date_of_birth(
    access: Access, date_of_birth: datetime.date, *, now: datetime.datetime
) -> Answer:
    """A right date of birth sends a one-time code to the safe channel (at most one a minute)."""
    if _locked(access, now):
        return Answer(ok=False, locked=True)
    if access.factor != Factor.DOB_AND_CODE or date_of_birth != access.party.person.date_of_birth:
        _fail(access, now=now)
        return Answer(ok=False, locked=_locked_now(access, now))
    request_code(access, now=now)
    return Answer(ok=False, code_sent=True)


def request_code(access: Access, *, now: datetime.datetime) -> bool:
    """Queue a new code unless one was asked for less than a minute ago."""
    with transaction.atomic():
        updated = (
            Access.objects.filter(pk=access.pk)
            .filter(
                Q(code_requested_at__isnull=True) | Q(code_requested_at__lt=now - CODE_REQUEST_GAP)
            )
            .update(
                code_status=Send.PENDING,
                code_requested_at=now,
                dob_confirmed_at=now,
                code_hash="",
                link_queued_at=now,
            )
        )
        if updated:
            from .tasks import send_code

            queue_on_commit(send_code, access.pk)
    return bool(updated)


def check_code(access: Access, code: str, *, now: datetime.datetime) -> Answer:
    if _locked(access, now):
        return Answer(ok=False, locked=True)
    valid = (
        access.factor == Factor.DOB_AND_CODE
        and access.dob_confirmed_at is not None
        and access.code_hash
        and access.code_expires_at is not None
        and now < access.code_expires_at
        and check_password(code.strip(), access.code_hash)
    )
    if not valid:
        _fail(access, now=now)
        return Answer(ok=False, locked=_locked_now(access, now))
    # A code works once.
    Access.objects.filter(pk=access.pk).update(code_hash="", code_expires_at=None)
    return Answer(ok=True)


def use_link(access: Access, *, now: datetime.datetime) -> bool:
    """Spend the link: only one session ever starts from it (a conditional UPDATE decides)."""
    return bool(
        Access.objects.filter(pk=access.pk, link_used_at__isnull=True).update(
            link_used_at=now, failed_attempts=0
        )
    )


# --- the person's session ---


def session_refusal(
    access: Access | None,
    *,
    started: datetime.datetime,
    last_seen: datetime.datetime,
    now: datetime.datetime,
) -> str | None:
    """Why a session has ended, or None: idle or too long (policy), or `refusal`."""
    rules = policy(timezone.localdate(now))
    if now - last_seen > datetime.timedelta(minutes=rules.session_idle_minutes):
        return "session idle"
    if now - started > datetime.timedelta(minutes=rules.session_max_minutes):
        return "session too long"
    return refusal(access, now=now)


def record_view(request, *, access: Access, what: str) -> None:
    audit.record(
        request,
        audit.AuditAction.VIEW,
        obj=access.party,
        case=access.case_id,
        person_ids=[access.party.person_id],
        detail=f"Track my case: the person viewed {what}",
    )


# --- the person: messages and preferences ---


def _incoming_contact(access: Access, *, summary: str, now: datetime.datetime):
    """The message as an incoming contact on the case. It meets only the open duties whose rule
    row says a contact the person made can meet them (DutyRule.incoming_contact_meets)."""
    meets = Duty.objects.filter(
        party=access.party,
        status__in=OPEN_STATUSES,
        rule__incoming_contact_meets=True,
        rule__recurring=False,
    )
    return case_services.record_contact(
        case=access.case,
        party=access.party,
        # The contact model needs a user; the officer in the case is the one it reached.
        by=access.case.officer,
        occurred_at=now,
        method=ContactMethod.ONLINE_PORTAL,
        direction=ContactDirection.INCOMING,
        purpose=ContactPurpose.OTHER,
        summary=summary,
        meets=list(meets),
        now=now,
    )


def _tell_officer(access: Access, *, message: PortalMessage, now: datetime.datetime) -> None:
    case = access.case
    title = (
        f"Call back asked for ({case.crime_reference})"
        if message.callback_requested
        else f"New message through Track my case ({case.crime_reference})"
    )
    notifications.notify(
        recipient_id=case.officer_id,
        kind=Kind.VICTIM_MESSAGE,
        key=f"portal-message:{message.pk}",
        case_id=case.pk,
        title=title,
        # No words of the message: an email may be read outside the force's systems.
        body="A person in one of your cases sent a message. Read and reply on the case.",
        link=reverse("portal-case", kwargs={"pk": case.pk}),
        now=now,
    )


MESSAGE_MAX = 2000


def send_message(
    request,
    *,
    access: Access,
    body: str,
    callback: bool = False,
    now: datetime.datetime | None = None,
) -> PortalMessage:
    """The person writes to the officer: a message, an incoming contact on the case, a
    notification on the officer's home, and a line in the trail, together."""
    now = _now(now)
    body = body.strip()
    if callback and not body:
        body = _("Please call me back.")
    if not body:
        raise ValidationError({"body": _("Write your message.")})
    if len(body) > MESSAGE_MAX:
        raise ValidationError({"body": _("Your message is too long.")})
    with transaction.atomic():
        contact = _incoming_contact(
            access,
            summary=(
                "Call back asked for through Track my case: "
                if callback
                else "Message through Track my case: "
            )
            + body,
            now=now,
        )
        message = PortalMessage.objects.create(
            case=access.case,
            party=access.party,
            direction=Direction.FROM_PERSON,
            body=body,
            callback_requested=callback,
            sent_at=now,
            contact=contact,
        )
        _tell_officer(access, message=message, now=now)
        audit.record(
            request,
            audit.AuditAction.CREATE,
            obj=message,
            case=access.case_id,
            person_ids=[access.party.person_id],
            detail="Track my case: the person sent a message"
            + (" asking for a call back" if callback else ""),
        )
    return message


@transaction.atomic
def reply(
    *, case: Case, party: Party, by: User, body: str, now: datetime.datetime | None = None
) -> PortalMessage:
    """The officer answers on the case: the person reads it on their page."""
    now = _now(now)
    body = body.strip()
    if party.case_id != case.pk:
        raise ValidationError({"party": "This person is not part of this case."})
    if not body:
        raise ValidationError({"body": "Write your reply."})
    if len(body) > MESSAGE_MAX:
        raise ValidationError({"body": "The reply is too long."})
    message = PortalMessage.objects.create(
        case=case, party=party, direction=Direction.TO_PERSON, body=body, sent_at=now, by=by
    )
    PortalMessage.objects.filter(
        party=party, direction=Direction.FROM_PERSON, answered_at__isnull=True
    ).update(answered_at=now)
    # The person is told by their safe channel, with a fresh link to read it: never the words.
    access = Access.objects.active().filter(party=party).select_related("party__person").first()
    told = access is not None and refusal(access, now=now) is None
    if told:
        _send_again(access.pk, purpose=LinkPurpose.REPLY, now=now)
    audit.record(
        by,
        audit.AuditAction.CREATE,
        obj=message,
        case=case.pk,
        person_ids=[party.person_id],
        detail="Track my case: the officer replied"
        + ("; the person is sent a link to read it" if told else "; the person has no access"),
    )
    return message


# How often the person may ask for updates, in days, and the ways they may choose.
UPDATE_FREQUENCIES = (7, 14, 28)
UPDATE_METHODS = (UpdateMethod.PHONE, UpdateMethod.EMAIL, UpdateMethod.TEXT, UpdateMethod.LETTER)
NO_LONGER_SAFE = {
    "phone_safe": "phone",
    "text_safe": "text",
    "email_safe": "email",
    "letter_safe": "letter",
    "visit_safe": "visit",
}


def change_updates(
    request,
    *,
    access: Access,
    frequency_days: int,
    method: str,
    safe_times: str,
    no_longer_safe: list[str],
    now: datetime.datetime | None = None,
) -> None:
    """The person's own request: a new update agreement and their safe-contact profile changed.
    They may only take ways of reaching them away, never add one: a new way is agreed with the
    officer, in case someone else holds the phone."""
    now = _now(now)
    if frequency_days not in UPDATE_FREQUENCIES or method not in UPDATE_METHODS:
        raise ValidationError(_("Choose how often and how."))
    unknown = set(no_longer_safe) - set(NO_LONGER_SAFE)
    if unknown:
        raise ValidationError(_("Choose how often and how."))
    party = access.party
    safe = safe_channels.profile(party)
    method_flag = {
        UpdateMethod.PHONE: "phone_safe",
        UpdateMethod.EMAIL: "email_safe",
        UpdateMethod.TEXT: "text_safe",
        UpdateMethod.LETTER: "letter_safe",
    }[method]
    if safe is None or not getattr(safe, method_flag) or method_flag in no_longer_safe:
        raise ValidationError(_("Choose a way that is safe for you."))
    with transaction.atomic():
        case_services.agree_updates(
            party=party,
            # The agreement needs a user: the officer in the case, with the person's own words.
            by=access.case.officer,
            frequency_days=frequency_days,
            method=method,
            notes="The person's own request, through Track my case.",
            now=now,
        )
        fields = {flag: False for flag in no_longer_safe}
        if safe_times.strip() != safe.safe_times:
            fields["safe_times"] = safe_times.strip()[:200]
        if fields:
            safe.notes = (safe.notes + "\nChanged by the person through Track my case.").strip()
            fields["notes"] = safe.notes
            case_services.save_safe_contact(
                person=party.person,
                # As for the agreement: the officer in the case, the notes say whose words.
                by=access.case.officer,
                expected_version=safe.version,
                now=now,
                **fields,
            )
        audit.record(
            request,
            audit.AuditAction.CHANGE,
            obj=party,
            case=access.case_id,
            person_ids=[party.person_id],
            detail="Track my case: the person changed how they want updates",
        )


def opt_out_of_surveys(request, *, access: Access, now: datetime.datetime | None = None) -> None:
    with transaction.atomic():
        surveys.record_opt_out(person=access.party.person, by=None, now=now)
        audit.record(
            request,
            audit.AuditAction.CHANGE,
            obj=access.party,
            case=access.case_id,
            person_ids=[access.party.person_id],
            detail="Track my case: the person asked for no surveys",
        )


# --- urgent news ---


def urgent_channel(
    party: Party,
    case: Case,
    *,
    access: Access | None,
    safe: SafeContact | None,
    self_service: SelfService | None,
) -> str:
    """The way urgent news may go to this person, or "" when none is safe: their access's
    channel when they have one, otherwise a text message, then an email, that their answered
    profile allows. A person barred from self-service (a restricted case, a suspect who may see
    their phone) gets no automatic message: the officer reaches them."""
    if barred(party, case, self_service):
        return ""
    if access is not None:
        return access.channel if channel_problem(party, access.channel, safe) is None else ""
    for channel in (Channel.SMS, Channel.EMAIL):
        if not _channel_off(channel) and channel_problem(party, channel, safe) is None:
            return channel
    return ""


def on_event_recorded(event: CaseEvent, *, now: datetime.datetime | None = None) -> list[int]:
    """An event whose rule row says urgent: a notice for each person of the case (or the one it
    is about), with or without Track my case access, whose first try is made at once (queued
    on commit). A person with no safe way to be sent it gets a notice with no channel, and the
    officer is told at once to reach them."""
    now = _now(now)
    rule = VictimEventRule.objects.in_force(timezone.localdate(event.occurred_at)).get(event.kind)
    if rule is None or not rule.urgent:
        return []
    parties = Party.objects.filter(case_id=event.case_id).select_related("person", "case")
    if event.party_id is not None:
        parties = parties.filter(pk=event.party_id)
    parties = list(parties)
    ids = [party.pk for party in parties]
    accesses = {a.party_id: a for a in Access.objects.active().filter(party_id__in=ids)}
    bars = {s.party_id: s for s in SelfService.objects.filter(party_id__in=ids)}
    profiles = {
        safe.person_id: safe
        for safe in SafeContact.objects.filter(person_id__in=[p.person_id for p in parties])
    }
    notices = [
        UrgentNotice(
            case_id=event.case_id,
            party=party,
            access=accesses.get(party.pk),
            channel=(
                channel := urgent_channel(
                    party,
                    party.case,
                    access=accesses.get(party.pk),
                    safe=profiles.get(party.person_id),
                    self_service=bars.get(party.pk) or NO_SELF_SERVICE,
                )
            ),
            event=event,
            created_at=now,
            next_attempt_at=now if channel else None,
        )
        for party in parties
    ]
    if not notices:
        return []
    UrgentNotice.objects.bulk_create(notices, ignore_conflicts=True)
    unsendable = list(
        UrgentNotice.objects.filter(event=event, channel="", officer_told_at__isnull=True)
    )
    for notice in unsendable:
        _tell_officer_no_way(notice, event.case, now=now)
    ids = list(
        UrgentNotice.objects.filter(event=event, attempts=0)
        .exclude(channel="")
        .values_list("id", flat=True)
    )
    return _try_notices(ids, now=now)


def _tell_officer_no_way(notice: UrgentNotice, case: Case, *, now: datetime.datetime) -> None:
    if not UrgentNotice.objects.filter(pk=notice.pk, officer_told_at__isnull=True).update(
        officer_told_at=now
    ):
        return
    notifications.notify(
        recipient_id=case.officer_id,
        kind=Kind.URGENT_UNCONFIRMED,
        key=f"urgent:{notice.pk}",
        case_id=case.pk,
        title=f"Urgent news to give in person ({case.crime_reference})",
        body="A person in one of your cases has urgent news and no safe way for us to send it "
        "(or their case is restricted). Reach them yourself, by a way their safe-contact "
        "instructions allow.",
        link=reverse("portal-case", kwargs={"pk": case.pk}),
        now=now,
    )


def _try_notices(ids: list[int], *, now: datetime.datetime) -> list[int]:
    """Make the next try of each notice whose try is due: claimed by one conditional UPDATE per
    notice (attempts = n to n + 1), so two sweeps at once make each try once. Queued on commit."""
    rules = policy(timezone.localdate(now))
    made = []
    notices = UrgentNotice.objects.filter(
        pk__in=ids, confirmed_at__isnull=True, next_attempt_at__lte=now
    ).select_related("access")
    for notice in notices:
        if notice.attempts >= rules.urgent_max_attempts:
            UrgentNotice.objects.filter(pk=notice.pk).update(next_attempt_at=None)
            continue
        number = notice.attempts + 1
        more = number < rules.urgent_max_attempts
        claimed = UrgentNotice.objects.filter(
            pk=notice.pk, attempts=notice.attempts, confirmed_at__isnull=True
        ).update(
            attempts=number,
            next_attempt_at=(now + datetime.timedelta(minutes=rules.urgent_retry_minutes))
            if more
            else None,
        )
        if not claimed:
            continue
        try:
            with transaction.atomic():
                attempt = UrgentAttempt.objects.create(
                    notice=notice, number=number, channel=notice.channel, due_at=now
                )
        except IntegrityError:
            continue
        made.append(attempt.pk)
    if made:
        from .tasks import send_urgent

        queue_many_on_commit(send_urgent, [(pk,) for pk in made])
    return made


def urgent_headline(kind: str) -> str:
    """The news in plain words, in the active language."""
    return event_words(kind)


def send_urgent(attempt_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send one try of urgent news, once. The channel is checked again: a channel since marked
    unsafe, or access since switched off, sends nothing and says so in the attempt log."""
    now = _now(now)
    with transaction.atomic():
        attempt = (
            UrgentAttempt.objects.select_for_update(of=("self",))
            .select_related(
                "notice__access", "notice__party__person", "notice__case", "notice__event"
            )
            .filter(pk=attempt_id, status=Send.PENDING)
            .first()
        )
        if attempt is None:
            return "nothing to send"
        notice = attempt.notice
        if notice.confirmed_at is not None:
            attempt.status, attempt.outcome = Send.SKIPPED, "already confirmed"
        elif reason := _urgent_refusal(notice, now=now):
            attempt.status, attempt.outcome = Send.SKIPPED, f"not sent: {reason}"
        elif _channel_off(attempt.channel):
            attempt.status, attempt.outcome = Send.SKIPPED, "not sent: text messages are off"
        if attempt.status == Send.SKIPPED:
            attempt.save(update_fields=["status", "outcome"])
            return attempt.outcome
        raw = secrets.token_urlsafe(32)
        attempt.token_hash = hash_token(raw)
        attempt.status = Send.SENT
        attempt.sent_at = now
        attempt.claimed_at = now
        attempt.outcome = "sent"
        attempt.save(update_fields=["token_hash", "status", "sent_at", "claimed_at", "outcome"])
        party = notice.party
        with translation.override(language_of(party)):
            body = _(
                "%(force)s: important news about your case. %(news)s Please tap this link to "
                "tell us you have read this: %(url)s We will keep trying until you do."
            ) % {
                "force": settings.FORCE_NAME,
                "news": urgent_headline(notice.event.kind),
                "url": _site(reverse("track-confirm", args=[raw])),
            }
            subject = _("Important news about your case")
        _deliver(party, notice.channel, subject=subject, body=body)
    return "sent"


def _urgent_refusal(notice: UrgentNotice, *, now: datetime.datetime) -> str | None:
    """Why this try may not go now, checked again at sending: access since switched off, a
    channel since marked unsafe, the person since barred."""
    if notice.access is not None:
        return refusal(notice.access, now=now)
    if reason := barred(notice.party, notice.case):
        return reason
    if channel_problem(notice.party, notice.channel, safe_channels.profile(notice.party)):
        return "channel unsafe"
    return None


def confirm_urgent(raw: str, *, now: datetime.datetime | None = None) -> UrgentNotice | None:
    """The person tapped the link of any try: the notice is confirmed, no more tries."""
    now = _now(now)
    if not raw or len(raw) > 100:
        return None
    attempt = (
        UrgentAttempt.objects.select_related("notice__party", "notice__event")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if attempt is None:
        return None
    notice = attempt.notice
    UrgentNotice.objects.filter(pk=notice.pk, confirmed_at__isnull=True).update(
        confirmed_at=now, next_attempt_at=None
    )
    notice.refresh_from_db()
    return notice


def confirm_notice(request, *, access: Access, notice_id: int, now=None) -> bool:
    """The person confirmed from their own page (signed in)."""
    now = _now(now)
    updated = UrgentNotice.objects.filter(
        pk=notice_id, party=access.party, confirmed_at__isnull=True
    ).update(confirmed_at=now, next_attempt_at=None)
    if updated:
        audit.record(
            request,
            audit.AuditAction.CHANGE,
            obj=access.party,
            case=access.case_id,
            person_ids=[access.party.person_id],
            detail="Track my case: the person confirmed urgent news",
        )
    return bool(updated)


# --- the sweep ---


def sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Every minute, set-based and idempotent: prompt again links and codes still waiting to be
    sent, make the tries of urgent news that are due, and tell the officer of news not confirmed
    within the policy's time. Running it twice sends nothing twice."""
    now = _now(now)
    rules = policy(timezone.localdate(now))
    cutoff = now - REDELIVER_AFTER
    from .tasks import send_code, send_link

    with transaction.atomic():
        links = list(
            Access.objects.select_for_update(skip_locked=True)
            .filter(link_status=Send.PENDING, link_queued_at__lt=cutoff)
            .values_list("id", flat=True)
        )
        codes = list(
            Access.objects.select_for_update(skip_locked=True)
            .filter(code_status=Send.PENDING, link_queued_at__lt=cutoff)
            .values_list("id", flat=True)
        )
        Access.objects.filter(pk__in=set(links) | set(codes)).update(link_queued_at=now)
        queue_many_on_commit(send_link, [(pk,) for pk in links])
        queue_many_on_commit(send_code, [(pk,) for pk in codes])
        # Tries whose prompt was lost (broker down): prompt again.
        from .tasks import send_urgent

        stuck = list(
            UrgentAttempt.objects.filter(status=Send.PENDING, due_at__lt=cutoff).values_list(
                "id", flat=True
            )
        )
        queue_many_on_commit(send_urgent, [(pk,) for pk in stuck])
        due = list(
            UrgentNotice.objects.filter(
                confirmed_at__isnull=True,
                next_attempt_at__lte=now,
            )
            .filter(Q(access__isnull=True) | Q(access__revoked_at__isnull=True))
            .values_list("id", flat=True)
        )
        tried = _try_notices(due, now=now)
        told = _tell_officers_unconfirmed(
            now=now,
            after=datetime.timedelta(minutes=rules.urgent_tell_officer_after_minutes),
        )
    return {"links": len(links), "codes": len(codes), "tries": len(tried), "told": told}


def _tell_officers_unconfirmed(*, now: datetime.datetime, after: datetime.timedelta) -> int:
    """News not confirmed in time: the officer in the case is told, once (officer_told_at is set
    by one conditional UPDATE, and the notification's unique key refuses a second row)."""
    late = list(
        UrgentNotice.objects.filter(
            confirmed_at__isnull=True, officer_told_at__isnull=True, created_at__lte=now - after
        ).select_related("case")
    )
    told = 0
    for notice in late:
        if not UrgentNotice.objects.filter(pk=notice.pk, officer_told_at__isnull=True).update(
            officer_told_at=now
        ):
            continue
        notifications.notify(
            recipient_id=notice.case.officer_id,
            kind=Kind.URGENT_UNCONFIRMED,
            key=f"urgent:{notice.pk}",
            case_id=notice.case_id,
            title=f"Urgent news not confirmed ({notice.case.crime_reference})",
            body="A person in one of your cases has not confirmed urgent news sent to them. "
            "See the attempt log on the case and reach them another safe way.",
            link=reverse("portal-case", kwargs={"pk": notice.case_id}),
            now=now,
        )
        told += 1
    return told
