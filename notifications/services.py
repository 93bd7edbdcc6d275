"""Reminder sweeps and delivery.

Each sweep selects what is due with one indexed query, works out recipients with a few more (never
a query per duty, never a walk over every open case), and inserts one Notification per reminder
and recipient; the unique constraint drops any already made. Only rows inserted by this run are
queued for delivery.

The rows are the outbox: a row still waiting to be sent is the truth, the broker's message only a
prompt. A prompt that never arrived (broker down at commit, worker killed while queueing) is made
again by the redelivery sweep. Delivery claims each channel of a row with a conditional UPDATE
before sending and records it sent after, so a second prompt finds nothing to send.
"""

import datetime
import logging
import time
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from accounts.models import TeamMembership, User
from entitlements import calendar
from entitlements.models import OPEN_STATUSES, Duty, DutyStatus, Owner
from entitlements.selectors import owned_by
from outbox.queue import queue_many_on_commit
from outbox.worker import unbroken
from referrals.models import Referral, ReferralStatus

from .channels import sms_channel
from .models import Delivery, Kind, Notification, Preference

logger = logging.getLogger(__name__)


def _now(now):
    return now or timezone.now()


# --- who should hear about a duty --------------------------------------------------------------


def owners(duties: QuerySet[Duty]) -> dict[int, set[int]]:
    """Duty id -> the users who own it, in four queries whatever the number of duties."""
    found: dict[int, set[int]] = defaultdict(set)
    officer = duties.filter(owner=Owner.OFFICER, case__officer__is_active=True)
    for duty_id, user_id in officer.values_list("id", "case__officer"):
        found[duty_id].add(user_id)
    named = duties.filter(owner=Owner.WCU, case__witness_care_officer__is_active=True)
    for duty_id, user_id in named.values_list("id", "case__witness_care_officer"):
        found[duty_id].add(user_id)
    unit = dict(
        duties.filter(owner=Owner.WCU, case__witness_care_officer__isnull=True).values_list(
            "id", "case__wcu_team"
        )
    )
    team_of = dict(duties.filter(owner=Owner.SUPERVISOR).values_list("id", "case__team"))
    members = _members(set(unit.values()), supervisors_only=False)
    supervisors = _members(set(team_of.values()), supervisors_only=True)
    for duty_id, team_id in unit.items():
        found[duty_id] |= members.get(team_id, set())
    for duty_id, team_id in team_of.items():
        found[duty_id] |= supervisors.get(team_id, set())
    return found


def _members(team_ids: set, *, supervisors_only: bool) -> dict[int, set[int]]:
    team_ids.discard(None)
    if not team_ids:
        return {}
    rows = TeamMembership.objects.filter(team_id__in=team_ids, user__is_active=True)
    if supervisors_only:
        rows = rows.filter(is_supervisor=True)
    members: dict[int, set[int]] = defaultdict(set)
    for team_id, user_id in rows.values_list("team_id", "user_id"):
        members[team_id].add(user_id)
    return members


def team_supervisors(duties: QuerySet[Duty]) -> dict[int, set[int]]:
    team_of = dict(duties.values_list("id", "case__team"))
    supervisors = _members(set(team_of.values()), supervisors_only=True)
    return {duty_id: supervisors.get(team_id, set()) for duty_id, team_id in team_of.items()}


# --- making reminders --------------------------------------------------------------------------


DUTY_PREFIXES = {Kind.OVERDUE: "Overdue", Kind.NOT_REACHABLE: "Could not reach them"}


def _duty_text(duty: Duty, kind: str) -> tuple[str, str]:
    """Short and free of personal data: an email may be read outside the force's systems."""
    due = timezone.localtime(duty.due_at).strftime("%a %-d %b, %H:%M")
    prefix = DUTY_PREFIXES.get(kind, "Due soon")
    title = f"{prefix}: {duty.rule.title} ({duty.case.crime_reference})"
    body = f"{duty.rule.right}: {duty.rule.title}. Due by {due}."
    return title, body


