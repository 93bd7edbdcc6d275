"""Actions on cases: one function per thing an officer does. Keyword-only; `now` is passed in
by the caller (or read once here) so tests and the benchmark can set the clock."""

import datetime
import re
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.models import Role, TeamKind, TeamMembership, User
from audit.history import record_update

from . import closure, dates, events, persistent_targeting, rules, safe_channels
from .events import RecordKind
from .models import (
    ASKED_FLAGS,
    DERIVED_BASES,
    RECEIVED_EVENT_KINDS,
    RISK_ORDER,
    VPS_ANSWERS,
    Basis,
    BasisSource,
    Case,
    CaseClosure,
    CaseEvent,
    CaseOutcome,
    CaseStatus,
    Contact,
    ContactOutcome,
    ContactPurpose,
    CrimeReferenceFormat,
    EligibilityBasis,
    EnhancedRightsPolicy,
    EnhancedStatusChange,
    EventKind,
    NeedsAssessment,
    OffenceCategory,
    OffenceFlag,
    Party,
    PartyRole,
    Person,
    ReopenReason,
    RiskAnswer,
    RiskAssessment,
    RiskGrade,
    RiskQuestionSet,
    SafeContact,
    SpecialMeasuresRecord,
    UpdateAgreement,
    VictimPersonalStatement,
    VpsReading,
    VpsStage,
    VpsStatus,
    WitnessCare,
)
from .permissions import supervises_case


class EditConflict(Exception):
    """Someone else saved this record after the user opened it."""

    message = (
        "Someone else saved this record while you were editing it. Your changes have not been "
        "saved: check the latest version below, then make your changes again."
    )


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _save_versioned(instance, *, expected_version: int, fields: dict) -> None:
    """Optimistic locking: update only if nobody saved since `expected_version` was read."""
    model = type(instance)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=["version"])
    stamps = {
        field.attname: field.pre_save(instance, add=False)
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False)
    }
    updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **fields, **stamps
    )
    if not updated:
        raise EditConflict
    instance.version = expected_version + 1
    record_update(instance)  # no save() ran: keep the change in the record's history


# --- reference data ----------------------------------------------------------------------------


def validate_crime_reference(reference: str, *, on: datetime.date) -> str:
    reference = reference.strip().upper()
    fmt = CrimeReferenceFormat.objects.in_force(on)
    if fmt and not re.fullmatch(fmt.pattern, reference):
        raise ValidationError(
            {"crime_reference": f"Enter the crime reference in the format {fmt.example}."}
        )
    return reference


def _policy(on: datetime.date) -> EnhancedRightsPolicy:
    policy = EnhancedRightsPolicy.objects.in_force(on)
    if policy is None:
        raise ValidationError("No enhanced rights policy is in force on this date.")
    return policy


ASSESSED_BASES = frozenset(Basis.values) - DERIVED_BASES

# The evidence recorded for a basis the victim told of on the new case form.
ANSWERED_AT_RECORDING = "The victim's answer when the case was recorded"

# --- cases and people --------------------------------------------------------------------------

CASE_FIELDS = {
    "offence",
    "offence_summary",
    "occurred_at",
    "reported_at",
    "recorded_at",
    "team",
    "officer",
    "restricted",
    "mental_health_demand",
    "thrive_grade",
    "added_flags",
}


def _check_case_fields(fields: dict) -> None:
    """The officer in the case must be an active officer; the offence must be in use."""
    errors = {}
    officer = fields.get("officer")
    if officer is not None and not (officer.is_active and Role.OFFICER in officer.roles):
        errors["officer"] = "Choose an active officer."
    team = fields.get("team")
    if team is not None and team.kind == TeamKind.WITNESS_CARE_UNIT:
        errors["team"] = "A Witness Care Unit cannot own a case: choose the investigating team."
    offence = fields.get("offence")
    if offence is not None and not offence.is_active:
        errors["offence"] = "This offence category is no longer in use."
    if set(fields.get("added_flags") or ()) - set(ASKED_FLAGS):
        errors["added_flags"] = "Choose domestic abuse, hate crime or sexual offence."
    if errors:
        raise ValidationError(errors)


def _check_case_dates(fields: dict, *, now: datetime.datetime) -> None:
    """The crime happened, was reported, then recorded, all by now (cases.dates)."""
    errors = dates.case_date_errors(
        occurred_at=fields.get("occurred_at"),
        reported_at=fields.get("reported_at"),
        recorded_at=fields.get("recorded_at"),
        now=now,
    )
    if errors:
        raise ValidationError(errors)


def _offence_day(case: Case) -> datetime.date:
    return timezone.localdate(case.occurred_at)


def _check_date_of_birth(
    date_of_birth: datetime.date | None,
    *,
    now: datetime.datetime,
    offence_on: datetime.date | None = None,
) -> None:
    if date_of_birth is None:
        return
    error = dates.date_of_birth_error(
        date_of_birth, today=timezone.localdate(now), offence_on=offence_on
    )
    if error:
        raise ValidationError({"date_of_birth": error})


