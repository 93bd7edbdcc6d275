"""What a person's page and subject access export show of the records shared by all the person's
cases, when the person is also in a case the requester cannot see: the safe contact notes (which
may have been written for that case) and who last changed them are withheld, the safety flags
stay, and nothing from the hidden case appears. The auditor, who answers subject access requests,
and anyone who sees every case of the person get everything."""

import json

import pytest
from django.urls import reverse

from accounts.models import Role
from cases import services as cases
from referrals import services as referrals
from referrals.models import ConsentMethod, LawfulBasis, ShareItem
from retention import services
from tests.cases.factories import CaseFactory, PartyFactory
from tests.factories import AgencyFactory, make_user

pytestmark = pytest.mark.django_db

HIDDEN_NOTE = "Refuge address known to the hidden case officer"
HIDDEN_TEXTS = [
    HIDDEN_NOTE,
    "Hidden offence summary about the stalker",
    "Hidden contact about moving house",
    "Hidden referral for housing support",
    "Hidden Housing Trust",
]
# Safety flags set by tests/retention/conftest.py build_full_case: they stay for everyone.
FLAGS = ["Ring after six only", "Sister Mabel"]


@pytest.fixture
def shared(full_case):
    """A visible closed case and a restricted case on another team, with the same victim; the
    restricted case's officer last changed the victim's safe contact notes."""
    case, party = full_case()
    person = party.person
    hidden_officer = make_user(Role.OFFICER, first_name="Horatio", last_name="Hiddenfield")
    hidden = CaseFactory(
        officer=hidden_officer,
        restricted=True,
        offence_summary="Hidden offence summary about the stalker",
    )
    hidden_party = PartyFactory(case=hidden, person=person)
    cases.record_contact(
        case=hidden,
        party=hidden_party,
        by=hidden_officer,
        occurred_at=hidden.reported_at,
        method="phone",
        purpose="initial",
        summary="Hidden contact about moving house",
    )
    referrals.create_referral(
        party=hidden_party,
        agency=AgencyFactory(name="Hidden Housing Trust"),
        by=hidden_officer,
        support_requested="Hidden referral for housing support",
        lawful_basis=LawfulBasis.EXPLICIT_CONSENT,
        scope=[ShareItem.CONTACT],
        method=ConsentMethod.IN_PERSON,
    )
    person.safe_contact.refresh_from_db()
    cases.save_safe_contact(
        person=person,
        by=hidden_officer,
        expected_version=person.safe_contact.version,
        notes=HIDDEN_NOTE,
    )
    return {"case": case, "hidden": hidden, "person": person, "officer": hidden_officer}


def _export(client, user, person, fmt):
    client.force_login(user)
    return client.post(reverse("subject-access", args=[person.pk]), {"format": fmt})


def _absent_from_hidden_case(body: str, shared: dict) -> None:
    assert shared["hidden"].crime_reference not in body
    assert str(shared["officer"]) not in body
    for text in HIDDEN_TEXTS:
        assert text not in body, text


def test_the_fixture_puts_the_person_in_a_case_the_supervisor_cannot_see(shared, supervisor):
    assert not services.sees_whole_person(supervisor, shared["person"])
    assert services.sees_whole_person(make_user(Role.AUDITOR), shared["person"])
    # The hidden case's officer sees it, and the other case is not restricted.
    assert services.sees_whole_person(shared["officer"], shared["person"])


def test_the_export_page_withholds_the_notes_but_keeps_the_flags(client, shared, supervisor):
    response = _export(client, supervisor, shared["person"], "page")
    assert response.status_code == 200
    body = response.content.decode()
    assert services.WITHHELD in body
    for flag in FLAGS:
        assert flag in body, flag
    assert shared["case"].crime_reference in body
    _absent_from_hidden_case(body, shared)


