"""audit.services.record and the append-only trail."""

import logging

import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.test import RequestFactory

from accounts.models import Role
from audit.models import AppendOnlyError, AuditAction, AuditEvent, AuditEventPerson
from audit.services import record
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _request(user, path="/cases/1/?q=Jane+Smith", **meta):
    request = RequestFactory().get(path, **meta)
    request.user = user
    return request


def test_record_keeps_who_what_where_and_no_query_string(officer):
    case = CaseFactory(officer=officer)
    person_id = victim_of(case).person_id
    request = _request(officer, REMOTE_ADDR="10.1.2.3")

    event = record(request, "view", obj=case, person_ids=[person_id], reason="Court file")

    event.refresh_from_db()
    assert (event.user, event.username, event.action) == (officer, officer.username, "view")
    assert (event.ip_address, event.method, event.path) == ("10.1.2.3", "GET", "/cases/1/")
    assert (event.case_id, event.object_id, event.object_label) == (
        case.pk,
        str(case.pk),
        f"Case {case.pk}",
    )
    assert event.reason == "Court file"
    assert list(event.people.values_list("person_id", flat=True)) == [person_id]


def test_object_label_names_the_kind_of_record_never_the_person(officer):
    person = victim_of(CaseFactory()).person
    event = record(officer, AuditAction.VIEW, obj=person)
    assert event.object_label == f"Person {person.pk}"
    assert person.last_name not in event.object_label


def test_the_case_is_taken_from_a_record_that_belongs_to_one(officer):
    case = CaseFactory()
    party = victim_of(case)
    assert record(officer, "view", obj=party).case_id == case.pk


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(officer, settings):
    request = _request(
        officer, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1"
    )
    settings.AUDIT_TRUST_X_FORWARDED_FOR = False
    assert record(request, "search").ip_address == "10.0.0.1"
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    assert record(request, "search").ip_address == "203.0.113.9"


def test_an_unknown_action_is_refused(officer):
    with pytest.raises(ValueError):
        record(officer, "peek")


def test_an_event_cannot_be_changed_or_deleted_through_the_model(officer):
    event = record(officer, "search", detail="q=Smith")
    event.detail = "nothing to see"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEventPerson.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == "q=Smith"


def test_the_admin_is_read_only_even_for_a_superuser(rf):
    superuser = make_user(Role.ADMIN, is_superuser=True, is_staff=True)
    event = record(superuser, "login")
    request = rf.get("/admin/")
    request.user = superuser
    admin = site._registry[AuditEvent]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, event)
    assert not admin.has_delete_permission(request, event)
    assert admin.get_actions(request) == {}


def test_the_admin_pages_refuse_changes(client):
    superuser = make_user(Role.ADMIN, is_superuser=True, is_staff=True)
    event = record(superuser, "login")
    client.force_login(superuser)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert (
        client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_record_writes_no_personal_data_to_the_logs(officer, caplog):
    case = CaseFactory(victim={"first_name": "Philippa", "last_name": "Quistwater"})
    request = _request(officer, path="/cases/?q=Quistwater")
    with caplog.at_level(logging.DEBUG):
        record(
            request,
            "search",
            obj=case,
            person_ids=[victim_of(case).person_id],
            detail="q=Philippa Quistwater",
            reason="Quistwater family called",
        )
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "django.db.backends")
    assert "Quistwater" not in logged and "Philippa" not in logged


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_itself_refuses_updates_and_deletes_of_the_trail(officer):
    if connection.vendor != "postgresql":
        pytest.skip("The append-only trigger is PostgreSQL's; SQLite relies on the model guard.")
    from django.db import DatabaseError

    event = record(officer, "search", detail="q=Smith", person_ids=[7])
    for sql in (
        "UPDATE audit_auditevent SET detail = '' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
        "DELETE FROM audit_auditeventperson WHERE event_id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).detail == "q=Smith"
