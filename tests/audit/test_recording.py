"""What the audit middleware records: views, searches, exports, denials; and the registry."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEvent
from audit.registry import NOT_RECORDS, ROUTES
from tests.cases.factories import CaseFactory, PartyFactory, victim_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _events(action=None, **filters):
    events = AuditEvent.objects.filter(**filters)
    if action:
        events = events.filter(action=action)
    return list(events.order_by("id"))


def _people(event):
    return set(event.people.values_list("person_id", flat=True))


def test_opening_a_case_page_records_who_viewed_which_case_and_its_people(client, officer):
    case = CaseFactory(officer=officer)
    witness = PartyFactory(case=case)
    client.force_login(officer)

    assert (
        client.get(reverse("case-detail", args=[case.pk]), REMOTE_ADDR="10.9.8.7").status_code
        == 200
    )

    [event] = _events(AuditAction.VIEW)
    assert (event.user, event.case_id, event.object_label) == (officer, case.pk, f"Case {case.pk}")
    assert (event.ip_address, event.path) == ("10.9.8.7", f"/cases/{case.pk}/")
    assert _people(event) == {victim_of(case).person_id, witness.person_id}


def test_a_person_page_records_that_person_only(client, officer):
    case = CaseFactory(officer=officer)
    PartyFactory(case=case)
    party = victim_of(case)
    client.force_login(officer)

    client.get(reverse("safe-contact", args=[case.pk, party.pk]))

    [event] = _events(AuditAction.VIEW)
    assert (event.case_id, event.object_label) == (case.pk, f"Party {party.pk}")
    assert _people(event) == {party.person_id}


def test_api_detail_endpoints_are_recorded(officer):
    case = CaseFactory(officer=officer)
    person_id = victim_of(case).person_id
    api = APIClient()
    api.force_authenticate(officer)

    assert api.get(reverse("api-case-detail", args=[case.pk])).status_code == 200
    assert api.get(reverse("api-person-detail", args=[person_id])).status_code == 200
    assert api.get(reverse("api-case-parties", args=[case.pk])).status_code == 200

    case_view, person_view, parties_view = _events(AuditAction.VIEW)
    assert (case_view.case_id, case_view.user) == (case.pk, officer)
    assert (person_view.object_label, _people(person_view)) == (f"Person {person_id}", {person_id})
    assert parties_view.path == f"/api/v1/cases/{case.pk}/parties/"


def test_a_case_the_user_may_not_see_is_recorded_as_access_denied(client, officer):
    hidden = CaseFactory(restricted=True)
    client.force_login(officer)

    assert client.get(reverse("case-detail", args=[hidden.pk])).status_code == 404

    [event] = _events(AuditAction.ACCESS_DENIED)
    assert (event.user, event.case_id, _people(event)) == (officer, hidden.pk, set())


def test_a_list_without_filters_is_not_a_search_but_a_filtered_one_is(officer):
    api = APIClient()
    api.force_authenticate(officer)
    api.get(reverse("api-case-list"))
    assert _events(AuditAction.SEARCH) == []
    response = api.get(reverse("api-case-list"), {"q": "NS/1234", "status": "under_investigation"})
    assert response.status_code == 200
    [search] = _events(AuditAction.SEARCH)
    assert search.detail == "q=NS/1234; status=under_investigation"


def test_survey_exports_are_recorded_with_their_filters(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("survey-results"), {"format": "csv"})
    assert response.status_code == 200
    client.get(reverse("survey-results"))  # the page itself is not an export
    client.post(reverse("survey-sample"), {"seed": "2026-11-01", "size": "5"})

    results, sample = _events(AuditAction.EXPORT)
    assert (results.path, results.detail) == (
        "/surveys/results/",
        "Survey answers, without names: 0 people",
    )
    assert (sample.path, sample.detail) == (
        "/surveys/sample/",
        "Survey contact sample (names, emails, phones): 0 people; seed=2026-11-01; size=5",
    )


def test_a_view_that_records_its_own_event_is_not_recorded_twice(rf, officer):
    from django.http import HttpResponse

    from audit.middleware import AuditMiddleware
    from audit.services import record

    def view(request):
        record(request, AuditAction.EXPORT, detail="subject access")
        response = HttpResponse("{}", content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="person.json"'
        return response

    request = rf.get("/people/1/export/")
    request.user = officer
    request.resolver_match = None
    AuditMiddleware(view)(request)
    assert [e.detail for e in _events(AuditAction.EXPORT)] == ["subject access"]


def test_any_other_download_is_recorded_as_an_export(rf, officer):
    from django.http import HttpResponse

    from audit.middleware import AuditMiddleware

    def view(request):
        response = HttpResponse("a,b", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="pack.csv"'
        return response

    request = rf.get("/compliance/pack.csv")
    request.user = officer
    AuditMiddleware(view)(request)
    [event] = _events(AuditAction.EXPORT)
    assert (event.detail, event.path) == ("pack.csv", "/compliance/pack.csv")


def _url_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            yield from _url_names(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name, prefix + str(pattern.pattern), pattern.pattern.converters


def test_every_url_that_takes_a_record_id_is_audited_or_says_why_not():
    unlisted = [
        f"{name} ({route})"
        for name, route, converters in _url_names(get_resolver().url_patterns)
        if converters and name not in ROUTES and name not in NOT_RECORDS
    ]
    assert unlisted == [], "Add these to audit.registry.ROUTES or NOT_RECORDS"


def test_the_registry_names_only_urls_that_exist():
    names = {name for name, _route, _conv in _url_names(get_resolver().url_patterns)}
    assert set(ROUTES) - names == set()
    assert set(NOT_RECORDS) - names == set()


def test_every_case_and_person_page_is_in_the_registry():
    # The record pages this issue names, by URL name: a rename must keep them audited.
    for name in [
        "case-detail",
        "person-edit",
        "safe-contact",
        "api-case-detail",
        "api-case-parties",
        "api-person-detail",
        "case-list",
        "survey-results",
        "survey-sample",
    ]:
        assert name in ROUTES, name


def test_an_agency_user_viewing_their_referral_is_recorded(client):
    from referrals.models import Referral

    referral_case = CaseFactory()
    party = victim_of(referral_case)
    from tests.factories import AgencyFactory

    agency = AgencyFactory()
    user = make_user("agency", agency=agency)
    from django.utils import timezone

    referral = Referral.objects.create(
        case=referral_case,
        party=party,
        agency=agency,
        created_at=timezone.now(),
        sent_at=timezone.now(),
        status="sent",
    )
    client.force_login(user)
    assert client.get(reverse("agency-referral", args=[referral.pk])).status_code == 200
    [event] = _events(AuditAction.VIEW)
    assert (event.case_id, _people(event), event.object_label) == (
        referral_case.pk,
        {party.person_id},
        f"Referral {referral.pk}",
    )
