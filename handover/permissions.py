"""Who may send a hand-over and who may answer it, beyond the role matrix
(accounts/permissions.py: handover.send, handover.view, handover.receive)."""

from accounts.models import Role, TeamMembership
from accounts.permissions import can
from cases.models import Case

from .models import HandOver


def may_send(user, case: Case) -> bool:
    """The officer in the case or a member of its owning team: they know what is on the record.
    Not the Witness Care Unit, which is on the other end of it."""
    if not can(user, "handover.send"):
        return False
    if case.officer_id == user.pk:
        return True
    return TeamMembership.objects.filter(user=user, team_id=case.team_id).exists()


def may_answer(user, handover: HandOver) -> bool:
    """A witness care officer of the unit it was sent to."""
    if not can(user, "handover.receive") or Role.WITNESS_CARE not in user.roles:
        return False
    return TeamMembership.objects.filter(user=user, team_id=handover.wcu_team_id).exists()


def units_of(user):
    """The teams whose incoming hand-overs the user answers."""
    return TeamMembership.objects.filter(user=user).values("team_id")
