"""Every page asks the permission matrix, and each role lands on its own home."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from accounts.permissions import MATRIX, can

from .factories import TEST_PASSWORD, TeamFactory, UserFactory, make_user

HOMES = {
    Role.OFFICER: "home-officer",
    Role.SUPERVISOR: "home-supervisor",
    Role.WITNESS_CARE: "home-witness-care",
    Role.AGENCY: "home-agency",
    Role.ADMIN: "home-admin",
}

# Pages anyone may reach without signing in. Everything else must send them to the log-in page.
PUBLIC = {
    "login",
    "healthz",
    "livez",
    "survey",
    "victim-language",
    # The public information for victims and witnesses (publicinfo).
    "info-index",
    "info-victims-code",
    "info-witnesses",
    "info-special-measures",
    "info-personal-statement",
    "info-complaints",
    "info-support",
    "info-young-people",
}


def _named_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin has its own log-in; tested separately below.
            yield from _named_patterns(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry


def _url_for(pattern: URLPattern, pk: int) -> str:
    # Anonymous visitors are turned away before any lookup, so any id will do.
    return reverse(pattern.name, kwargs=dict.fromkeys(pattern.pattern.converters, pk))


@pytest.mark.django_db
def test_every_named_page_needs_sign_in_except_the_public_ones(client):
    team = TeamFactory()
    checked = 0
    for pattern in _named_patterns():
        if pattern.name in PUBLIC:
            continue
        url = _url_for(pattern, team.pk)
        response = client.get(url)
        assert response.status_code in (302, 401, 403), f"{url} answered {response.status_code}"
        if response.status_code == 302:
            assert response.url.startswith(reverse("login")), url
        checked += 1
    assert checked >= 10


@pytest.mark.django_db
def test_admin_site_refuses_anonymous_and_non_admin_staff(client):
    assert client.get("/admin/").status_code == 302
    client.force_login(make_user(Role.OFFICER))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_own_home(client, role):
    user = make_user(role)
    response = client.post(
        reverse("login"), {"username": user.username, "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(HOMES[role])
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(HOMES))
def test_other_roles_homes_are_refused(client, role):
    client.force_login(make_user(role))
    for other, url_name in HOMES.items():
        expected = 200 if other == role else 403
        assert client.get(reverse(url_name)).status_code == expected, (role, url_name)


@pytest.mark.django_db
def test_user_with_several_roles_lands_on_the_broadest_home(client):
    user = UserFactory(roles=[Role.OFFICER, Role.SUPERVISOR])
    client.force_login(user)
    assert client.get(reverse("home")).url == reverse("home-supervisor")


@pytest.mark.django_db
def test_user_without_a_role_is_told_to_ask_an_administrator(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"no role yet" in response.content
    assert client.get(reverse("team-list")).status_code == 403


@pytest.mark.django_db
def test_agency_user_cannot_see_police_teams(client):
    client.force_login(make_user(Role.AGENCY))
    assert client.get(reverse("team-list")).status_code == 403
    assert client.get(reverse("api-team-list")).status_code == 403


@pytest.mark.django_db
def test_deactivated_user_is_denied_everything(officer):
    officer.is_active = False
    assert not any(can(officer, action) for action in MATRIX)


def test_unknown_action_is_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        can(object(), "cases.delete_everything")


@pytest.mark.django_db
def test_wrong_password_shows_a_clear_message_and_no_sign_in(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": "nope"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_is_a_post_and_ends_the_session(client, officer):
    client.force_login(officer)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_password_change_rejects_a_weak_password(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert b"too short" in response.content
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)
