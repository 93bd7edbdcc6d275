"""The one door into the audit trail: ``record``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from audit import subjects
from audit.models import AuditAction, AuditEvent, AuditEventPerson

__all__ = [
    "AuditAction",
    "change_note",
    "client_ip",
    "note_changes",
    "object_label",
    "record",
    "subject_of",
]

# Set on the request once a view has recorded its own event, so the middleware adds no second one.
RECORDED_FLAG = "_audit_recorded"
# Notes kept with the changes a request records to a case, set by the layer that let it through.
CHANGE_NOTES = "_audit_change_notes"


def note_changes(request: HttpRequest, note: str, *, case_id: int) -> None:
    """Keep `note` (why the change was allowed, say) with every change this request records to
    the case or its records."""
    target = getattr(request, "_request", request)
    target.__dict__.setdefault(CHANGE_NOTES, {})[case_id] = note


def change_note(request: HttpRequest | None, case_id: int | None) -> str:
    """The note for a change to the case; for a record of no one case (a person, shared by all
    their cases), every note the request holds."""
    if request is None:
        return ""
    notes = getattr(getattr(request, "_request", request), CHANGE_NOTES, {})
    if case_id is None:
        return " ".join(sorted(set(notes.values())))
    return notes.get(case_id, "")


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, or behind a trusted proxy the first X-Forwarded-For."""
    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        first = forwarded.split(",")[0].strip()
        if first:
            return first
    return request.META.get("REMOTE_ADDR") or None


def object_label(obj: models.Model) -> str:
    """A short label that names the kind of record and its id, never a person's details."""
    return f"{obj._meta.verbose_name.capitalize()} {obj.pk}"[:120]


def subject_of(instance: models.Model) -> tuple[int | None, list[int]]:
    """The case and the people a record is about, read from its own fields (and its party)."""
    label = instance._meta.label
    if label == "cases.Person":
        return None, [instance.pk]
    if label == "cases.Case":
        return instance.pk, subjects.cases().people_in_case(instance.pk)
    case_id = getattr(instance, "case_id", None)
    person_id = getattr(instance, "person_id", None)
    if person_id is None and getattr(instance, "party_id", None) is not None:
        party = instance.party
        person_id = party.person_id
        case_id = case_id or party.case_id
    return case_id, [person_id] if person_id is not None else []


def _case_id(case: Any) -> int | None:
    if case is None:
        return None
    if isinstance(case, models.Model):
        return case.pk
    return int(case)


def record(
    request_or_user: Any,
    action: str,
    *,
    obj: models.Model | None = None,
    case: Any = None,
    person_ids: Iterable[int] = (),
    detail: str = "",
    reason: str = "",
    changes: list[dict[str, Any]] | None = None,
    history: models.Model | None = None,
    previous: models.Model | None = None,
) -> AuditEvent:
    """Append one event to the audit trail and return it.

    ``request_or_user`` is the current request (preferred: gives the user, address and path), a
    user, or None for the system. ``obj`` is the record concerned; ``case`` the case it belongs to
    (taken from ``obj`` when it is a case or has a ``case_id``); ``person_ids`` the people the event
    touches. ``changes`` lists changed fields, as dicts of field, before and after; a change
    recorded from a record's history passes the ``history`` row (and the ``previous`` one) instead,
    so the values are read from the history when shown. Nothing is logged: the audit store is the
    protected place for search terms and reasons.
    """
    action = AuditAction(action).value
    request: HttpRequest | None = None
    user = request_or_user
    if hasattr(request_or_user, "META"):  # a Django request, or a REST framework one wrapping it
        request = request_or_user
        user = getattr(request, "user", None)
        setattr(getattr(request, "_request", request), RECORDED_FLAG, True)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None

    content_type = None
    object_id = ""
    label = ""
    if obj is not None:
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        object_id = str(obj.pk)
        label = object_label(obj)
        if case is None:
            if obj._meta.label == "cases.Case":
                case = obj
            elif getattr(obj, "case_id", None) is not None:
                case = obj.case_id

    event = AuditEvent(
        occurred_at=timezone.now(),
        user=user,
        username=user.get_username() if user is not None else "",
        action=action,
        content_type=content_type,
        object_id=object_id,
        object_label=label,
        case_id=_case_id(case),
        ip_address=client_ip(request) if request is not None else None,
        method=(request.method or "") if request is not None else "",
        path=(request.path or "")[:500] if request is not None else "",
        detail=detail,
        reason=reason,
        changes=changes or [],
        history_model=history._meta.label if history is not None else "",
        history_id=history.pk if history is not None else None,
        previous_history_id=previous.pk if previous is not None else None,
    )
    event.save()
    ids = sorted({int(pk) for pk in person_ids if pk is not None})
    if ids:
        AuditEventPerson.objects.bulk_create(
            [AuditEventPerson(event=event, person_id=pk) for pk in ids]
        )
    return event
