"""Plumbing hooks that feed the audit trail: sign-in events and record histories."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from audit.history import changed_fields
from audit.models import AuditAction
from audit.services import change_note, record, subject_of

HISTORY_ACTIONS = {"+": AuditAction.CREATE, "~": AuditAction.CHANGE, "-": AuditAction.DELETE}


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(request if request is not None else user, AuditAction.LOGIN)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(request if request is not None else user, AuditAction.LOGOUT)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    # The attempted user name is personal data (and often a mistyped password): keep only the
    # address and the fact that it failed.
    record(request, AuditAction.LOGIN_FAILED)


@receiver(post_create_historical_record, dispatch_uid="audit_history")
def _history_recorded(
    sender: Any, instance: Any, history_instance: Any, history_user: Any = None, **kwargs: Any
) -> None:
    """Each create, change or delete of a record with history is an audit event. The event names
    the fields changed; their values stay in the history (see audit.selectors.with_changes)."""
    action = HISTORY_ACTIONS[history_instance.history_type]
    previous = None
    changes: list[dict[str, str]] = []
    if action == AuditAction.CHANGE:
        previous = history_instance.prev_record
        if previous is not None:
            changes = [{"field": label} for label in changed_fields(previous, history_instance)]
            if not changes:
                return  # saved with nothing changed
    request = getattr(HistoricalRecords.context, "request", None)
    case_id, person_ids = subject_of(instance)
    record(
        request if request is not None else history_user,
        action,
        obj=instance,
        case=case_id,
        person_ids=person_ids,
        changes=changes,
        history=history_instance,
        previous=previous,
        detail=change_note(request, case_id),
    )
