"""The review worklist, the decision form, the person page, subject access and consent history:
who may open them, what each shows, what is audited, and how many queries each takes."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import can
from audit.models import AuditEvent
from cases.models import Person
from referrals import services as referrals
from referrals.models import Referral
from retention import services
from retention.models import CaseRetention, RetentionStatus, ReviewDecision
from tests.cases.factories import CaseFactory, PartyFactory, victim_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LATER = timezone.now() + datetime.timedelta(days=366 * 11)


def _make_due(*cases):
    services.assign_retention()
    CaseRetention.objects.filter(case__in=cases).update(
        status=RetentionStatus.DUE, review_due=timezone.localdate()
    )


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "review", "export", "consents"),
    [
        (Role.SUPERVISOR, True, True, True),
        (Role.OFFICER, False, False, True),
        (Role.WITNESS_CARE, False, False, True),
        (Role.AGENCY, False, False, False),
        (Role.ADMIN, False, False, False),
        (Role.AUDITOR, False, True, True),
    ],
)
def test_matrix(role, review, export, consents):
    user = make_user(role)
    assert can(user, "retention.review") is review
    assert can(user, "people.export") is export
    assert can(user, "people.consents") is consents


def test_officer_cannot_open_the_worklist_or_export(client, officer):
    case = CaseFactory(officer=officer)
    client.force_login(officer)
    assert client.get(reverse("retention-worklist")).status_code == 403
    person = victim_of(case).person_id
    assert client.post(reverse("subject-access", args=[person])).status_code == 403
    assert client.get(reverse("person-record", args=[person])).status_code == 200


# --- worklist ----------------------------------------------------------------------------------


def test_worklist_shows_due_cases_the_supervisor_can_see_and_no_restricted_one(client, supervisor):
    open_case = CaseFactory()
    restricted = CaseFactory(restricted=True)
    not_due = CaseFactory()
    _make_due(open_case, restricted)
    services.assign_retention()
    client.force_login(supervisor)
    body = client.get(reverse("retention-worklist")).content.decode()
    assert open_case.crime_reference in body
    assert restricted.crime_reference not in body
    assert not_due.crime_reference not in body
    assert "1 case due for review" in body
    assert client.get(reverse("retention-review", args=[restricted.pk])).status_code == 404


def test_restricted_case_is_on_its_team_supervisors_worklist(client, team_supervisor):
    restricted = CaseFactory(restricted=True)
    _make_due(restricted)
    client.force_login(team_supervisor(restricted.team))
    assert restricted.crime_reference in client.get(reverse("retention-worklist")).content.decode()


def test_worklist_sorts_and_pages_in_a_fixed_number_of_queries(
    client, supervisor, django_assert_max_num_queries
):
    cases = CaseFactory.create_batch(4)
    _make_due(*cases)
    CaseRetention.objects.filter(case=cases[2]).update(
        review_due=timezone.localdate() - datetime.timedelta(days=9)
    )
    client.force_login(supervisor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("retention-worklist"), {"sort": "due"})
    rows = [r.case.crime_reference for r in response.context["page"]]
    assert rows[0] == cases[2].crime_reference
    newest = client.get(reverse("retention-worklist"), {"sort": "-due"}).context["page"]
    assert [r.case.crime_reference for r in newest][-1] == cases[2].crime_reference
    CaseFactory.create_batch(4)
    _make_due(*type(cases[0]).objects.all())
    with django_assert_max_num_queries(12):
        assert client.get(reverse("retention-worklist")).status_code == 200


# --- decision form -----------------------------------------------------------------------------


def test_retain_without_a_reason_is_a_form_error(client, supervisor):
    case = CaseFactory()
    _make_due(case)
    client.force_login(supervisor)
    response = client.post(reverse("retention-review", args=[case.pk]), {"decision": "retain"})
    assert response.status_code == 200
    assert "Say why the case" in response.content.decode()
    assert not ReviewDecision.objects.exists()


def test_retain_through_the_form_records_who_and_why(client, supervisor):
    case = CaseFactory()
    _make_due(case)
    client.force_login(supervisor)
    response = client.post(
        reverse("retention-review", args=[case.pk]),
        {"decision": "retain", "reason": "Linked to an open series"},
    )
    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    assert (decision.decided_by, decision.reason) == (supervisor, "Linked to an open series")
    page = client.get(reverse("retention-review", args=[case.pk])).content.decode()
    assert "Linked to an open series" in page and "not due for review" in page


def test_dispose_needs_confirmation(client, full_case, supervisor):
    case, party = full_case()
    _make_due(case)
    client.force_login(supervisor)
    url = reverse("retention-review", args=[case.pk])
    response = client.post(url, {"decision": "dispose"})
    assert "Tick to confirm" in response.content.decode()
    response = client.post(url, {"decision": "dispose", "confirm": "on"})
    assert response.status_code == 302
    assert Person.objects.get(pk=party.person_id).first_name == services.DISPOSED_NAME


# --- person page, subject access ---------------------------------------------------------------


def test_person_page_is_404_for_someone_only_in_restricted_cases(client, supervisor):
    case = CaseFactory(restricted=True)
    client.force_login(supervisor)
    person = victim_of(case).person_id
    assert client.get(reverse("person-record", args=[person])).status_code == 404
    assert client.post(reverse("subject-access", args=[person])).status_code == 404
    assert client.get(reverse("person-consents", args=[person])).status_code == 404


def test_subject_access_page_shows_everything_held_and_is_audited(
    client, full_case, supervisor, django_assert_max_num_queries
):
    case, party = full_case()
    client.force_login(supervisor)
    url = reverse("subject-access", args=[party.person_id])
    assert str(party.person_id) in url and "Zara" not in url
    with django_assert_max_num_queries(30):
        response = client.post(url, {"format": "page"})
    body = response.content.decode()
    for text in [
        "Quillfeather",
        "zara.q@example.org",
        "Sister Mabel",
        case.crime_reference,
        "Spoke about the bruising",
        "Suspect arrested at his flat",
        "Wants counselling",
        "Mobile only please",
        "Threats to her sister",
        "Screens at court",
        "Statement about her fear",
        "Holiday in June",
        "Emotional support after the assault",
        "Explicit consent",
        "Officers were kind to Zara",
    ]:
        assert text in body, text
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="export")
    assert (event.user, event.object_id) == (supervisor, str(party.person_id))
    assert list(event.people.values_list("person_id", flat=True)) == [party.person_id]
    assert "Zara" not in event.detail


def test_subject_access_queries_do_not_grow_with_the_records(
    client, full_case, supervisor, django_assert_max_num_queries
):
    _case, party = full_case()
    for _ in range(3):
        other = CaseFactory()
        PartyFactory(case=other, person=party.person)
    client.force_login(supervisor)
    with django_assert_max_num_queries(30):
        client.post(reverse("subject-access", args=[party.person_id]), {"format": "page"})


def test_subject_access_json_has_the_same_content(client, full_case, supervisor):
    case, party = full_case()
    client.force_login(supervisor)
    response = client.post(reverse("subject-access", args=[party.person_id]), {"format": "json"})
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == "victimcare-subject-access/1"
    assert data["person"]["id"] == party.person_id
    assert data["person"]["last_name"] == "Quillfeather"
    assert data["person"]["date_of_birth"] == "1990-05-17"
    assert data["safe_contact"]["alternative_contact"] == "Sister Mabel"
    [held] = data["cases"]
    assert held["crime_reference"] == case.crime_reference
    assert held["role"] == "Victim"
    assert [c["summary"] for c in held["contacts"]] == ["Spoke about the bruising"]
    assert held["events"][0]["kind"] == "arrest"
    assert held["needs_assessments"][0]["support_needs"] == "Wants counselling"
    assert held["risk_assessments"][0]["judgement_reason"] == "Threats to her sister"
    assert held["special_measures"][0]["notes"] == "Screens at court"
    assert held["statements"][0]["notes"] == "Statement about her fear"
    assert held["witness_care"][0]["dates_to_avoid"] == "Holiday in June"
    [referral] = held["referrals"]
    assert referral["lawful_basis"] == "explicit_consent"
    assert referral["consent_scope"] == ["contact", "needs"]
    assert any("consent" in line for line in referral["history"])
    [invitation] = held["surveys"]
    assert any("Officers were kind to Zara" in a for a in invitation["answers"])
    assert "nonce" not in invitation
    assert AuditEvent.objects.filter(action="export", detail__contains="json").count() == 1


def test_subject_access_excludes_cases_the_requester_cannot_see(client, full_case, supervisor):
    case, party = full_case()
    hidden = CaseFactory(restricted=True)
    PartyFactory(case=hidden, person=party.person)
    client.force_login(supervisor)
    data = json.loads(
        client.post(reverse("subject-access", args=[party.person_id]), {"format": "json"}).content
    )
    assert [c["crime_reference"] for c in data["cases"]] == [case.crime_reference]
    assert "restricted" in data["scope"].lower()


def test_subject_access_is_post_only_so_a_link_exports_nothing(client, full_case, supervisor):
    _case, party = full_case()
    client.force_login(supervisor)
    assert client.get(reverse("subject-access", args=[party.person_id])).status_code == 405
    assert not AuditEvent.objects.filter(action="export").exists()


# --- consent -----------------------------------------------------------------------------------


def test_consent_page_lists_consent_and_withdrawal_in_time_order(client, full_case, officer):
    case, party = full_case(officer=officer)
    referral = Referral.objects.get(party=party)
    referrals.withdraw_consent(referral=referral, by=officer, how="Phoned to withdraw")
    client.force_login(officer)
    with_case_link = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert reverse("person-record", args=[party.person_id]) in with_case_link
    response = client.get(reverse("person-consents", args=[party.person_id]))
    body = response.content.decode()
    assert "Explicit consent" in body
    assert "Contact details and safe times" in body
    assert "In person" in body
    assert body.index("Consent recorded") < body.index("Consent withdrawn")
    assert "Phoned to withdraw" in body
    assert str(officer) in body
    assert AuditEvent.objects.filter(action="view", detail="Consent records").count() == 1


def test_consent_page_queries_are_bounded(
    client, full_case, officer, django_assert_max_num_queries
):
    _case, party = full_case(officer=officer)
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("person-consents", args=[party.person_id])).status_code == 200


# --- the auditor (data protection officer) -----------------------------------------------------


def test_auditor_finds_a_person_in_a_restricted_case_and_exports_everything(client, full_case):
    case, party = full_case(restricted=True)
    auditor = make_user(Role.AUDITOR)
    client.force_login(auditor)
    assert client.get(reverse("person-search")).status_code == 200
    response = client.post(reverse("person-search"), {"name": "quillfeather"})
    assert reverse("person-record", args=[party.person_id]) in response.content.decode()
    assert AuditEvent.objects.filter(action="search", user=auditor).count() == 1
    assert client.get(reverse("person-record", args=[party.person_id])).status_code == 200
    data = json.loads(
        client.post(reverse("subject-access", args=[party.person_id]), {"format": "json"}).content
    )
    assert [c["crime_reference"] for c in data["cases"]] == [case.crime_reference]
    consents = client.get(reverse("person-consents", args=[party.person_id]))
    assert "Explicit consent" in consents.content.decode()


def test_supervisor_search_finds_nobody_in_a_restricted_case(client, full_case, supervisor):
    full_case(restricted=True)
    client.force_login(supervisor)
    response = client.post(reverse("person-search"), {"name": "Quillfeather"})
    assert response.context["people"] == []
    blank = client.post(reverse("person-search"), {"name": ""})
    assert "Enter a name to search for." in blank.content.decode()
