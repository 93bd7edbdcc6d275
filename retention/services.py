"""Retention: assigning each case its class and review date, review decisions and disposal.

Assignment is set-based (one query finds the cases whose row is missing or whose anchor moved,
rows are written in batches, one UPDATE marks the due ones), so the beat task is idempotent and
its cost does not grow with the number of queries per case.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import Role, User
from audit.services import record
from cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Contact,
    EligibilityBasis,
    NeedsAssessment,
    OffenceCategory,
    Party,
    Person,
    RiskAssessment,
    SafeContact,
    SpecialMeasuresRecord,
    UpdateAgreement,
    VictimPersonalStatement,
    WitnessCare,
)
from cases.permissions import sees_every_case_of
from cases.rules import age_on
from counting import policy
from entitlements.models import Duty
from handover.models import HandOver
from referrals.models import Referral, ReferralEvent
from surveys.models import Answer

from . import selectors
from .models import (
    CaseRetention,
    Decision,
    DisposedParty,
    RetentionRule,
    RetentionStatus,
    ReviewDecision,
)

S = RetentionStatus
LIVE = (S.ACTIVE, S.DUE)  # rows whose review date still follows the case's anchor
DISPOSED_NAME = "Disposed"
DUTY_EXPLANATION_AFTER_DISPOSAL = "Explanation removed when the case's personal data was disposed."


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


def rule_for(
    offence: OffenceCategory, rules: list[RetentionRule], added_flags: Iterable[str] = ()
) -> RetentionRule | None:
    """The highest-priority rule (latest first among equals) that matches the offence and the
    flags the officer added to the case (Case.added_flags: a sexual offence the offence's name
    does not say is kept as a sexual offence)."""
    ordered = sorted(rules, key=lambda r: (-r.priority, -r.effective_from.toordinal(), -r.pk))
    return next((rule for rule in ordered if rule.matches(offence, added_flags)), None)


def _anchor_annotations() -> dict:
    last_contact = (
        Contact.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(at=Max("occurred_at"))
        .values("at")
    )
    last_event = (
        CaseEvent.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(at=Max("occurred_at"))
        .values("at")
    )
    last_activity = Greatest(
        F("updated_at"),
        Coalesce(Subquery(last_contact, output_field=DateTimeField()), F("updated_at")),
        Coalesce(Subquery(last_event, output_field=DateTimeField()), F("updated_at")),
    )
    return {"anchor_at": Coalesce(F("closed_at"), last_activity)}


def assign_retention(*, now: datetime.datetime | None = None, batch_size: int = 500) -> dict:
    """Give every case without one a retention row (the rule in force today for its offence),
    move the review date of rows still waiting for their first review when the case's anchor
    moved, then mark every row whose review date has come as due. Safe to run again."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = list(RetentionRule.objects.in_force(today))
    offences = {o.pk: o for o in OffenceCategory.objects.all()}
    # One rule per offence and the flags added to it (a handful of combinations), not per case.
    chosen: dict[tuple[int, tuple[str, ...]], RetentionRule | None] = {}
    candidates = (
        Case.objects.annotate(**_anchor_annotations())
        .filter(Q(retention__isnull=True) | Q(retention__status__in=LIVE))
        .values_list(
            "pk",
            "offence_id",
            "added_flags",
            "anchor_at",
            "retention__anchor_date",
            "retention__rule__minimum_years",
        )
        .order_by("pk")
    )
    created = moved = 0
    batch: list[CaseRetention] = []
    rows = candidates.iterator(chunk_size=batch_size)
    for case_id, offence_id, added_flags, anchor_at, kept_anchor, kept_years in rows:
        anchor = timezone.localtime(anchor_at).date()
        if kept_anchor is not None:
            if kept_anchor == anchor:
                continue
            moved += 1
            batch.append(
                CaseRetention(
                    case_id=case_id,
                    anchor_date=anchor,
                    review_due=add_years(anchor, kept_years),
                    status=S.ACTIVE,
                    updated_at=now,
                )
            )
        else:
            key = (offence_id, tuple(sorted(added_flags or ())))
            if key not in chosen:
                chosen[key] = rule_for(offences[offence_id], rules, key[1])
            rule = chosen[key]
            if rule is None:
                continue  # no rule covers the offence: the admin must add a default
            created += 1
            batch.append(
                CaseRetention(
                    case_id=case_id,
                    rule=rule,
                    retention_class_id=rule.retention_class_id,
                    anchor_date=anchor,
                    review_due=add_years(anchor, rule.minimum_years),
                    status=S.ACTIVE,
                    assigned_at=now,
                    updated_at=now,
                )
            )
        if len(batch) >= batch_size:
            _upsert(batch)
            batch = []
    _upsert(batch)
    due = mark_due(now=now)
    return {"created": created, "moved": moved, "due": due}


