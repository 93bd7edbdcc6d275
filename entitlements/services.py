"""The duty engine: what the Victims' Code and the Witness Charter ask of the force, case by case.

cases.services calls the `on_*` functions whenever something is recorded; officers call
meet_duty / decline_duty / mark_not_applicable, supervisors waive_duty. Times are passed in.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from accounts.models import Role, TeamMembership, User
from cases import dates
from cases.closure import Obstacle
from cases.models import (
    Case,
    CaseClosure,
    CaseEvent,
    Contact,
    ContactPurpose,
    EnhancedStatusChange,
    Party,
    UpdateAgreement,
)

from . import calendar, events
from .models import (
    OPEN_STATUSES,
    Duty,
    DutyAttempt,
    DutyRetiming,
    DutyRule,
    DutyStatus,
    MetBy,
    Owner,
    ReachPolicy,
    Trigger,
)


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%A %-d %B %Y at %H:%M")


def _day(d: datetime.date) -> str:
    return d.strftime("%A %-d %B")


# --- deadlines ---------------------------------------------------------------------------------


def deadline(
    rule: DutyRule, *, enhanced: bool, clock_at: datetime.datetime
) -> tuple[datetime.datetime, str]:
    """The due time for a rule and the working-day sum behind it, in words."""
    if rule.calendar_hours is not None:
        due = calendar.hours_after(clock_at, rule.calendar_hours)
        return due.due_at, f"{rule.calendar_hours} hours from {_local(clock_at)}."
    days = rule.enhanced_working_days if enhanced else rule.standard_working_days
    due = calendar.working_days_after(clock_at, days)
    rights = "enhanced rights" if enhanced else "standard rights"
    if days == 0:
        sum_ = f"By the end of the same day ({rights})."
    else:
        counted = ", ".join(_day(d) for d in due.working_days)
        sum_ = (
            f"{days} working day{'s' if days != 1 else ''} for {rights}, counted from the day "
            f"after {_day(timezone.localtime(clock_at).date())}: {counted}."
        )
        if due.skipped:
            sum_ += (
                " Not counted: " + ", ".join(f"{_day(d)} ({why})" for d, why in due.skipped) + "."
            )
    local_due = timezone.localtime(due.due_at)
    return due.due_at, f"{sum_} Due by the end of {local_due:%A %-d %B %Y} (23:59 London time)."


def _explain(rule: DutyRule, *, party: Party, clock_at, what: str, sum_: str) -> str:
    right = rule.right
    return (
        f"{right}: {rule.title}. Triggered by: {what}. "
        f"{party.person} is {party.get_role_display().lower()}"
        f"{' with enhanced rights' if party.enhanced else ''}. {sum_} "
        f"Rule {rule.code} of {rule.edition}, in force from {rule.effective_from:%-d %B %Y}. "
        f"Source: {rule.source}"
    )


def _what_changed(change: EnhancedStatusChange | None, *, enhanced: bool) -> str:
    """What changed the person's enhanced status, in words (without who), for a re-timed duty."""
    status = "They gained enhanced rights" if enhanced else "Their enhanced rights ended"
    return f"{status}: {change.reason.lower()}" if change is not None else status


def _why_changed(change: EnhancedStatusChange | None, *, enhanced: bool) -> str:
    """What changed the person's enhanced status and who, in words, for a re-timed duty."""
    who = f" by {change.changed_by}" if change is not None and change.changed_by else ""
    return f"{_what_changed(change, enhanced=enhanced)}{who}."


