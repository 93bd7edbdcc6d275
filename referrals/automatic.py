"""Right 4 met by a referral, not a draft.

The record proposes a victim service referral for every victim (services.propose_for_party).
Where the victim need not opt in (the ReferralPolicy in force) and has not opted out (the officer
declined the Right 4 duty for them), VictimCare sends it itself, within the Right 4 time limit
(the duty's deadline, from the Right 4 rule row): send_due_referrals, run by beat. Where it may
not, the proposal stays a draft and right4_status says why in plain words, for the case page,
the duty page and the API.

An automatic send is an officer's send made by the system: the same move through TRANSITIONS,
the same history line and audit record (by nobody: VictimCare), the same Right 4 duty met. It
records the lawful basis and what was shared: the officer's record of the victim's answer if
there is one, else the policy's basis and sharing for automatic referrals.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cases.models import Case, OffenceFlag, Party, PartyRole
from entitlements import calendar
from entitlements import services as duties
from entitlements.models import OPEN_STATUSES, Duty, DutyRule, DutyStatus, MetBy

from . import events

# The move itself is the officer's: one state machine, one history.
from .models import (
    CONSENT_BASES,
    OPEN_REFERRAL_STATUSES,
    POLICE,
    AgencyKind,
    LawfulBasis,
    Referral,
    ReferralPolicy,
    ReferralStatus,
    ShareItem,
    SharingException,
)
from .services import _move, exception_errors

S = ReferralStatus

# At most this many referrals are sent by one run; the rest wait for the next (every 15 minutes).
SEND_LIMIT = 500
# The drafts read by one run: those of the last few working days, capped all the same.
CANDIDATE_LIMIT = 5000

# Recorded as the reason for sharing without consent: the supervisors' review and the history
# read it (the agency never does).
AUTOMATIC_REASON = (
    "Victims' Code Right 4: the victim did not opt out of a referral to the victim service, and "
    "the referral policy in force needs no consent for this offence. Sent by VictimCare."
)

# Why a victim must agree first, in the words an officer would use.
CONSENT_WORDS = {
    OffenceFlag.SEXUAL_OFFENCE: "sexual offences need the victim to agree",
    OffenceFlag.DOMESTIC_ABUSE: "domestic abuse needs the victim to agree",
}
ROLE_WORDS = {
    PartyRole.BEREAVED: "bereaved close relatives need to agree",
}


class Choice(models.TextChoices):
    """The victim's choice about the Right 4 referral to the victim service."""

    OPTED_OUT = "opted_out", "Opted out"
    AGREED = "agreed", "Agreed"
    NOT_NEEDED = "not_needed", "Not needed: referred unless they opt out"
    NOT_ASKED = "not_asked", "Not asked yet: they must agree first"
    WITHDREW = "withdrew", "Withdrew consent"


@dataclass
class Right4Status:
    """What the case, duty and API pages say about one person's Right 4 referral."""

    choice: str
    choice_label: str
    reason: str  # why it is still a draft, or what happens next; blank once it is sent
    referral: Referral | None = None
    shared: list[str] = field(default_factory=list)  # labels of what was, or will be, shared
    sent: bool = False
    sent_automatically: bool = False


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def referral_rules(on: datetime.date):
    """The Right 4 rule rows in force: those a sent referral meets."""
    return DutyRule.objects.in_force(on).filter(met_by=MetBy.REFERRAL_SENT)


def consent_needed_because(*, case: Case, party: Party, policy: ReferralPolicy) -> str:
    """Why this person must opt in under the policy, in plain words; blank if they need not."""
    flags = set(case.offence_flags)
    for flag in policy.opt_in_flags:
        if flag in flags:
            label = OffenceFlag(flag).label if flag in OffenceFlag.values else flag
            return CONSENT_WORDS.get(flag, f"{label.lower()} needs the victim to agree")
    if party.role in policy.opt_in_roles:
        return ROLE_WORDS.get(party.role, f"a {party.get_role_display().lower()} must agree first")
    return ""


def _has_answer(referral: Referral) -> bool:
    """The officer recorded the victim's answer (a lawful basis and what may be shared)."""
    return referral.consent_active