def _create(rows: list[Notification]) -> list[int]:
    """Insert what is new; the database refuses duplicates. Returns the new rows' ids."""
    if not rows:
        return []
    keys = {(n.recipient_id, n.kind, n.key) for n in rows}
    recipients = {r for r, _, _ in keys}
    kinds = {k for _, k, _ in keys}
    before = set(
        Notification.objects.filter(
            recipient_id__in=recipients, kind__in=kinds, key__in={k for _, _, k in keys}
        ).values_list("id", flat=True)
    )
    for row in rows:
        row.queued_at = row.created_at  # queued on commit, below
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    after = Notification.objects.filter(
        recipient_id__in=recipients, kind__in=kinds, key__in={k for _, _, k in keys}
    ).values_list("id", flat=True)
    return sorted(set(after) - before)


def _notify_duties(
    duties: QuerySet[Duty], recipients: dict[int, set[int]], *, kind: str, now
) -> list[int]:
    prefs = _preferences({u for users in recipients.values() for u in users})
    rows = []
    for duty in duties.select_related("rule__right", "case"):
        title, body = _duty_text(duty, kind)
        for user_id in recipients.get(duty.pk, ()):
            pref = prefs.get(user_id)
            rows.append(
                Notification(
                    recipient_id=user_id,
                    kind=kind,
                    key=f"duty:{duty.pk}",
                    duty=duty,
                    case_id=duty.case_id,
                    title=title,
                    body=body,
                    link=reverse("duty", kwargs={"pk": duty.case_id, "duty_pk": duty.pk}),
                    created_at=now,
                    email_status=_email_status(pref, per_duty=True),
                    sms_status=_sms_status(pref, kind),
                )
            )
    return _create(rows)


def _preferences(user_ids: set[int]) -> dict[int, Preference]:
    return {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids)}


def _email_status(pref: Preference | None, *, per_duty: bool) -> str:
    if pref is not None and (not pref.email or (per_duty and pref.digest)):
        return Delivery.OFF
    return Delivery.PENDING


def _sms_status(pref: Preference | None, kind: str) -> str:
    wanted = pref is not None and pref.sms and pref.mobile_number and kind == Kind.OVERDUE
    return Delivery.PENDING if wanted and sms_channel() is not None else Delivery.OFF


def _not_yet_reminded(duties: QuerySet[Duty], kind: str) -> QuerySet[Duty]:
    """Leave out duties already reminded of this kind, so a sweep's work follows what is new,
    not the backlog of everything ever overdue. The unique constraint still backs this up."""
    reminded = Notification.objects.filter(duty=OuterRef("pk"), kind=kind)
    return duties.exclude(Exists(reminded))


def sweep_due_soon(*, now: datetime.datetime | None = None) -> list[int]:
    """Duties due by the end of the next working day, to their owners."""
    now = _now(now)
    horizon = calendar.working_days_after(now, 1).due_at
    duties = _not_yet_reminded(
        Duty.objects.filter(status=DutyStatus.DUE, due_at__gte=now, due_at__lte=horizon),
        Kind.DUE_SOON,
    )
    return _queue(_notify_duties(duties, owners(duties), kind=Kind.DUE_SOON, now=now))


def sweep_overdue(*, now: datetime.datetime | None = None, lookback_days: int = 7) -> list[int]:
    """Duties past their deadline, to their owners and the team's supervisors.

    Only deadlines of the last `lookback_days` days are looked at: the sweep runs every 15
    minutes, so older ones were reminded when they passed, and a missed duty stays open for
    good; reading the whole backlog on every run took seconds at force scale. What is older
    still reaches supervisors through the escalation sweep and the overdue worklist."""
    now = _now(now)
    duties = _not_yet_reminded(
        Duty.objects.filter(
            status__in=OPEN_STATUSES,
            due_at__lt=now,
            due_at__gte=now - datetime.timedelta(days=lookback_days),
        ),
        Kind.OVERDUE,
    )
    recipients = owners(duties)
    for duty_id, users in team_supervisors(duties).items():
        recipients[duty_id] = recipients.get(duty_id, set()) | users
    return _queue(_notify_duties(duties, recipients, kind=Kind.OVERDUE, now=now))


