"""The declared permission matrix: which roles may take which action. Deny unless listed here."""

from django.core.exceptions import ImproperlyConfigured

from .models import Role

STAFF = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE, Role.ADMIN})
EVERYONE = frozenset(Role.values)

MATRIX: dict[str, frozenset[str]] = {
    "home.officer": frozenset({Role.OFFICER}),
    "home.supervisor": frozenset({Role.SUPERVISOR}),
    "home.witness_care": frozenset({Role.WITNESS_CARE}),
    "home.agency": frozenset({Role.AGENCY}),
    "home.admin": frozenset({Role.ADMIN}),
    "teams.view": STAFF,
    "profile.view": EVERYONE,
    # Cases: which of them a user reaches is decided by cases.permissions.visible_cases.
    "cases.view": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE}),
    "cases.create": frozenset({Role.OFFICER, Role.SUPERVISOR}),
    "cases.edit": frozenset({Role.OFFICER, Role.SUPERVISOR}),
    "cases.record": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE}),
    # Duties under the Victims' Code: which ones a user reaches follows the case's visibility.
    "duties.view": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE}),
    "duties.resolve": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE}),
    "duties.waive": frozenset({Role.SUPERVISOR}),
    # The duties on the supervised teams' cases whose person could not be reached.
    "duties.cannot_reach": frozenset({Role.SUPERVISOR}),
    "guidance.view": STAFF,
    # Editions of the Code (entitlements/editions.py): list, copy as a draft, edit a draft's
    # rules, preview and schedule, export.
    "editions.view": frozenset({Role.ADMIN}),
    "editions.manage": frozenset({Role.ADMIN}),
    # Reference data the API takes by id or code (offences, agencies, outcomes, event kinds).
    "reference.view": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE}),
    "notifications.view": EVERYONE,
    # The hand-over of a charged case to the Witness Care Unit (handover/): sent by the case's
    # officer or team (handover.permissions), read by whoever may see the case, answered by the
    # witness care officers of the unit it was sent to.
    "handover.send": frozenset({Role.OFFICER, Role.SUPERVISOR}),
    "handover.view": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE}),
    "handover.receive": frozenset({Role.WITNESS_CARE}),
    # Referrals: police see those on cases they can see; agency staff only their agency's.
    "referrals.view": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE, Role.AGENCY}),
    "referrals.make": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE}),
    "referrals.answer": frozenset({Role.AGENCY}),
    # Referrals shared without consent, on the teams' cases a supervisor may see.
    "referrals.review_without_consent": frozenset({Role.SUPERVISOR}),
    # Track my case on a case: issue and switch off a person's access, reply to their messages.
    "portal.manage": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE}),
    # Let a person use it despite a bar (restricted case, suspect may see their phone).
    "portal.allow": frozenset({Role.SUPERVISOR}),
    "surveys.results": frozenset({Role.SUPERVISOR}),
    "surveys.allow_restricted": frozenset({Role.SUPERVISOR}),
    "surveys.sample": frozenset({Role.SUPERVISOR}),
    "compliance.view": frozenset({Role.SUPERVISOR}),
    # Quality assurance: which samples a supervisor reaches is decided by Sample.objects.visible_to.
    "assurance.sample": frozenset({Role.SUPERVISOR}),
    "assurance.review": frozenset({Role.SUPERVISOR}),
    "notifications.audit": frozenset({Role.SUPERVISOR}),
    # The audit trail: a supervisor sees events about cases they can see, an auditor every event.
    "audit.view": frozenset({Role.SUPERVISOR, Role.AUDITOR}),
    # Data protection: retention reviews, a person's page, consent history, subject access.
    # Cases follow Case.objects.visible_to; an auditor (the DPO's role) reaches every person for
    # subject access (retention.selectors.person_scope), each look-up and export audited.
    "retention.review": frozenset({Role.SUPERVISOR}),
    "people.view": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE, Role.AUDITOR}),
    "people.consents": frozenset({Role.OFFICER, Role.SUPERVISOR, Role.WITNESS_CARE, Role.AUDITOR}),
    "people.export": frozenset({Role.SUPERVISOR, Role.AUDITOR}),
    # Two records of one person made one; only for the supervisors of every case involved
    # (cases.permissions.merge_refusal).
    "people.merge": frozenset({Role.SUPERVISOR}),
}

# Where each role lands after signing in; a user holding several lands on the first of theirs.
ROLE_HOMES: list[tuple[str, str]] = [
    (Role.ADMIN, "home-admin"),
    (Role.SUPERVISOR, "home-supervisor"),
    (Role.WITNESS_CARE, "home-witness-care"),
    (Role.OFFICER, "home-officer"),
    (Role.AGENCY, "home-agency"),
    (Role.AUDITOR, "audit-events"),
]


def can(user, action: str) -> bool:
    try:
        allowed = MATRIX[action]
    except KeyError:
        raise ImproperlyConfigured(f"No permission rule declared for action {action!r}") from None
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.roles & allowed)


def home_url_name(user) -> str | None:
    for role, url_name in ROLE_HOMES:
        if role in user.roles:
            return url_name
    return None
