"""Record histories (django-simple-history) and their link to the audit trail.

Models holding personal or case data declare ``history = CaseHistory()``. Every save keeps the
record as it was in a historical table, and ``audit.signals`` appends a create, change or delete
event with the before and after of each changed field. Services that change a row with
``QuerySet.update()`` (optimistic locking) call ``record_update`` afterwards, since no save ran.
"""

from __future__ import annotations

from typing import Any

from simple_history.models import HistoricalRecords

# Bookkeeping fields that change on every save and say nothing to a reader of the trail.
UNTRACKED_IN_DIFF = ("version", "updated_at", "created_at")


class CaseHistory(HistoricalRecords):
    """HistoricalRecords that stays reachable from its model, so updates can be recorded too."""

    def finalize(self, sender: type, **kwargs: Any) -> None:
        super().finalize(sender, **kwargs)
        if self.cls is sender:
            sender._case_history = self


def record_update(instance: Any) -> None:
    """Keep the new state of a row just changed with ``QuerySet.update()`` in its history."""
    records = getattr(type(instance), "_case_history", None)
    if records is not None:
        records.create_historical_record(instance, "~")


def _tracked(history_row: Any) -> list:
    return [f for f in history_row.tracked_fields if f.name not in UNTRACKED_IN_DIFF]


def changed_fields(before: Any, after: Any) -> list[str]:
    """The labels of the fields that differ between two history rows of one record."""
    return [
        str(field.verbose_name)
        for field in _tracked(after)
        if getattr(before, field.attname) != getattr(after, field.attname)
    ]


def field_changes(before: Any, after: Any) -> list[dict[str, str]]:
    """Each changed field with its value before and after (related records by their id)."""
    rows = []
    for field in _tracked(after):
        old, new = getattr(before, field.attname), getattr(after, field.attname)
        if old != new:
            rows.append(
                {"field": str(field.verbose_name), "before": _text(old), "after": _text(new)}
            )
    return rows


def _text(value: Any) -> str:
    return "" if value is None else str(value)
