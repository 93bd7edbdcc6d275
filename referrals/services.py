"""Referrals: proposals, consent, and the state machine from draft to closed.

The police send, resend and withdraw; the agency accepts, declines, returns, starts and closes.
Every move is checked against TRANSITIONS (referrals.models) and refused with a clear message
otherwise, and is written as a conditional UPDATE on the status read, so two people cannot both
move it.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role, User
from audit.history import record_update
from cases.models import Basis, Party, PartyRole
from cases.rules import age_on
from entitlements import calendar
from entitlements import services as duties
from entitlements.models import DutyRule, MetBy

from . import events
from .models import (
    AGENCY,
    CONSENT_BASES,
    OPEN_REFERRAL_STATUSES,
    POLICE,
    TRANSITIONS,
    AgencyKind,
    ConsentMethod,
    LawfulBasis,
    Referral,
    ReferralEvent,
    ReferralPolicy,
    ReferralStatus,
    ShareItem,
    SharingException,
    SupportAgency,
)

S = ReferralStatus
# Right 4 asks for a referral to a support service: a MARAC or a social care referral is a
# safeguarding step, not support, so it does not meet that duty.
NOT_SUPPORT_SERVICES = frozenset(
    {AgencyKind.MARAC, AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.ADULT_SOCIAL_CARE}
)

VICTIM_ROLES = {
    PartyRole.VICTIM,
    PartyRole.BEREAVED,
    PartyRole.PARENT_GUARDIAN,
    PartyRole.FAMILY_SPOKESPERSON,
}


def _now(now):
    return now or timezone.now()


def policy(on: datetime.date) -> ReferralPolicy:
    found = ReferralPolicy.objects.in_force(on)
    if found is None:
        raise ValidationError("No referral policy is in force: ask an administrator.")
    return found


def needs_opt_in(party: Party, *, on: datetime.date | None = None) -> bool:
    """Whether this person must opt in (explicit consent) rather than be referred unless they
    opt out, under the policy in force."""
    rules = policy(on or timezone.localdate())
    flags = set(party.case.offence_flags)
    return bool(flags & set(rules.opt_in_flags)) or party.role in rules.opt_in_roles


# --- proposals ---------------------------------------------------------------------------------


def _agency_for(kind: str, party: Party, *, risk: str = "") -> SupportAgency | None:
    """The first active agency of that kind whose criteria the person meets."""
    flags = set(party.case.offence_flags)
    dob = party.person.date_of_birth
    age = age_on(dob, timezone.localdate(party.case.occurred_at)) if dob else None
    for agency in SupportAgency.objects.filter(kind=kind, is_active=True).order_by("name"):
        if agency.accepts_offence_flags and not flags & set(agency.accepts_offence_flags):
            continue
        if age is not None and agency.accepts_min_age is not None and age < agency.accepts_min_age:
            continue
        if age is not None and agency.accepts_max_age is not None and age > agency.accepts_max_age:
            continue
        if risk and agency.accepts_risk_levels and risk not in agency.accepts_risk_levels:
            continue
        return agency
    return None


def _propose(party: Party, kind: str, reason: str, *, now, risk: str = "") -> Referral | None:
    """A draft for the officer to confirm: never sent without them."""
    agency = _agency_for(kind, party, risk=risk)
    if agency is None:
        return None
    # One proposal per person and kind of service, even if they hold two roles in the case.
    already = Referral.objects.filter(
        case=party.case,
        party__person=party.person,
        agency__kind=kind,
        status__in=OPEN_REFERRAL_STATUSES,
    ).exists()
    if already:
        return None
    referral = Referral.objects.create(
        case=party.case,
        party=party,
        agency=agency,
        proposed_reason=reason,
        risk_level=risk,
        lawful_basis=(
            LawfulBasis.EXPLICIT_CONSENT
            if needs_opt_in(party, on=timezone.localdate(now))
            else LawfulBasis.CONSENT
        ),
        created_at=now,
    )
    _log(referral, "proposed", "", S.DRAFT, reason, by=None, at=now)
    return referral


def propose_for_party(party: Party, *, now: datetime.datetime | None = None) -> list[Referral]:
    """What a person's record suggests, as drafts: the victim service (Right 4), ISVA and SARC
    for a sexual offence, the young witness service and children's social care for a child."""
    now = _now(now)
    if party.role not in VICTIM_ROLES:
        return []
    rules = ReferralPolicy.objects.in_force(timezone.localdate(now))
    if rules is None:
        # Proposals are advice: without a policy none is given, but the case is still recorded.
        return []
    made = []
    mode = (
        "opt in: ask for explicit consent"
        if needs_opt_in(party, on=timezone.localdate(now))
        else ("referred unless they opt out")
    )
    made.append(
        _propose(
            party,
            AgencyKind.VICTIM_SERVICE,
            f"Right 4: support {_right4_time_limit(party, now=now)} ({mode})",
            now=now,
        )
    )
    case = party.case
    if "sexual_offence" in case.offence_flags:
        made.append(_propose(party, AgencyKind.ISVA, "Sexual offence: ISVA support", now=now))
        days = rules.sarc_recent_days
        if now - case.occurred_at <= datetime.timedelta(days=days):
            made.append(
                _propose(
                    party, AgencyKind.SARC, f"Sexual offence within {days} days: SARC", now=now
                )
            )
    child = party.bases.filter(basis=Basis.UNDER_18, applies=True).exists()
    if child:
        made.append(
            _propose(
                party, AgencyKind.YOUNG_WITNESS, "Child victim: young witness service", now=now
            )
        )
        made.append(
            _propose(
                party,
                AgencyKind.CHILDRENS_SOCIAL_CARE,
                "Child victim: children's social care",
                now=now,
            )
        )
    return [r for r in made if r is not None]


