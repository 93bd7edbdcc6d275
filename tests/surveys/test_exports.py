"""Survey exports: every cell safe to open in a spreadsheet, every export in the audit trail with
who, what and how many people, and a bounded number of queries whatever the size."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from surveys.models import Answer, InvitationStatus

from .test_services import make_invitation, questions, reported_case
from .test_views import _consenting

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("id"))


def test_the_contact_sample_keeps_formulas_in_names_emails_and_phones_as_text(client, supervisor):
    case = reported_case(
        50,
        now=timezone.now(),
        victim={
            "first_name": "=HYPERLINK(1)",
            "last_name": "Okafor",
            "email": "=cmd@example.org",
            "phone": "+447700900123",
        },
    )
    make_invitation(
        case, status=InvitationStatus.COMPLETED, completed_at=timezone.now(), contact_consent=True
    )
    client.force_login(supervisor)

    [header, row] = _rows(client.post(reverse("survey-sample"), {"size": "5"}))

    assert header == ["response", "name", "email", "phone", "team"]
    assert row[1:4] == ["'=HYPERLINK(1) Okafor", "'=cmd@example.org", "'+447700900123"]


def test_the_answers_export_keeps_a_formula_choice_or_text_as_text(client, supervisor):
    invitation = make_invitation(status=InvitationStatus.COMPLETED, completed_at=timezone.now())
    Answer.objects.create(invitation=invitation, question=questions()["consent"], choice="-1+2")
    Answer.objects.create(invitation=invitation, question=questions()["text"], text="\tcmd")
    client.force_login(supervisor)

    rows = _rows(client.get(reverse("survey-results"), {"format": "csv"}))

    choice, text = rows[0].index("choice"), rows[0].index("text")
    assert {(r[choice], r[text]) for r in rows[1:]} == {("'-1+2", ""), ("", "'\tcmd")}


def test_the_contact_sample_is_an_audit_entry_naming_who_what_and_how_many_people(
    client, supervisor
):
    sampled = _consenting(3)
    client.force_login(supervisor)

    rows = _rows(client.post(reverse("survey-sample"), {"seed": "Q3", "size": "2"}))

    [event] = _exports()
    assert (event.user, event.path) == (supervisor, "/surveys/sample/")
    assert event.detail.startswith("Survey contact sample (names, emails, phones): 2 people;")
    assert "seed=Q3; size=2" in event.detail
    exported = {int(r[0]) for r in rows[1:]}
    people = {i.party.person_id for i in sampled if i.pk in exported}
    assert len(people) == 2
    assert set(event.people.values_list("person_id", flat=True)) == people


def test_the_answers_export_records_how_many_peoples_answers_it_holds(client, supervisor):
    for _ in range(2):
        make_invitation(status=InvitationStatus.COMPLETED, completed_at=timezone.now())
    make_invitation(status=InvitationStatus.STARTED)  # not exported: not sent by the person
    client.force_login(supervisor)

    client.get(reverse("survey-results"), {"format": "csv", "offence_group": "Burglary"})
    client.get(reverse("survey-results"), {"format": "csv"})

    filtered, everything = _exports()
    assert filtered.detail == "Survey answers, without names: 0 people; offence_group=Burglary"
    assert everything.detail == "Survey answers, without names: 2 people"
    assert everything.user == supervisor


def test_the_contact_sample_costs_the_same_queries_for_one_person_or_twenty(
    client, supervisor, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(supervisor)
    _consenting(1)
    with CaptureQueriesContext(connection) as one:
        assert len(_rows(client.post(reverse("survey-sample"), {"size": "50"}))) == 2
    _consenting(19)
    with CaptureQueriesContext(connection) as twenty:
        assert len(_rows(client.post(reverse("survey-sample"), {"size": "50"}))) == 21
    assert len(twenty) <= len(one) + 1  # the audit entry's people are one bulk insert
    with django_assert_max_num_queries(len(one) + 1):
        client.post(reverse("survey-sample"), {"size": "50"})
