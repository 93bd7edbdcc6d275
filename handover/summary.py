"""What a hand-over to the Witness Care Unit says: built from the record when the officer sends
it, kept as a snapshot on the hand-over (models.py says why).

Read in a fixed number of queries whatever the number of people: the case, its people, then one
query per kind of record for all of them (tests/handover pins it)."""

import datetime
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects

from cases.models import (
    Case,
    CaseEvent,
    EventKind,
    NeedsAssessment,
    Party,
    SpecialMeasuresRecord,
    UpdateAgreement,
    VictimPersonalStatement,
)
from entitlements.models import Duty
from referrals.models import Referral

# The needs a witness care officer acts on, as the needs assessment names them.
NEEDS_FLAGS = [
    ("interpreter_needed", "Needs an interpreter"),
    ("mental_disorder", "Mental disorder"),
    ("impairment_of_intelligence", "Impairment of intelligence or social functioning"),
    ("physical_disability", "Physical disability"),
    ("intimidated", "Intimidated witness"),
    ("persistently_targeted", "Persistently targeted"),
    ("special_measures_needed", "May need special measures"),
    ("court_childcare_needed", "Needs childcare to attend court"),
    ("court_transport_needed", "Needs transport to attend court"),
]
NEEDS_TEXT = [
    ("communication_and_language", "Communication and language"),
    ("health_and_disability", "Health and disability"),
    ("support_needs", "Support needs"),
    ("special_measures_notes", "Special measures"),
    ("notes", "Notes"),
]


def _moment(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _needs(party: Party) -> dict[str, Any] | None:
    latest = party.latest_needs[0] if party.latest_needs else None
    if latest is None:
        return None
    return {
        "assessed_at": _moment(latest.assessed_at),
        "version": latest.version,
        "flags": [label for field, label in NEEDS_FLAGS if getattr(latest, field)],
        "details": [
            {"label": label, "text": getattr(latest, field)}
            for field, label in NEEDS_TEXT
            if getattr(latest, field)
        ],
    }


def _special_measures(party: Party) -> dict[str, Any] | None:
    latest = party.latest_special_measures[0] if party.latest_special_measures else None
    if latest is None:
        return None
    return {
        "status": latest.status,
        "status_label": latest.get_status_display(),
        "eligibility": latest.get_eligibility_display(),
        "measures": [str(measure) for measure in latest.measures.all()],
        "considered_at": _moment(latest.considered_at),
        "mg2_submitted_at": _moment(latest.mg2_submitted_at),
        "notes": latest.notes,
    }


def _safe_contact(party: Party) -> dict[str, Any]:
    safe = getattr(party.person, "safe_contact", None)
    if safe is None or not safe.asked:
        return {"asked": False}
    return {
        "asked": True,
        "not_safe": safe.unsafe_channels(),
        "safe_times": safe.safe_times,
        "may_leave_message": safe.may_leave_message,
        "alternative_contact": safe.alternative_contact,
        "notes": safe.notes,
    }


def _update_agreement(party: Party) -> dict[str, Any] | None:
    current = party.current_agreements[0] if party.current_agreements else None
    if current is None:
        return None
    return {
        "frequency_days": current.frequency_days,
        "method": current.method,
        "method_label": current.get_method_display(),
        "notes": current.notes,
        "agreed_at": _moment(current.agreed_at),
        "next_update_due_at": _moment(current.next_update_due_at),
    }


def _vps(party: Party) -> dict[str, Any] | None:
    latest = party.latest_statements[0] if party.latest_statements else None
    if latest is None:
        return None
    return {
        "stage": latest.stage,
        "stage_label": latest.get_stage_display(),
        "status": latest.status,
        "status_label": latest.get_status_display(),
        "offered_at": _moment(latest.offered_at),
        "taken_at": _moment(latest.taken_at),
        "reading_preference": latest.get_reading_preference_display(),
        "read_by": latest.read_by,
    }


def _referrals(party: Party) -> list[dict[str, Any]]:
    return [
        {
            "agency": referral.agency.name,
            "status": referral.status,
            "status_label": referral.get_status_display(),
            "sent_at": _moment(referral.sent_at),
        }
        for referral in party.referral_list
    ]


def _duties(party: Party) -> list[dict[str, Any]]:
    return [
        {
            "id": duty.pk,
            "right": str(duty.rule.right),
            "title": duty.rule.title,
            "due_at": _moment(duty.due_at),
            "status_label": duty.get_status_display(),
            "owner": duty.owner,
            "owner_label": duty.get_owner_display(),
        }
        for duty in party.open_duty_list
    ]


def _people(case: Case) -> list[Party]:
    parties = list(
        Party.objects.filter(case=case)
        .select_related("person", "person__safe_contact")
        .order_by("role", "id")
    )
    prefetch_related_objects(
        parties,
        Prefetch(
            "needs_assessments",
            queryset=NeedsAssessment.objects.order_by("party_id", "-version"),
            to_attr="needs_list",
        ),
        Prefetch(
            "special_measures",
            queryset=SpecialMeasuresRecord.objects.order_by(
                "-considered_at", "-id"
            ).prefetch_related("measures"),
            to_attr="special_measures_list",
        ),
        Prefetch(
            "update_agreements",
            queryset=UpdateAgreement.objects.filter(superseded_at__isnull=True),
            to_attr="current_agreements",
        ),
        Prefetch(
            "statements",
            queryset=VictimPersonalStatement.objects.order_by("-offered_at", "-id"),
            to_attr="statement_list",
        ),
        Prefetch(
            "referrals",
            queryset=Referral.objects.select_related("agency").order_by("created_at", "id"),
            to_attr="referral_list",
        ),
        Prefetch(
            "duties",
            queryset=Duty.objects.open().select_related("rule__right").order_by("due_at", "id"),
            to_attr="open_duty_list",
        ),
    )
    for party in parties:
        # Only the latest of each is handed over; the earlier ones stay on the record.
        party.latest_needs = party.needs_list[:1]
        party.latest_special_measures = party.special_measures_list[:1]
        party.latest_statements = party.statement_list[:1]
    return parties


def build_summary(case: Case) -> dict[str, Any]:
    """The hand-over summary of `case` as the record stands: plain values, kept as JSON."""
    parties = _people(case)
    charge = (
        CaseEvent.objects.current()
        .filter(case=case, kind=EventKind.CHARGE)
        .order_by("occurred_at")
        .first()
    )
    return {
        "case": {
            "crime_reference": case.crime_reference,
            "offence": str(case.offence),
            "officer": str(case.officer),
            "team": str(case.team),
            "charged_at": _moment(charge.occurred_at) if charge else None,
            "restricted": case.restricted,
        },
        "people": [
            {
                "party_id": party.pk,
                "name": f"{party.person.first_name} {party.person.last_name}".strip(),
                "role": party.role,
                "role_label": party.get_role_display(),
                "enhanced": party.enhanced,
                "preferred_language": party.person.preferred_language,
                "needs_assessment": _needs(party),
                "special_measures": _special_measures(party),
                "safe_contact": _safe_contact(party),
                "update_agreement": _update_agreement(party),
                "vps": _vps(party),
                "referrals": _referrals(party),
                "open_duties": _duties(party),
            }
            for party in parties
        ],
    }