def _right4_time_limit(party: Party, *, now: datetime.datetime) -> str:
    """The time limit in the Right 4 rule row in force, in words (the row is data)."""
    rule = (
        DutyRule.objects.in_force(timezone.localdate(now))
        .filter(met_by=MetBy.REFERRAL_SENT)
        .first()
    )
    if rule is None or rule.calendar_hours is not None:
        return f"within {rule.calendar_hours} hours" if rule is not None else "promptly"
    days = rule.enhanced_working_days if party.enhanced else rule.standard_working_days
    if days is None:
        return "promptly"
    return f"within {days} working day{'s' if days != 1 else ''}"


def propose_after_risk(assessment, *, now: datetime.datetime | None = None) -> list[Referral]:
    """A MARAC flag proposes a MARAC referral and an IDVA referral."""
    if not assessment.marac_referral:
        return []
    now = _now(now)
    if ReferralPolicy.objects.in_force(timezone.localdate(now)) is None:
        return []
    reason = "Risk assessment meets the MARAC criteria: " + "; ".join(assessment.marac_reasons)
    made = [
        _propose(assessment.party, AgencyKind.MARAC, reason, now=now, risk=assessment.grade),
        _propose(assessment.party, AgencyKind.IDVA, reason, now=now, risk=assessment.grade),
    ]
    return [r for r in made if r is not None]


# --- consent and the exceptions to it ----------------------------------------------------------


def exceptions_for(agency: SupportAgency, *, on: datetime.date) -> list[SharingException]:
    """The exceptions in force that day which allow sharing with this agency without consent."""
    return [e for e in SharingException.objects.in_force(on) if e.allows(agency.kind, on)]


def exception_errors(
    agency: SupportAgency, exception: SharingException | None, reason: str, *, on: datetime.date
) -> dict[str, str]:
    """What is missing for sharing with this agency without the victim's consent: the exception
    relied on must be in force and allowed for the agency's kind, and the officer must say why."""
    errors = {}
    if exception is None:
        errors["sharing_exception"] = (
            "Without the victim's consent, choose the exception that allows sharing."
        )
    elif not exception.allows(agency.kind, on):
        errors["sharing_exception"] = (
            f"{exception} does not allow sharing with a {agency.get_kind_display()} "
            "without consent. Ask for the victim's consent instead."
        )
    if not (reason or "").strip():
        errors["sharing_reason"] = "Say why the details must be shared without consent."
    return errors


# --- consent -----------------------------------------------------------------------------------


