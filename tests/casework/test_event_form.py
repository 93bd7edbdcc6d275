"""The event form asks only for the fields of the kind chosen (issue 19): an arrest asks for no
hearing date. Each kind-specific field says which kinds ask for it (the page's script shows it only
for those), and a value left in a field the kind does not ask for is dropped, not saved."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import EVENT_KIND_FIELDS, RECEIVED_EVENT_KINDS, CaseEvent, EventKind
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_each_kind_specific_field_says_which_kinds_ask_for_it(client):
    case = CaseFactory()
    client.force_login(case.officer)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    hearing = re.search(r'<input[^>]*name="hearing_at"[^>]*>', page)[0]
    assert 'data-event-kinds="hearing_listed"' in hearing
    received = re.search(r'<input[^>]*name="received_at"[^>]*>', page)[0]
    assert f'data-event-kinds="{" ".join(sorted(RECEIVED_EVENT_KINDS))}"' in received
    # Asked of every event: no kinds named.
    occurred = re.search(r'<input[^>]*name="occurred_at"[^>]*>', page)[0]
    assert "data-event-kinds" not in occurred
    assert 'src="/static/js/event_form.js"' in page


def test_an_arrest_asks_for_none_of_the_hearing_and_court_fields():
    asked = {name for name, kinds in EVENT_KIND_FIELDS.items() if EventKind.ARREST in kinds}
    assert asked == set()
    sentence = {name for name, kinds in EVENT_KIND_FIELDS.items() if EventKind.SENTENCE in kinds}
    assert sentence == {"received_at", "outcome", "custody_months"}


def test_a_value_left_in_a_field_the_kind_does_not_ask_for_is_dropped(client):
    case = CaseFactory()
    client.force_login(case.officer)
    now = timezone.now()
    response = client.post(
        reverse("event-create", args=[case.pk]),
        {
            "kind": EventKind.ARREST,
            "occurred_at": _local(now - datetime.timedelta(hours=1)),
            # Typed while "Hearing listed" was chosen, then the officer chose the arrest.
            "hearing_at": _local(now + datetime.timedelta(days=20)),
            "venue": "Northshire Crown Court",
            # Not even a valid number: no error for a field the arrest does not ask for.
            "custody_months": "soon",
        },
    )
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.hearing_at, event.venue, event.custody_months) == (
        EventKind.ARREST,
        None,
        "",
        None,
    )


def test_a_hearing_keeps_its_date_and_venue(client):
    case = CaseFactory()
    client.force_login(case.officer)
    now = timezone.now()
    hearing_at = (now + datetime.timedelta(days=20)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("event-create", args=[case.pk]),
        {
            "kind": EventKind.HEARING_LISTED,
            "occurred_at": _local(now - datetime.timedelta(hours=2)),
            "received_at": _local(now - datetime.timedelta(hours=1)),
            "hearing_at": _local(hearing_at),
            "venue": "Northshire Crown Court",
        },
    )
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case)
    assert event.hearing_at == hearing_at and event.venue == "Northshire Crown Court"