def age_on(born: datetime.date, on: datetime.date) -> int:
    """Whole years of age on a day (a 29 February birthday counts from 1 March)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _age_fits(rule: DutyRule, party: Party, on: datetime.date) -> bool:
    """Whether the person's age on the trigger's day is in the rule's band. With no date of
    birth, yes (the safer reading: see DutyRule.min_age); the duty then says why."""
    if rule.min_age is None and rule.max_age is None:
        return True
    born = party.person.date_of_birth
    if born is None:
        return True
    age = age_on(born, on)
    return (rule.min_age is None or age >= rule.min_age) and (
        rule.max_age is None or age <= rule.max_age
    )


def _age_note(rule: DutyRule, party: Party) -> str:
    """What the officer reads on a duty of an age-banded rule made without a date of birth."""
    if not rule.age_band or party.person.date_of_birth is not None:
        return ""
    return (
        f" This rule is for people {rule.age_band}. {party.person}'s date of birth is not "
        "recorded, so the duty was made to be safe: record it, and if they are outside that "
        "age mark the duty not applicable."
    )


def _applies(
    rule: DutyRule, party: Party, case: Case, event: CaseEvent | None, on: datetime.date
) -> bool:
    if party.role not in rule.roles:
        return False
    if rule.offence_flags and not set(rule.offence_flags) & set(case.offence_flags):
        return False
    if rule.min_custody_months is not None:
        months = event.custody_months if event is not None else None
        if months is None or months < rule.min_custody_months:
            return False
    # Last: the only check that may read the person.
    return _age_fits(rule, party, on)


def _create_duties(
    *,
    case: Case,
    trigger: str,
    parties: Iterable[Party],
    key: str,
    occurred_at: datetime.datetime,
    received_at: datetime.datetime | None = None,
    event: CaseEvent | None = None,
    what: str,
) -> list[Duty]:
    """Duties for every rule in force on the trigger's date that applies to each party."""
    on = timezone.localtime(occurred_at).date()
    rules = list(
        DutyRule.objects.in_force(on)
        .filter(trigger=trigger, recurring=False)
        .select_related("right")
    )
    created = []
    for party in parties:
        for rule in rules:
            if not _applies(rule, party, case, event, on):
                continue
            clock_at = received_at if rule.clock_from_receipt and received_at else occurred_at
            due_at, sum_ = deadline(rule, enhanced=party.enhanced, clock_at=clock_at)
            duty, made = Duty.objects.get_or_create(
                rule=rule,
                party=party,
                trigger_key=key,
                sequence=1,
                defaults={
                    "case": case,
                    "trigger_event": event,
                    "trigger_at": clock_at,
                    "trigger_label": what,
                    "enhanced": party.enhanced,
                    "due_at": due_at,
                    "owner": rule.owner,
                    "explanation": _explain(
                        rule, party=party, clock_at=clock_at, what=what, sum_=sum_
                    )
                    + _age_note(rule, party),
                },
            )
            if made:
                created.append(duty)
    return created


# --- triggers from cases -----------------------------------------------------------------------


def on_case_created(case: Case, *, at: datetime.datetime | None = None) -> None:
    """Right 2: the crime is recorded. Recording it in VictimCare meets the duty at once."""
    parties = list(case.parties.select_related("person"))
    duties = _create_duties(
        case=case,
        trigger=Trigger.CRIME_REPORTED,
        parties=parties,
        key=f"case:{case.pk}:reported",
        occurred_at=case.reported_at,
        what=f"crime reported on {_local(case.reported_at)}",
    )
    for duty in duties:
        recorded = case.recorded_at or at or case.created_at
        _meet(duty, at=recorded, by=case.created_by, record="The crime was recorded")


def on_party_added(party: Party, *, at: datetime.datetime, at_report: bool = False) -> None:
    """What the force owes each person from the start: the clock runs from `at` (the report,
    for people recorded with the case; the moment they were added, for people added later)."""
    _create_duties(
        case=party.case,
        trigger=Trigger.CRIME_RECORDED,
        parties=[party],
        key=f"party:{party.pk}:recorded",
        occurred_at=at,
        what=(
            f"crime reported on {_local(at)}" if at_report else f"added to the case on {_local(at)}"
        ),
    )


def on_event_recorded(event: CaseEvent) -> None:
    case = event.case
    parties = [event.party] if event.party_id else list(case.parties.select_related("person"))
    what = f"{event.get_kind_display().lower()} on {_local(event.occurred_at)}"
    if event.received_at:
        what += f", received by the Witness Care Unit on {_local(event.received_at)}"
    _create_duties(
        case=case,
        trigger=event.kind,
        parties=parties,
        key=f"event:{event.pk}",
        occurred_at=event.occurred_at,
        received_at=event.received_at,
        event=event,
        what=what,
    )


