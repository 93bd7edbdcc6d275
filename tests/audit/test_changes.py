"""Changes: every create and change of a record with history is in the trail, with before/after."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from audit.selectors import with_changes
from cases import services
from cases.models import Person
from tests.cases.factories import CaseFactory, outcome, victim_of

pytestmark = pytest.mark.django_db


def test_a_new_case_and_its_victim_are_recorded_as_created(officer):
    case = CaseFactory(officer=officer)
    person = victim_of(case).person
    created = AuditEvent.objects.filter(action=AuditAction.CREATE)
    assert created.filter(object_label=f"Case {case.pk}", case_id=case.pk).exists()
    assert created.filter(object_label=f"Person {person.pk}", people__person_id=person.pk).exists()


def test_editing_a_person_records_who_changed_which_fields_and_the_values_from_history(
    client, officer
):
    case = CaseFactory(officer=officer, victim={"first_name": "Ada", "last_name": "Brennan"})
    party = victim_of(case)
    person = party.person
    client.force_login(officer)
    response = client.post(
        reverse("person-edit", args=[case.pk, party.pk]),
        {
            "first_name": "Ada",
            "last_name": "Brennan-Cole",
            "preferred_language": "English",
            "version": person.version,
        },
        REMOTE_ADDR="10.4.4.4",
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    [change] = AuditEvent.objects.filter(action=AuditAction.CHANGE, object_id=str(person.pk))
    assert (change.user, change.ip_address, change.case_id) == (officer, "10.4.4.4", None)
    assert set(change.people.values_list("person_id", flat=True)) == {person.pk}
    # The trail itself names only the field: the values live in the history, which disposal
    # of the personal data can remove.
    assert change.changes == [{"field": "last name"}]
    assert "Brennan" not in str(change.changes)
    [shown] = with_changes([change])
    assert shown.shown_changes == [
        {"field": "last name", "before": "Brennan", "after": "Brennan-Cole"}
    ]


def test_when_the_history_is_gone_the_field_names_remain(officer):
    case = CaseFactory(officer=officer, victim={"first_name": "Ada", "last_name": "Brennan"})
    person = victim_of(case).person
    services.update_person(
        person=person,
        by=officer,
        expected_version=person.version,
        first_name="Ada",
        last_name="Moreau",
        preferred_language="English",
    )
    Person.history.filter(id=person.pk).delete()  # as disposal does
    [change] = AuditEvent.objects.filter(action=AuditAction.CHANGE, object_id=str(person.pk))
    assert with_changes([change])[0].shown_changes == [{"field": "last name"}]


def test_a_save_that_changes_nothing_is_not_a_change(officer):
    case = CaseFactory(officer=officer)
    before = AuditEvent.objects.filter(action=AuditAction.CHANGE).count()
    case.save()
    assert AuditEvent.objects.filter(action=AuditAction.CHANGE).count() == before


def test_a_contact_logged_on_the_case_page_is_recorded_with_its_case_and_person(client, officer):
    case = CaseFactory(officer=officer)
    party = victim_of(case)
    client.force_login(officer)
    from django.utils import timezone

    response = client.post(
        reverse("contact-create", args=[case.pk]),
        {
            "party": party.pk,
            "method": "phone",
            "direction": "outgoing",
            "outcome": outcome().pk,
            "purpose": "update",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "summary": "Told them about the arrest.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = AuditEvent.objects.get(action=AuditAction.CREATE, object_label__startswith="Contact")
    assert (created.user, created.case_id) == (officer, case.pk)
    assert list(created.people.values_list("person_id", flat=True)) == [party.person_id]


def test_a_status_change_made_by_an_event_is_in_the_cases_history(officer):
    from django.utils import timezone

    from cases.models import EventKind
    from tests.factories import TeamFactory

    case = CaseFactory(officer=officer)
    unit = TeamFactory(kind="witness_care_unit")
    services.record_event(
        case=case,
        by=officer,
        kind=EventKind.PASSED_TO_WCU,
        occurred_at=timezone.now(),
        wcu_team=unit,
    )
    [change] = AuditEvent.objects.filter(action=AuditAction.CHANGE, object_label=f"Case {case.pk}")
    shown = {row["field"]: row for row in with_changes([change])[0].shown_changes}
    assert shown["status"]["before"] == "under_investigation"
    assert shown["status"]["after"] == "with_wcu"
    assert shown["Witness Care Unit"]["after"] == str(unit.pk)
