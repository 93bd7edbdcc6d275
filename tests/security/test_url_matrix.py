"""Every URL of the project, for every role and an anonymous visitor, against the declared matrix.

The rule for a URL comes from its view: the `action` of an ActionRequiredMixin page, or the
`action_required` of an API view guarded by HasAction, looked up in accounts.permissions.MATRIX.
A URL whose view declares neither, and is not in one of the allowlists below with a reason, fails
`test_every_url_declares_who_may_use_it`. Django's admin is its own rule: staff accounts only.

Allowed means the page answers (200, a redirect elsewhere, a 400 for a missing body, or 405 for a
view that only takes POST); denied means 403 (404 for an object the user may not see) for a
signed-in user, and a redirect to the log-in page (or 401/403 from the API) for a visitor.
"""

import re
import sys
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.views import APIView

from accounts.access import ActionRequiredMixin, HasAction
from accounts.models import Role
from accounts.permissions import MATRIX
from entitlements import editions

from .world import World, add_review_work, build_world, send_world_handover

ANONYMOUS = "anonymous"
ROOT = str(settings.BASE_DIR)

# Reached without signing in. Each says why that is safe.
PUBLIC = {
    "login": "The log-in page itself.",
    "healthz": "Probed by load balancers; reports worker liveness, no personal data.",
    "livez": "Probed by orchestrators; answers ok and reads nothing.",
    "survey": "The victim's survey link; the signed token is the credential (surveys.services).",
    "victim-language": "The victim pages' language switch: a cookie, then back to a victim page.",
    "info-index": "Public information for victims (publicinfo): nothing of any case or person.",
    "info-victims-code": "Public: the Victims' Code, worded from the rule rows.",
    "info-witnesses": "Public: the Witness Charter.",
    "info-special-measures": "Public: special measures, in plain words.",
    "info-personal-statement": "Public: the Victim Personal Statement.",
    "info-complaints": "Public: how to complain (Right 12).",
    "info-support": "Public: support services, their public details only.",
    "info-young-people": "Public: the Rights for under-18s.",
    # Track my case (portal): the person's own pages. The link's token (only its hash kept,
    # single use) then a second factor start a short session of their own; without one every
    # page shows the same kind refusal and nothing of any case (tests/portal/test_views.py).
    "track-open": "The link sent to the person's safe channel: its token is the credential.",
    "track-verify": "The second factor, for a session whose link was just opened.",
    "track-home": "The person's own case, for their session only.",
    "track-message": "The person writes to the officer, from their session only (POST).",
    "track-preferences": "The person's update preferences, from their session only.",
    "track-confirm-here": "The person confirms urgent news from their session (POST).",
    "track-confirm": "The link in urgent news: its token confirms it (a button, POST).",
    "track-sign-out": "Ends the person's session.",
}

# Any signed-in account, whatever its role: nothing here reaches a case or a person.
SIGNED_IN = {
    "logout": "Signing out (POST only).",
    "home": "Sends each user to their role's home, or says they have no role yet.",
    "password_change": "Every account changes its own password.",
    "password_change_done": "The confirmation after changing one's own password.",
    "api-schema": "The OpenAPI description of the API: no data, needed by agency integrators.",
    "api-docs": "The interactive API documentation page, rendering the schema above.",
    "two-factor-verify": "The second step of signing in: every staff account, before its role.",
    "two-factor-enrol": "Setting up one's own second factor (required before any role's pages).",
    "two-factor-recovery-codes": "One's own recovery codes for the second factor.",
}

# URL kwargs whose value cannot be built below, with the reason. Checked with an id that does
# not exist: the roles without the action must still be refused before any lookup. Empty: every
# URL's object is in the world (add_review_work gives it a retention review and a QA sample).
UNBUILT: dict[str, str] = {}