def on_event_withdrawn(event: CaseEvent, *, by: User, now: datetime.datetime | None = None) -> int:
    """A corrected event withdraws the open duties it triggered; the rows stay, with the reason."""
    return Duty.objects.filter(trigger_event=event, status__in=OPEN_STATUSES).update(
        status=DutyStatus.WITHDRAWN,
        reason=f"The event was withdrawn: {event.withdrawal_reason}",
        resolved_by=by,
        resolved_at=_now(now),
        updated_at=_now(now),
    )


def _closed_key(case: Case, at: datetime.datetime) -> str:
    # In UTC: the same moment read back from the database must give the same key.
    return f"case:{case.pk}:closed:{at.astimezone(datetime.UTC).isoformat()}"


def open_duties_blocking_closure(case: Case, now: datetime.datetime) -> list[Obstacle]:
    """The Code duties that stand in the way of closing the case: every duty still open (due,
    or missed and not resolved) for any of its people, save an agreed update not yet due, which
    the closing withdraws (the final update on the outcome takes its place). One query."""
    duties = (
        Duty.objects.filter(case=case, status__in=OPEN_STATUSES)
        .exclude(rule__recurring=True, due_at__gte=now)
        .select_related("rule__right", "party__person")
        .order_by("due_at", "id")
    )
    return [
        Obstacle(
            label=(
                f"{duty.rule.right}. {duty.rule.title}, for {duty.party.person} "
                f"({duty.party.get_role_display().lower()}): "
                + (
                    f"missed, it was due by {_local(duty.due_at)}"
                    if duty.due_at < now
                    else f"due by {_local(duty.due_at)}"
                )
            ),
            id=duty.pk,
        )
        for duty in duties
    ]


def on_case_closed(
    case: Case,
    *,
    at: datetime.datetime,
    closure: CaseClosure | None = None,
    by: User | None = None,
) -> None:
    """What no longer applies once the case is closed is withdrawn (the agreed updates not yet
    due: after the case closes there is nothing more to update on), kept with the closing so a
    reopening brings it back; and the rules for a closure start (the final update on the
    outcome). A duty a supervisor closed the case over stays open: it is still owed."""
    ending = case.duties.filter(status__in=OPEN_STATUSES, rule__recurring=True, due_at__gte=at)
    for duty in ending:
        duty.status = DutyStatus.WITHDRAWN
        duty.reason = f"The case was closed on {_local(at)}: no further updates are due."
        duty.resolved_by = by
        duty.resolved_at = at
        duty.withdrawn_by_closure = closure
        duty.save(
            update_fields=[
                "status",
                "reason",
                "resolved_by",
                "resolved_at",
                "withdrawn_by_closure",
                "updated_at",
            ]
        )
    _create_duties(
        case=case,
        trigger=Trigger.CASE_CLOSED,
        parties=list(case.parties.select_related("person")),
        key=_closed_key(case, at),
        occurred_at=at,
        what=f"case closed on {_local(at)}",
    )