def hold_reason(
    referral: Referral,
    *,
    case: Case,
    party: Party,
    policy: ReferralPolicy | None,
    duty: Duty | None,
    now: datetime.datetime,
) -> str:
    """Why VictimCare does not send this draft itself, in plain words; blank if it will."""
    if referral.status != S.DRAFT or referral.agency.kind != AgencyKind.VICTIM_SERVICE:
        return ""
    if policy is None:
        return (
            "no referral policy is in force, so nothing is sent automatically: ask an administrator"
        )
    if duty is None:
        return "Right 4 is not owed to them here, so an officer decides whether to send it"
    if duty.status == DutyStatus.DECLINED:
        return f"the victim opted out: {duty.reason}"
    if duty.status not in OPEN_STATUSES:
        return f"Right 4 is already {duty.get_status_display().lower()}"
    held = _held_by_record(referral, case=case, party=party, policy=policy)
    if held:
        return held
    if duty.due_at < now:
        return "the Right 4 time limit has passed: send it yourself, or record why not"
    return ""


def _held_by_record(referral: Referral, *, case: Case, party: Party, policy: ReferralPolicy) -> str:
    """The reasons in the referral, the case and the person (no duty needed, no query)."""
    if referral.consent_withdrawn_at is not None:
        return "the victim withdrew consent"
    needed = consent_needed_because(case=case, party=party, policy=policy)
    if needed and not (_has_answer(referral) and referral.lawful_basis != LawfulBasis.CONSENT):
        return f"waiting for the victim's consent: {needed}"
    agency = referral.agency
    if agency.consent_basis == LawfulBasis.EXPLICIT_CONSENT and not (
        _has_answer(referral) and referral.lawful_basis == LawfulBasis.EXPLICIT_CONSENT
    ):
        return f"waiting for the victim's consent: {agency} needs the victim to agree"
    if not agency.is_active:
        return f"{agency} no longer takes referrals: refer them to another service"
    if case.restricted:
        return "the case is restricted, so an officer decides what is shared and sends it"
    if not _has_answer(referral) and getattr(policy, "automatic_exception", None) is None:
        return (
            f"no exception to consent in force allows sharing with {agency} without the "
            "victim's answer: record it, or ask an administrator"
        )
    if not _has_answer(referral):
        safe = getattr(party.person, "safe_contact", None)
        unsafe = safe.unsafe_channels() if safe is not None else []
        if unsafe:
            return (
                f"it is not safe to contact them by {', '.join(unsafe)}: record with the "
                "victim what may be shared, and it is sent"
            )
    return ""


def send_from(referral: Referral, policy: ReferralPolicy) -> datetime.datetime:
    """When VictimCare sends it at the earliest: the officer has this long to record an opt-out."""
    return referral.created_at + datetime.timedelta(hours=policy.automatic_after_hours)


def _labels(scope) -> list[str]:
    return [ShareItem(s).label for s in scope if s in ShareItem.values]


def _status(
    referral: Referral | None,
    *,
    case: Case,
    party: Party,
    duty: Duty | None,
    policy: ReferralPolicy | None,
    now: datetime.datetime,
) -> Right4Status:
    needed = (
        consent_needed_because(case=case, party=party, policy=policy) if policy is not None else ""
    )
    if duty is not None and duty.status == DutyStatus.DECLINED:
        choice = Choice.OPTED_OUT
    elif referral is not None and referral.consent_withdrawn_at is not None:
        choice = Choice.WITHDREW
    elif referral is not None and _has_answer(referral) and referral.lawful_basis in CONSENT_BASES:
        choice = Choice.AGREED
    elif needed and not (referral is not None and _has_answer(referral)):
        choice = Choice.NOT_ASKED
    else:
        choice = Choice.NOT_NEEDED
    status = Right4Status(choice=choice, choice_label=Choice(choice).label, reason="")
    if choice == Choice.OPTED_OUT and duty.reason:
        status.choice_label = f"Opted out: {duty.reason}"
    if referral is None:
        return status
    status.referral = referral
    status.sent = referral.sent_at is not None
    status.sent_automatically = referral.sent_automatically
    if status.sent or _has_answer(referral):
        status.shared = _labels(referral.consent_scope)
    elif policy is not None and choice == Choice.NOT_NEEDED:
        status.shared = _labels(policy.automatic_scope)
    if referral.status == S.DRAFT:
        held = hold_reason(referral, case=case, party=party, policy=policy, duty=duty, now=now)
        if held:
            status.reason = f"Not sent: {held}."
        else:
            at = max(send_from(referral, policy), now)
            status.reason = (
                f"VictimCare sends it from {timezone.localtime(at):%-d %b %Y, %H:%M} unless the "
                "victim opts out (decline the Right 4 duty to record that)."
            )
    return status