def notify_not_reachable(event) -> list[int]:
    """entitlements flagged duties "not reachable": prompt their owners to try another safe way
    and tell the team's supervisors (their "cannot reach" list). One row per duty and recipient,
    unique, so a duty flagged once is told once, whatever runs twice."""
    duties = Duty.objects.filter(pk__in=event.duty_ids)
    recipients = owners(duties)
    for duty_id, users in team_supervisors(duties).items():
        recipients[duty_id] = recipients.get(duty_id, set()) | users
    return _queue(_notify_duties(duties, recipients, kind=Kind.NOT_REACHABLE, now=event.at))


def notify_persistently_targeted(event) -> list[int]:
    """cases found a victim persistently targeted: tell the supervisors of the case's team, who
    oversee enhanced rights. One row per finding and supervisor, unique, so a finding is told
    once whatever runs twice. Free of personal data, as every notification (email)."""
    targeting = event.targeting
    case = targeting.party.case
    policy = targeting.policy
    rows = []
    supervisors = _members({case.team_id}, supervisors_only=True).get(case.team_id, set())
    prefs = _preferences(supervisors)
    for user_id in sorted(supervisors):
        rows.append(
            Notification(
                recipient_id=user_id,
                kind=Kind.PERSISTENT_TARGET,
                key=f"persistent-target:{targeting.pk}",
                case_id=case.pk,
                title=f"Persistently targeted: a victim in {case.crime_reference}",
                body=(
                    f"A victim in this case has been the victim of {policy.crimes} or more "
                    f"crimes within {policy.within_days} days, so has enhanced rights as "
                    "persistently targeted (local policy). Their open duties were re-timed."
                ),
                link=reverse("case-detail", kwargs={"pk": case.pk})
                + f"#party-{targeting.party_id}",
                created_at=event.now,
                email_status=_email_status(prefs.get(user_id), per_duty=True),
                sms_status=Delivery.OFF,
            )
        )
    return _queue(_create(rows))


def _escalation_cutoff(now: datetime.datetime, working_days: int) -> datetime.datetime:
    """The latest deadline with `working_days` whole working days between it and today.
    working_days_before() counts today, which has barely begun when the 08:00 sweep runs, so a
    deadline on the day it ends on has had one whole working day too few: take the day before."""
    counted_from = timezone.localtime(calendar.working_days_before(now, working_days)).date()
    return calendar.end_of_day(counted_from - datetime.timedelta(days=1))


ESCALATION_LINES = 50  # per list; the overdue worklist has the rest


def sweep_escalations(*, working_days: int = 2, now: datetime.datetime | None = None) -> list[int]:
    """Duties still unmet `working_days` whole working days after their deadline: one list a day
    per supervisor, covering every team they supervise. Counted per team in one grouped query;
    each list names the longest overdue (at most ESCALATION_LINES) and counts the rest."""
    now = _now(now)
    cutoff = _escalation_cutoff(now, working_days)
    late = Duty.objects.filter(status__in=OPEN_STATUSES, due_at__lte=cutoff)
    per_team = dict(
        late.values("case__team").annotate(n=Count("id")).values_list("case__team", "n")
    )
    supervisors = _members(set(per_team), supervisors_only=True)
    teams_of: dict[int, set[int]] = defaultdict(set)
    for team_id, user_ids in supervisors.items():
        for user_id in user_ids:
            teams_of[user_id].add(team_id)
    prefs = _preferences(set(teams_of))
    today = timezone.localtime(now).date()
    rows = []
    # The longest overdue of each team, in one query (a window per team), merged per supervisor.
    longest: dict[int, list[Duty]] = defaultdict(list)
    ranked = (
        late.filter(case__team_id__in=list(supervisors))
        .annotate(
            place=Window(
                RowNumber(), partition_by=[F("case__team_id")], order_by=[F("due_at"), F("id")]
            )
        )
        .filter(place__lte=ESCALATION_LINES)
        .select_related("rule", "case")
    )
    for duty in ranked:
        longest[duty.case.team_id].append(duty)
    for user_id, teams in teams_of.items():
        total = sum(per_team[team_id] for team_id in teams)
        shown = sorted(
            (d for team_id in teams for d in longest[team_id]), key=lambda d: (d.due_at, d.pk)
        )[:ESCALATION_LINES]
        lines = [
            f"{d.case.crime_reference}: {d.rule.title} (due {timezone.localtime(d.due_at):%-d %b})"
            for d in shown
        ]
        if total > len(shown):
            lines.append(f"and {total - len(shown)} more: see the overdue worklist.")
        count = f"{total} dut{'y' if total == 1 else 'ies'}"
        rows.append(
            Notification(
                recipient_id=user_id,
                kind=Kind.ESCALATION,
                key=f"escalation:{today.isoformat()}",
                title=f"{count} still overdue after {working_days} working days",
                body="\n".join(lines),
                link=reverse("notification-sent"),
                created_at=now,
                email_status=_email_status(prefs.get(user_id), per_duty=False),
            )
        )
    return _queue(_create(rows))