@transaction.atomic
def create_case(
    *,
    by: User,
    crime_reference: str,
    victim: Person | dict,
    victim_role: str = PartyRole.VICTIM,
    victim_bases: Iterable[str] = (),
    now: datetime.datetime | None = None,
    **fields,
) -> Case:
    """Open a case with its first victim (an existing person or the details of a new one).

    `victim_bases` are the vulnerable or intimidated bases the victim told the officer of when
    the case was recorded: recorded before the duties are made, so they are timed on enhanced
    days from the first minute rather than re-timed a moment later."""
    now = _now(now)
    unknown = set(fields) - CASE_FIELDS
    if unknown:
        raise TypeError(f"unexpected case fields: {sorted(unknown)}")
    reference = validate_crime_reference(crime_reference, on=timezone.localdate(now))
    _check_case_fields(fields)
    _check_case_dates(fields, now=now)
    if Case.objects.filter(crime_reference=reference).exists():
        raise ValidationError({"crime_reference": "A case with this crime reference exists."})
    case = Case(crime_reference=reference, created_by=by, **fields)
    case.full_clean()
    case.save()
    person = victim if isinstance(victim, Person) else create_person(by=by, **victim)
    add_party(
        case=case,
        person=person,
        role=victim_role,
        by=by,
        now=now,
        clock_at=case.reported_at,
        assessed={basis: ANSWERED_AT_RECORDING for basis in victim_bases},
    )
    events.publish(events.CaseCreated(case=case, at=now))
    return case


@transaction.atomic
def update_case(
    *, case: Case, by: User, expected_version: int, now: datetime.datetime | None = None, **fields
) -> Case:
    unknown = set(fields) - CASE_FIELDS
    if unknown:
        raise TypeError(f"unexpected case fields: {sorted(unknown)}")
    _check_case_fields({k: v for k, v in fields.items() if getattr(case, k, None) != v})
    moments = {"occurred_at", "reported_at", "recorded_at"}
    if any(name in fields and getattr(case, name) != fields[name] for name in moments):
        _check_case_dates(
            {name: fields.get(name, getattr(case, name)) for name in moments}, now=_now(now)
        )
    if "occurred_at" in fields and fields["occurred_at"] != case.occurred_at:
        offence_on = timezone.localdate(fields["occurred_at"])
        born_later = case.parties.filter(
            role__in=dates.BORN_BY_OFFENCE, person__date_of_birth__gt=offence_on
        )
        if born_later.exists():
            raise ValidationError(
                {
                    "occurred_at": "Someone in the case was born after this date: check the "
                    "date of the offence and their date of birth."
                }
            )
    facts_changed = any(
        getattr(case, name) != value
        for name, value in fields.items()
        if name in {"offence", "occurred_at", "added_flags"}
    )
    _save_versioned(case, expected_version=expected_version, fields=fields)
    if facts_changed:
        for party in case.parties.select_related("person"):
            recompute_enhanced(party=party, by=by, reason="Offence details changed", now=now)
    return case


PERSON_FIELDS = {
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "address",
    "postcode",
    "preferred_language",
    "interpreter_needed",
    "communication_needs",
    "sex",
    "ethnicity",
}


def create_person(*, by: User, now: datetime.datetime | None = None, **fields) -> Person:
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"unexpected person fields: {sorted(unknown)}")
    _check_date_of_birth(fields.get("date_of_birth"), now=_now(now))
    person = Person(**fields)
    person.full_clean()
    person.save()
    SafeContact.objects.create(person=person, updated_by=by)
    return person


@transaction.atomic
def update_person(
    *,
    person: Person,
    by: User,
    expected_version: int,
    now: datetime.datetime | None = None,
    **fields,
) -> Person:
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"unexpected person fields: {sorted(unknown)}")
    dob_changed = "date_of_birth" in fields and fields["date_of_birth"] != person.date_of_birth
    if dob_changed:
        _check_date_of_birth(fields["date_of_birth"], now=_now(now))
        first_offence = (
            Case.objects.filter(parties__person=person, parties__role__in=dates.BORN_BY_OFFENCE)
            .order_by("occurred_at")
            .values_list("occurred_at", flat=True)
            .first()
        )
        if first_offence is not None:
            _check_date_of_birth(
                fields["date_of_birth"],
                now=_now(now),
                offence_on=timezone.localdate(first_offence),
            )
    _save_versioned(person, expected_version=expected_version, fields=fields)
    if dob_changed:
        for party in person.parties.select_related("case__offence"):
            recompute_enhanced(party=party, by=by, reason="Date of birth changed", now=now)
    return person


SAFE_CONTACT_FIELDS = {
    "phone_safe",
    "text_safe",
    "email_safe",
    "letter_safe",
    "visit_safe",
    "safe_times",
    "may_leave_message",
    "alternative_contact",
    "notes",
}


def save_safe_contact(
    *,
    person: Person,
    by: User,
    expected_version: int,
    now: datetime.datetime | None = None,
    **fields,
) -> SafeContact:
    """Record the person's answer on how they may safely be contacted."""
    unknown = set(fields) - SAFE_CONTACT_FIELDS
    if unknown:
        raise TypeError(f"unexpected safe contact fields: {sorted(unknown)}")
    safe, _ = SafeContact.objects.get_or_create(person=person)
    _save_versioned(
        safe,
        expected_version=expected_version,
        fields={**fields, "updated_by": by, "answered_at": _now(now)},
    )
    return safe


