"""Two records found to be the same person, made one by a supervisor (issue 21).

Everything of the folded record follows the person: its case links (Party rows, and with them
the duties, contacts, assessments, referrals and letters kept per party) move to the kept
record; its safe contact instructions are combined with the kept record's, never loosened; the
kept record's blank details are filled from it. Who merged, when and why is a PersonMerge row and
an event in the audit trail naming both records; the apps above learn of it by
cases.events.PeopleMerged (surveys moves the person's opt-out) before the folded record goes.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit import services as audit

from . import events, persistent_targeting, services
from .models import Party, PartyRole, PersistentTargeting, Person, PersonMerge, SafeContact
from .permissions import merge_refusal

SAME_RECORD = "Choose two different records: a record cannot be merged with itself."
NO_REASON = "Say why these two records are the same person."

# The details a kept record takes from the folded one where it has none.
FILLED_FIELDS = (
    "date_of_birth",
    "email",
    "phone",
    "address",
    "postcode",
    "communication_needs",
    "sex",
    "ethnicity",
)
SAFE_FLAGS = (
    "phone_safe",
    "text_safe",
    "email_safe",
    "letter_safe",
    "visit_safe",
    "may_leave_message",
)


def clashes(kept: Person, merged: Person) -> list[str]:
    """Why the two cannot be one person as recorded: both hold the same part in one case (one
    person cannot be a case's victim twice). A victim who is also a witness is one person in two
    parts, which a merge keeps."""
    theirs = {
        (party.case_id, party.role): party
        for party in merged.parties.select_related("case").order_by("case_id", "role")
    }
    both = Party.objects.filter(
        person=kept, case_id__in={case_id for case_id, _ in theirs}
    ).order_by("case_id", "role")
    return [
        f"Both records are the {party.get_role_display().lower()} in case "
        f"{theirs[(party.case_id, party.role)].case.crime_reference}: a person holds one part in "
        "a case only once. Correct that case first."
        for party in both
        if (party.case_id, party.role) in theirs
    ]


def _combine_safe_contacts(kept: Person, merged: Person, *, by: User) -> None:
    """The kept record's instructions, made no less safe by the folded one's: a way of reaching
    the person stays allowed only if both allowed it, and the folded record's own words (safe
    times, another contact, notes) are kept in the notes where they differ."""
    theirs = SafeContact.objects.filter(person=merged).first()
    if theirs is None:
        return
    ours, _ = SafeContact.objects.get_or_create(person=kept, defaults={"updated_by": by})
    fields: dict = {flag: getattr(ours, flag) and getattr(theirs, flag) for flag in SAFE_FLAGS}
    carried = []
    for name, label in (
        ("safe_times", "Safe times"),
        ("alternative_contact", "Another contact"),
        ("notes", "Notes"),
    ):
        value = getattr(theirs, name).strip()
        if not value or value == getattr(ours, name).strip():
            continue
        if name != "notes" and not getattr(ours, name).strip():
            fields[name] = value
        else:
            carried.append(f"{label}: {value}")
    if carried:
        note = "From a merged record of this person. " + " ".join(carried)
        fields["notes"] = "\n".join(filter(None, [fields.get("notes", ours.notes).strip(), note]))
    answers = [at for at in (ours.answered_at, theirs.answered_at) if at is not None]
    fields["answered_at"] = max(answers) if answers else None
    fields["updated_by"] = by
    services._save_versioned(ours, expected_version=ours.version, fields=fields)


@transaction.atomic
def merge_people(
    *,
    kept: Person,
    merged: Person,
    by: User,
    reason: str,
    now: datetime.datetime | None = None,
    request=None,
) -> PersonMerge:
    """Fold `merged` into `kept`: PermissionDenied unless `by` supervises every case of both,
    ValidationError (by field) for the same record twice, no reason, or a part held twice.
    `request`, if given, is what the audit trail records the merge with (address, path)."""
    now = now or timezone.now()
    if kept.pk == merged.pk:
        raise ValidationError({"merged": SAME_RECORD})
    refusal = merge_refusal(by, [kept, merged])
    if refusal:
        raise PermissionDenied(refusal)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": NO_REASON})
    # Both records taken in turn with any other change to them, in one order (no deadlock).
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .filter(pk__in=[kept.pk, merged.pk])
        .order_by("pk")
    }
    kept, merged = locked[kept.pk], locked[merged.pk]
    problems = clashes(kept, merged)
    if problems:
        raise ValidationError({"merged": problems})

    _combine_safe_contacts(kept, merged, by=by)
    moved = list(merged.parties.select_related("case__offence"))
    for party in moved:
        party.person = kept
        party.save(update_fields=["person"])  # through save(): the party's history shows it
    filled = {
        name: getattr(merged, name)
        for name in FILLED_FIELDS
        if getattr(merged, name) and not getattr(kept, name)
    }
    if filled:
        # Also works out again the enhanced rights of every party of the kept record, when
        # the date of birth is the one filled.
        services.update_person(person=kept, by=by, expected_version=kept.version, now=now, **filled)
    elif merged.date_of_birth != kept.date_of_birth:
        for party in moved:
            services.recompute_enhanced(
                party=party, by=by, reason="Records of the same person merged", now=now
            )

    merge = PersonMerge.objects.create(
        kept=kept,
        merged_person_id=merged.pk,
        merged_at=now,
        merged_by=by,
        reason=reason,
        parties_moved=len(moved),
    )
    # Earlier merges into the folded record now point at the record it became.
    PersonMerge.objects.filter(kept_id=merged.pk).update(kept=kept)
    # Its findings of persistent targeting follow it; the crimes of the two records together
    # may now reach the policy's number, so they are counted again (told once, if new).
    PersistentTargeting.objects.filter(person_id=merged.pk).update(person=kept)
    for victim in kept.parties.filter(role=PartyRole.VICTIM).select_related("case", "person"):
        persistent_targeting.check_victim(victim, now=now)
    events.publish(events.PeopleMerged(kept=kept, merged_person_id=merged.pk, merge=merge))
    audit.record(
        request if request is not None else by,
        audit.AuditAction.CHANGE,
        obj=merge,
        person_ids=[kept.pk, merged.pk],
        detail=(
            f"Two records of the same person merged: person {merged.pk} into person {kept.pk}, "
            f"{len(moved)} case link(s) moved."
        ),
        reason=reason,
    )
    merged.delete()  # its safe contact record goes with it, combined above
    return merge