@transaction.atomic
def record_consent(
    *,
    referral: Referral,
    by: User,
    lawful_basis: str,
    scope: Iterable[str],
    method: str,
    support_requested: str = "",
    sharing_exception: SharingException | None = None,
    sharing_reason: str = "",
    now: datetime.datetime | None = None,
) -> Referral:
    """The lawful basis for sharing and what will be shared, and who recorded it. Only before the
    referral is sent. On consent: what the victim agreed to and how. On another basis: the
    exception relied on, allowed for this kind of agency, and why."""
    now = _now(now)
    _police_only(by)
    scope = sorted(set(scope))
    if referral.status not in (S.DRAFT, S.RETURNED):
        raise ValidationError({"lawful_basis": "Consent is recorded before the referral is sent."})
    errors = {}
    if lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = "Choose the lawful basis."
    elif (
        needs_opt_in(referral.party, on=timezone.localdate(now))
        and lawful_basis == LawfulBasis.CONSENT
    ):
        errors["lawful_basis"] = (
            "This victim must opt in: record their explicit consent, or another lawful basis."
        )
    elif (
        referral.agency.consent_basis == LawfulBasis.EXPLICIT_CONSENT
        and lawful_basis == LawfulBasis.CONSENT
    ):
        errors["lawful_basis"] = f"{referral.agency} needs the victim's explicit consent."
    without_consent = lawful_basis in LawfulBasis.values and lawful_basis not in CONSENT_BASES
    if without_consent:
        errors.update(
            exception_errors(
                referral.agency, sharing_exception, sharing_reason, on=timezone.localdate(now)
            )
        )
        # Nobody was asked: nothing may later read as how the victim agreed.
        method = ""
    else:
        sharing_exception, sharing_reason = None, ""
    if not scope or set(scope) - set(ShareItem.values):
        errors["scope"] = (
            "Choose what will be shared."
            if without_consent
            else "Choose what the victim agreed may be shared."
        )
    if lawful_basis in CONSENT_BASES and not method:
        errors["method"] = "Say how the victim gave consent."
    elif method and method not in ConsentMethod.values:
        errors["method"] = "Choose how the victim gave consent."
    if errors:
        raise ValidationError(errors)
    fields = {
        "lawful_basis": lawful_basis,
        "consent_scope": scope,
        "consent_method": method,
        "sharing_exception": sharing_exception,
        "sharing_reason": sharing_reason.strip(),
        "consent_recorded_at": now,
        "consent_recorded_by": by,
        "consent_withdrawn_at": None,
        "consent_withdrawn_by": None,
    }
    if support_requested:
        fields["support_requested"] = support_requested
    # Only on the referral as it was read: a stale copy must not undo a move or a withdrawal.
    saved = Referral.objects.filter(
        pk=referral.pk, status=referral.status, version=referral.version
    ).update(version=F("version") + 1, **fields)
    if not saved:
        raise ValidationError(
            {
                "lawful_basis": "Someone else changed this referral just now. "
                "Reload it and try again."
            }
        )
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.version += 1
    record_update(referral)
    shared = ", ".join(ShareItem(s).label.lower() for s in scope)
    if without_consent:
        # Its own kind: history and consent records must never read it as the victim agreeing.
        _log(
            referral,
            "no_consent",
            "",
            "",
            f"{referral.get_lawful_basis_display()}, {sharing_exception}: {shared}. "
            f"Reason: {referral.sharing_reason}",
            by=by,
            at=now,
        )
    else:
        _log(
            referral,
            "consent",
            "",
            "",
            f"{referral.get_lawful_basis_display()}: {shared}",
            by=by,
            at=now,
        )
    return referral


@transaction.atomic
def create_referral(
    *,
    party: Party,
    agency: SupportAgency,
    by: User,
    support_requested: str,
    lawful_basis: str,
    scope: Iterable[str],
    method: str,
    share_risk: bool = False,
    sharing_exception: SharingException | None = None,
    sharing_reason: str = "",
    now: datetime.datetime | None = None,
) -> Referral:
    """An officer's own referral, with the victim's answer (or the exception relied on)
    recorded at the same time."""
    now = _now(now)
    _police_only(by)
    if not agency.is_active:
        raise ValidationError({"agency": "This agency no longer takes referrals."})
    if Referral.objects.filter(party=party, agency=agency).open().exists():
        raise ValidationError({"agency": "This person already has an open referral there."})
    risk = ""
    if share_risk:
        latest = party.risk_assessments.order_by("-assessed_at").first()
        risk = latest.grade if latest else ""
    referral = Referral.objects.create(
        case=party.case,
        party=party,
        agency=agency,
        support_requested=support_requested,
        risk_level=risk,
        created_by=by,
        created_at=now,
    )
    _log(referral, "move", "", S.DRAFT, "Referral drafted", by=by, at=now)
    return record_consent(
        referral=referral,
        by=by,
        lawful_basis=lawful_basis,
        scope=scope,
        method=method,
        sharing_exception=sharing_exception,
        sharing_reason=sharing_reason,
        now=now,
    )


