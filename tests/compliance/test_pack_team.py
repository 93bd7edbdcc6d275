"""The monthly pack for one of the supervisor's teams: the dashboard's figures for that team and
month, the team named on the page and in the CSV's file name; force-wide by default."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role
from compliance import summary
from tests.compliance.builders import UTC, S, case_with, duty
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def force():
    """North (supervised): in March R7 met, late, missed; R2 met (enhanced); a restricted case
    with R7 missed. South: in March R7 met, met. The supervisor supervises North only."""
    north, south = TeamFactory(name="North Hub"), TeamFactory(name="South")
    north_case = case_with(reported_at=at(2026, 3, 1, 9), team=north)
    restricted = case_with(reported_at=at(2026, 3, 2, 9), team=north, restricted=True)
    south_case = case_with(reported_at=at(2026, 2, 20, 9), team=south)
    duty(north_case, S.MET, due_at=at(2026, 3, 5, 12))
    duty(north_case, S.MET_LATE, due_at=at(2026, 3, 6, 12))
    duty(north_case, S.MISSED, due_at=at(2026, 3, 7, 12))
    duty(north_case, S.MET, rule="R2", enhanced=True, due_at=at(2026, 3, 2, 12))
    duty(restricted, S.MISSED, due_at=at(2026, 3, 8, 12))
    duty(south_case, S.MET, due_at=at(2026, 3, 9, 12))
    duty(south_case, S.MET, due_at=at(2026, 3, 10, 12))
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=north, user=supervisor, is_supervisor=True)
    return {"north": north, "south": south, "supervisor": supervisor}


def _current(context) -> dict:
    """The figures for the period itself (the pack compares with the month before, the
    dashboard with the same number of days before, so only these are comparable)."""
    return {
        "rows": [(r["code"], r["standard"], r["enhanced"]) for r in context["rows"]],
        "key": [
            {k: v for k, v in e.items() if k not in ("previous_on_time", "change")}
            for e in context["key"]
        ],
        "service": [(r["label"], r["value"], r["base"]) for r in context["service"]],
    }


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def _r7(rows, measure) -> str:
    return next(
        r[4]
        for r in rows
        if r[0] == "Duties by rule" and r[1].endswith("(rule R7)") and r[2] == "standard"
        and r[3] == measure
    )  # fmt: skip


@pytest.mark.parametrize("from_summary", [False, True], ids=["live", "summary"])
def test_the_team_pack_has_the_dashboards_figures_for_that_team(client, force, from_summary):
    if from_summary:
        summary.refresh()
    client.force_login(force["supervisor"])
    team = force["north"].pk
    pack = client.get(reverse("compliance-pack"), {"month": "2026-03", "team": team})
    dashboard = client.get(reverse("compliance-dashboard"), {**MARCH, "team": team})
    assert pack.status_code == 200 and dashboard.status_code == 200
    assert _current(pack.context) == _current(dashboard.context)
    r7 = next(r for r in pack.context["rows"] if r["code"] == "R7")["standard"]
    # North's own case and its restricted one, which the team's supervisor sees; not South's.
    assert (r7["total"], r7["met"], r7["met_late"], r7["missed"]) == (4, 1, 1, 2)


def test_the_pack_without_a_team_is_force_wide(client, force):
    client.force_login(force["supervisor"])
    pack = client.get(reverse("compliance-pack"), {"month": "2026-03"})
    dashboard = client.get(reverse("compliance-dashboard"), MARCH)
    assert _current(pack.context) == _current(dashboard.context)
    r7 = next(r for r in pack.context["rows"] if r["code"] == "R7")["standard"]
    assert r7["total"] == 6 and pack.context["team"] is None


def test_the_team_csv_has_the_teams_figures_and_names_the_team(client, force):
    client.force_login(force["supervisor"])
    response = client.get(
        reverse("compliance-pack-csv"), {"month": "2026-03", "team": force["north"].pk}
    )
    assert response.status_code == 200
    assert 'filename="victims-code-pack-2026-03-north-hub.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][0] == "section"
    assert _r7(rows, "fell due") == "4" and _r7(rows, "missed") == "2"
    everyone = _csv(client.get(reverse("compliance-pack-csv"), {"month": "2026-03"}))
    assert _r7(everyone, "fell due") == "6"


def test_the_team_page_names_the_team_and_links_its_csv(client, force):
    client.force_login(force["supervisor"])
    north = force["north"]
    response = client.get(reverse("compliance-pack"), {"month": "2026-03", "team": north.pk})
    page = response.content.decode()
    assert "performance pack: March 2026, North Hub</h1>" in page
    assert f"{reverse('compliance-pack-csv')}?month=2026-03&amp;team={north.pk}" in page
    assert f'<option value="{north.pk}" selected>North Hub</option>' in page
    assert "style=" not in page


def test_the_team_choice_lists_only_the_teams_the_user_supervises(client, force):
    client.force_login(force["supervisor"])
    page = client.get(reverse("compliance-pack"), {"month": "2026-03"}).content.decode()
    assert ">North Hub</option>" in page
    assert ">South</option>" not in page
    assert '<option value="" selected>All the teams you can see</option>' in page


def test_a_force_wide_role_chooses_from_every_team(client, force):
    chief = make_user(Role.SUPERVISOR)
    accounts_services.grant_role(user=chief, role=Role.ADMIN)
    client.force_login(chief)
    page = client.get(reverse("compliance-pack"), {"month": "2026-03"}).content.decode()
    assert ">North Hub</option>" in page and ">South</option>" in page
    south = client.get(
        reverse("compliance-pack-csv"), {"month": "2026-03", "team": force["south"].pk}
    )
    assert south.status_code == 200 and _r7(_csv(south), "fell due") == "2"


@pytest.mark.parametrize("team", ["south", "999999", "north-hub"])
def test_a_team_the_user_does_not_supervise_is_refused_clearly(client, force, team):
    client.force_login(force["supervisor"])
    value = force["south"].pk if team == "south" else team
    for name in ("compliance-pack", "compliance-pack-csv"):
        response = client.get(reverse(name), {"month": "2026-03", "team": value})
        assert response.status_code == 400, name
        assert "Choose one of the teams listed: the teams you supervise." in (
            response.content.decode()
        )
    csv_response = client.get(reverse("compliance-pack-csv"), {"month": "2026-03", "team": value})
    assert csv_response.content.decode().startswith("team: ")


def test_a_bad_month_and_team_are_both_named(client, force):
    client.force_login(force["supervisor"])
    response = client.get(reverse("compliance-pack-csv"), {"month": "2026-13", "team": "x"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "month: Give the month" in body and "team: Choose one of the teams" in body