def sweep_digests(*, now: datetime.datetime | None = None) -> list[int]:
    """At each user's chosen hour, one summary of what is overdue and due."""
    now = _now(now)
    local = timezone.localtime(now)
    users = User.objects.filter(
        is_active=True,
        notification_preference__digest=True,
        notification_preference__digest_hour=local.hour,
    ).select_related("notification_preference")
    rows = []
    horizon = calendar.working_days_after(now, 1).due_at
    for user in users:
        mine = Duty.objects.visible_to(user).open().filter(owned_by(user), due_at__lte=horizon)
        overdue = mine.filter(due_at__lt=now).count()
        due = mine.filter(due_at__gte=now).count()
        if not (overdue or due):
            continue
        rows.append(
            Notification(
                recipient=user,
                kind=Kind.DIGEST,
                key=f"digest:{local.date().isoformat()}",
                title=f"Today: {overdue} overdue, {due} due by the end of the next working day",
                body="Open VictimCare to see them.",
                link=reverse("home"),
                created_at=now,
                email_status=_email_status(user.notification_preference, per_duty=False),
            )
        )
    return _queue(_create(rows))


def notify(
    *,
    recipient_id: int,
    kind: str,
    key: str,
    case_id: int | None,
    title: str,
    body: str,
    link: str,
    now: datetime.datetime | None = None,
) -> list[int]:
    """One notification for one user, made by an app above (Track my case): once per key, by
    the user's own email and text settings, queued on commit like every other."""
    now = _now(now)
    pref = Preference.objects.filter(user_id=recipient_id).first()
    row = Notification(
        recipient_id=recipient_id,
        kind=kind,
        key=key,
        case_id=case_id,
        title=title[:200],
        body=body,
        link=link,
        created_at=now,
        email_status=_email_status(pref, per_duty=True),
        sms_status=_sms_status(pref, kind),
    )
    return _queue(_create([row]))


def _queue(ids: list[int]) -> list[int]:
    """Prompt a worker to send each, once committed. A broker fault is logged, not raised: the
    rows wait, and redeliver() prompts again."""
    if ids:
        from .tasks import deliver

        queue_many_on_commit(deliver, [(notification_id,) for notification_id in ids])
    return ids


# --- the outbox ----------------------------------------------------------------------------------

REDELIVER_BATCH = 5000


