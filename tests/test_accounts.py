import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Role

from .factories import AgencyFactory, TeamFactory, UserFactory, make_user


@pytest.mark.django_db
def test_agency_role_needs_an_agency():
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.grant_role(user=user, role=Role.AGENCY)
    assert user.roles == frozenset()


@pytest.mark.django_db
def test_agency_user_cannot_hold_a_police_role():
    user = UserFactory(agency=AgencyFactory())
    with pytest.raises(ValidationError):
        services.grant_role(user=user, role=Role.OFFICER)


@pytest.mark.django_db
def test_agency_user_cannot_join_a_police_team():
    with pytest.raises(ValidationError):
        services.add_to_team(team=TeamFactory(), user=make_user(Role.AGENCY))


@pytest.mark.django_db
def test_granting_twice_keeps_one_role_and_admin_gets_the_admin_site():
    user = UserFactory()
    services.grant_role(user=user, role=Role.ADMIN)
    services.grant_role(user=user, role=Role.ADMIN)
    user.refresh_from_db()
    assert user.role_grants.count() == 1
    assert user.is_staff
    services.revoke_role(user=user, role=Role.ADMIN)
    user.refresh_from_db()
    assert not user.is_staff
    assert user.roles == frozenset()


@pytest.mark.django_db
def test_supervisor_home_lists_only_supervised_teams(client):
    supervisor = make_user(Role.SUPERVISOR)
    led, member_only = TeamFactory(name="Led Team"), TeamFactory(name="Member Team")
    services.add_to_team(team=led, user=supervisor, is_supervisor=True)
    services.add_to_team(team=member_only, user=supervisor)
    client.force_login(supervisor)
    content = client.get(reverse("home-supervisor")).content.decode()
    assert "Led Team" in content
    assert "Member Team" not in content


def _teams_with_members(n: int) -> None:
    for _ in range(n):
        team = TeamFactory()
        for user in UserFactory.create_batch(3, roles=[Role.OFFICER]):
            services.add_to_team(team=team, user=user)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["team-list", "api-team-list"])
def test_team_lists_take_the_same_queries_for_2_or_20_teams(
    client, django_assert_num_queries, url_name
):
    viewer = make_user(Role.SUPERVISOR)
    client.force_login(viewer)
    _teams_with_members(2)
    # session, user, roles, teams, memberships, the idle-timeout session save (savepoint, update,
    # release), and the reminders count on the page or the page count in the API: 9 either way.
    expected = 9
    with django_assert_num_queries(expected):
        assert client.get(reverse(url_name)).status_code == 200
    _teams_with_members(18)
    with django_assert_num_queries(expected):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.django_db
def test_api_me_reports_roles_agency_and_teams(client):
    user = UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR])
    services.add_to_team(team=TeamFactory(name="Vulnerability Hub"), user=user)
    client.force_login(user)
    body = client.get(reverse("api-me")).json()
    assert body["roles"] == ["officer", "supervisor"]
    assert body["agency"] is None
    assert [t["name"] for t in body["teams"]] == ["Vulnerability Hub"]


@pytest.mark.django_db
def test_api_refuses_anonymous_callers(client):
    assert client.get(reverse("api-me")).status_code == 403
    assert client.get(reverse("api-schema")).status_code == 403


@pytest.mark.django_db
def test_openapi_schema_is_served_to_signed_in_users(client, officer):
    client.force_login(officer)
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"/api/teams/" in response.content