def on_case_reopened(
    case: Case, *, closure: CaseClosure, at: datetime.datetime, by: User
) -> dict[str, list[Duty]]:
    """Reopening undoes what the closing did to the duties and starts what a reopening owes:
    - the duties the closing withdrew come back, each with the time it had left when the case
      closed (the clock does not run while a case is closed), and a line saying so;
    - the closing's own duties still open (the final update on the outcome) are withdrawn, as
      the case has no outcome now;
    - the rules for a reopening start (telling the victim the case has been reopened)."""
    why = closure.get_reopen_reason_display()
    if closure.reopen_details:
        why += f": {closure.reopen_details}"
    restored = []
    for duty in Duty.objects.filter(
        withdrawn_by_closure=closure, status=DutyStatus.WITHDRAWN
    ).select_related("rule"):
        withdrawn_at = duty.resolved_at or closure.closed_at
        was_due = duty.due_at
        if duty.due_at < at:
            duty.due_at = at + max(duty.due_at - withdrawn_at, datetime.timedelta(0))
        duty.status = DutyStatus.DUE
        duty.explanation += (
            f" Withdrawn on {_local(withdrawn_at)} when the case was closed; restored on "
            f"{_local(at)} when {by} reopened it ({why})"
            + (
                f", due by {_local(duty.due_at)} instead of {_local(was_due)}."
                if duty.due_at != was_due
                else "."
            )
        )
        duty.reason = ""
        duty.resolved_by = None
        duty.resolved_at = None
        duty.save(
            update_fields=[
                "status",
                "due_at",
                "explanation",
                "reason",
                "resolved_by",
                "resolved_at",
                "updated_at",
            ]
        )
        if duty.due_at != was_due:
            # Every move of a deadline is kept, for the duty page's "why is this due".
            DutyRetiming.objects.create(
                duty=duty,
                was_due_at=was_due,
                due_at=duty.due_at,
                at=at,
                reason=(f"The case was reopened ({why}): the time left when it closed runs again")[
                    :300
                ],
                changed_by=by,
            )
        restored.append(duty)
    withdrawn = []
    if closure.closed_at is not None:
        for duty in case.duties.filter(
            status__in=OPEN_STATUSES,
            rule__trigger=Trigger.CASE_CLOSED,
            trigger_key=_closed_key(case, closure.closed_at),
        ):
            duty.status = DutyStatus.WITHDRAWN
            duty.reason = f"The case was reopened on {_local(at)} ({why}): it has no outcome yet."
            duty.resolved_by = by
            duty.resolved_at = at
            duty.save(
                update_fields=["status", "reason", "resolved_by", "resolved_at", "updated_at"]
            )
            withdrawn.append(duty)
    started = _create_duties(
        case=case,
        trigger=Trigger.CASE_REOPENED,
        parties=list(case.parties.select_related("person")),
        key=f"case:{case.pk}:reopened:{at.astimezone(datetime.UTC).isoformat()}",
        occurred_at=at,
        what=f"case reopened on {_local(at)} ({why})",
    )
    return {"restored": restored, "withdrawn": withdrawn, "started": started}


def on_enhanced_changed(party: Party, *, now: datetime.datetime | None = None) -> int:
    """Re-time the party's open duties for its new status (recurring updates keep their date)."""
    now = _now(now)
    retimed = 0
    change = (
        party.enhanced_history.select_related("changed_by").order_by("-changed_at", "-id").first()
    )
    why = _why_changed(change, enhanced=party.enhanced)
    moves = []
    for duty in party.duties.filter(status__in=OPEN_STATUSES, rule__recurring=False).select_related(
        "rule__right"
    ):
        due_at, sum_ = deadline(duty.rule, enhanced=party.enhanced, clock_at=duty.trigger_at)
        moved = due_at != duty.due_at
        was_due = duty.due_at
        duty.enhanced = party.enhanced
        duty.due_at = due_at
        duty.explanation = _explain(
            duty.rule, party=party, clock_at=duty.trigger_at, what=duty.trigger_label, sum_=sum_
        )
        if moved:
            # Kept in the explanation itself: the old deadline and what moved it are what an
            # officer asks when a duty is suddenly due sooner (or later) than they planned.
            duty.explanation += (
                f"{Duty.RETIMED}{_local(now)}: it was due by {_local(was_due)}. {why}"
            )
            # And a row for each move, so the duty page can list every one, not only this.
            moves.append(
                DutyRetiming(
                    duty=duty,
                    was_due_at=was_due,
                    due_at=due_at,
                    at=now,
                    reason=_what_changed(change, enhanced=party.enhanced),
                    changed_by=change.changed_by if change is not None else None,
                )
            )
        duty.status = DutyStatus.MISSED if due_at < now else DutyStatus.DUE
        duty.save(update_fields=["enhanced", "due_at", "explanation", "status", "updated_at"])
        retimed += 1
    DutyRetiming.objects.bulk_create(moves)
    return retimed


