"""Who sees which case, and who may change it. Every case query, page, API call and export goes
through these."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Role, TeamMembership
from accounts.permissions import can
from audit import services as audit

from .models import Case, CaseEditPolicy, OtherTeams

# Actions that change a case or its records: beyond the role matrix, the case edit policy says
# who outside the case's teams may take them.
CHANGE_ACTIONS = frozenset({"cases.edit", "cases.record", "duties.resolve", "duties.waive"})
READ_ONLY = "This case belongs to another team: you can read it, but not change it."


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
    """The one door to a case: 404 if the user may not see it, 403 if they may not do `action`
    (a change, by someone the case edit policy leaves to read it, included)."""
    queryset = queryset if queryset is not None else Case.objects.all()
    try:
        case = visible_cases(queryset, user).get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404 from None
    if not can(user, action):
        raise PermissionDenied
    if action in CHANGE_ACTIONS:
        check_may_change(user, case)
    return case


# --- who may change a case ----------------------------------------------------------------------


def in_case_teams(user, case) -> bool:
    """The officer in the case, or a member of its owning team or its Witness Care Unit."""
    if case.officer_id == user.pk:
        return True
    teams = [team for team in (case.team_id, case.wcu_team_id) if team is not None]
    return TeamMembership.objects.filter(user=user, team_id__in=teams).exists()


def supervises_case(user, case) -> bool:
    """A supervisor of the case's owning team: who may close it with duties still open, and
    reopen it."""
    if Role.SUPERVISOR not in user.roles:
        return False
    return TeamMembership.objects.filter(
        user=user, team_id=case.team_id, is_supervisor=True
    ).exists()


def policy_allowing(user, case) -> CaseEditPolicy | None:
    """The edit policy in force, if it lets this user (outside the case's teams) change it."""
    policy = CaseEditPolicy.objects.in_force(timezone.localdate())
    if policy is None:  # no policy recorded: deny unless allowed
        return None
    roles = user.roles
    allowed = {
        OtherTeams.NOBODY: False,
        OtherTeams.SUPERVISORS: Role.SUPERVISOR in roles,
        OtherTeams.OFFICERS: bool(roles & {Role.OFFICER, Role.SUPERVISOR}),
    }[policy.other_teams_may_change]
    return policy if allowed else None


def may_change_case(user, case) -> bool:
    """Whether the user may change the case and its records (pages hide what they may not do)."""
    return in_case_teams(user, case) or policy_allowing(user, case) is not None


def check_may_change(user, case) -> None:
    """The one rule on changing a case: PermissionDenied for those who may only read it. A
    change the policy allows across teams goes into the audit trail, saying which policy."""
    if in_case_teams(user, case):
        return
    policy = policy_allowing(user, case)
    if policy is None:
        raise PermissionDenied(READ_ONLY)
    note = (
        f"Change to a case of another team ({case.team}), allowed by the case edit policy "
        f"\u201c{policy.name}\u201d in force from {policy.effective_from:%-d %B %Y}."
    )
    # The request, as simple_history's middleware keeps it for the record histories: each change
    # it goes on to make is audited with this note; a refused form changes, and notes, nothing.
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:
        audit.note_changes(request, note, case_id=case.pk)
    else:
        audit.record(user, audit.AuditAction.CHANGE, obj=case, detail=note)


# A person can be party to several cases. Their own details and safe contact instructions are
# shared by all of them, so only someone who may see every one of those cases may change them.
PERSON_ON_HIDDEN_CASE = (
    "This person is also part of a case you cannot see, so their personal details and safe "
    "contact instructions can only be changed by someone who can see all of their cases. "
    "Ask your supervisor."
)


def sees_every_case_of(user, person) -> bool:
    """True if every case the person is party to is one the user may see."""
    visible = visible_cases(Case.objects.all(), user).values("pk")
    return not Case.objects.filter(parties__person=person).exclude(pk__in=visible).exists()


def check_may_change_person(user, person) -> None:
    """A person is changed through a case of theirs: one in the user's teams, or else one the
    case edit policy lets them change (audited). Pages reach the person through the case in
    their address, which access_case judges; the API reaches them by the person's id."""
    cases = list(Case.objects.filter(parties__person=person).distinct().select_related("team"))
    if any(in_case_teams(user, case) for case in cases):
        return
    if not cases:
        raise PermissionDenied(READ_ONLY)
    check_may_change(user, cases[0])


# Merging two records of one person changes every case either is in: the people shown on those
# cases, their safe contact instructions. So only a supervisor who may see every one of those
# cases, and who supervises each case's team (or whom the case edit policy lets change another
# team's case), may merge them.
MERGE_NOT_SUPERVISOR = "Only a supervisor can merge two records of the same person."
MERGE_NOT_YOUR_CASES = (
    "One of these records is in a case you do not supervise, so you cannot merge them. Ask a "
    "supervisor of that case's team."
)


def merge_refusal(user, people) -> str | None:
    """Why `user` may not merge these people's records, or None if they may."""
    if not can(user, "people.merge"):
        return MERGE_NOT_SUPERVISOR
    cases = list(Case.objects.filter(parties__person__in=people).distinct())
    visible = set(
        visible_cases(Case.objects.all(), user)
        .filter(pk__in=[case.pk for case in cases])
        .values_list("pk", flat=True)
    )
    supervised = set(
        TeamMembership.objects.filter(user=user, is_supervisor=True).values_list(
            "team_id", flat=True
        )
    )
    if any(case.pk not in visible for case in cases):
        return MERGE_NOT_YOUR_CASES
    others = [case for case in cases if case.team_id not in supervised]
    # The edit policy says the same for every case of another team: read it once.
    if others and policy_allowing(user, others[0]) is None:
        return MERGE_NOT_YOUR_CASES
    return None