@transaction.atomic
def withdraw_consent(
    *, referral: Referral, by: User, how: str, now: datetime.datetime | None = None
) -> Referral:
    """The victim withdrew consent: nothing more is shared, the agency is told, and an open
    referral made on consent is withdrawn."""
    now = _now(now)
    _police_only(by)
    if not referral.consent_active:
        raise ValidationError("There is no consent in force to withdraw.")
    if not how.strip():
        raise ValidationError({"how": "Say how the victim withdrew consent."})
    withdrawn = Referral.objects.filter(
        pk=referral.pk, consent_recorded_at__isnull=False, consent_withdrawn_at__isnull=True
    ).update(consent_withdrawn_at=now, consent_withdrawn_by=by, version=F("version") + 1)
    if not withdrawn:
        raise ValidationError("There is no consent in force to withdraw.")
    referral.refresh_from_db()
    record_update(referral)
    _log(referral, "consent_withdrawn", "", "", how, by=by, at=now)
    if referral.lawful_basis in CONSENT_BASES and referral.status in OPEN_REFERRAL_STATUSES:
        _move(
            referral,
            S.WITHDRAWN,
            by=by,
            actor=POLICE,
            note="The victim withdrew consent.",
            now=now,
            check_actor=False,
        )
    if referral.sent_at is not None:
        _tell_agency(referral, now=now, consent=True)
    return referral


# --- moves -------------------------------------------------------------------------------------


POLICE_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE})


def _police_only(by: User) -> None:
    if by.agency_id is not None or not (by.roles & POLICE_ROLES):
        raise PermissionDenied("Only the police can do this.")


def _agency_only(by: User, referral: Referral) -> None:
    if by.agency_id != referral.agency_id or Role.AGENCY not in by.roles:
        raise PermissionDenied("Only the agency the referral was sent to can do this.")


def _log(referral, kind, from_status, to_status, note, *, by, at) -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        by=by,
        at=at,
    )


def _move(
    referral: Referral,
    to: str,
    *,
    by: User,
    actor: str,
    note: str = "",
    now,
    extra: dict | None = None,
    check_actor: bool = True,
) -> Referral:
    allowed = TRANSITIONS.get(referral.status, {})
    if to not in allowed:
        raise ValidationError(
            {
                "status": f"A referral that is {referral.get_status_display().lower()} cannot be "
                f"{S(to).label.lower()}."
            }
        )
    if check_actor and allowed[to] != actor:
        who = "the agency" if allowed[to] == AGENCY else "the police"
        raise PermissionDenied(f"Only {who} can make this referral {S(to).label.lower()}.")
    fields = {"status": to, **(extra or {})}
    moved = Referral.objects.filter(pk=referral.pk, status=referral.status).update(
        version=F("version") + 1, **fields
    )
    if not moved:
        raise ValidationError(
            {"status": "Someone else changed this referral just now. Reload it and try again."}
        )
    from_status = referral.status
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.version += 1
    record_update(referral)
    _log(referral, "move", from_status, to, note, by=by, at=now)
    return referral