# The value for each URL kwarg, from the world. `pk` is read from the path segment before it.
KWARGS = {
    "case_pk": lambda w: w.case.pk,
    "party_pk": lambda w: w.party.pk,
    "duty_pk": lambda w: w.duty.pk,
    "event_pk": lambda w: w.event.pk,
    "referral_pk": lambda w: w.referral.pk,
    "token": lambda w: "a-link-that-was-never-sent",
    "kind": lambda w: w.event.kind,  # api/v1/event-kinds/<kind>/
    "outcome": lambda w: "charged",  # api/v1/outcomes/<outcome>/
    "code": lambda w: "reached",  # api/v1/contact-outcomes/<code>/
    "rule_pk": lambda w: _draft(w).rules.first().pk,  # code/editions/<pk>/rules/<rule_pk>/
    "right_pk": lambda w: _draft(w).rights.first().pk,  # code/editions/<pk>/rights/<right_pk>/
    "handover_pk": lambda w: _handover(w).pk,  # cases/<pk>/handovers/<handover_pk>/
}
PK_BY_SEGMENT = {
    "cases": lambda w: w.case.pk,
    "restricted": lambda w: w.case.pk,  # audit/restricted/<pk>/reason/: why open this case
    "people": lambda w: w.person.pk,
    "events": lambda w: w.event.pk,
    "referrals": lambda w: w.referral.pk,
    "obligations": lambda w: w.duty.pk,
    "duties": lambda w: w.duty.pk,
    "teams": lambda w: w.team.pk,
    "offences": lambda w: w.case.offence_id,
    "agencies": lambda w: w.agency.pk,
    "assurance": lambda w: w.sample.pk,  # assurance/<pk>/...: the supervisor's dip sample
    "editions": lambda w: _draft(w).pk,  # code/editions/<pk>/...: a draft, which all may change
    "handovers": lambda w: _handover(w).pk,  # api/v1/cases/<case_pk>/handovers/<pk>/
}


def _handover(world):
    """The shared case, charged and handed over to the world's unit, made once per world."""
    if getattr(world, "handover", None) is None:
        world.handover = send_world_handover(world)
    return world.handover


def _draft(world):
    """A draft copy of the edition in force, made once per world: the pages that change a
    draft's rule or schedule it answer 404 for an edition already in force."""
    if getattr(world, "draft_edition", None) is None:
        world.draft_edition = editions.copy_edition(
            world.duty.rule.code_edition,
            by=None,
            name="Draft for the matrix",
            source="tests",
            now=timezone.now(),
        )
    return world.draft_edition


PRINCIPALS = [*Role.values, ANONYMOUS]


@dataclass
class Route:
    route: str
    pattern: URLPattern
    namespace: str | None

    @property
    def name(self) -> str:
        if self.namespace and self.pattern.name:
            return f"{self.namespace}:{self.pattern.name}"
        return self.pattern.name or ""

    @property
    def kwarg_names(self) -> list[str]:
        return list(self.pattern.pattern.regex.groupindex)


def every_route(resolver=None, prefix: str = "", namespace: str | None = None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from every_route(entry, prefix + str(entry.pattern), entry.namespace or namespace)
        else:
            yield Route(prefix + str(entry.pattern), entry, namespace)


def view_class(pattern: URLPattern):
    callback = pattern.callback
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def declared_action(pattern: URLPattern, method: str = "GET") -> str | None:
    """The matrix action the view asks for on `method`, or None if it declares none."""
    cls = view_class(pattern)
    if cls is None:
        return None
    if issubclass(cls, ActionRequiredMixin):
        return cls.action or None
    if issubclass(cls, APIView) and any(
        isinstance(p, type) and issubclass(p, HasAction) for p in cls.permission_classes
    ):
        view = cls()
        view.request, view.args, view.kwargs = SimpleNamespace(method=method), (), {}
        return view.action_required
    return None


def is_admin(route: Route) -> bool:
    return route.namespace == "admin"


def rule_of(route: Route) -> str:
    """'admin', 'public', 'signed-in', an action, or '' when the URL declares nothing."""
    if is_admin(route):
        return "admin"
    if route.name in PUBLIC:
        return "public"
    if route.name in SIGNED_IN:
        return "signed-in"
    return declared_action(route.pattern) or ""


def pk_segment(route: Route) -> str:
    """The path segment before `<pk>` (whatever its converter: `<int:pk>`, the API's `<id:pk>`)."""
    return re.split(r"<(?:\w+:)?pk>", route.route)[0].rstrip("/").rsplit("/", 1)[-1]


def url_for(route: Route, world: World) -> str:
    kwargs = {}
    for name in route.kwarg_names:
        if is_admin(route):
            kwargs[name] = "accounts" if name == "app_label" else "1"
        elif route.name in UNBUILT:
            kwargs[name] = "999999"
        elif name == "pk":
            kwargs[name] = PK_BY_SEGMENT[pk_segment(route)](world)
        else:
            kwargs[name] = KWARGS[name](world)
    if not route.pattern.name:  # the admin's unnamed redirects: fill the route in directly
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), route.route)
    return reverse(route.name, kwargs=kwargs)