def _victim_service_referral(referrals) -> Referral | None:
    """The person's victim service referral: the open one, else the latest."""
    mine = [r for r in referrals if r.agency.kind == AgencyKind.VICTIM_SERVICE]
    mine.sort(key=lambda r: (r.status in OPEN_REFERRAL_STATUSES, r.created_at, r.pk), reverse=True)
    return mine[0] if mine else None


def _right4_duty(duty_list) -> Duty | None:
    mine = [d for d in duty_list if d.rule.met_by == MetBy.REFERRAL_SENT]
    mine.sort(key=lambda d: (d.is_open, d.trigger_at, d.pk), reverse=True)
    return mine[0] if mine else None


def policy_in_force(now: datetime.datetime | None = None) -> ReferralPolicy | None:
    """The referral policy in force, with `automatic_exception`: the exception to consent its
    automatic referrals rely on, if one with its code is in force that day and allows the victim
    service (else None, and nothing is sent without the victim's answer). Two queries."""
    on = timezone.localdate(_now(now))
    policy = ReferralPolicy.objects.in_force(on)
    if policy is not None:
        found = SharingException.objects.in_force(on).filter(code=policy.automatic_exception_code)
        policy.automatic_exception = next(
            (e for e in found if e.allows(AgencyKind.VICTIM_SERVICE, on)), None
        )
    return policy


def right4_status(
    party: Party,
    *,
    case: Case,
    referrals,
    duties,
    policy: ReferralPolicy | None,
    now: datetime.datetime | None = None,
) -> Right4Status | None:
    """One person's Right 4 referral, from records already read (the case page prefetches
    them): no query of its own. None where neither a duty nor a victim service referral exists."""
    duty = _right4_duty(duties)
    referral = _victim_service_referral(referrals)
    if duty is None and referral is None:
        return None
    return _status(referral, case=case, party=party, duty=duty, policy=policy, now=_now(now))


def referral_status(
    referral: Referral,
    *,
    duty: Duty | None,
    policy: ReferralPolicy | None,
    now: datetime.datetime | None = None,
) -> Right4Status | None:
    """The same, for one referral (the API): only a victim service referral has one."""
    if referral.agency.kind != AgencyKind.VICTIM_SERVICE:
        return None
    return _status(
        referral, case=referral.case, party=referral.party, duty=duty, policy=policy, now=_now(now)
    )


def status_of(referral: Referral) -> Right4Status | None:
    """referral_status for one referral page: reads its duty and the policy (two queries)."""
    duty = right4_duties([referral]).get(referral.party_id)
    return referral_status(referral, duty=duty, policy=policy_in_force())


def right4_duties(referrals) -> dict[int, Duty]:
    """Party id -> that person's Right 4 duty, for a page of referrals, in one query."""
    party_ids = {r.party_id for r in referrals if r.agency.kind == AgencyKind.VICTIM_SERVICE}
    if not party_ids:
        return {}
    found: dict[int, Duty] = {}
    for duty in (
        Duty.objects.filter(party_id__in=party_ids, rule__met_by=MetBy.REFERRAL_SENT)
        .select_related("rule")
        .order_by("trigger_at", "id")
    ):
        if duty.party_id not in found or duty.is_open or not found[duty.party_id].is_open:
            found[duty.party_id] = duty
    return found


