"""Who sees which case. Every case query, page, API call and export goes through these."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts.models import Role, TeamMembership
from accounts.permissions import can


def visible_cases(queryset, user):
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    roles = user.roles
    allowed = Q(pk__in=[])
    if roles & {Role.OFFICER, Role.SUPERVISOR}:
        supervised = TeamMembership.objects.filter(user=user, is_supervisor=True).values("team_id")
        # A restricted case is hidden from everyone but its officer and its team's supervisors.
        allowed |= Q(restricted=False) | Q(officer=user) | Q(team_id__in=supervised)
    if Role.WITNESS_CARE in roles:
        units = TeamMembership.objects.filter(user=user).values("team_id")
        allowed |= Q(wcu_team_id__in=units)
    return queryset.filter(allowed)


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
