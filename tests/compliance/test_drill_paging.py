"""The drill-down pages through the duties behind a figure without counting them all: the same
queries on every page whatever the number of duties, each duty once, in deadline order."""

import datetime

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from compliance import paging
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

JUNE = {"start": "2026-06-01", "end": "2026-06-30", "outcome": "missed", "rule": "R7"}


def _missed(count: int, team) -> list[int]:
    case = case_with(reported_at=datetime.datetime(2026, 5, 1, 9, tzinfo=UTC), team=team)
    first = datetime.datetime(2026, 6, 1, 12, tzinfo=UTC)
    return [
        duty(case, S.MISSED, due_at=first + datetime.timedelta(minutes=i)).pk for i in range(count)
    ]


@pytest.fixture
def supervisor():
    team = TeamFactory()
    user = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=team, user=user, is_supervisor=True)
    user.test_team = team
    return user


def _pages(client) -> list[list[int]]:
    pages, number = [], 1
    while True:
        response = client.get(reverse("compliance-drill-down"), {**JUNE, "page": number})
        assert response.status_code == 200
        page = response.context["page"]
        pages.append([d.pk for d in page])
        if not page.has_next:
            return pages
        assert f"page={number + 1}" in response.content.decode()
        number += 1


def test_every_duty_once_in_deadline_order_over_pages(client, supervisor):
    made = _missed(120, supervisor.test_team)
    client.force_login(supervisor)
    pages = _pages(client)
    assert [len(p) for p in pages] == [50, 50, 20]
    assert [pk for page in pages for pk in page] == made


def test_a_page_past_the_end_is_empty_and_a_bad_number_is_the_first(client, supervisor):
    made = _missed(3, supervisor.test_team)
    client.force_login(supervisor)
    past = client.get(reverse("compliance-drill-down"), {**JUNE, "page": 9})
    assert past.status_code == 200 and list(past.context["page"]) == []
    bad = client.get(reverse("compliance-drill-down"), {**JUNE, "page": "x"})
    assert [d.pk for d in bad.context["page"]] == made


def test_a_huge_page_number_is_the_last_page_allowed(client, supervisor):
    _missed(3, supervisor.test_team)
    client.force_login(supervisor)
    response = client.get(reverse("compliance-drill-down"), {**JUNE, "page": str(10**20)})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert response.context["page"].number == paging.MAX_PAGES


@pytest.mark.parametrize("count", [3, 130])
def test_queries_do_not_grow_with_the_duties(client, supervisor, count, django_assert_num_queries):
    _missed(count, supervisor.test_team)
    client.force_login(supervisor)
    client.get(reverse("compliance-drill-down"), JUNE)  # warm: session, caches
    with django_assert_num_queries(QUERIES):
        client.get(reverse("compliance-drill-down"), JUNE)


QUERIES = 11  # with the filter form's age bands (counting.policy), read as rows