def duty_note(duty: Duty) -> list[str]:
    """What the Right 4 duty page says about the referral (registered with entitlements)."""
    if duty.rule.met_by != MetBy.REFERRAL_SENT:
        return []
    party = duty.party
    referrals = list(
        Referral.objects.filter(party=party).select_related("agency").order_by("-created_at")
    )
    status = right4_status(
        party,
        case=duty.case,
        referrals=referrals,
        duties=[duty],
        policy=policy_in_force(),
    )
    if status is None:
        return []
    lines = [f"The victim's choice: {status.choice_label}."]
    if status.referral is not None:
        if status.sent:
            who = " by VictimCare" if status.sent_automatically else ""
            lines.append(
                f"Referral to {status.referral.agency} sent{who} on "
                f"{timezone.localtime(status.referral.sent_at):%-d %b %Y, %H:%M}."
            )
        if status.shared:
            lines.append(
                ("Shared: " if status.sent else "To be shared: ") + ", ".join(status.shared) + "."
            )
    if status.reason:
        lines.append(status.reason)
    return lines


# --- the sweep ---------------------------------------------------------------------------------


def _window_start(now: datetime.datetime, rules: list[DutyRule]) -> datetime.datetime:
    """No draft older than this can have a Right 4 deadline still ahead: the longest time limit
    of the rows in force, plus the day of the trigger. Bounds the index read, nothing more."""
    starts = [now - datetime.timedelta(days=1)]
    for rule in rules:
        if rule.calendar_hours is not None:
            starts.append(now - datetime.timedelta(hours=rule.calendar_hours + 24))
        days = max(rule.standard_working_days or 0, rule.enhanced_working_days or 0)
        starts.append(calendar.working_days_before(now, days + 1))
    return min(starts)


def _right4_duty_id(*statuses: str, due_from: datetime.datetime | None = None) -> Subquery:
    duties_ = Duty.objects.filter(
        party=OuterRef("party"), rule__met_by=MetBy.REFERRAL_SENT, status__in=statuses
    )
    if due_from is not None:
        duties_ = duties_.filter(due_at__gte=due_from)
    return Subquery(duties_.order_by("due_at", "id").values("pk")[:1])


def candidates(*, now: datetime.datetime, policy: ReferralPolicy, rules: list[DutyRule]):
    """Draft victim service proposals old enough to send, whose Right 4 deadline is still ahead:
    one query on the drafts index."""
    return (
        Referral.objects.filter(
            status=S.DRAFT,
            agency__kind=AgencyKind.VICTIM_SERVICE,
            agency__is_active=True,
            case__restricted=False,
            consent_withdrawn_at__isnull=True,
            created_at__gte=_window_start(now, rules),
            created_at__lte=now - datetime.timedelta(hours=policy.automatic_after_hours),
        )
        .annotate(right4_duty_id=_right4_duty_id(*OPEN_STATUSES, due_from=now))
        .filter(right4_duty_id__isnull=False)
        .select_related(
            "agency", "case__offence", "party__person__safe_contact", "sharing_exception"
        )
        .order_by("created_at", "id")
    )


def send_due_referrals(
    *, now: datetime.datetime | None = None, limit: int = SEND_LIMIT
) -> list[int]:
    """Send every proposal VictimCare may send itself; withdraw those the victim opted out of.
    Idempotent: each referral is locked and moved only from draft, so a second run, or two at
    once, sends nothing twice. Returns the ids sent."""
    now = _now(now)
    today = timezone.localdate(now)
    policy = policy_in_force(now)
    rules = list(referral_rules(today))
    if policy is None or not rules:
        return []
    sent = []
    for referral in candidates(now=now, policy=policy, rules=rules)[:CANDIDATE_LIMIT]:
        if len(sent) >= limit:
            break
        # Most drafts left waiting (consent needed) are passed over without a query.
        if _held_by_record(referral, case=referral.case, party=referral.party, policy=policy):
            continue
        if _send_one(referral, policy=policy, now=now):
            sent.append(referral.pk)
    _withdraw_opted_out(now=now, rules=rules, limit=limit)
    return sent


