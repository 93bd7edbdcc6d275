"""Right 3's written acknowledgement and the 'your rights' summary, built from the record.

Sending respects the person's safe-contact instructions: a channel marked unsafe is refused, never
used. Recording that the acknowledgement was given meets the duty.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from cases import safe_channels
from cases import services as case_services
from cases.models import ContactMethod, ContactPurpose, Party, SafeContact

from . import services
from .models import DutyRule, MetBy, Right, Trigger


class Delivery:
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"

    CHOICES = [
        (EMAIL, "Send it by email now"),
        (LETTER, "Posted as a letter"),
        (IN_PERSON, "Handed over in person"),
    ]


def unsafe_deliveries(party: Party) -> dict[str, str]:
    """Which ways of delivering are refused for this person, and why."""
    safe = SafeContact.objects.filter(person=party.person).first()
    refused = {}
    if safe is not None and not safe.email_safe:
        refused[Delivery.EMAIL] = "Email is not safe for this person: it will not be sent."
    elif not party.person.email:
        refused[Delivery.EMAIL] = "No email address is recorded."
    if safe is not None and not safe.letter_safe:
        refused[Delivery.LETTER] = "Letters are not safe for this person: do not post it."
    return refused


def acknowledgement_context(party: Party) -> dict:
    case = party.case
    return {
        "party": party,
        "case": case,
        "force_name": settings.FORCE_NAME,
        "officer": case.officer,
        "reported_on": timezone.localtime(case.reported_at),
        "enhanced": party.enhanced,
    }


def acknowledgement_text(party: Party) -> str:
    return render_to_string(
        "entitlements/acknowledgement_email.txt", acknowledgement_context(party)
    )


METHODS = {
    Delivery.EMAIL: ContactMethod.EMAIL,
    Delivery.LETTER: ContactMethod.LETTER,
    Delivery.IN_PERSON: ContactMethod.FACE_TO_FACE,
}


def give_acknowledgement(
    *, party: Party, by: User, delivery: str, now: datetime.datetime | None = None
) -> None:
    now = now or timezone.now()
    refused = unsafe_deliveries(party)
    if delivery in refused:
        if safe_channels.refused_methods(safe_channels.profile(party)).get(METHODS[delivery]):
            # Outside the transaction below, so the audit row outlives the refusal.
            safe_channels.record_refusal(
                party=party,
                by=by,
                channels=[safe_channels.channel_words(METHODS[delivery])],
                what="the written acknowledgement",
            )
        raise ValidationError({"delivery": refused[delivery]})
    with transaction.atomic():
        _give(party=party, by=by, delivery=delivery, now=now)


def _give(*, party: Party, by: User, delivery: str, now: datetime.datetime) -> None:
    method = METHODS[delivery]
    if delivery == Delivery.EMAIL:
        subject = f"Your crime reference {party.case.crime_reference}"
        body = acknowledgement_text(party)
        recipient = party.person.email
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        )
    contact = case_services.record_contact(
        case=party.case,
        party=party,
        by=by,
        occurred_at=now,
        method=method,
        purpose=ContactPurpose.INITIAL,
        summary="Written acknowledgement of the crime given (Victims' Code Right 3).",
        now=now,
    )
    services.on_record(
        party, MetBy.ACKNOWLEDGEMENT_SENT, at=now, by=by, record=f"Acknowledgement: {contact}"
    )


def rights_summary(party: Party, *, on: datetime.date | None = None) -> list[dict]:
    """The 12 Rights in plain English, with the timescales that apply to this person."""
    on = on or timezone.localdate()
    arrest = DutyRule.objects.in_force(on).filter(trigger=Trigger.ARREST).first()
    rights = []
    for right in Right.objects.in_force(on).filter(scheme=Right.Scheme.VICTIMS_CODE):
        item = {"right": right, "extra": ""}
        if right.number == 6 and arrest is not None:
            days = arrest.enhanced_working_days if party.enhanced else arrest.standard_working_days
            item["extra"] = (
                f"We will tell you about an arrest, an interview or a release within {days} "
                f"working day{'s' if days != 1 else ''}."
            )
        rights.append(item)
    return rights
