"""Actions on people, roles and teams. Views, the admin and demo data all go through these."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Role, Team, TeamMembership, User, UserRole


def check_role_allowed(*, user: User, role: str) -> None:
    """Agency staff hold only the agency role, and only with an agency: they see nothing else."""
    if role == Role.AGENCY and user.agency_id is None:
        raise ValidationError({"role": "A support agency user must belong to an agency first."})
    if role != Role.AGENCY and user.agency_id is not None:
        raise ValidationError({"role": "An agency's user cannot also hold a police role."})


@transaction.atomic
def grant_role(*, user: User, role: str) -> UserRole:
    check_role_allowed(user=user, role=role)
    grant, _ = UserRole.objects.get_or_create(user=user, role=role)
    if role == Role.ADMIN and not user.is_staff:
        # Administrators manage rule data in Django's admin site, which requires is_staff.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user._role_codes = None
    return grant


@transaction.atomic
def revoke_role(*, user: User, role: str) -> None:
    UserRole.objects.filter(user=user, role=role).delete()
    if role == Role.ADMIN and user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    user._role_codes = None


def add_to_team(*, team: Team, user: User, is_supervisor: bool = False) -> TeamMembership:
    if user.agency_id is not None:
        raise ValidationError({"user": "Support agency users cannot join a police team."})
    membership, _ = TeamMembership.objects.update_or_create(
        team=team, user=user, defaults={"is_supervisor": is_supervisor}
    )
    return membership
