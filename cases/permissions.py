"""Who sees which case. Every case query, page, API call and export goes through these."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts.models import Role, TeamMembership
from accounts.permissions import can


def visibility(user, prefix: str = "") -> Q:
    """Who may see which case, as a condition on a case reached through `prefix` (e.g. "case__").

    Filtering on the joined case, rather than `case__in=<visible cases>`, lets PostgreSQL start
    from the few rows asked for instead of listing every visible case first."""
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    roles = user.roles
    allowed = Q(pk__in=[])
    if roles & {Role.OFFICER, Role.SUPERVISOR}:
        supervised = TeamMembership.objects.filter(user=user, is_supervisor=True).values("team_id")
        # A restricted case is hidden from everyone but its officer and its team's supervisors.
        allowed |= (
            Q(**{f"{prefix}restricted": False})
            | Q(**{f"{prefix}officer": user})
            | Q(**{f"{prefix}team_id__in": supervised})
        )
    if Role.WITNESS_CARE in roles:
        units = TeamMembership.objects.filter(user=user).values("team_id")
        allowed |= Q(**{f"{prefix}wcu_team_id__in": units})
    return allowed


def visible_cases(queryset, user):
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    return queryset.filter(visibility(user))


def access_case(user, case_id, action: str, queryset=None):
    """The one door to a case: 404 if the user may not see it, 403 if they may not do `action`."""
    from .models import Case

    queryset = queryset if queryset is not None else Case.objects.all()
    try:
        case = visible_cases(queryset, user).get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404 from None
    if not can(user, action):
        raise PermissionDenied
    return case


# A person can be party to several cases. Their own details and safe contact instructions are
# shared by all of them, so only someone who may see every one of those cases may change them.
PERSON_ON_HIDDEN_CASE = (
    "This person is also part of a case you cannot see, so their personal details and safe "
    "contact instructions can only be changed by someone who can see all of their cases. "
    "Ask your supervisor."
)


def sees_every_case_of(user, person) -> bool:
    """True if every case the person is party to is one the user may see."""
    from .models import Case

    visible = visible_cases(Case.objects.all(), user).values("pk")
    return not Case.objects.filter(parties__person=person).exclude(pk__in=visible).exists()