def may(role: str, action: str) -> bool:
    return role != ANONYMOUS and role in MATRIX[action]


def to_login(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def to_admin_login(response) -> bool:
    return response.status_code == 302 and "/admin/login/" in response.url


def verdict(route: Route, role: str, response, staff: bool) -> str | None:
    """None if the answer is the declared one; otherwise what was expected."""
    status = response.status_code
    if status >= 500:
        return "no server error"
    rule = rule_of(route)
    if rule == "admin":
        if route.pattern.name in ("login", "logout"):
            return None  # the admin's own log-in, and signing out (POST only)
        if staff:
            return "staff let into the admin" if to_admin_login(response) else None
        sent_away = to_admin_login(response) or to_login(response)
        return None if sent_away else "a redirect to a log-in page"
    allowed = (
        rule == "public"
        or (rule == "signed-in" and role != ANONYMOUS)
        or (rule not in ("public", "signed-in") and may(role, rule))
    )
    if allowed:
        refused = status in (401, 403) or to_login(response)
        refused = refused or (status == 404 and route.name not in UNBUILT)
        return "allowed" if refused else None
    if role == ANONYMOUS:
        return None if (to_login(response) or status in (401, 403)) else "sent to log in"
    return None if status in (403, 404) else "denied (403 or 404)"


def test_every_url_declares_who_may_use_it():
    undeclared, unbuildable = [], []
    for route in every_route():
        rule = rule_of(route)
        if not rule:
            undeclared.append(f"{route.route} ({route.name or 'no name'})")
        elif rule not in ("admin", "public", "signed-in") and rule not in MATRIX:
            undeclared.append(f"{route.route} ({route.name}): action {rule!r} is not in MATRIX")
        if not is_admin(route) and not route.name:
            undeclared.append(f"{route.route}: give it a name so the matrix test can reach it")
        for kwarg in route.kwarg_names:
            known = kwarg in KWARGS or (kwarg == "pk" and pk_segment(route) in PK_BY_SEGMENT)
            if not (is_admin(route) or known or route.name in UNBUILT):
                unbuildable.append(f"{route.route} ({route.name}): {kwarg}")
    assert not undeclared, (
        "These URLs declare no permission: give the view an `action` from "
        "accounts.permissions.MATRIX, or list it in PUBLIC or SIGNED_IN here with a reason:\n"
        + "\n".join(undeclared)
    )
    assert not unbuildable, (
        "The matrix test cannot build these URL kwargs: add a builder to KWARGS or "
        "PK_BY_SEGMENT, or list the URL in UNBUILT with a reason:\n" + "\n".join(unbuildable)
    )


def test_the_allowlists_name_only_urls_that_exist():
    names = {route.name for route in every_route()}
    stale = (set(PUBLIC) | set(SIGNED_IN) | set(UNBUILT)) - names
    assert not stale, f"Allowlisted URL names that no longer exist: {sorted(stale)}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", PRINCIPALS)
def test_every_url_answers_each_role_as_the_matrix_declares(client, role):
    world = add_review_work(build_world())
    staff = False
    if role != ANONYMOUS:
        user = world.users[role]
        client.force_login(user)
        staff = user.is_staff
    wrong, checked = [], 0
    for route in every_route():
        if not rule_of(route) or (not is_admin(route) and not route.name):
            continue  # reported by test_every_url_declares_who_may_use_it
        try:
            url = url_for(route, world)
        except KeyError:
            continue  # reported by test_every_url_declares_who_may_use_it
        response = client.get(url)
        expected = verdict(route, role, response, staff)
        checked += 1
        if expected:
            rule = rule_of(route)
            wrong.append(f"{url} [{rule}]: expected {expected}, got {response.status_code}")
    assert checked > 150
    assert not wrong, f"As {role}:\n" + "\n".join(wrong)


def test_the_survey_page_is_the_only_public_page_that_takes_an_argument():
    # A public page with an id in its path would be a way round object-level checks.
    public_with_kwargs = {
        route.name for route in every_route() if route.name in PUBLIC and route.kwarg_names
    }
    # Each takes a token that is itself the credential (kept only as a hash), never an id.
    assert public_with_kwargs == {"survey", "track-open", "track-confirm"}