@transaction.atomic
def add_party(
    *,
    case: Case,
    person: Person,
    role: str,
    by: User,
    now: datetime.datetime | None = None,
    clock_at: datetime.datetime | None = None,
    assessed: Mapping[str, str] | None = None,
) -> Party:
    """Add a person to the case. What is owed to them runs from `clock_at` (the report, for the
    first victim) or from now. `assessed` maps bases the officer found to apply to what they are
    based on; they are recorded before the duties are made."""
    if Party.objects.filter(case=case, person=person, role=role).exists():
        raise ValidationError({"role": "This person already has that role in the case."})
    if role in dates.BORN_BY_OFFENCE:
        _check_date_of_birth(person.date_of_birth, now=_now(now), offence_on=_offence_day(case))
    party = Party(case=case, person=person, role=role)
    party.full_clean()
    party.save()
    assessed = dict(assessed or {})
    if set(assessed) - ASSESSED_BASES:
        raise ValidationError({"basis": "This basis is worked out from the record itself."})
    for basis, evidence in assessed.items():
        _upsert_basis(
            party,
            basis,
            applies=True,
            source=BasisSource.OFFICER,
            evidence=evidence,
            by=by,
            now=_now(now),
        )
    recompute_enhanced(party=party, by=by, reason="Added to the case", now=now)
    now = _now(now)
    # Before PartyAdded, so a victim found persistently targeted has enhanced duties at once.
    persistent_targeting.check_victim(party, now=now)
    events.publish(
        events.PartyAdded(party=party, at=clock_at or now, at_report=clock_at is not None, now=now)
    )
    return party


# --- enhanced rights ---------------------------------------------------------------------------


@transaction.atomic
def recompute_enhanced(
    *, party: Party, by: User | None, reason: str, now: datetime.datetime | None = None
) -> bool:
    """Work out the derived bases and whether the party is entitled to enhanced rights.

    Keeps a history row whenever the answer or the bases behind it change.
    """
    now = _now(now)
    case = party.case
    offence_date = timezone.localdate(case.occurred_at)
    policy = _policy(offence_date)
    derived = rules.derived_bases(
        role=party.role,
        offence_flags=case.offence_flags,
        date_of_birth=party.person.date_of_birth,
        offence_date=offence_date,
        most_serious_flags=policy.most_serious_flags,
        automatic_intimidated=policy.automatic_intimidated_flags,
        under_age=policy.vulnerable_under_age,
    )
    existing = {b.basis: b for b in EligibilityBasis.objects.filter(party=party)}
    for basis in DERIVED_BASES:
        row = existing.get(basis)
        if basis in derived:
            if row is None or not row.applies or row.evidence != derived[basis]:
                row = _upsert_basis(
                    party,
                    basis,
                    applies=True,
                    source=BasisSource.DERIVED,
                    evidence=derived[basis],
                    by=None,
                    now=now,
                )
        elif row is not None and row.source == BasisSource.DERIVED and row.applies:
            row = _upsert_basis(
                party,
                basis,
                applies=False,
                source=BasisSource.DERIVED,
                evidence="No longer shown by the record",
                by=None,
                now=now,
            )
        if row is not None:
            existing[basis] = row
    intimidated = existing.get(Basis.INTIMIDATED)
    automatic = Basis.INTIMIDATED in derived and (intimidated is None or not intimidated.opted_out)
    if automatic and (intimidated is None or not intimidated.applies):
        existing[Basis.INTIMIDATED] = _upsert_basis(
            party,
            Basis.INTIMIDATED,
            applies=True,
            source=BasisSource.AUTOMATIC,
            evidence=derived[Basis.INTIMIDATED],
            by=None,
            now=now,
        )
    elif (
        Basis.INTIMIDATED not in derived
        and intimidated is not None
        and intimidated.source == BasisSource.AUTOMATIC
        and intimidated.applies
    ):
        existing[Basis.INTIMIDATED] = _upsert_basis(
            party,
            Basis.INTIMIDATED,
            applies=False,
            source=BasisSource.AUTOMATIC,
            evidence="No longer automatic for this offence",
            by=None,
            now=now,
        )
    applying = sorted(code for code, row in existing.items() if row.applies)
    enhanced = bool(applying)
    last = party.enhanced_history.order_by("-changed_at", "-id").first()
    if last is None or last.enhanced != enhanced or last.bases != applying:
        EnhancedStatusChange.objects.create(
            party=party,
            enhanced=enhanced,
            bases=applying,
            reason=reason,
            changed_at=now,
            changed_by=by,
        )
    if party.enhanced != enhanced:
        party.enhanced = enhanced
        Party.objects.filter(pk=party.pk).update(enhanced=enhanced)
        events.publish(events.EnhancedChanged(party=party, now=_now(now)))
    return enhanced


def _upsert_basis(
    party, basis, *, applies, source, evidence, by, now, factors=None, opted_out=False
):
    row, _ = EligibilityBasis.objects.update_or_create(
        party=party,
        basis=basis,
        defaults={
            "applies": applies,
            "source": source,
            "evidence": evidence,
            "assessed_by": by,
            "assessed_at": now,
            "intimidation_factors": factors or [],
            "opted_out": opted_out,
        },
    )
    return row


@transaction.atomic
def record_basis(
    *,
    party: Party,
    basis: str,
    applies: bool,
    evidence: str,
    by: User,
    factors: Iterable[str] = (),
    opted_out: bool = False,
    source: str = BasisSource.OFFICER,
    now: datetime.datetime | None = None,
) -> bool:
    """An officer's finding on one basis. Returns the party's enhanced status afterwards."""
    now = _now(now)
    if basis not in ASSESSED_BASES:
        raise ValidationError({"basis": "This basis is worked out from the record itself."})
    if opted_out and basis != Basis.INTIMIDATED:
        raise ValidationError({"opted_out": "Only automatic intimidation can be opted out of."})
    if not evidence.strip():
        raise ValidationError({"evidence": "Say what the finding is based on."})
    _upsert_basis(
        party,
        basis,
        applies=applies and not opted_out,
        source=source,
        evidence=evidence,
        by=by,
        now=now,
        factors=list(factors),
        opted_out=opted_out,
    )
    return recompute_enhanced(party=party, by=by, reason="Eligibility assessed", now=now)


