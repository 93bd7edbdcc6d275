"""The case page, and the header on every page, do the same queries however many reminders the
user has waiting: the header counts unread reminders only up to 99, then says "99+"."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind, Notification

from .factories import CaseFactory

pytestmark = pytest.mark.django_db


def remind(user, case, n: int, *, first: int = 0) -> None:
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=Kind.OVERDUE,
            key=f"test:{k}",
            case=case,
            title="A duty is overdue",
            created_at=timezone.now(),
        )
        for k in range(first, first + n)
    )


def badge(content: str) -> str:
    match = re.search(r'Reminders <span class="badge text-bg-\w+">([\d+]+)</span>', content)
    assert match, "no reminders badge in the header"
    return match[1]


def test_the_case_page_takes_the_same_queries_for_2_or_150_unread_reminders(
    client, django_assert_num_queries
):
    case = CaseFactory()
    client.force_login(case.officer)
    url = reverse("case-detail", kwargs={"pk": case.pk})
    remind(case.officer, case, 2)
    client.get(url)
    # 28: the contact form offers the contact outcomes (one query), and the time allowed to
    # record a crime says whether a duty is "due now" or "overdue" (one query).
    with django_assert_num_queries(28) as few:
        assert badge(client.get(url).content.decode()) == "2"
    remind(case.officer, case, 148, first=2)
    with django_assert_num_queries(len(few.captured_queries)):
        assert badge(client.get(url).content.decode()) == "99+"


@pytest.mark.parametrize(("unread", "shown"), [(0, "0"), (99, "99"), (100, "99+"), (130, "99+")])
def test_the_header_counts_unread_reminders_up_to_99(client, unread, shown):
    case = CaseFactory()
    remind(case.officer, case, unread)
    client.force_login(case.officer)
    response = client.get(reverse("case-detail", kwargs={"pk": case.pk}))
    assert badge(response.content.decode()) == shown
    assert response.context["unread_notifications"] == min(unread, 100)


def test_a_reminder_about_a_case_the_user_can_no_longer_see_is_not_counted(client):
    case = CaseFactory()
    hidden = CaseFactory(restricted=True)
    remind(case.officer, case, 1)
    remind(case.officer, hidden, 1, first=1)
    client.force_login(case.officer)
    response = client.get(reverse("case-detail", kwargs={"pk": case.pk}))
    assert badge(response.content.decode()) == "1"