def _upsert(rows: list[CaseRetention]) -> None:
    """New rows are inserted; an existing row keeps its rule and gets the new anchor."""
    new = [r for r in rows if r.rule_id is not None]
    moved = [r for r in rows if r.rule_id is None]
    if new:
        CaseRetention.objects.bulk_create(new, ignore_conflicts=True)
    if moved:
        by_case = {r.case_id: r for r in moved}
        existing = list(
            CaseRetention.objects.filter(case_id__in=by_case, status__in=LIVE).only("pk", "case")
        )
        for row in existing:
            fresh = by_case[row.case_id]
            row.anchor_date, row.review_due = fresh.anchor_date, fresh.review_due
            row.status, row.updated_at = S.ACTIVE, fresh.updated_at
        CaseRetention.objects.bulk_update(
            existing, ["anchor_date", "review_due", "status", "updated_at"]
        )


def mark_due(*, now: datetime.datetime | None = None) -> int:
    """One UPDATE: every row waiting for a review whose date has come is now due."""
    now = now or timezone.now()
    return CaseRetention.objects.filter(
        status__in=(S.ACTIVE, S.RETAINED), review_due__lte=timezone.localdate(now)
    ).update(status=S.DUE, updated_at=now)


# --- review decisions ------------------------------------------------------------------------


def _locked(retention: CaseRetention) -> CaseRetention:
    row = (
        CaseRetention.objects.select_for_update()
        .select_related("rule", "case")
        .get(pk=retention.pk)
    )
    if row.status != S.DUE:
        raise ValidationError("This case is not due for review: someone may have just decided it.")
    return row


@transaction.atomic
def retain(
    *,
    retention: CaseRetention,
    by: User,
    reason: str,
    request=None,
    now: datetime.datetime | None = None,
) -> ReviewDecision:
    """Keep the case's data: the reason is recorded, and the next review is set from the class's
    review interval."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the case's information is still needed."})
    row = _locked(retention)
    next_review = add_years(timezone.localdate(now), row.rule.review_interval_years)
    before = row.review_due
    decision = ReviewDecision.objects.create(
        retention=row,
        decision=Decision.RETAIN,
        reason=reason,
        next_review_due=next_review,
        rule=row.rule,
        decided_by=by,
        decided_at=now,
    )
    CaseRetention.objects.filter(pk=row.pk).update(
        status=S.RETAINED, review_due=next_review, updated_at=now
    )
    record(
        request or by,
        "change",
        obj=row,
        case=row.case_id,
        detail="Retention review: retain",
        reason=reason,
        changes=[
            {"field": "status", "before": S.DUE, "after": S.RETAINED},
            {"field": "review_due", "before": before.isoformat(), "after": next_review.isoformat()},
        ],
    )
    return decision


def history_manager(model):
    """The django-simple-history manager of a model, if it keeps history (not, for instance,
    Referral.history, which is the referral's own event log)."""
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, name) if name else None


def age_band(age: int | None, *, on: datetime.date, bands: list | None = None) -> str:
    """The label of the age band someone `age` years old is in, in the bands in force on `on`:
    the dashboard's own (counting.policy), so disposed people are counted as the dashboard
    counts the living. Stored as a label, so statistics kept before a change keep theirs."""
    band = policy.age_band_of(age, on=on, bands=bands)
    return band.label if band else ""