# --- contacts, events and updates --------------------------------------------------------------


def record_contact(
    *,
    case: Case,
    party: Party,
    by: User,
    occurred_at: datetime.datetime,
    method: str,
    purpose: str,
    summary: str,
    outcome: ContactOutcome | str = ContactOutcome.REACHED,
    direction: str = "outgoing",
    meets: Iterable = (),
    now: datetime.datetime | None = None,
) -> Contact:
    """Log a contact, or an attempt at one: `outcome` says whether the person was reached. It
    can meet the person's open duties in the same step (`meets`); an attempt that did not reach
    them meets nothing and is kept on those duties as evidence of effort (entitlements).

    The forms and the API always name the outcome; the default is for the records VictimCare
    makes of what it delivered itself (the written acknowledgement)."""
    now = _now(now)
    if party.case_id != case.pk:
        raise ValidationError({"party": "This person is not part of this case."})
    if isinstance(outcome, str):
        outcome = ContactOutcome.objects.filter(code=outcome).first()
    if outcome is None or not outcome.is_active:
        raise ValidationError({"outcome": "Choose what came of the contact."})
    dates.check_past(now=now, occurred_at=occurred_at)
    # Before the transaction: a refusal must leave its audit row behind.
    safe_channels.check_safe(
        party=party, by=by, method=method, outcome=outcome, direction=direction
    )
    with transaction.atomic():
        contact = Contact(
            case=case,
            party=party,
            by=by,
            occurred_at=occurred_at,
            method=method,
            purpose=purpose,
            outcome=outcome,
            summary=summary,
            direction=direction,
        )
        contact.full_clean()
        contact.save()
        if purpose == ContactPurpose.UPDATE and outcome.counts_as_contact:
            _refresh_next_update(party)
        events.publish(events.ContactRecorded(contact=contact, meets=tuple(meets)))
    return contact


def _record_made(
    kind: RecordKind, party: Party, subject, *, at: datetime.datetime, by: User, record: str
) -> None:
    """A record about one person that meets a duty by itself: told to the apps above."""
    events.publish(
        events.RecordMade(
            kind=kind, case=party.case, party=party, at=at, by=by, record=record, subject=subject
        )
    )


def _refresh_next_update(party: Party) -> None:
    agreement = party.update_agreements.filter(superseded_at__isnull=True).first()
    if agreement is None:
        return
    # Only an update that reached them: an unanswered call is not the update they agreed to.
    last = party.contacts.filter(
        purpose=ContactPurpose.UPDATE, outcome__counts_as_contact=True
    ).aggregate(m=Max("occurred_at"))["m"]
    agreement.next_update_due_at = rules.next_update_due(
        agreed_at=agreement.agreed_at,
        frequency_days=agreement.frequency_days,
        last_update_at=last,
    )
    agreement.save(update_fields=["next_update_due_at"])


@transaction.atomic
def agree_updates(
    *,
    party: Party,
    by: User,
    frequency_days: int,
    method: str,
    notes: str = "",
    now: datetime.datetime | None = None,
) -> UpdateAgreement:
    """Record (or change) how often and how the victim wants updates; the old one is kept."""
    now = _now(now)
    if not 1 <= frequency_days <= 365:
        raise ValidationError({"frequency_days": "Enter a number of days from 1 to 365."})
    party.update_agreements.filter(superseded_at__isnull=True).update(superseded_at=now)
    agreement = UpdateAgreement(
        party=party,
        frequency_days=frequency_days,
        method=method,
        notes=notes,
        agreed_at=now,
        agreed_by=by,
    )
    agreement.full_clean(exclude=["next_update_due_at"])
    agreement.save()
    _refresh_next_update(party)
    agreement.refresh_from_db()
    events.publish(events.UpdatesAgreed(agreement=agreement))
    return agreement


EVENT_STATUS = {
    EventKind.PASSED_TO_WCU: CaseStatus.WITH_WCU,
    EventKind.CHARGE: CaseStatus.WITH_WCU,
}
# The case's fields an event may change, and the kinds of event that change each.
EVENT_CHANGES = {
    "status": frozenset(EVENT_STATUS),
    "wcu_team": frozenset({EventKind.PASSED_TO_WCU}),
}


def _field_value(case: Case, name: str):
    """A case field as an event's `changes` keep it: a related record by its id."""
    return getattr(case, case._meta.get_field(name).attname)


def _field_value_of(value):
    return value.pk if hasattr(value, "pk") else value


def _set_case_fields(case: Case, changes: dict) -> None:
    """Change some of the case's fields at once (a new version), kept in its history."""
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1, **changes)
    for name, value in changes.items():
        setattr(case, name, value)
    case.version += 1
    record_update(case)


def _undo_changes(event: CaseEvent) -> dict:
    """Put back what the event changed on the case, field by field: only where the case still
    holds what the event set, and no other event still standing would have set it too (a charge
    withdrawn after the case was also passed to the Witness Care Unit leaves it there)."""
    case = Case.objects.select_for_update().get(pk=event.case_id)
    undone = {}
    for name, (before, after) in (event.changes or {}).items():
        field = case._meta.get_field(name)
        if getattr(case, field.attname) != after:
            continue  # changed since, by someone or something else: theirs stands
        others = (
            CaseEvent.objects.current()
            .filter(case=case, kind__in=EVENT_CHANGES[name])
            .exclude(pk=event.pk)
        )
        if others.exists():
            continue
        undone[field.attname] = before
    if undone:
        _set_case_fields(case, undone)
        event.case = case
    return undone


