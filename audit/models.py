"""The audit trail: who saw, searched, exported or changed what, when, from where, and why.

Rows are append-only. They are written only by ``audit.services.record``; the model refuses updates
and deletes, the admin is read-only and, on PostgreSQL, a trigger refuses UPDATE and DELETE.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    CHANGE = "change", "Changed"
    CREATE = "create", "Created"
    DELETE = "delete", "Deleted"
    LOGIN = "login", "Signed in"
    LOGOUT = "logout", "Signed out"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    ACCESS_DENIED = "access_denied", "Access denied"
    # A contact by a channel the person's safe-contact profile forbids, refused before it was made.
    UNSAFE_CHANNEL_REFUSED = "unsafe_refused", "Unsafe channel refused"


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit row."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    # The links below deliberately carry no database constraint and do nothing on delete: the
    # trail must outlive the user, case or record it mentions (and may never be updated to NULL).
    occurred_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True, help_text="The user name at the time.")
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(
        max_length=120, blank=True, help_text="A non-personal label such as 'Case 42'."
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True, help_text="Without the query string.")
    detail = models.TextField(blank=True, help_text="What was searched or exported.")
    reason = models.TextField(blank=True, help_text="Why a restricted record was opened.")
    changes = models.JSONField(
        default=list,
        blank=True,
        help_text="For changes: [{field, before, after}, ...]. From a record's history only the "
        "field names: the values stay in the history, which disposal can remove.",
    )
    history_model = models.CharField(
        max_length=100, blank=True, help_text="The historical model, e.g. cases.HistoricalPerson."
    )
    history_id = models.BigIntegerField(null=True, blank=True)
    previous_history_id = models.BigIntegerField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["user", "occurred_at"], name="audit_user_time"),
            models.Index(fields=["case", "occurred_at"], name="audit_case_time"),
            models.Index(fields=["action", "occurred_at"], name="audit_action_time"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()} {self.object_label or ''} by {self.username or 'system'}"
        )

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    @property
    def about(self) -> str:
        """What the event was about, e.g. 'party 7 in case 42', without personal details."""
        label = self.object_label.lower()
        if self.case_id and label != f"case {self.case_id}":
            return f"{label} in case {self.case_id}".strip()
        return label


class AuditEventPerson(models.Model):
    """The people an event touches, so the trail can be searched by person."""

    event = models.ForeignKey(AuditEvent, on_delete=models.DO_NOTHING, related_name="people")
    person_id = models.BigIntegerField()

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["person_id", "event"], name="audit_person_event")]
        constraints = [
            models.UniqueConstraint(fields=["event", "person_id"], name="audit_unique_event_person")
        ]

    def __str__(self) -> str:
        return f"Person {self.person_id} in event {self.event_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