@transaction.atomic
def dispose(
    *,
    retention: CaseRetention,
    by: User,
    reason: str = "",
    request=None,
    now: datetime.datetime | None = None,
) -> ReviewDecision:
    """Remove the personal data of a closed case that a review decided not to keep, in one
    transaction. Codes, dates, statuses, the team, the officer and the duties stay, so every
    compliance figure is unchanged. A person who is also in a case not disposed keeps their
    details; the case's own notes about them go."""
    now = now or timezone.now()
    row = _locked(retention)
    case = row.case
    if case.status != CaseStatus.CLOSED:
        raise ValidationError("Only a closed case can be disposed. Close the case first.")
    parties = list(Party.objects.filter(case=case).select_related("person"))
    party_ids = [p.pk for p in parties]
    person_ids = {p.person_id for p in parties}
    kept = set(
        Party.objects.filter(person_id__in=person_ids)
        .exclude(case=case)
        .exclude(case__retention__status=S.DISPOSED)
        .values_list("person_id", flat=True)
    )
    anonymise = sorted(person_ids - kept)
    reported = timezone.localdate(case.reported_at)
    bands = policy.age_bands(reported)  # read once, not once a person
    DisposedParty.objects.bulk_create(
        [
            DisposedParty(
                retention=row,
                party_id_at_disposal=p.pk,
                role=p.role,
                enhanced=p.enhanced,
                age_band_at_report=age_band(
                    age_on(p.person.date_of_birth, reported) if p.person.date_of_birth else None,
                    on=reported,
                    bands=bands,
                ),
            )
            for p in parties
        ]
    )
    touched: list[tuple[type, list[int]]] = []

    def blank(model, queryset, **values) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        if ids:
            model.objects.filter(pk__in=ids).update(**values)
            touched.append((model, ids))

    # The people, where no other live case needs them.
    blank(
        Person,
        Person.objects.filter(pk__in=anonymise),
        first_name=DISPOSED_NAME,
        last_name="",
        date_of_birth=None,
        email="",
        phone="",
        address="",
        postcode="",
        preferred_language="",
        communication_needs="",
        sex="",
        ethnicity="",
    )
    blank(
        SafeContact,
        SafeContact.objects.filter(person_id__in=anonymise),
        safe_times="",
        alternative_contact="",
        notes="",
    )
    # What the case records about them: free text goes, codes and dates stay.
    blank(Case, Case.objects.filter(pk=case.pk), offence_summary="")
    blank(Contact, Contact.objects.filter(case=case), summary="")
    blank(
        CaseEvent,
        CaseEvent.objects.filter(case=case),
        outcome="",
        notes="",
        withdrawal_reason="",
    )
    on_parties = {"party_id__in": party_ids}
    blank(EligibilityBasis, EligibilityBasis.objects.filter(**on_parties), evidence="")
    blank(
        NeedsAssessment,
        NeedsAssessment.objects.filter(**on_parties),
        reason="",
        communication_and_language="",
        safe_contact_notes="",
        health_and_disability="",
        support_needs="",
        special_measures_notes="",
        notes="",
    )
    blank(UpdateAgreement, UpdateAgreement.objects.filter(**on_parties), notes="")
    blank(
        RiskAssessment,
        RiskAssessment.objects.filter(**on_parties),
        answers={},
        judgement_reason="",
    )
    blank(SpecialMeasuresRecord, SpecialMeasuresRecord.objects.filter(**on_parties), notes="")
    blank(VictimPersonalStatement, VictimPersonalStatement.objects.filter(**on_parties), notes="")
    blank(WitnessCare, WitnessCare.objects.filter(**on_parties), dates_to_avoid="", notes="")
    blank(
        Referral,
        Referral.objects.filter(case=case),
        support_requested="",
        reason="",
        outcome="",
    )
    blank(ReferralEvent, ReferralEvent.objects.filter(referral__case=case), note="")
    blank(
        Duty,
        Duty.objects.filter(case=case),
        explanation=DUTY_EXPLANATION_AFTER_DISPOSAL,
        reason="",
    )
    blank(Answer, Answer.objects.filter(invitation__case=case).exclude(text=""), text="")
    # A hand-over's summary is a copy of the people's records as they were sent: it goes whole.
    blank(HandOver, HandOver.objects.filter(case=case), summary={}, note="")
    # The history library keeps earlier versions of a record: they go too.
    for model, ids in touched:
        history = history_manager(model)
        if history is not None:
            history.filter(**{f"{model._meta.pk.attname}__in": ids}).delete()

    decision = ReviewDecision.objects.create(
        retention=row,
        decision=Decision.DISPOSE,
        reason=reason.strip(),
        rule=row.rule,
        decided_by=by,
        decided_at=now,
    )
    CaseRetention.objects.filter(pk=row.pk).update(
        status=S.DISPOSED, disposed_at=now, updated_at=now
    )
    record(
        request or by,
        "delete",
        obj=row,
        case=case.pk,
        person_ids=person_ids,
        detail=(
            f"Retention review: personal data of case {case.pk} disposed; "
            f"{len(anonymise)} of {len(person_ids)} people anonymised "
            "(the others are in cases still held)."
        ),
        reason=reason.strip(),
    )
    return decision


# --- subject access: what is shared by all of a person's cases ---------------------------------

# A person's safe contact record is one for all their cases. Its notes may have been written for
# a case the requester cannot see, and the staff member who last changed it may be that case's
# officer: both are withheld unless the requester sees every case of the person. The safety
# flags (unsafe channels, safe times, messages, the alternative contact) stay: they protect the
# person, as on the case page.
SAFE_CONTACT_WITHHELD = {"notes", "updated_by"}
WITHHELD = (
    "Withheld: this person is also part of a case you cannot see, which this may have been "
    "written for. An export by an auditor includes it."
)


def sees_whole_person(user: User, person: Person) -> bool:
    """True if the user may see what is recorded about the person for all their cases: the
    auditor (who answers subject access requests, so reaches every case), or someone who sees
    every case the person is party to."""
    return Role.AUDITOR in user.roles or sees_every_case_of(user, person)


def subject_access(user: User, person: Person) -> dict:
    """The subject access export of the person for the user (see selectors.subject_access), with
    the safe contact notes withheld when the person is in a case the user cannot see."""
    data = selectors.subject_access(user, person)
    withheld = bool(data["safe_contact"]) and not sees_whole_person(user, person)
    if withheld:
        data["safe_contact"] = [
            selectors.Item(item.name, item.label, None, WITHHELD)
            if item.name in SAFE_CONTACT_WITHHELD
            else item
            for item in data["safe_contact"]
        ]
    data["safe_contact_withheld"] = withheld
    return data


def subject_access_json(data: dict, *, generated_by: User, generated_at: datetime.datetime) -> dict:
    """The export as JSON; a withheld field is null and named in `withheld`, so a reader knows
    the export is not everything held."""
    payload = selectors.as_json(data, generated_by=generated_by, generated_at=generated_at)
    withheld = sorted(SAFE_CONTACT_WITHHELD) if data.get("safe_contact_withheld") else []
    payload["withheld"] = {"safe_contact": withheld, "reason": WITHHELD if withheld else ""}
    return payload
