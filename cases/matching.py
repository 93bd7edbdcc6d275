"""People already on record who may be the person an officer is about to add (issue 21).

Offered before a new record is made, so the same person across crimes is one record. Read in two
queries, whatever the number of people on record: the likely matches (scored in the database,
at most `limit`), then their parts in the cases the officer may see.

Only people the officer can already reach are offered: someone is a candidate only through a
case the officer may see, and only those cases are listed. A person whose every case is hidden
from the officer (restricted) is not offered at all, not even as "on record, details
restricted": that answer alone would confirm to the officer that the name, date of birth or
phone they typed belongs to someone in a restricted case, which is what restricting a case is
meant to keep from them, and the officer could not use the record anyway (they may neither see
nor change it). The cost is a second record of that person, which a supervisor who sees both
can merge (cases/merging.py).
"""

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import (
    Case as When_,
)
from django.db.models import (
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat, Lower, Replace, Upper

from accounts.models import User

from .models import Party, Person
from .permissions import visibility

MATCH_LIMIT = 5
# pg_trgm similarity (0..1) from which a whole name, or one part of it, counts as similar.
# Measured: "Jayne Okafur" against "Jane Okafor" scores 0.39, "Janet Okafor" 0.79, "Muhammad
# Khan" against "Mohammed Khan" 0.4; "Jane Ogunleye" 0.3 and "Jane Smith" 0.28 stay below.
NAME_SIMILAR = 0.35
PART_SIMILAR = 0.4


@dataclass(frozen=True)
class Candidate:
    """What the officer typed about the person they are adding."""

    first_name: str
    last_name: str
    date_of_birth: datetime.date | None = None
    phone: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class CaseLink:
    """One part the matched person has in a case the officer may see."""

    case_id: int
    crime_reference: str
    offence: str
    role: str


@dataclass
class Match:
    person: Person
    reasons: list[str]
    cases: list[CaseLink] = field(default_factory=list)


def candidate_from(data: dict) -> Candidate:
    """The candidate in a form's or serializer's cleaned data (other fields ignored)."""
    return Candidate(
        first_name=data.get("first_name") or "",
        last_name=data.get("last_name") or "",
        date_of_birth=data.get("date_of_birth"),
        phone=data.get("phone") or "",
        postcode=data.get("postcode") or "",
    )


def normalise_phone(phone: str) -> str:
    """Digits only, a UK +44 written as the leading 0: "+44 7700 900123" is "07700900123"."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("44") and (phone or "").strip().startswith("+"):
        digits = "0" + digits[2:]
    return digits


def normalise_postcode(postcode: str) -> str:
    return re.sub(r"\s", "", postcode or "").upper()


def _phone_column():
    """The stored phone with the separators people type removed, in SQL (both databases)."""
    value = F("phone")
    for separator in (" ", "-", "(", ")", "."):
        value = Replace(value, Value(separator), Value(""))
    return Replace(value, Value("+44"), Value("0"))


def _trigram() -> bool:
    return connection.vendor == "postgresql"


def _name_conditions(candidate: Candidate) -> tuple[Q, Q, dict]:
    """(similar whole name, similar first or last name, annotations they need)."""
    first, last = candidate.first_name.strip(), candidate.last_name.strip()
    if _trigram():
        annotations = {
            "name_score": TrigramSimilarity(
                Concat("first_name", Value(" "), "last_name"), f"{first} {last}"
            ),
            "last_score": TrigramSimilarity("last_name", last),
            "first_score": TrigramSimilarity("first_name", first),
        }
        similar = Q(name_score__gte=NAME_SIMILAR)
        part = Q(last_score__gte=PART_SIMILAR) | Q(first_score__gte=PART_SIMILAR)
        return similar, part, annotations
    # SQLite (development, most tests): the same surname and a first name starting alike
    # ("Jon" finds "Jonathan"); a part is the same surname or first name.
    annotations = {"name_score": Value(0.0, output_field=FloatField())}
    similar = Q(last_name__iexact=last) & Q(first_name__istartswith=first[:3])
    part = Q(last_name__iexact=last) | Q(first_name__iexact=first)
    return similar, part, annotations


def _scored(candidate: Candidate) -> QuerySet[Person]:
    similar_name, name_part, annotations = _name_conditions(candidate)
    phone = normalise_phone(candidate.phone)
    postcode = normalise_postcode(candidate.postcode)
    dob = candidate.date_of_birth
    nothing = Q(pk__in=[])
    same_dob = Q(date_of_birth=dob) if dob else nothing
    # A phone is a phone only with enough digits: "0" or "999" would match half the force.
    same_phone = Q(phone_digits=phone) if len(phone) >= 7 else nothing
    same_postcode = Q(postcode_key=postcode) if len(postcode) >= 5 else nothing
    # Each way of matching alone, and what would be too broad alone (a date of birth, a
    # postcode: a household, a street) only together with a similar first or last name.
    conditions = {
        "name": similar_name,
        "dob": same_dob & (name_part | similar_name),
        "phone": same_phone,
        "postcode": same_postcode & (name_part | similar_name),
    }
    matched = nothing
    for condition in conditions.values():
        matched |= condition
    flags = {
        f"by_{key}": When_(
            When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        for key, condition in conditions.items()
    }
    return (
        Person.objects.annotate(
            **annotations,
            phone_digits=_phone_column(),
            postcode_key=Upper(Replace(F("postcode"), Value(" "), Value(""))),
        )
        .filter(matched)
        .annotate(**flags)
        .annotate(points=F("by_name") + F("by_dob") + F("by_phone") + F("by_postcode"))
    )


REASONS = {
    "by_name": "Similar name",
    "by_dob": "Same date of birth",
    "by_phone": "Same phone number",
    "by_postcode": "Same postcode",
}


def likely_matches(user: User, candidate: Candidate, *, limit: int = MATCH_LIMIT) -> list[Match]:
    """The people on record, in cases `user` may see, most likely to be `candidate`: best first,
    at most `limit`, each with why it matched and its parts in the cases `user` may see."""
    if not (candidate.first_name.strip() and candidate.last_name.strip()):
        return []
    reachable = Party.objects.filter(visibility(user, "case__")).values("person_id")
    people = list(
        _scored(candidate)
        .filter(pk__in=reachable)
        .order_by("-points", "-name_score", Lower("last_name"), Lower("first_name"), "pk")[:limit]
    )
    if not people:
        return []
    parties = (
        Party.objects.filter(visibility(user, "case__"), person__in=people)
        .select_related("case__offence")
        .order_by("-case__reported_at", "case_id", "role")
    )
    links: dict[int, list[CaseLink]] = {}
    for party in parties:
        links.setdefault(party.person_id, []).append(
            CaseLink(
                case_id=party.case_id,
                crime_reference=party.case.crime_reference,
                offence=party.case.offence.name,
                role=party.get_role_display(),
            )
        )
    return [
        Match(
            person=person,
            reasons=[label for key, label in REASONS.items() if getattr(person, key)],
            cases=links.get(person.pk, []),
        )
        for person in people
    ]


def offered_person(user: User, candidate: Candidate, person_id: int) -> Person | None:
    """The person `person_id` if it is one of the matches `user` is offered for `candidate`:
    an officer links to a case only someone they were offered, never any id sent back."""
    for match in likely_matches(user, candidate):
        if match.person.pk == person_id:
            return match.person
    return None
