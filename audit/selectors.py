"""Reading the audit trail: who may see which events, and the search."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Role, User
from accounts.permissions import can
from audit import subjects
from audit.history import field_changes
from audit.models import AuditEvent, AuditEventPerson

# The search's periods are days in England and Wales, whatever the server's zone.
LONDON = ZoneInfo("Europe/London")


def events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """An auditor sees every event; a supervisor only those about cases they can see."""
    if not can(user, "audit.view"):
        return AuditEvent.objects.none()
    if Role.AUDITOR in user.roles:
        return AuditEvent.objects.all()
    cases, people = subjects.cases().visible_to(user)
    about_people = AuditEventPerson.objects.filter(event=OuterRef("pk"), person_id__in=people)
    return AuditEvent.objects.filter(
        Q(case_id__in=cases) | (Q(case__isnull=True) & Exists(about_people))
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=LONDON).astimezone(datetime.UTC)


def search_events(
    user: User,
    *,
    person: str = "",
    person_id: int | None = None,
    username: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events the user may see, narrowed by person, user, action and period (London days)."""
    events = events_visible_to(user)
    if person.strip():
        named = AuditEventPerson.objects.filter(
            event=OuterRef("pk"), person_id__in=subjects.cases().people_named(person.strip())
        )
        events = events.filter(Exists(named))
    if person_id:
        events = events.filter(
            Exists(AuditEventPerson.objects.filter(event=OuterRef("pk"), person_id=person_id))
        )
    if username.strip():
        events = events.filter(username__iexact=username.strip())
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(occurred_at__gte=_day_start(date_from))
    if date_to:
        events = events.filter(occurred_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return events.order_by("-occurred_at", "-id")


def with_changes(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Give each event ``shown_changes``: the before and after of each field it changed.

    For changes recorded from a record's history the values are read from the history rows, one
    query per kind of record on the page. Where disposal has since removed the history, only the
    field names remain.
    """
    events = list(events)
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.history_model and event.history_id and event.previous_history_id:
            wanted[event.history_model].update((event.history_id, event.previous_history_id))
    rows: dict[tuple[str, int], object] = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for row in model.objects.filter(pk__in=ids):
            rows[(label, row.pk)] = row
    for event in events:
        after = rows.get((event.history_model, event.history_id))
        before = rows.get((event.history_model, event.previous_history_id))
        if after is not None and before is not None:
            event.shown_changes = field_changes(before, after)
        else:
            event.shown_changes = event.changes
    return events
