from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Role, Team, TeamMembership, User, UserRole


def teams_of(user: User, *, supervised_only: bool = False) -> QuerySet[Team]:
    memberships = TeamMembership.objects.select_related("user")
    # One filter() call so both conditions apply to the same membership row.
    conditions = {"memberships__user": user}
    if supervised_only:
        conditions["memberships__is_supervisor"] = True
    return (
        Team.objects.filter(**conditions)
        .distinct()
        .prefetch_related(Prefetch("memberships", queryset=memberships))
    )


def teams_with_members() -> QuerySet[Team]:
    return (
        Team.objects.annotate(
            member_count=Count("memberships"),
            supervisor_count=Count("memberships", filter=Q(memberships__is_supervisor=True)),
        )
        .order_by("name")
        .prefetch_related(
            Prefetch("memberships", queryset=TeamMembership.objects.select_related("user"))
        )
    )


def active_users_by_role() -> list[tuple[str, int]]:
    """Each role's name and how many active users hold it, in the roles' own order."""
    counted = dict(
        UserRole.objects.filter(user__is_active=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return [(Role(code).label, counted.get(code, 0)) for code in Role.values]