def test_anonymous_users_are_refused_by_the_login_middleware_by_default():
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE


# --- writes: a role without the action is refused, and nothing changes --------------------------

WRITE_METHODS = ("post", "put", "patch", "delete")


def write_methods(route: Route) -> list[str]:
    cls = view_class(route.pattern)
    if cls is None:
        return []
    return [m for m in WRITE_METHODS if hasattr(cls, m) and m in cls.http_method_names]


def fingerprint(world: World) -> tuple:
    """Row counts of every model in the project's apps, and the state of the shared records."""
    from django.apps import apps

    # Every app of the project but the audit trail, which rightly records refused requests too.
    project = {
        config.name
        for config in apps.get_app_configs()
        if config.path.startswith(ROOT) and not config.path.startswith(sys.prefix)
    }
    ours = [
        model for model in apps.get_models() if model._meta.app_config.name in project - {"audit"}
    ]
    counts = tuple(model._default_manager.count() for model in ours)
    case = type(world.case).objects.values_list("version", "status", "officer_id", "wcu_team_id")
    referral = type(world.referral).objects.values_list("status", "consent_withdrawn_at")
    duty = type(world.duty).objects.values_list("status", "resolved_at")
    person = type(world.person).objects.values_list("version")
    return (
        counts,
        case.get(pk=world.case.pk),
        referral.get(pk=world.referral.pk),
        duty.get(pk=world.duty.pk),
        person.get(pk=world.person.pk),
    )


BODIES = {
    # Enough to be acted on were the check missing: an empty body would fail validation anyway.
    "post": {"reason": "Refused role trying", "note": "Refused role trying", "action": "send"},
    "patch": {"version": 1, "first_name": "Changed"},
    "put": {"version": 1},
    "delete": {},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", PRINCIPALS)
def test_a_role_without_the_action_cannot_write_and_nothing_changes(client, role):
    world = add_review_work(build_world())
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    wrong, checked = [], 0
    for route in every_route():
        if is_admin(route) or route.name in PUBLIC or route.name in SIGNED_IN:
            continue
        if not route.name or not rule_of(route):
            continue  # reported by test_every_url_declares_who_may_use_it
        try:
            url = url_for(route, world)
        except KeyError:
            continue
        for method in write_methods(route):
            action = declared_action(route.pattern, method.upper())
            if may(role, action):
                continue
            before = fingerprint(world)
            body = BODIES[method]
            if method == "post":
                response = client.post(url, body)
            else:
                response = getattr(client, method)(url, body, content_type="application/json")
            checked += 1
            refused = response.status_code in (403, 404) or (
                role == ANONYMOUS and (to_login(response) or response.status_code == 401)
            )
            if not refused:
                wrong.append(f"{method.upper()} {url} [{action}]: got {response.status_code}")
            elif fingerprint(world) != before:
                wrong.append(f"{method.upper()} {url} [{action}]: refused, but data changed")
    assert checked >= 5
    assert not wrong, f"As {role}:\n" + "\n".join(wrong)


# --- the test's own judgement can fail ---------------------------------------------------------


def _route(name: str) -> Route:
    return next(r for r in every_route() if r.name == name)


@pytest.mark.parametrize(
    ("name", "role", "status", "url", "wrong"),
    [
        ("case-detail", Role.AGENCY, 200, "", True),  # a denied role let in
        ("case-detail", Role.AGENCY, 403, "", False),
        ("case-detail", Role.OFFICER, 404, "", True),  # an allowed role missing its own case
        ("case-detail", Role.OFFICER, 200, "", False),
        ("case-detail", ANONYMOUS, 200, "", True),
        ("case-detail", ANONYMOUS, 302, "/account/login/?next=/cases/1/", False),
        ("api-case-list", ANONYMOUS, 403, "", False),
        ("home", ANONYMOUS, 302, "/account/login/?next=/", False),
        ("home", Role.AGENCY, 302, "/home/agency/", False),
        ("healthz", ANONYMOUS, 500, "", True),
    ],
)
def test_the_verdict_flags_answers_that_break_the_matrix(name, role, status, url, wrong):
    response = SimpleNamespace(status_code=status, url=url)
    assert bool(verdict(_route(name), role, response, staff=False)) is wrong