@transaction.atomic
def record_event(
    *,
    case: Case,
    by: User,
    kind: str,
    occurred_at: datetime.datetime,
    received_at: datetime.datetime | None = None,
    party: Party | None = None,
    hearing_at: datetime.datetime | None = None,
    venue: str = "",
    outcome: str = "",
    custody_months: int | None = None,
    notes: str = "",
    wcu_team=None,
    now: datetime.datetime | None = None,
) -> CaseEvent:
    now = _now(now)
    errors = {}
    if kind not in EventKind.values:
        errors["kind"] = "Choose what happened."
    errors.update(dates.past_errors(now=now, occurred_at=occurred_at, received_at=received_at))
    if hearing_at is not None and (error := dates.ahead_moment_error(hearing_at, now=now)):
        errors["hearing_at"] = error
    if kind in RECEIVED_EVENT_KINDS and received_at is None:
        errors["received_at"] = "Say when the Witness Care Unit received this from court or CPS."
    if "received_at" not in errors and received_at is not None and received_at < occurred_at:
        errors["received_at"] = "It cannot have been received before it happened."
    if kind == EventKind.HEARING_LISTED and (hearing_at is None or not venue):
        errors["hearing_at"] = "Give the date, time and venue of the hearing."
    if kind == EventKind.HEARING_MOVED and hearing_at is None:
        errors["hearing_at"] = "Give the new date and time of the hearing."
    if kind == EventKind.SENTENCE and custody_months is None:
        errors["custody_months"] = "Enter the custody length in months (0 for none)."
    if kind in {EventKind.REQUIRED_TO_GIVE_EVIDENCE, EventKind.SPECIAL_MEASURES_DECISION} and (
        party is None
    ):
        errors["party"] = "Choose the witness this concerns."
    if kind == EventKind.COMPLAINT and party is None:
        # Without one, the complaint's duties would be owed to everyone in the case.
        errors["party"] = "Choose the person who made the complaint."
    if party is not None and party.case_id != case.pk:
        errors["party"] = "This person is not part of this case."
    if wcu_team is not None and wcu_team.kind != TeamKind.WITNESS_CARE_UNIT:
        errors["wcu_team"] = "Choose a Witness Care Unit."
    if kind == EventKind.PASSED_TO_WCU and wcu_team is None and case.wcu_team_id is None:
        errors["wcu_team"] = "Choose the Witness Care Unit."
    if case.status == CaseStatus.CLOSED:
        errors["kind"] = "This case is closed: no more events can be recorded on it."
    if errors:
        raise ValidationError(errors)
    changes = {}
    if kind in EVENT_STATUS and case.status != EVENT_STATUS[kind]:
        changes["status"] = EVENT_STATUS[kind]
    if kind == EventKind.PASSED_TO_WCU and wcu_team is not None and wcu_team.pk != case.wcu_team_id:
        changes["wcu_team"] = wcu_team
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        occurred_at=occurred_at,
        received_at=received_at,
        party=party,
        hearing_at=hearing_at,
        venue=venue,
        outcome=outcome,
        custody_months=custody_months,
        notes=notes,
        recorded_by=by,
        # Kept so that withdrawing the event can put the case back as it was.
        changes={
            name: [_field_value(case, name), _field_value_of(value)]
            for name, value in changes.items()
        }
        or None,
    )
    if changes:
        _set_case_fields(case, changes)
    events.publish(events.EventRecorded(event=event))
    return event


@transaction.atomic
def withdraw_event(
    *, event: CaseEvent, by: User, reason: str, now: datetime.datetime | None = None
) -> CaseEvent:
    """Correct a mistaken event: it stays on record, marked withdrawn, with who and why."""
    if event.withdrawn_at is not None:
        raise ValidationError("This event has already been withdrawn.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the event is being withdrawn."})
    event.withdrawn_at = _now(now)
    event.withdrawn_by = by
    event.withdrawal_reason = reason
    event.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    _undo_changes(event)
    events.publish(events.EventWithdrawn(event=event, by=by, at=event.withdrawn_at))
    return event


OPEN_DUTIES_OFFICER = (
    "These Code duties are still open. Meet them, record that the person declined, or mark "
    "them not applicable; or ask a supervisor of the case's team to close the case with them "
    "open."
)
OPEN_DUTIES_SUPERVISOR = "Give the reason for closing the case with these duties still open."


