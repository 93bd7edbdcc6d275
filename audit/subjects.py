"""What the audit trail asks about cases and the people in them, without importing cases.

audit sits below cases (ARCHITECTURE.md), yet it records which case and which people a request or
a change concerns, shows a supervisor only the events about cases they may see, finds events by a
person's name, and asks why before a restricted case opens. Who may see a case and who is in it
are the cases app's to answer: it registers its answers here from its AppConfig.ready()
(``cases/audit_subjects.py``). Imports no models, so an app config may import it.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet


class CaseAnswers(Protocol):
    def visible_to(self, user: Any) -> tuple[QuerySet, QuerySet]:
        """The cases the user may see and the people in them, as subqueries of ``pk`` and
        ``person_id`` values."""

    def restricted_for(self, user: Any, case_id: int) -> tuple[bool, list[int]]:
        """In one query: whether the case is restricted, and who is in it; ``(False, [])`` when
        the user may not see it (the view then says so)."""

    def people_in_case(self, case_id: int) -> list[int]:
        """The people with a part in the case."""

    def person_in_part(self, party_id: int | None, case_id: int | None) -> list[int]:
        """The person whose part in the case this is (none if it is not in that case)."""

    def people_named(self, name: str) -> QuerySet:
        """The people whose first or last names hold every word of ``name``: ``pk`` values."""

    def open_case(self, user: Any, case_id: int, action: str) -> Model:
        """The case, if the user may see it (else 404) and do ``action`` (else 403)."""


_answers: CaseAnswers | None = None


def register(answers: CaseAnswers) -> None:
    global _answers
    _answers = answers


def cases() -> CaseAnswers:
    if _answers is None:
        raise ImproperlyConfigured("The cases app has not registered its answers with audit.")
    return _answers