@transaction.atomic
def send_referral(
    *, referral: Referral, by: User, now: datetime.datetime | None = None
) -> Referral:
    now = _now(now)
    _police_only(by)
    if referral.lawful_basis in CONSENT_BASES and not referral.consent_active:
        raise ValidationError(
            {"lawful_basis": "Record the victim's consent before sending the referral."}
        )
    if not referral.lawful_basis:
        raise ValidationError({"lawful_basis": "Record the lawful basis for sharing."})
    if (
        needs_opt_in(referral.party, on=timezone.localdate(now))
        and referral.lawful_basis == LawfulBasis.CONSENT
    ):
        raise ValidationError({"lawful_basis": "This victim must opt in with explicit consent."})
    if referral.shared_without_consent and exception_errors(
        referral.agency,
        referral.sharing_exception,
        referral.sharing_reason,
        on=timezone.localdate(now),
    ):
        # Recorded before the exception ended, or before exceptions were asked for.
        raise ValidationError(
            {
                "lawful_basis": "Without the victim's consent, record an exception in force for "
                "this agency and the reason, then send."
            }
        )
    if not SupportAgency.objects.filter(pk=referral.agency_id, is_active=True).exists():
        raise ValidationError({"agency": "This agency no longer takes referrals."})
    respond_by = calendar.working_days_after(now, referral.agency.response_target_working_days)
    _move(
        referral,
        S.SENT,
        by=by,
        actor=POLICE,
        now=now,
        note="Sent" if referral.status == S.DRAFT else "Sent again with more information",
        extra={"sent_at": now, "respond_by": respond_by.due_at, "responded_at": None},
    )
    if referral.agency.kind not in NOT_SUPPORT_SERVICES:
        duties.on_record(
            referral.party,
            MetBy.REFERRAL_SENT,
            at=now,
            by=by,
            record=f"Referral to {referral.agency}",
        )
    return referral


@transaction.atomic
def accept(*, referral, by, note: str = "", now=None) -> Referral:
    _agency_only(by, referral)
    now = _now(now)
    return _move(
        referral, S.ACCEPTED, by=by, actor=AGENCY, note=note, now=now, extra={"responded_at": now}
    )


@transaction.atomic
def decline(*, referral, by, reason: str, now=None) -> Referral:
    _agency_only(by, referral)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the referral is declined."})
    now = _now(now)
    return _move(
        referral,
        S.DECLINED,
        by=by,
        actor=AGENCY,
        note=reason,
        now=now,
        extra={"responded_at": now, "reason": reason},
    )


@transaction.atomic
def return_for_information(*, referral, by, reason: str, now=None) -> Referral:
    _agency_only(by, referral)
    if not reason.strip():
        raise ValidationError({"reason": "Say what information is needed."})
    now = _now(now)
    return _move(
        referral,
        S.RETURNED,
        by=by,
        actor=AGENCY,
        note=reason,
        now=now,
        extra={"responded_at": now, "reason": reason},
    )


@transaction.atomic
def start(*, referral, by, note: str = "", now=None) -> Referral:
    _agency_only(by, referral)
    return _move(referral, S.IN_PROGRESS, by=by, actor=AGENCY, note=note, now=_now(now))


@transaction.atomic
def close(*, referral, by, outcome: str, now=None) -> Referral:
    _agency_only(by, referral)
    if not outcome.strip():
        raise ValidationError({"outcome": "Record the outcome."})
    return _move(
        referral,
        S.CLOSED,
        by=by,
        actor=AGENCY,
        note=outcome,
        now=_now(now),
        extra={"outcome": outcome},
    )


@transaction.atomic
def withdraw(*, referral, by, reason: str, now=None) -> Referral:
    _police_only(by)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the referral is withdrawn."})
    now = _now(now)
    referral = _move(
        referral, S.WITHDRAWN, by=by, actor=POLICE, note=reason, now=now, extra={"reason": reason}
    )
    if referral.sent_at is not None:
        _tell_agency(referral, now=now, consent=False)
    return referral


@transaction.atomic
def add_update(*, referral, by, note: str, now=None) -> ReferralEvent:
    """A note from the agency (or the officer) on a referral that is under way."""
    if Role.AGENCY in by.roles:
        _agency_only(by, referral)
    else:
        _police_only(by)
    if referral.status not in (S.ACCEPTED, S.IN_PROGRESS, S.SENT, S.RETURNED):
        raise ValidationError({"note": "Updates are added while the referral is open."})
    if not note.strip():
        raise ValidationError({"note": "Write the update."})
    return _log(referral, "update", "", "", note, by=by, at=_now(now))


def _tell_agency(referral: Referral, *, now, consent: bool) -> None:
    events.publish(events.ReferralWithdrawn(referral=referral, at=now, consent=consent))
