"""The overdue worklist reads one page of the most overdue duties, never every overdue duty of the
team: the same queries for 2 or 60 overdue duties, a page at a time, the officers to reassign to
offered in one read."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Role
from compliance.views import OverdueWorklistView
from entitlements.models import Duty, DutyRule, DutyStatus
from tests.cases.factories import CaseFactory, victim_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = reverse("compliance-overdue")


@pytest.fixture
def case():
    case = CaseFactory()
    Duty.objects.filter(case=case).delete()  # only the overdue duties each test makes
    return case


@pytest.fixture
def supervisor(case):
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=case.team, user=supervisor, is_supervisor=True)
    return supervisor


def overdue(case, n: int, *, first: int = 0) -> list[Duty]:
    """`n` missed duties on the case, the k-th due k + 1 days ago (so the last made is the most
    overdue)."""
    now, rule, party = timezone.now(), DutyRule.objects.get(code="R7"), victim_of(case)
    return Duty.objects.bulk_create(
        Duty(
            case=case,
            party=party,
            rule=rule,
            trigger_key=f"test:{k}",
            trigger_at=now - datetime.timedelta(days=k + 30),
            trigger_label="test",
            enhanced=False,
            due_at=now - datetime.timedelta(days=k + 1),
            explanation="test",
            owner="officer",
            status=DutyStatus.MISSED,
        )
        for k in range(first, first + n)
    )


def rows(response) -> list[str]:
    """The duty ids in the table, in order."""
    return re.findall(r'id="case-(\d+)"', response.content.decode())


def test_the_worklist_takes_the_same_queries_for_2_or_60_overdue_duties(
    client, case, supervisor, django_assert_num_queries
):
    client.force_login(supervisor)
    overdue(case, 2)
    client.get(URL)
    # The session, the user and their roles, the teams they supervise, one page of duties, their
    # total (counted up to a cap), the officers, the header's reminders, and the session saved
    # (3).
    with django_assert_num_queries(11) as small:
        assert len(rows(client.get(URL))) == 2
    overdue(case, 58, first=2)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(rows(client.get(URL))) == 50


def test_the_worklist_pages_through_the_most_overdue_first(client, case, supervisor):
    duties = overdue(case, 60)
    client.force_login(supervisor)
    most_overdue_first = [str(d.pk) for d in reversed(duties)]

    first = client.get(URL)
    assert rows(first) == most_overdue_first[:50]
    assert "1 to 50" in first.content.decode()
    assert 'href="?sort=due&amp;page=2">Next</a>' in first.content.decode()
    assert ">Previous</a>" not in first.content.decode()

    second = client.get(URL, {"page": 2})
    assert rows(second) == most_overdue_first[50:]
    assert "51 to 60" in second.content.decode()
    assert 'href="?sort=due&amp;page=1">Previous</a>' in second.content.decode()
    assert ">Next</a>" not in second.content.decode()


def test_a_page_past_the_last_says_there_is_no_more(client, case, supervisor):
    overdue(case, 3)
    client.force_login(supervisor)
    past = client.get(URL, {"page": 4}).content.decode()
    assert "No more overdue duties" in past and "Nothing is overdue" not in past
    assert len(rows(client.get(URL, {"page": "not a number"}))) == 3


def test_the_worklist_goes_no_deeper_than_its_last_page_and_says_so(
    client, case, supervisor, monkeypatch
):
    monkeypatch.setattr(OverdueWorklistView, "max_pages", 1)
    overdue(case, 51)
    client.force_login(supervisor)
    for page in (1, 2):
        response = client.get(URL, {"page": page})
        assert len(rows(response)) == 50
        assert ">Next</a>" not in response.content.decode()
        assert "lists the 50 duties that come first" in response.content.decode()


def test_the_worklist_sorts_by_officer_and_team(client, supervisor, case):
    other = CaseFactory(team=case.team, officer=make_user(Role.OFFICER, last_name="Adams"))
    Duty.objects.filter(case=other).delete()
    case.officer.last_name = "Young"
    case.officer.save()
    young = overdue(case, 1, first=5)  # the more overdue
    adams = overdue(other, 1)
    client.force_login(supervisor)
    assert rows(client.get(URL)) == [str(young[0].pk), str(adams[0].pk)]
    assert rows(client.get(URL, {"sort": "officer"})) == [str(adams[0].pk), str(young[0].pk)]
    assert rows(client.get(URL, {"sort": "team"})) == [str(young[0].pk), str(adams[0].pk)]


def test_nothing_is_listed_for_someone_who_supervises_no_team(client, case):
    overdue(case, 2)
    analyst = make_user(Role.SUPERVISOR)
    client.force_login(analyst)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Nothing is overdue on your teams' cases" in response.content.decode()


def test_the_officers_to_reassign_to_are_every_active_officer_named_safely(
    client, case, supervisor
):
    overdue(case, 1)
    bold = make_user(Role.OFFICER, first_name="<b>Bo</b>", last_name="Bell")
    gone = make_user(Role.OFFICER, first_name="Gone", last_name="Away", is_active=False)
    nameless = make_user(Role.OFFICER, first_name="", last_name="", username="pc1234")
    client.force_login(supervisor)
    page = client.get(URL).content.decode()
    assert f'<option value="{bold.pk}">&lt;b&gt;Bo&lt;/b&gt; Bell</option>' in page
    assert f'<option value="{nameless.pk}">pc1234</option>' in page
    assert f'value="{gone.pk}"' not in page
    assert f'<option value="{case.officer.pk}">{case.officer}</option>' in page

    # Refused for want of a ticked case: the chosen officer is still chosen.
    refused = client.post(URL, {"officer": bold.pk}).content.decode()
    assert "Tick at least one case" in refused
    assert f'<option value="{bold.pk}" selected>' in refused
    # An officer who is not offered is refused on the field.
    wrong = client.post(URL, {"officer": gone.pk, "case": [case.pk]}).content.decode()
    assert 'class="select form-select is-invalid"' in wrong
    assert 'id="id_officer_error"' in wrong