def on_record(
    party: Party,
    kind: str,
    *,
    at: datetime.datetime,
    by: User,
    record: str,
) -> list[Duty]:
    """A record that meets duties by itself (a needs assessment, an agreement, a VPS offer...)."""
    met = []
    for duty in party.duties.filter(status__in=OPEN_STATUSES, rule__met_by=kind).select_related(
        "rule"
    ):
        _meet(duty, at=at, by=by, record=record)
        met.append(duty)
    return met


def on_case_record(case: Case, kind: str, *, at, by: User, record: str) -> None:
    for party in case.parties.all():
        on_record(party, kind, at=at, by=by, record=record)


def on_needs_assessed(assessment) -> None:
    party = assessment.party
    record = f"Needs assessment version {assessment.version}"
    on_record(
        party,
        MetBy.NEEDS_ASSESSMENT,
        at=assessment.assessed_at,
        by=assessment.assessed_by,
        record=record,
    )
    what = f"needs assessment completed on {_local(assessment.assessed_at)}"
    _create_duties(
        case=party.case,
        trigger=Trigger.NEEDS_ASSESSED,
        parties=[party],
        key=f"needs:{party.pk}",
        occurred_at=assessment.assessed_at,
        what=what,
    )
    if assessment.special_measures_needed:
        _create_duties(
            case=party.case,
            trigger=Trigger.SPECIAL_MEASURES_NEEDED,
            parties=[party],
            key=f"needs:{party.pk}:special_measures",
            occurred_at=assessment.assessed_at,
            what=f"special measures need identified on {_local(assessment.assessed_at)}",
        )


# --- the agreed updates: one recurring duty at a time ------------------------------------------


def _recurring_rule(party: Party, on: datetime.date) -> DutyRule | None:
    return (
        DutyRule.objects.in_force(on)
        .filter(trigger=Trigger.UPDATE_AGREED, recurring=True)
        .select_related("right")
        .first()
    )


def on_update_agreed(agreement: UpdateAgreement) -> None:
    party = agreement.party
    on_record(
        party,
        MetBy.UPDATE_AGREEMENT,
        at=agreement.agreed_at,
        by=agreement.agreed_by,
        record="Update agreement made",
    )
    _schedule_next_update(party, agreement)


def _schedule_next_update(party: Party, agreement: UpdateAgreement | None) -> Duty | None:
    """Keep exactly one open 'next agreed update' duty, due when the agreement says."""
    open_duty = party.duties.filter(status__in=OPEN_STATUSES, rule__recurring=True).first()
    if agreement is None or agreement.next_update_due_at is None:
        return open_duty
    rule = (
        open_duty.rule
        if open_duty
        else _recurring_rule(party, timezone.localtime(agreement.agreed_at).date())
    )
    if rule is None or party.role not in rule.roles:
        return open_duty
    explanation = (
        f"{rule.right}: {rule.title}. {party.person} agreed updates every "
        f"{agreement.frequency_days} day{'s' if agreement.frequency_days != 1 else ''} by "
        f"{agreement.get_method_display().lower()} on {_local(agreement.agreed_at)}; the next is "
        f"due {agreement.frequency_days} days after the agreement or the last update, whichever "
        f"is later: by {_local(agreement.next_update_due_at)}. Source: {rule.source}"
    )
    if open_duty is not None:
        open_duty.due_at = agreement.next_update_due_at
        open_duty.explanation = explanation
        open_duty.status = DutyStatus.DUE
        open_duty.save(update_fields=["due_at", "explanation", "status", "updated_at"])
        return open_duty
    last = party.duties.filter(rule__code=rule.code).order_by("-sequence").first()
    return Duty.objects.create(
        case=party.case,
        party=party,
        rule=rule,
        trigger_key=f"agreement:{party.pk}",
        sequence=(last.sequence + 1) if last else 1,
        trigger_at=agreement.agreed_at,
        trigger_label=f"update agreement made on {_local(agreement.agreed_at)}",
        enhanced=party.enhanced,
        due_at=agreement.next_update_due_at,
        owner=rule.owner,
        explanation=explanation,
    )


