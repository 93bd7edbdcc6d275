"""The answers audit asks of cases (audit/subjects.py): who may see a case and who is in it.

Registered from CasesConfig.ready(); audit, a layer below, never imports cases.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User

from .models import Case, Party, Person
from .permissions import access_case


def visible_to(user: User) -> tuple[QuerySet, QuerySet]:
    cases = Case.objects.visible_to(user).values("pk")
    return cases, Party.objects.filter(case__in=cases).values("person_id")


def restricted_for(user: User, case_id: int) -> tuple[bool, list[int]]:
    rows = list(
        Case.objects.visible_to(user)
        .filter(pk=case_id)
        .values_list("restricted", "parties__person_id")
    )
    people = [person for _restricted, person in rows if person is not None]
    return bool(rows and rows[0][0]), people


def people_in_case(case_id: int) -> list[int]:
    return list(Party.objects.filter(case_id=case_id).values_list("person_id", flat=True))


def person_in_part(party_id: int | None, case_id: int | None) -> list[int]:
    return list(
        Party.objects.filter(pk=party_id, case_id=case_id).values_list("person_id", flat=True)
    )


def people_named(name: str) -> QuerySet:
    condition = Q()
    for word in name.split():
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return Person.objects.filter(condition).values("pk")


def open_case(user: User, case_id: int, action: str) -> Case:
    return access_case(user, case_id, action)
