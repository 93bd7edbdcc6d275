"""Persistently targeted: a person who has been the victim of crime repeatedly has enhanced
rights (Victims' Code), and how many crimes within how long counts is local policy, a dated
`PersistentTargetingPolicy` row.

A victim added to a case (a new case's first victim included) is counted there and then, in the
same transaction, under the policy in force on the day of this offence (as every enhanced-rights
basis is judged by the offence's day, so a new policy row applies to later crimes only). When the
crimes against them within the policy's days reach its number, the system records the basis on
each of their parts as a victim in the crimes that counted whose case is still open: their duties
are then timed as enhanced (entitlements re-times those already open, on EnhancedChanged, and
makes the new case's duties enhanced from the start). The first finding for a run of crimes is
published (PersistentlyTargeted) for the supervisors of the case's team to be told; a later crime
that counts with it joins the same finding and is not told again.

No sweep: a count only changes when a victim is added to a case. A restricted case counts like
any other; who may see which of the crimes is for the pages that list them (cases/selectors.py).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from . import events, services
from .models import (
    Basis,
    BasisSource,
    Case,
    CaseStatus,
    EligibilityBasis,
    Party,
    PartyRole,
    PersistentTargeting,
    PersistentTargetingPolicy,
    Person,
)


def crimes_counted(person: Person, *, around: datetime.datetime, within_days: int) -> list[Case]:
    """The most crimes against the person (cases in which they are a victim) that happened
    within `within_days` days of each other, in a run that includes the moment `around`, oldest
    first. Any run, not only the days before it: a crime recorded late counts with those after
    it. One query."""
    window = datetime.timedelta(days=within_days)
    near = list(
        Case.objects.filter(
            parties__person=person,
            parties__role=PartyRole.VICTIM,
            occurred_at__gte=around - window,
            occurred_at__lte=around + window,
        )
        .distinct()
        .order_by("occurred_at", "id")
    )
    best: list[Case] = []
    for start in near:
        if start.occurred_at > around:
            break
        run = [c for c in near if start.occurred_at <= c.occurred_at <= start.occurred_at + window]
        if len(run) > len(best):
            best = run
    return best


def _record_basis(
    party: Party, *, policy: PersistentTargetingPolicy, now: datetime.datetime
) -> None:
    """The basis, recorded by the system, unless it already applies or an officer found it does
    not (their judgement on the person stands until they change it)."""
    row = EligibilityBasis.objects.filter(party=party, basis=Basis.PERSISTENTLY_TARGETED).first()
    if row is not None and (row.applies or row.source == BasisSource.OFFICER):
        return
    services._upsert_basis(
        party,
        Basis.PERSISTENTLY_TARGETED,
        applies=True,
        source=BasisSource.POLICY,
        evidence=policy.describe(),
        by=None,
        now=now,
    )
    services.recompute_enhanced(
        party=party,
        by=None,
        # The history's reason holds 200 characters; a long policy name loses its end there
        # only (the basis's evidence keeps it whole).
        reason=f"Persistently targeted, recorded by the system: {policy.describe()}"[:200],
        now=now,
    )


@transaction.atomic
def check_victim(party: Party, *, now: datetime.datetime) -> PersistentTargeting | None:
    """Count the crimes against a victim just added to a case; if they reach the number of the
    policy in force on the offence's day, record the basis and return the finding."""
    if party.role != PartyRole.VICTIM:
        return None
    case = party.case
    policy = PersistentTargetingPolicy.objects.in_force(timezone.localdate(case.occurred_at))
    if policy is None:
        return None
    # Two cases adding the same person take turns, so one finding is made and told once.
    list(Person.objects.select_for_update().filter(pk=party.person_id).values_list("pk"))
    counted = crimes_counted(party.person, around=case.occurred_at, within_days=policy.within_days)
    if len(counted) < policy.crimes:
        return None
    finding = (
        PersistentTargeting.objects.filter(person_id=party.person_id, cases__in=counted)
        .order_by("-found_at", "-id")
        .first()
    )
    new = finding is None
    if new:
        finding = PersistentTargeting.objects.create(
            person_id=party.person_id, policy=policy, party=party, found_at=now
        )
    finding.cases.add(*counted)
    victims = (
        Party.objects.filter(person_id=party.person_id, role=PartyRole.VICTIM, case__in=counted)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case__offence", "person")
        .order_by("id")
    )
    for victim in victims:
        # The party just added is the caller's object: its enhanced status, set here, is what
        # entitlements reads from PartyAdded to time its first duties.
        _record_basis(party if victim.pk == party.pk else victim, policy=policy, now=now)
    if new:
        events.publish(events.PersistentlyTargeted(targeting=finding, now=now))
    return finding
