from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Team, TeamMembership, User


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
