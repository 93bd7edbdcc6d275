"""The API's force-wide lists (cases, duties, referrals) are paged by a cursor: every row once, in
order, forwards and back, however many rows share the moment they are ordered by."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEvent
from cases import services
from cases.api.pagination import KeysetPagination
from cases.models import Case, CaseStatus, EventKind
from entitlements.models import Duty
from tests.cases.factories import CaseFactory
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

PAGE = 5


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(KeysetPagination, "page_size", PAGE)


@pytest.fixture
def officer_api(officer) -> APIClient:
    client = APIClient()
    client.force_login(officer)
    return client


def _walk(client: APIClient, url: str, params: dict | None = None) -> list[dict]:
    """Every page from the first, following `next`; then back again, following `previous`."""
    pages = [client.get(url, params or {}).data]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).data)
    back = [pages[-1]]
    while back[-1]["previous"]:
        back.append(client.get(back[-1]["previous"]).data)
    assert [page["results"] for page in reversed(back)] == [page["results"] for page in pages]
    assert pages[0]["previous"] is None
    return pages


def _ids(pages: list[dict]) -> list[int]:
    return [row["id"] for page in pages for row in page["results"]]


def test_cases_reported_at_the_same_moment_are_each_listed_once_newest_first(officer_api):
    moment = timezone.now() - datetime.timedelta(days=1)
    same = [CaseFactory(occurred_at=moment, reported_at=moment) for _ in range(7)]
    earlier = [CaseFactory(reported_at=moment - datetime.timedelta(hours=h)) for h in (1, 2, 3)]
    later = [CaseFactory(reported_at=moment + datetime.timedelta(hours=h)) for h in (1, 2)]

    pages = _walk(officer_api, reverse("api-case-list"))

    expected = Case.objects.filter(pk__in=[c.pk for c in same + earlier + later])
    assert _ids(pages) == list(
        expected.order_by("-reported_at", "-id").values_list("id", flat=True)
    )
    assert [len(page["results"]) for page in pages] == [5, 5, 2]
    assert pages[-1]["next"] is None


def test_a_filter_is_kept_from_page_to_page(officer_api):
    team = TeamFactory()
    mine = [CaseFactory(team=team) for _ in range(7)]
    CaseFactory.create_batch(3)

    pages = _walk(officer_api, reverse("api-case-list"), {"team": team.pk})

    assert sorted(_ids(pages)) == sorted(case.pk for case in mine)
    assert f"team={team.pk}" in pages[0]["next"]


def test_duties_due_at_the_same_moment_are_each_listed_once_soonest_first(officer_api):
    arrested_at = timezone.now() - datetime.timedelta(hours=2)
    for case in CaseFactory.create_batch(4):
        services.record_event(
            case=case, by=case.officer, kind=EventKind.ARREST, occurred_at=arrested_at
        )
    duties = Duty.objects.order_by("due_at", "id")
    assert duties.values("due_at").distinct().count() < duties.count()  # some share a deadline

    pages = _walk(officer_api, reverse("api-obligation-list"))

    assert _ids(pages) == list(duties.values_list("id", flat=True))
    assert len(pages) > 2


def test_an_empty_list_is_one_page_with_no_links(officer_api):
    CaseFactory()

    response = officer_api.get(reverse("api-case-list"), {"status": CaseStatus.CLOSED})

    assert response.status_code == 200
    assert response.data == {"next": None, "previous": None, "results": []}


def test_turning_to_the_next_page_is_not_recorded_as_a_search(officer_api):
    CaseFactory.create_batch(PAGE + 1)

    first = officer_api.get(reverse("api-case-list")).data
    officer_api.get(first["next"])

    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()