def redeliver(*, now: datetime.datetime | None = None, limit: int = REDELIVER_BATCH) -> list[int]:
    """Prompt again every notification still waiting to be sent whose last prompt is older than
    NOTIFICATION_REDELIVER_AFTER seconds. Set-based: one indexed read of what waits (locked, so
    two runs at once share it out) and one UPDATE of its queued_at. A claim never recorded as
    sent within NOTIFICATION_CLAIM_EXPIRES_AFTER (its worker was killed while sending) is
    released first: such a message may have gone out, and is sent again rather than lost."""
    now = _now(now)
    expired = now - datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_EXPIRES_AFTER)
    for status in ("email_status", "sms_status"):
        released = Notification.objects.filter(
            **{status: Delivery.SENDING}, claimed_at__lt=expired
        ).update(**{status: Delivery.PENDING})
        if released:
            logger.warning(
                "notification claims expired unrecorded: sending again",
                extra={"channel": status.split("_")[0], "count": released},
            )
    cutoff = now - datetime.timedelta(seconds=settings.NOTIFICATION_REDELIVER_AFTER)
    with transaction.atomic():
        waiting = (
            Notification.objects.filter(
                Q(email_status=Delivery.PENDING) | Q(sms_status=Delivery.PENDING)
            )
            .filter(Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True))
            .order_by("queued_at", "id")
        )
        ids = list(waiting.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
        if ids:
            Notification.objects.filter(pk__in=ids).update(queued_at=now)
            logger.info("notifications queued again", extra={"count": len(ids)})
        return _queue(ids)


# --- delivery ----------------------------------------------------------------------------------

# A send already made is recorded even across a database restart: the write is tried again
# for this long before the claim is left to expire (and the message, perhaps, to go twice).
RECORD_RETRY_SECONDS = 60.0


def deliver(notification_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send one notification's email and text message, once. Safe to run twice or concurrently:
    each channel is claimed (pending to sending, in one conditional UPDATE) before anything is
    sent and recorded sent after, so a second run, or a text message that fails and is retried,
    never sends the email again."""
    now = _now(now)
    notification = (
        Notification.objects.select_related("recipient", "duty").filter(pk=notification_id).first()
    )
    if notification is None:
        return "gone"
    duty = notification.duty
    if duty is not None and duty.status not in OPEN_STATUSES:
        # Met, withdrawn or waived since the sweep: say nothing.
        Notification.objects.filter(pk=notification.pk).update(
            email_status=_skip("email_status"), sms_status=_skip("sms_status")
        )
        return "skipped"
    sent = [send(notification, now=now) for send in (_send_email, _send_sms)]
    return "sent" if any(sent) else "nothing to send"


def _skip(status: str):
    return Case(When(**{status: Delivery.PENDING}, then=Value(Delivery.SKIPPED)), default=F(status))


def _claim(notification: Notification, status: str, *, now) -> bool:
    """Take the channel for this worker: only one run moves it from pending to sending."""
    return bool(
        Notification.objects.filter(pk=notification.pk, **{status: Delivery.PENDING}).update(
            **{status: Delivery.SENDING, "claimed_at": now}
        )
    )


def _release(notification: Notification, status: str) -> None:
    """The send failed before anything went: back to pending, for the task's retry."""
    try:
        Notification.objects.filter(pk=notification.pk, **{status: Delivery.SENDING}).update(
            **{status: Delivery.PENDING}
        )
    except (OperationalError, InterfaceError):
        logger.warning("notification claim left to expire", extra={"notification": notification.pk})


def _record_sent(notification: Notification, status: str, sent_at: str, *, now) -> None:
    """Record what was sent. The message has gone, so a database that is briefly away
    (restarting) is waited for, with backoff, rather than leaving the row to be sent again."""
    waited, pause = 0.0, 0.25
    while True:
        try:
            Notification.objects.filter(pk=notification.pk, **{status: Delivery.SENDING}).update(
                **{status: Delivery.SENT, sent_at: now}
            )
            return
        except (OperationalError, InterfaceError):
            if waited >= RECORD_RETRY_SECONDS:
                raise
            logger.warning(
                "database unreachable recording a send: trying again",
                extra={"notification": notification.pk},
            )
            if not connection.in_atomic_block:
                connection.close()  # the next query opens a fresh connection
            time.sleep(pause)
            waited += pause
            pause = min(pause * 2, 5.0)


def message_id(notification: Notification) -> str:
    """The same Message-ID every time this notification is emailed: mail systems take a second
    copy (a send repeated after a worker died before recording it) for the same message, and
    what was sent can be matched to its notification without reading its text."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "victimcare.invalid"
    return f"<notification-{notification.pk}.email@{domain}>"


def send_mail(subject: str, body: str, from_email: str, to: list[str], *, headers: dict) -> None:
    EmailMessage(subject, body, from_email, to, headers=headers).send()


def _send_email(notification: Notification, *, now) -> bool:
    if notification.email_status != Delivery.PENDING:
        return False
    recipient = notification.recipient
    if not recipient.email:
        Notification.objects.filter(pk=notification.pk, email_status=Delivery.PENDING).update(
            email_status=Delivery.SKIPPED
        )
        return False
    link = settings.SITE_URL.rstrip("/") + notification.link if notification.link else ""
    body = f"{notification.body}\n\n{link}\n\n{settings.FORCE_NAME} VictimCare".strip()
    # From claim to record, a worker told to die finishes first (outbox.worker).
    with unbroken():
        if not _claim(notification, "email_status", now=now):
            return False
        try:
            send_mail(
                notification.title,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [recipient.email],
                headers={"Message-ID": message_id(notification)},
            )
        except BaseException:
            _release(notification, "email_status")
            raise
        _record_sent(notification, "email_status", "email_sent_at", now=now)
    logger.info("reminder emailed", extra={"notification": notification.pk})
    return True


def _send_sms(notification: Notification, *, now) -> bool:
    channel = sms_channel()
    if notification.sms_status != Delivery.PENDING or channel is None:
        return False
    pref = Preference.objects.filter(user=notification.recipient).first()
    if pref is None or not pref.sms or not pref.mobile_number:  # as they are now, not at the sweep
        Notification.objects.filter(pk=notification.pk, sms_status=Delivery.PENDING).update(
            sms_status=Delivery.SKIPPED
        )
        return False
    with unbroken():
        if not _claim(notification, "sms_status", now=now):
            return False
        try:
            channel.send(pref.mobile_number, notification.title)
        except BaseException:
            _release(notification, "sms_status")
            raise
        _record_sent(notification, "sms_status", "sms_sent_at", now=now)
    return True


# --- for people ----------------------------------------------------------------------------------


@transaction.atomic
def save_preferences(
    *, user: User, email: bool, digest: bool, digest_hour: int, sms: bool, mobile_number: str
) -> Preference:
    """A user's reminder settings: an hour of the London day for the digest, and a number to
    text before texts are turned on."""
    errors = {}
    if not 0 <= digest_hour <= 23:
        errors["digest_hour"] = "Enter an hour from 0 to 23."
    if sms and not mobile_number.strip():
        errors["mobile_number"] = "Enter a mobile number to get text messages."
    if errors:
        raise ValidationError(errors)
    preference, _ = Preference.objects.update_or_create(
        user=user,
        defaults={
            "email": email,
            "digest": digest,
            "digest_hour": digest_hour,
            "sms": sms,
            "mobile_number": mobile_number.strip(),
        },
    )
    return preference


def mark_read(*, user: User, ids: Iterable[int] | None = None, now=None) -> int:
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=_now(now))


# --- referrals -----------------------------------------------------------------------------------


def _agency_users(agency_ids: set[int]) -> dict[int, set[int]]:
    users: dict[int, set[int]] = defaultdict(set)
    rows = User.objects.filter(agency_id__in=agency_ids, is_active=True).values_list(
        "agency_id", "id"
    )
    for agency_id, user_id in rows:
        users[agency_id].add(user_id)
    return users


def sweep_referrals(*, now: datetime.datetime | None = None) -> list[int]:
    """Sent referrals not yet answered: the agency is reminded before its response target, and
    past it the referring officer is told too. Agency reminders carry nothing of the case."""
    now = _now(now)
    horizon = calendar.working_days_after(now, 1).due_at
    waiting = Referral.objects.filter(status=ReferralStatus.SENT, respond_by__lte=horizon)
    rows = []
    referrals = list(
        waiting.select_related("case__officer", "agency", "created_by").order_by("respond_by")
    )
    agency_users = _agency_users({r.agency_id for r in referrals})
    officers = {
        referral.pk: next(
            (u for u in (referral.created_by, referral.case.officer) if u and u.is_active), None
        )
        for referral in referrals
    }
    prefs = _preferences(
        {u for users in agency_users.values() for u in users}
        | {o.pk for o in officers.values() if o is not None}
    )
    for referral in referrals:
        late = referral.respond_by < now
        kind = Kind.REFERRAL_OVERDUE if late else Kind.REFERRAL_DUE
        due = timezone.localtime(referral.respond_by).strftime("%a %-d %b, %H:%M")
        # One reminder of each kind per sending: a referral returned and sent again is new.
        key = f"referral:{referral.pk}:sent:{int(referral.sent_at.timestamp())}"
        for user_id in agency_users.get(referral.agency_id, ()):
            rows.append(
                Notification(
                    recipient_id=user_id,
                    kind=kind,
                    key=key,
                    referral=referral,
                    title=f"Referral {'past its response target' if late else 'waiting'}: "
                    f"please answer by {due}",
                    link=reverse("agency-referral", kwargs={"pk": referral.pk}),
                    created_at=now,
                    email_status=_email_status(prefs.get(user_id), per_duty=False),
                )
            )
        officer = officers[referral.pk]
        if late and officer is not None:
            rows.append(
                Notification(
                    recipient_id=officer.pk,
                    kind=kind,
                    key=key,
                    referral=referral,
                    case_id=referral.case_id,
                    title=f"{referral.agency} has not answered a referral "
                    f"({referral.case.crime_reference})",
                    body=f"It was due by {due}. Consider chasing them or referring elsewhere.",
                    link=reverse("case-detail", kwargs={"pk": referral.case_id}),
                    created_at=now,
                    email_status=_email_status(prefs.get(officer.pk), per_duty=False),
                )
            )
    return _queue(_create(rows))


def notify_agency_of_new_referral(event) -> list[int]:
    """A referral VictimCare sent by itself (referrals.events.ReferralSentAutomatically): no
    officer phoned the agency, so its staff are told it is waiting. Nothing of the case."""
    referral, now = event.referral, event.at
    users = _agency_users({referral.agency_id}).get(referral.agency_id, set())
    prefs = _preferences(users)
    due = timezone.localtime(referral.respond_by).strftime("%a %-d %b, %H:%M")
    rows = [
        Notification(
            recipient_id=user_id,
            kind=Kind.REFERRAL_NEW,
            key=f"referral:{referral.pk}:sent:{int(referral.sent_at.timestamp())}",
            referral=referral,
            title=f"New referral from {settings.FORCE_NAME}: please answer by {due}",
            body="Sent by VictimCare under Right 4 of the Victims' Code.",
            link=reverse("agency-referral", kwargs={"pk": referral.pk}),
            created_at=now,
            email_status=_email_status(prefs.get(user_id), per_duty=False),
        )
        for user_id in users
    ]
    return _queue(_create(rows))


def on_referral_withdrawn(event) -> list[int]:
    """referrals.events.ReferralWithdrawn: the agency's staff are told to stop."""
    return notify_agency_of_withdrawal(event.referral, now=event.at, consent=event.consent)


def notify_agency_of_withdrawal(
    referral, *, now: datetime.datetime, consent: bool | None = None
) -> list[int]:
    """Tell the agency's users that consent was withdrawn (`consent`) or that the police withdrew
    the referral. Left out, it is read from the referral."""
    users = _agency_users({referral.agency_id}).get(referral.agency_id, set())
    prefs = _preferences(users)
    withdrawn_consent = referral.consent_withdrawn_at is not None if consent is None else consent
    title = (
        "Consent withdrawn: stop using the information in this referral"
        if withdrawn_consent
        else "A referral to you has been withdrawn by the police"
    )
    rows = [
        Notification(
            recipient_id=user_id,
            kind=Kind.REFERRAL_WITHDRAWN,
            key=f"referral:{referral.pk}:{'consent' if withdrawn_consent else 'withdrawn'}",
            referral=referral,
            title=title,
            link=reverse("agency-referral", kwargs={"pk": referral.pk}),
            created_at=now,
            email_status=_email_status(prefs.get(user_id), per_duty=False),
        )
        for user_id in users
    ]
    return _queue(_create(rows))
