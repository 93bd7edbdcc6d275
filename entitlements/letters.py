"""Right 3's written acknowledgement and the 'your rights' summary, built from the record.

Sending respects the person's safe-contact instructions: a channel marked unsafe is refused, never
used. Recording that the acknowledgement was given meets the duty.

A letter is made in the language the person's record says they prefer (English or Welsh, issue
20): the language is switched here, around the rendering, so every way a letter leaves the
portal (the page, the PDF, the email) is in the same language, whoever is signed in.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from accounts.models import User
from audit.pdf import render_pdf
from cases import safe_channels
from cases import services as case_services
from cases.models import ContactMethod, ContactPurpose, Party, SafeContact
from victimsite import language

from . import guidance, services
from .models import DutyRule, MetBy, Right, Trigger
from .plain_words import RIGHTS


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


def language_of(party: Party) -> str:
    """The language the person's letters are made in: Welsh when their record prefers it."""
    return language.for_preference(party.person.preferred_language)


def acknowledgement_text(party: Party, *, on: datetime.date | None = None) -> str:
    with translation.override(language_of(party)):
        # The arrest's clock from the rule in force on the letter's day, in its language.
        context = {**acknowledgement_context(party), "arrest_news": arrest_news(party, on=on)}
        return render_to_string("entitlements/letters/acknowledgement.txt", context)


def acknowledgement_pdf(request: HttpRequest, party: Party) -> bytes:
    """The written acknowledgement as a PDF, in the person's language."""
    with translation.override(language_of(party)):
        return _letter_pdf(
            request,
            title=gettext("Written acknowledgement"),
            body=acknowledgement_text(party),
        )


def your_rights_letter(party: Party, *, on: datetime.date | None = None) -> str:
    """The words of the 'your rights' letter (HTML), in the person's language."""
    with translation.override(language_of(party)):
        return render_to_string(
            "entitlements/letters/your_rights.html",
            {"party": party, "case": party.case, "rights": rights_summary(party, on=on)},
        )


def your_rights_pdf(
    request: HttpRequest, party: Party, *, on: datetime.date | None = None
) -> bytes:
    """The 'your rights' summary as a PDF, in the person's language."""
    with translation.override(language_of(party)):
        return _letter_pdf(
            request,
            title=gettext("Your rights as a victim of crime"),
            letter=your_rights_letter(party, on=on),
        )


def _letter_pdf(request: HttpRequest, **words: str) -> bytes:
    """A letter in its own print layout (letters/letter.html), in the language active now."""
    context = {"force_name": settings.FORCE_NAME, **words}
    return render_pdf(request, "entitlements/letters/letter.html", context)


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
        with translation.override(language_of(party)):
            subject = gettext("Your crime reference %(reference)s") % {
                "reference": party.case.crime_reference
            }
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
    """The 12 Rights in plain words, in the active language, with the timescales that apply to
    this person (the days from the rule row in force, never written in words)."""
    on = on or timezone.localdate()
    rules = {rule.code: rule for rule in DutyRule.objects.in_force(on)}
    rights = []
    for right in Right.objects.in_force(on).filter(scheme=Right.Scheme.VICTIMS_CODE):
        # The public pages' words, so the letter and the pages agree; a Right with none yet
        # (tests/publicinfo catches that) falls back to the row's own English.
        title, meaning = RIGHTS.get(
            (right.scheme, right.number),
            (right.title, guidance.render(right.victim_summary, rules)),
        )
        item = {"right": right, "title": str(title), "meaning": str(meaning), "extra": ""}
        if right.number == 6:
            item["extra"] = _arrest_sentence(party, rules.values())
        rights.append(item)
    return rights


def arrest_news(party: Party, *, on: datetime.date | None = None) -> str:
    """By when we tell the person of an arrest, from the rule in force on the day (the letter's
    day), in the active language; empty if no rule in force has a clock in working days."""
    on = on or timezone.localdate()
    return _arrest_sentence(party, DutyRule.objects.in_force(on).filter(trigger=Trigger.ARREST))


def _arrest_sentence(party: Party, rules) -> str:
    arrest = next((r for r in rules if r.trigger == Trigger.ARREST and not r.recurring), None)
    if arrest is None:
        return ""
    days = arrest.enhanced_working_days if party.enhanced else arrest.standard_working_days
    if days is None:
        return ""
    return ngettext(
        "We will tell you about an arrest, an interview or a release within %(days)s working day.",
        "We will tell you about an arrest, an interview or a release within %(days)s working days.",
        days,
    ) % {"days": days}
