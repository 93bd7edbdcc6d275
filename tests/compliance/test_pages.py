"""The dashboard's charts and tables, its query count, and the monthly performance pack."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def supervisor():
    return make_user(Role.SUPERVISOR)


@pytest.fixture
def march_and_february():
    """R7 in March 2026: met, met late, missed (33.3%); in February: met (100%).
    R2 in March: met (enhanced)."""
    case = case_with(
        reported_at=at(2026, 2, 1, 9), victim={"first_name": "Zebedee", "last_name": "Quill"}
    )
    duty(case, S.MET, due_at=at(2026, 3, 5, 12))
    duty(case, S.MET_LATE, due_at=at(2026, 3, 6, 12))
    duty(case, S.MISSED, due_at=at(2026, 3, 31, 22, 30))  # 23:30 31 March in London (BST)
    duty(case, S.MET, due_at=at(2026, 2, 10, 12))
    duty(case, S.MET, rule="R2", enhanced=True, due_at=at(2026, 3, 2, 12))
    duty(case, S.MISSED, due_at=at(2026, 3, 31, 23, 30))  # 00:30 1 April in London: April
    return case


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_pack_csv_has_the_months_figures_and_no_personal_data(
    client, supervisor, march_and_february
):
    client.force_login(supervisor)
    response = client.get(reverse("compliance-pack-csv"), {"month": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="victims-code-pack-2026-03.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == [
        "section", "item", "rights", "measure", "this period", "previous period", "change",
    ]  # fmt: skip
    r7 = {r[3]: r[4:] for r in rows if r[0] == "Duties by rule" and r[1].endswith("(rule R7)")
          and r[2] == "standard"}  # fmt: skip
    assert r7["fell due"] == ["3", "1", "2"]
    assert r7["met late"] == ["1", "0", "1"]
    assert r7["missed"] == ["1", "0", "1"]
    assert r7["% on time"] == ["33.3", "100.0", "-66.7"]
    r2 = [r for r in rows if r[0] == "Duties by rule" and r[1].endswith("(rule R2)")]
    assert [r[2] for r in r2] == ["enhanced"] * 7
    acknowledgement = {r[3]: r[4:] for r in rows if r[1] == "Written acknowledgement"}
    assert acknowledgement["fell due"][0] == "1" and acknowledgement["% on time"][0] == "100.0"
    assert ["Key entitlements", "Advance notice of the offender's release", "all",
            "not held by the force", "", "", ""] in rows  # fmt: skip
    cases = {r[1]: r[4:6] for r in rows if r[0] == "Service to victims"}
    assert cases["Cases reported"] == ["0", "1"]  # reported 1 February
    content = response.content.decode()
    case = march_and_february
    for personal in ("Zebedee", "Quill", case.crime_reference, case.officer.last_name):
        assert personal not in content


def test_pack_page_is_printable_and_links_the_csv(client, supervisor, march_and_february):
    client.force_login(supervisor)
    response = client.get(reverse("compliance-pack"), {"month": "2026-03"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "March 2026" in page and "compared with February 2026" in page
    assert f"{reverse('compliance-pack-csv')}?month=2026-03" in page
    assert "style=" not in page and "<script" not in page.split("</head>")[1]
    assert response.context["rows"][0]["code"] == "R2"


def test_pack_query_count_is_bounded(
    client, supervisor, march_and_february, django_assert_max_num_queries
):
    client.force_login(supervisor)
    for name in ("compliance-pack", "compliance-pack-csv"):
        with django_assert_max_num_queries(40):
            assert client.get(reverse(name), {"month": "2026-03"}).status_code == 200


def test_pack_is_for_supervisors_only(client, march_and_february):
    client.force_login(make_user(Role.OFFICER))
    assert client.get(reverse("compliance-pack-csv"), {"month": "2026-03"}).status_code == 403
    assert client.get(reverse("compliance-pack"), {"month": "2026-03"}).status_code == 403


def test_pack_refuses_a_bad_month(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("compliance-pack-csv"), {"month": "2026-13"})
    assert response.status_code == 400 and b"for example 2026-03" in response.content
    page = client.get(reverse("compliance-pack"), {"month": "March"})
    assert page.status_code == 400 and b"for example 2026-03" in page.content


def test_pack_never_counts_a_restricted_case_the_user_cannot_see(client, supervisor):
    hidden = case_with(reported_at=at(2026, 3, 1, 9), restricted=True)
    duty(hidden, S.MISSED, due_at=at(2026, 3, 5, 12))
    client.force_login(supervisor)
    rows = _csv(client.get(reverse("compliance-pack-csv"), {"month": "2026-03"}))
    assert not [r for r in rows if r[0] == "Duties by rule"]
    accounts_services.add_to_team(team=hidden.team, user=supervisor, is_supervisor=True)
    rows = _csv(client.get(reverse("compliance-pack-csv"), {"month": "2026-03"}))
    assert [r[4] for r in rows if r[1].endswith("(rule R7)") and r[3] == "missed"] == ["1"]


def test_dashboard_shows_charts_with_tables_and_links_the_pack(client, supervisor):
    case = case_with(reported_at=at(2026, 6, 1, 9), team=TeamFactory(name="Harbour"))
    duty(case, S.MET, due_at=at(2026, 6, 10, 12))
    client.force_login(supervisor)
    response = client.get(
        reverse("compliance-dashboard"), {"start": "2026-06-01", "end": "2026-06-30"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('role="img"') == 2
    assert 'aria-label="Percentage of duties met on time, by month"' in page
    assert 'aria-label="Percentage of duties met on time, by team"' in page
    assert "<caption>Duties met on time by the London month they fell due</caption>" in page
    assert '<th scope="row" class="fw-normal">Jun 2026</th>' in page
    assert "Harbour" in page
    assert reverse("compliance-pack") in page
    assert "style=" not in page


def _dashboard_queries(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("compliance-dashboard"),
            {"start": "2026-06-01", "end": "2026-06-30", "age_band": "18-24", "sex": "Female"},
        )
    assert response.status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_the_cases(
    client, supervisor, django_assert_max_num_queries
):
    team = TeamFactory()
    accounts_services.add_to_team(team=team, user=supervisor, is_supervisor=True)
    client.force_login(supervisor)

    def add_cases(n):
        for _ in range(n):
            case = case_with(
                reported_at=at(2026, 6, 1, 9),
                team=team,
                victim={"date_of_birth": datetime.date(2000, 1, 1), "sex": "Female"},
            )
            duty(case, S.MET, due_at=at(2026, 6, 10, 12))
            duty(case, S.MISSED, rule="R2", due_at=at(2026, 5, 10, 12))

    add_cases(1)
    with_one = _dashboard_queries(client)
    add_cases(19)
    with_twenty = _dashboard_queries(client)
    assert with_one == with_twenty
    cache.clear()
    with django_assert_max_num_queries(45):
        client.get(reverse("compliance-dashboard"))


def test_a_key_entitlement_drills_down_to_its_duties(client, supervisor):
    case = case_with(reported_at=at(2026, 6, 1, 9))
    duty(case, S.MISSED, rule="R2", due_at=at(2026, 6, 10, 12))
    client.force_login(supervisor)
    query = {"start": "2026-06-01", "end": "2026-06-30"}
    page = client.get(reverse("compliance-dashboard"), query).content.decode()
    assert "&amp;rule=R2&amp;outcome=missed" in page
    drill = client.get(
        reverse("compliance-drill-down"), {**query, "rule": ["R2", "R4"], "outcome": "missed"}
    )
    assert case.crime_reference in drill.content.decode()


def test_pack_csv_cells_that_a_spreadsheet_would_run_are_written_as_text(
    client, supervisor, march_and_february
):
    # A rule's code is data an administrator edits: one typed like a formula stays text.
    from entitlements.models import DutyRule

    DutyRule.objects.filter(code="R7").update(code="=HYPERLINK(1)")
    client.force_login(supervisor)
    rows = _csv(client.get(reverse("compliance-pack-csv"), {"month": "2026-03"}))

    # The Right in words leads the cell now, so the code typed like a formula follows it as text.
    items = {r[1] for r in rows if r[0] == "Duties by rule"}
    assert any(item.endswith("(rule =HYPERLINK(1))") for item in items)
    assert not any(item.startswith(("=", "'=")) for item in items)
    on_time = next(r for r in rows if r[1].endswith("(rule =HYPERLINK(1))") and r[3] == "% on time")
    assert on_time[6] == "-66.7"  # a negative number is a number, not text


def test_the_default_period_is_the_last_30_days_shown_in_the_form(client, supervisor):
    from django.utils import timezone

    client.force_login(supervisor)
    response = client.get(reverse("compliance-dashboard"))
    today = timezone.localdate()
    start = today - datetime.timedelta(days=29)
    page = response.content.decode()
    assert f'value="{start.isoformat()}"' in page and f'value="{today.isoformat()}"' in page
    assert response.context["period"].start == start
    assert response.context["previous"].end == start - datetime.timedelta(days=1)