def on_contact(contact: Contact, *, meets: Iterable[Duty] = ()) -> list[Duty]:
    """A contact that reached the person meets the duties the officer ticked, and an update the
    agreed update. An attempt that did not reach them meets nothing: it is kept on those duties
    as evidence of effort, and they stay due."""
    reached = contact.outcome.counts_as_contact
    met = []
    for chosen in meets:
        # Read afresh: the copy passed in may be stale (met meanwhile by someone else).
        duty = Duty.objects.select_related("rule").get(pk=chosen.pk)
        if duty.party_id != contact.party_id or not duty.is_open:
            raise ValidationError(
                {"meets": "Choose only open duties owed to the person you contacted."}
            )
        if not reached:
            DutyAttempt.objects.get_or_create(duty=duty, contact=contact)
            continue
        if duty.rule.recurring and contact.purpose != ContactPurpose.UPDATE:
            # Met by any other contact, it would leave no next update scheduled.
            raise ValidationError(
                {"meets": "An agreed update is met by recording the contact as an update."}
            )
        _meet(duty, at=contact.occurred_at, by=contact.by, contact=contact)
        met.append(duty)
    if contact.purpose == ContactPurpose.UPDATE:
        party = contact.party
        recurring = party.duties.filter(status__in=OPEN_STATUSES, rule__recurring=True).first()
        if recurring is not None and not reached:
            DutyAttempt.objects.get_or_create(duty=recurring, contact=contact)
            return met
        if recurring is not None:
            _meet(recurring, at=contact.occurred_at, by=contact.by, contact=contact)
            met.append(recurring)
        agreement = party.update_agreements.filter(superseded_at__isnull=True).first()
        _schedule_next_update(party, agreement)
    return met


# --- resolving duties --------------------------------------------------------------------------


def _meet(duty: Duty, *, at, by, contact: Contact | None = None, record: str = "") -> Duty:
    duty.status = DutyStatus.MET if at <= duty.due_at else DutyStatus.MET_LATE
    duty.met_at = at
    duty.met_by = by
    duty.met_contact = contact
    duty.met_record = record or (f"Contact: {contact}" if contact else "")
    duty.save(
        update_fields=["status", "met_at", "met_by", "met_contact", "met_record", "updated_at"]
    )
    return duty


@transaction.atomic
def meet_duty(
    *,
    duty: Duty,
    by: User,
    at: datetime.datetime | None = None,
    contact: Contact | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Duty:
    now = _now(now)
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    if not duty.is_open:
        raise ValidationError(f"This duty is already {duty.get_status_display().lower()}.")
    # Met when the contact happened, not when it was written up.
    at = at or (contact.occurred_at if contact is not None else now)
    dates.check_past(now=now, at=at)
    if at < duty.trigger_at:
        raise ValidationError({"at": "A duty cannot be met before what triggered it."})
    if contact is not None and contact.party_id != duty.party_id:
        raise ValidationError({"contact": "That contact was with someone else."})
    if contact is not None and not contact.outcome.counts_as_contact:
        raise ValidationError(
            {"contact": f"That contact did not reach them ({contact.outcome}): it is an attempt."}
        )
    if contact is None and not note.strip():
        raise ValidationError({"note": "Say how the duty was met, or choose the contact."})
    return _meet(duty, at=at, by=by, contact=contact, record=note.strip())


def _resolve(duty: Duty, *, status: str, by: User, reason: str, now=None) -> Duty:
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    if not duty.is_open:
        raise ValidationError(f"This duty is already {duty.get_status_display().lower()}.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason."})
    duty.status = status
    duty.reason = reason.strip()
    duty.resolved_by = by
    duty.resolved_at = _now(now)
    duty.save(update_fields=["status", "reason", "resolved_by", "resolved_at", "updated_at"])
    return duty


@transaction.atomic
def decline_duty(*, duty: Duty, by: User, reason: str, now=None) -> Duty:
    """The victim did not want it (for example, no updates about arrests)."""
    return _resolve(duty, status=DutyStatus.DECLINED, by=by, reason=reason, now=now)


@transaction.atomic
def mark_not_applicable(*, duty: Duty, by: User, reason: str, now=None) -> Duty:
    return _resolve(duty, status=DutyStatus.NOT_APPLICABLE, by=by, reason=reason, now=now)


