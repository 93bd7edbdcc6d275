"""My cases search: a POST whose terms stay out of every URL, recorded in the audit trail."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

URL = reverse("case-list")


def test_a_search_by_name_is_a_post_and_the_results_page_url_has_no_name(client, officer):
    mine = CaseFactory(officer=officer, victim={"first_name": "Juno", "last_name": "Harcourt"})
    CaseFactory(officer=officer, victim={"first_name": "Sam", "last_name": "Ilves"})
    client.force_login(officer)

    response = client.post(URL, {"q": "juno harcourt", "scope": "mine"}, follow=True)

    [(location, status)] = response.redirect_chain
    assert (location, status) == (URL, 302)
    content = response.content.decode()
    assert mine.crime_reference in content and "Ilves" not in content
    assert "Harcourt" not in response.request["PATH_INFO"] + response.request["QUERY_STRING"]
    assert 'method="post"' in content


def test_a_name_in_the_query_string_is_not_searched(client, officer):
    CaseFactory(officer=officer, victim={"first_name": "Juno", "last_name": "Harcourt"})
    CaseFactory(officer=officer, victim={"first_name": "Sam", "last_name": "Ilves"})
    client.force_login(officer)
    content = client.get(URL, {"q": "Harcourt"}).content.decode()
    assert "Ilves" in content  # the old GET search is gone: the full list shows
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_the_search_terms_are_kept_for_the_next_pages(client, officer):
    for n in range(27):
        CaseFactory(officer=officer, victim={"first_name": f"Pat{n}", "last_name": "Quillfeather"})
    CaseFactory(officer=officer, victim={"first_name": "Sam", "last_name": "Ilves"})
    client.force_login(officer)
    first = client.post(URL, {"q": "Quillfeather", "scope": "mine"}, follow=True)
    assert first.context["page"].paginator.count == 27
    assert 'href="?page=2"' in first.content.decode()
    second = client.get(URL, {"page": 2})
    assert len(second.context["page"]) == 2
    assert "Ilves" not in second.content.decode()


def test_the_search_is_recorded_with_its_terms(client, officer):
    client.force_login(officer)
    client.post(URL, {"q": "Harcourt", "scope": "all"}, REMOTE_ADDR="10.2.2.2")
    [search] = AuditEvent.objects.filter(action=AuditAction.SEARCH)
    assert (search.user, search.detail, search.ip_address, search.path) == (
        officer,
        "q=Harcourt; scope=all",
        "10.2.2.2",
        URL,
    )


def test_a_search_needs_the_csrf_token(officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post(URL, {"q": "Harcourt"}).status_code == 403