def _lock(referral: Referral) -> bool:
    """Take the draft for this run, as read: skipped if another run has it or anyone changed it."""
    return bool(
        Referral.objects.select_for_update(skip_locked=True)
        .filter(pk=referral.pk, status=S.DRAFT, version=referral.version)
        .values_list("pk", flat=True)
    )


def _send_one(referral: Referral, *, policy: ReferralPolicy, now: datetime.datetime) -> bool:
    case, party = referral.case, referral.party
    today = timezone.localdate(now)
    with transaction.atomic():
        if not _lock(referral):
            return False
        # The duty too: an officer recording the victim's opt-out holds it (decline_duty).
        duty = (
            Duty.objects.select_for_update(skip_locked=True)
            .filter(pk=referral.right4_duty_id, status__in=OPEN_STATUSES)
            .first()
        )
        if duty is None or hold_reason(
            referral, case=case, party=party, policy=policy, duty=duty, now=now
        ):
            return False
        answered = _has_answer(referral)
        basis = referral.lawful_basis if answered else policy.automatic_lawful_basis
        scope = list(referral.consent_scope if answered else policy.automatic_scope)
        respond_by = calendar.working_days_after(now, referral.agency.response_target_working_days)
        extra = {
            "sent_at": now,
            "respond_by": respond_by.due_at,
            "responded_at": None,
            "sent_automatically": True,
        }
        if not answered:
            # No consent is asked for: the basis, the exception to consent and the sharing are
            # the policy's, recorded as an officer's record would be, by nobody (VictimCare).
            extra.update(
                lawful_basis=basis,
                consent_scope=scope,
                consent_method="",
                consent_recorded_at=now,
                consent_recorded_by=None,
                sharing_exception=policy.automatic_exception,
                sharing_reason=AUTOMATIC_REASON,
            )
        elif referral.shared_without_consent and exception_errors(
            referral.agency, referral.sharing_exception, referral.sharing_reason, on=today
        ):
            # The officer's exception has ended since: as send_referral, refuse; they re-record.
            return False
        choice = "the victim agreed" if basis in CONSENT_BASES else "the victim did not opt out"
        basis_label = LawfulBasis(basis).label.lower()
        _move(
            referral,
            S.SENT,
            by=None,
            actor=POLICE,
            now=now,
            check_actor=False,
            extra=extra,
            note=(
                f"Sent by VictimCare for Right 4: {choice}. Lawful basis: {basis_label}. "
                f"Shared: {', '.join(_labels(scope)).lower() or 'the name only'}."
            ),
        )
        duties.on_record(
            party,
            MetBy.REFERRAL_SENT,
            at=now,
            by=None,
            record=f"Sent by VictimCare: referral to {referral.agency}"[:100],
        )
        events.publish(events.ReferralSentAutomatically(referral=referral, at=now))
    return True


def _withdraw_opted_out(*, now: datetime.datetime, rules: list[DutyRule], limit: int) -> int:
    """A victim who opted out (Right 4 declined) is never referred: the proposal is withdrawn,
    saying why, so nothing waits to be sent by mistake."""
    opted_out = (
        Referral.objects.filter(
            status=S.DRAFT,
            agency__kind=AgencyKind.VICTIM_SERVICE,
            created_at__gte=_window_start(now, rules),
        )
        .annotate(
            declined_id=_right4_duty_id(DutyStatus.DECLINED),
            open_id=_right4_duty_id(*OPEN_STATUSES),
        )
        .filter(declined_id__isnull=False, open_id__isnull=True)
        .order_by("created_at", "id")[:limit]
    )
    withdrawn = 0
    for referral in opted_out:
        with transaction.atomic():
            if not _lock(referral):
                continue
            _move(
                referral,
                S.WITHDRAWN,
                by=None,
                actor=POLICE,
                now=now,
                check_actor=False,
                extra={"reason": "The victim opted out of a referral (Right 4 declined)."},
                note="Withdrawn by VictimCare: the victim opted out, so nothing was sent.",
            )
            withdrawn += 1
    return withdrawn