def test_the_json_export_withholds_the_notes_and_says_so(client, shared, supervisor):
    response = _export(client, supervisor, shared["person"], "json")
    raw = response.content.decode()
    _absent_from_hidden_case(raw, shared)
    data = json.loads(raw)
    safe = data["safe_contact"]
    assert (safe["notes"], safe["updated_by"]) == (None, None)
    assert safe["safe_times"] == "Ring after six only"
    assert safe["alternative_contact"] == "Sister Mabel"
    assert (safe["text_safe"], safe["phone_safe"], safe["may_leave_message"]) == (
        False,
        True,
        False,
    )
    assert data["withheld"]["safe_contact"] == ["notes", "updated_by"]
    assert "cannot see" in data["withheld"]["reason"]
    assert [c["crime_reference"] for c in data["cases"]] == [shared["case"].crime_reference]


def test_the_person_page_withholds_the_notes_but_keeps_the_flags(client, shared, supervisor):
    client.force_login(supervisor)
    body = client.get(reverse("person-record", args=[shared["person"].pk])).content.decode()
    assert services.WITHHELD in body
    for flag in [*FLAGS, "text message", "Do not leave messages"]:
        assert flag in body, flag
    _absent_from_hidden_case(body, shared)


def test_the_consent_page_leaves_out_the_hidden_case_referral(client, shared, supervisor):
    client.force_login(supervisor)
    body = client.get(reverse("person-consents", args=[shared["person"].pk])).content.decode()
    assert shared["case"].crime_reference in body and "Consent recorded" in body
    _absent_from_hidden_case(body, shared)


def test_the_auditor_gets_the_notes_and_the_hidden_case(client, shared):
    auditor = make_user(Role.AUDITOR)
    data = json.loads(_export(client, auditor, shared["person"], "json").content)
    assert data["safe_contact"]["notes"] == HIDDEN_NOTE
    assert data["safe_contact"]["updated_by"] == str(shared["officer"])
    assert data["withheld"] == {"safe_contact": [], "reason": ""}
    held = {c["crime_reference"] for c in data["cases"]}
    assert held == {shared["case"].crime_reference, shared["hidden"].crime_reference}
    page = _export(client, auditor, shared["person"], "page").content.decode()
    assert HIDDEN_NOTE in page and services.WITHHELD not in page
    person_page = client.get(reverse("person-record", args=[shared["person"].pk]))
    assert HIDDEN_NOTE in person_page.content.decode()


def test_the_supervisor_named_on_every_case_gets_the_notes(client, shared, team_supervisor):
    both = team_supervisor(shared["hidden"].team)  # and the other case is not restricted
    assert services.sees_whole_person(both, shared["person"])
    data = json.loads(_export(client, both, shared["person"], "json").content)
    assert data["safe_contact"]["notes"] == HIDDEN_NOTE
    assert data["withheld"]["safe_contact"] == []
    page = client.get(reverse("person-record", args=[shared["person"].pk])).content.decode()
    assert HIDDEN_NOTE in page and services.WITHHELD not in page


def test_without_a_hidden_case_the_supervisor_gets_the_notes(client, full_case, supervisor):
    _case, party = full_case()
    data = json.loads(_export(client, supervisor, party.person, "json").content)
    assert data["safe_contact"]["notes"] == "Partner reads her texts"
    assert data["withheld"]["safe_contact"] == []
    page = _export(client, supervisor, party.person, "page").content.decode()
    assert "Partner reads her texts" in page and services.WITHHELD not in page
    person_page = client.get(reverse("person-record", args=[party.person_id])).content.decode()
    assert "Partner reads her texts" in person_page and services.WITHHELD not in person_page


def test_the_person_page_adds_a_bounded_number_of_queries(
    client, shared, supervisor, django_assert_max_num_queries
):
    for _ in range(3):
        PartyFactory(case=CaseFactory(), person=shared["person"])
    client.force_login(supervisor)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("person-record", args=[shared["person"].pk]))
    assert response.status_code == 200