@transaction.atomic
def close_case(
    *,
    case: Case,
    by: User,
    outcome: str,
    expected_version: int,
    override_reason: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Close the case. Refused while anything is still owed on it (cases.closure: a Code duty
    open for any of its people), unless a supervisor of the case's team closes it anyway and
    says why; that override is kept on the closing (CaseClosure) and the duties stay open."""
    now = _now(now)
    if outcome not in CaseOutcome.values:
        raise ValidationError({"outcome": "Choose the outcome."})
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("This case is already closed.")
    # Taken in turn with anything else that changes the case, so the duties read are current.
    Case.objects.select_for_update().only("pk").get(pk=case.pk)
    still_open = closure.obstacles(case, now=now)
    reason = override_reason.strip()
    if still_open:
        supervises = supervises_case(by, case)
        if not (supervises and reason):
            raise ValidationError(
                {
                    "open_duties": [item.label for item in still_open],
                    "override_reason": (
                        OPEN_DUTIES_SUPERVISOR if supervises else OPEN_DUTIES_OFFICER
                    ),
                }
            )
    else:
        reason = ""  # nothing was overridden
    _save_versioned(
        case,
        expected_version=expected_version,
        fields={"status": CaseStatus.CLOSED, "outcome": outcome, "closed_at": now},
    )
    closing = CaseClosure.objects.create(
        case=case,
        closed_at=now,
        closed_by=by,
        outcome=outcome,
        open_duties=len(still_open),
        override_reason=reason,
    )
    events.publish(events.CaseClosed(case=case, at=now, closure=closing))
    return case


@transaction.atomic
def reopen_case(
    *,
    case: Case,
    by: User,
    reason: str,
    expected_version: int,
    details: str = "",
    now: datetime.datetime | None = None,
) -> CaseClosure:
    """A supervisor of the case's team reopens a closed case, saying why. Its status is what
    the events still standing give it; what the Code then owes is for entitlements to work out
    (CaseReopened)."""
    now = _now(now)
    if case.status != CaseStatus.CLOSED:
        raise ValidationError("This case is not closed.")
    if not supervises_case(by, case):
        raise PermissionDenied("Only a supervisor of the case's team can reopen it.")
    details = details.strip()
    errors = {}
    if reason not in ReopenReason.values:
        errors["reason"] = "Choose why the case is being reopened."
    elif reason == ReopenReason.OTHER and not details:
        errors["details"] = "Say why the case is being reopened."
    if errors:
        raise ValidationError(errors)
    closing = (
        CaseClosure.objects.select_for_update().filter(case=case, reopened_at__isnull=True).first()
    )
    if closing is None:  # closed before closings were recorded
        closing = CaseClosure(case=case, closed_at=case.closed_at, outcome=case.outcome)
    charged = case.events.current().filter(kind__in=EVENT_STATUS).exists()
    _save_versioned(
        case,
        expected_version=expected_version,
        fields={
            "status": CaseStatus.WITH_WCU if charged else CaseStatus.UNDER_INVESTIGATION,
            "outcome": "",
            "closed_at": None,
        },
    )
    closing.reopened_at = now
    closing.reopened_by = by
    closing.reopen_reason = reason
    closing.reopen_details = details
    closing.save()
    events.publish(events.CaseReopened(case=case, closure=closing, at=now, by=by))
    return closing


# --- assessments -------------------------------------------------------------------------------

NEEDS_FIELDS = {f.name for f in NeedsAssessment._meta.fields} - {
    "id",
    "party",
    "version",
    "assessed_at",
    "assessed_by",
}

NEEDS_BASES = {
    "mental_disorder": Basis.MENTAL_DISORDER,
    "impairment_of_intelligence": Basis.IMPAIRMENT,
    "physical_disability": Basis.PHYSICAL,
    "persistently_targeted": Basis.PERSISTENTLY_TARGETED,
    "intimidated": Basis.INTIMIDATED,
}


def latest_needs_version(party: Party) -> int:
    """The version of the party's latest needs assessment, 0 if none: what a form opens on."""
    return party.needs_assessments.aggregate(m=Max("version"))["m"] or 0


@transaction.atomic
def record_needs_assessment(
    *,
    party: Party,
    by: User,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
    **answers,
) -> NeedsAssessment:
    """A new version of the needs assessment. What it finds sets the eligibility bases.

    `expected_version` is the latest version the user opened (0 for none): if someone saved a
    newer one meanwhile, EditConflict, rather than silently replacing theirs. The forms and the
    API always pass it; a caller that read nothing (the demo) may leave it out."""
    now = _now(now)
    unknown = set(answers) - NEEDS_FIELDS
    if unknown:
        raise TypeError(f"unexpected needs assessment fields: {sorted(unknown)}")
    # Two saves for one person take turns here, so the second reads the version the first made.
    Party.objects.select_for_update().only("pk").get(pk=party.pk)
    last = latest_needs_version(party)
    if expected_version is not None and expected_version != last:
        raise EditConflict
    assessment = NeedsAssessment(
        party=party, version=last + 1, assessed_at=now, assessed_by=by, **answers
    )
    if last and assessment.reason == "Initial assessment":
        assessment.reason = "Reassessment"
    # The unique version is the database's to enforce: a save that lost a race is a conflict.
    assessment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError as error:
        # PostgreSQL names the constraint; SQLite names its columns.
        if "unique_assessment_version" in str(error) or "needsassessment.version" in str(error):
            raise EditConflict from error
        raise
    existing = {b.basis: b for b in party.bases.all()}
    for field, basis in NEEDS_BASES.items():
        found = getattr(assessment, field)
        row = existing.get(basis)
        if basis == Basis.INTIMIDATED and row and row.source == BasisSource.AUTOMATIC and not found:
            continue  # Automatic intimidation stands unless the person opts out of it.
        # A later assessment may withdraw its own earlier finding, never an officer's.
        withdraws_own = (
            row is not None and row.applies and row.source == BasisSource.NEEDS_ASSESSMENT
        )
        if found or (not found and withdraws_own):
            _upsert_basis(
                party,
                basis,
                applies=found,
                source=BasisSource.NEEDS_ASSESSMENT,
                evidence=f"Needs assessment version {assessment.version}",
                by=by,
                now=now,
                factors=assessment.intimidation_factors if basis == Basis.INTIMIDATED else None,
                opted_out=bool(row and row.opted_out),
            )
    recompute_enhanced(party=party, by=by, reason="Needs assessment recorded", now=now)
    events.publish(events.NeedsAssessed(assessment=assessment))
    return assessment


def domestic_abuse_incidents(person: Person, *, since: datetime.datetime, until) -> int:
    # Flags live in a JSON list and the offence table is small: find the offences in Python,
    # since SQLite has no JSON containment lookup.
    offences = [
        o.pk for o in OffenceCategory.objects.all() if OffenceFlag.DOMESTIC_ABUSE in o.flags
    ]
    return (
        Party.objects.filter(
            person=person,
            role=PartyRole.VICTIM,
            case__offence__in=offences,
            case__occurred_at__gte=since,
            case__occurred_at__lte=until,
        )
        .values("case")
        .distinct()
        .count()
    )


@transaction.atomic
def assess_risk(
    *,
    party: Party,
    by: User,
    answers: dict[str, str],
    judgement_grade: str = "",
    judgement_reason: str = "",
    question_set: RiskQuestionSet | None = None,
    now: datetime.datetime | None = None,
) -> RiskAssessment:
    now = _now(now)
    qset = question_set or RiskQuestionSet.objects.in_force(timezone.localdate(now))
    if qset is None:
        raise ValidationError("No risk question set is in force: ask an administrator.")
    numbers = {str(n) for n in qset.questions.values_list("number", flat=True)}
    errors = {}
    if set(answers) != numbers:
        errors["answers"] = "Answer every question (yes, no or not known)."
    elif any(v not in RiskAnswer.values for v in answers.values()):
        errors["answers"] = "Each answer must be yes, no or not known."
    score = rules.count_yes(answers)
    actuarial = rules.actuarial_grade(
        score, medium_threshold=qset.medium_threshold, high_threshold=qset.high_threshold
    )
    if judgement_grade and judgement_grade not in RiskGrade.values:
        errors["judgement_grade"] = "Choose standard, medium or high."
    elif judgement_grade and RISK_ORDER[judgement_grade] < RISK_ORDER[actuarial]:
        errors["judgement_grade"] = (
            f"Professional judgement can raise the grade but not lower it below "
            f"{RiskGrade(actuarial).label.lower()}."
        )
    if (
        judgement_grade in RiskGrade.values
        and RISK_ORDER[judgement_grade] > RISK_ORDER[actuarial]
        and not (judgement_reason.strip())
    ):
        errors["judgement_reason"] = "Say why your judgement raises the grade."
    if errors:
        raise ValidationError(errors)
    grade = rules.higher_grade(actuarial, judgement_grade)
    window = datetime.timedelta(days=qset.escalation_window_days)
    incidents = domestic_abuse_incidents(party.person, since=now - window, until=now)
    # A repeat is a further incident (so another case) within the window after a referral.
    incident_at = party.case.occurred_at
    repeat_since = incident_at - datetime.timedelta(days=qset.repeat_window_days)
    referred_recently = (
        RiskAssessment.objects.filter(
            party__person=party.person,
            marac_referral=True,
            assessed_at__gte=repeat_since,
            assessed_at__lte=incident_at,
        )
        .exclude(party__case_id=party.case_id)
        .exists()
    )
    reasons = rules.marac_reasons(
        score=score,
        high_threshold=qset.high_threshold,
        judgement_raised_to_high=judgement_grade == RiskGrade.HIGH and actuarial != RiskGrade.HIGH,
        incidents_in_window=incidents,
        escalation_incidents=qset.escalation_incidents,
        referred_within_repeat_window=referred_recently,
    )
    assessment = RiskAssessment.objects.create(
        party=party,
        question_set=qset,
        assessed_at=now,
        assessed_by=by,
        answers=answers,
        score=score,
        actuarial_grade=actuarial,
        judgement_grade=judgement_grade,
        judgement_reason=judgement_reason,
        grade=grade,
        marac_referral=bool(reasons),
        marac_reasons=reasons,
        domestic_abuse_incidents_in_window=incidents,
    )
    _record_made(
        RecordKind.RISK_ASSESSMENT,
        party,
        assessment,
        at=now,
        by=by,
        record=f"Risk assessment: {grade} risk",
    )
    return assessment


@transaction.atomic
def record_special_measures(
    *,
    party: Party,
    by: User,
    eligibility: str,
    status: str,
    measures: Iterable = (),
    mg2_submitted_at=None,
    decision_at=None,
    notes: str = "",
    now: datetime.datetime | None = None,
) -> SpecialMeasuresRecord:
    measures = list(measures)
    dates.check_past(now=_now(now), mg2_submitted_at=mg2_submitted_at, decision_at=decision_at)
    if eligibility == "intimidated":
        vulnerable_only = [m for m in measures if not m.intimidated]
        if vulnerable_only:
            raise ValidationError(
                {
                    "measures": "Only available to vulnerable witnesses: "
                    + ", ".join(m.section for m in vulnerable_only)
                }
            )
    record = SpecialMeasuresRecord(
        party=party,
        eligibility=eligibility,
        status=status,
        mg2_submitted_at=mg2_submitted_at,
        decision_at=decision_at,
        notes=notes,
        considered_at=_now(now),
        recorded_by=by,
    )
    record.full_clean()
    record.save()
    record.measures.set(measures)
    if mg2_submitted_at is not None:
        _record_made(
            RecordKind.MG2_SUBMITTED,
            party,
            record,
            at=mg2_submitted_at,
            by=by,
            record="MG2 submitted to the CPS",
        )
    return record


# Each stage's offer meets the duty of the same stage (entitlements.MetBy names the same kinds).
VPS_RECORD_KIND = {
    VpsStage.STATEMENT: RecordKind.VPS_OFFERED,
    VpsStage.CHARGE: RecordKind.VPS_OFFERED_AT_CHARGE,
    VpsStage.BEFORE_SENTENCE: RecordKind.VPS_OFFERED_BEFORE_SENTENCE,
}


def vps_offer_errors(
    *,
    status: str,
    stage: str,
    reading_preference: str,
    read_by: str,
    offered_at: datetime.datetime | None,
    now: datetime.datetime,
) -> dict[str, str]:
    """Field name to message for an offer that cannot be recorded (shared by the form, the API
    and the service, so each refuses the same things in the same words)."""
    errors = dates.past_errors(now=now, offered_at=offered_at)
    if status not in dict(VPS_ANSWERS):
        errors["status"] = "Choose the person's answer: made a statement, declined, or later."
    if stage not in VpsStage.values:
        errors["stage"] = "Choose when the statement was offered."
    if reading_preference not in VpsReading.values:
        errors["reading_preference"] = "Choose how the statement is to be used in court."
    elif reading_preference != VpsReading.UNDECIDED and status != VpsStatus.TAKEN:
        errors["reading_preference"] = (
            "Only a statement the person made can be used in court: choose not decided yet."
        )
    elif reading_preference == VpsReading.READ_FOR_VICTIM and not (read_by or "").strip():
        errors["read_by"] = "Say who will read the statement aloud."
    return errors


@transaction.atomic
def record_vps(
    *,
    party: Party,
    by: User,
    status: str,
    stage: str = VpsStage.STATEMENT,
    reading_preference: str = VpsReading.UNDECIDED,
    read_by: str = "",
    offered_at: datetime.datetime | None = None,
    notes: str = "",
    now: datetime.datetime | None = None,
) -> VictimPersonalStatement:
    """An offer of a victim personal statement at a stage, with the person's answer. It meets
    the duty to offer one at that stage; an answer of "later" keeps the person on the
    follow-up list until they make one or decline (cases.selectors.vps_follow_ups)."""
    now = _now(now)
    offered_at = offered_at or now
    errors = vps_offer_errors(
        status=status,
        stage=stage,
        reading_preference=reading_preference,
        read_by=read_by,
        offered_at=offered_at,
        now=now,
    )
    if errors:
        raise ValidationError(errors)
    if reading_preference != VpsReading.READ_FOR_VICTIM:
        read_by = ""
    further = party.statements.filter(status=VpsStatus.TAKEN).exists()
    statement = VictimPersonalStatement(
        party=party,
        stage=stage,
        status=status,
        offered_at=offered_at,
        taken_at=offered_at if status == VpsStatus.TAKEN else None,
        reading_preference=reading_preference,
        read_by=read_by.strip(),
        notes=notes,
        recorded_by=by,
        is_further_statement=further and status == VpsStatus.TAKEN,
    )
    statement.full_clean()
    statement.save()
    _record_made(
        VPS_RECORD_KIND[VpsStage(stage)],
        party,
        statement,
        at=offered_at,
        by=by,
        record=(
            f"Victim personal statement offered {statement.get_stage_display().lower()}: "
            f"{statement.get_status_display().lower()}"
        ),
    )
    return statement


WITNESS_CARE_FIELDS = {
    "dates_to_avoid",
    "pre_trial_visit_offered_at",
    "expenses_info_given_at",
    "court_needs_assessed_at",
    "notes",
}


def save_witness_care(
    *,
    party: Party,
    by: User,
    expected_version: int,
    now: datetime.datetime | None = None,
    **fields,
) -> WitnessCare:
    unknown = set(fields) - WITNESS_CARE_FIELDS
    if unknown:
        raise TypeError(f"unexpected witness care fields: {sorted(unknown)}")
    dates.check_past(
        now=_now(now), **{name: value for name, value in fields.items() if name.endswith("_at")}
    )
    care, _ = WitnessCare.objects.get_or_create(party=party)
    _save_versioned(care, expected_version=expected_version, fields={**fields, "updated_by": by})
    return care


@transaction.atomic
def assign_witness_care_officer(
    *, case: Case, officer: User, by: User, now: datetime.datetime | None = None
) -> Case:
    """After charge, one named witness care officer from the case's unit looks after it."""
    if case.wcu_team_id is None:
        raise ValidationError("Pass the case to a Witness Care Unit first.")
    in_unit = TeamMembership.objects.filter(team_id=case.wcu_team_id, user=officer).exists()
    if not (officer.is_active and Role.WITNESS_CARE in officer.roles and in_unit):
        raise ValidationError(
            {"officer": f"Choose an active witness care officer from {case.wcu_team}."}
        )
    now = _now(now)
    Case.objects.filter(pk=case.pk).update(
        witness_care_officer=officer, version=F("version") + 1, updated_at=now
    )
    case.witness_care_officer = officer
    case.version += 1
    record_update(case)
    events.publish(
        events.RecordMade(
            kind=RecordKind.WCO_ASSIGNED, case=case, at=now, by=by, record=f"{officer} assigned"
        )
    )
    return case


@transaction.atomic
def reassign_officer(*, cases: Iterable[Case], officer: User, by: User) -> int:
    """Give cases a new officer in the case; their duties and reminders follow the case."""
    _check_case_fields({"officer": officer})
    moving = list(
        Case.objects.filter(pk__in=[case.pk for case in cases])
        .exclude(officer=officer)
        .values_list("pk", flat=True)
    )
    moved = Case.objects.filter(pk__in=moving).update(
        officer=officer, version=F("version") + 1, updated_at=timezone.now()
    )
    for case in Case.objects.filter(pk__in=moving):
        record_update(case)  # the change of officer goes into each case's history and audit
    return moved
