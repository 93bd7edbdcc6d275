"""The dashboard's officer filter offers the officers of the teams the user supervises, by
surname, and never an officer they have no business with; a force-wide role sees every officer."""

import re

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Role, User
from compliance.forms import FilterForm, officers_to_choose
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

JUNE = {"start": "2026-06-01", "end": "2026-06-30"}


@pytest.fixture
def force():
    """North and East are supervised; South is not.

    Zola Young: officer in North and East. Abel Adams: officer in North. Sam Stone: officer in
    South. Ivy Idle: officer in North, no longer active. Wes Ward: witness care in North."""
    north, east, south = TeamFactory(name="North"), TeamFactory(name="East"), TeamFactory()
    people = {
        "young": make_user(Role.OFFICER, first_name="Zola", last_name="Young"),
        "adams": make_user(Role.OFFICER, first_name="Abel", last_name="Adams"),
        "stone": make_user(Role.OFFICER, first_name="Sam", last_name="Stone"),
        "idle": make_user(Role.OFFICER, first_name="Ivy", last_name="Idle", is_active=False),
        "ward": make_user(Role.WITNESS_CARE, first_name="Wes", last_name="Ward"),
    }
    for name, teams in {
        "young": [north, east],
        "adams": [north],
        "stone": [south],
        "idle": [north],
        "ward": [north],
    }.items():
        for team in teams:
            accounts_services.add_to_team(team=team, user=people[name])
    supervisor = make_user(Role.SUPERVISOR)
    for team in (north, east):
        accounts_services.add_to_team(team=team, user=supervisor, is_supervisor=True)
    return {"supervisor": supervisor, "north": north, "south": south, **people}


def _offered(page: str) -> list[str]:
    select = re.search(r'<select name="officer".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_a_supervisor_is_offered_the_active_officers_of_their_teams_by_surname(client, force):
    client.force_login(force["supervisor"])
    page = client.get(reverse("compliance-dashboard")).content.decode()
    assert _offered(page) == ["All officers", "Abel Adams", "Zola Young"]
    for hidden in ("Sam Stone", "Ivy Idle", "Wes Ward"):
        assert hidden not in page


def test_an_officer_of_another_team_is_refused(client, force):
    client.force_login(force["supervisor"])
    for name in ("compliance-dashboard", "compliance-drill-down"):
        response = client.get(reverse(name), {**JUNE, "officer": force["stone"].pk})
        assert response.status_code == 400, name
        assert "Select a valid choice" in response.content.decode()
        assert "Sam Stone" not in response.content.decode()
    ok = client.get(reverse("compliance-drill-down"), {**JUNE, "officer": force["adams"].pk})
    assert ok.status_code == 200


def test_a_supervisor_of_no_team_is_offered_no_officer(client, force):
    client.force_login(make_user(Role.SUPERVISOR))
    page = client.get(reverse("compliance-dashboard")).content.decode()
    assert _offered(page) == ["All officers"]


def test_a_force_wide_role_is_offered_every_active_officer_by_surname(force):
    chief = make_user(Role.SUPERVISOR)
    accounts_services.grant_role(user=chief, role=Role.AUDITOR)
    offered = list(officers_to_choose(chief))
    everyone = User.objects.holding(Role.OFFICER).filter(is_active=True).distinct()
    assert set(offered) == set(everyone)
    assert [u.last_name for u in offered] == sorted(u.last_name for u in offered)
    assert force["stone"] in offered and force["idle"] not in offered


def test_without_a_user_the_form_offers_no_officer(force):
    assert list(FilterForm().fields["officer"].queryset) == []