@transaction.atomic
def waive_duty(*, duty: Duty, by: User, reason: str, now=None) -> Duty:
    supervises = TeamMembership.objects.filter(
        user=by, team_id=duty.case.team_id, is_supervisor=True
    ).exists()
    if Role.SUPERVISOR not in by.roles or not supervises:
        raise PermissionDenied("Only a supervisor of the case's team can waive its duties.")
    return _resolve(duty, status=DutyStatus.WAIVED, by=by, reason=reason, now=now)


def mark_missed(*, now: datetime.datetime | None = None) -> int:
    """One set-based UPDATE: every due duty past its deadline becomes missed."""
    now = _now(now)
    return Duty.objects.filter(status=DutyStatus.DUE, due_at__lt=now).update(
        status=DutyStatus.MISSED, updated_at=now
    )


# --- people who cannot be reached --------------------------------------------------------------


def reach_policy(on: datetime.date) -> ReachPolicy | None:
    """The reach policy in force on a day (the latest to take effect), or None."""
    return ReachPolicy.objects.in_force(on).order_by("-effective_from").first()


@transaction.atomic
def flag_not_reachable(*, now: datetime.datetime | None = None) -> list[int]:
    """Flag "not reachable" every open duty whose person the policy in force says could not be
    reached: N attempts that did not reach them, or M working days with attempts and no contact,
    counted from when the duty arose or from its deadline (`ReachPolicy.days_counted_from`); with
    `flag_untried`, also a duty nobody tried once those days passed (only those that arose since
    the policy took effect). At most three UPDATEs, no loop over duties. A duty already flagged
    is not selected again, so a second run flags nothing and tells nobody twice (and
    notifications' unique rows back that up). Returns the ids flagged by this run."""
    now = _now(now)
    policy = reach_policy(timezone.localtime(now).date())
    if policy is None:
        return []
    candidates = Duty.objects.filter(status__in=OPEN_STATUSES, not_reachable_at__isnull=True)
    tried_enough = (
        DutyAttempt.objects.filter(
            duty__status__in=OPEN_STATUSES, duty__not_reachable_at__isnull=True
        )
        .values("duty")
        .annotate(n=Count("id"))
        .filter(n__gte=policy.failed_attempts)
        .values("duty")
    )
    plural = "s" if policy.failed_attempts != 1 else ""
    candidates.filter(pk__in=tried_enough).update(
        not_reachable_at=now,
        not_reachable_reason=(
            f"{policy.failed_attempts} or more attempt{plural} did not reach them"
        ),
        updated_at=now,
    )
    # The latest moment the M working days may have started from to be over by now.
    started_by = calendar.started_at_least_working_days_ago(now, policy.working_days)
    days = "day" if policy.working_days == 1 else "days"
    if policy.days_counted_from == ReachPolicy.CountFrom.DEADLINE:
        late = candidates.filter(due_at__lte=started_by)
        within = f"not reached within {policy.working_days} working {days} after its deadline"
    else:
        late = candidates.filter(trigger_at__lte=started_by)
        within = f"not reached within {policy.working_days} working {days} of the duty falling due"
    tried = Exists(DutyAttempt.objects.filter(duty=OuterRef("pk")))
    late.filter(tried).update(
        not_reachable_at=now, not_reachable_reason=f"{within}, despite attempts", updated_at=now
    )
    if policy.flag_untried:
        since = datetime.datetime.combine(policy.effective_from, datetime.time(), calendar.LONDON)
        late.filter(~tried, trigger_at__gte=since).update(
            not_reachable_at=now,
            not_reachable_reason=f"{within}, and no attempt was recorded",
            updated_at=now,
        )
    # This run's rows are those stamped with its moment (the partial index holds only flagged
    # open duties, so this reads a handful).
    flagged = list(
        Duty.objects.filter(status__in=OPEN_STATUSES, not_reachable_at=now)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if flagged:
        events.publish(events.DutiesNotReachable(duty_ids=tuple(flagged), at=now))
    return flagged


OWNER_LABELS = dict(Owner.choices)
