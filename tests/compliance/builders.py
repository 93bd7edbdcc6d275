"""Hand-built duties for the compliance tests: no duty but the ones a test makes."""

import datetime

from cases.models import Party
from entitlements.models import Duty, DutyRule, DutyStatus
from tests.cases.factories import CaseFactory, offence, victim_of

UTC = datetime.UTC


def case_with(*, reported_at, offence_code="theft_other", enhanced=False, victim=None, **fields):
    """A case reported at `reported_at` with one victim (details in `victim`), none of the
    duties the services would give it, and the victim's enhanced status set as given."""
    case = CaseFactory(
        offence=offence(offence_code),
        occurred_at=reported_at - datetime.timedelta(hours=1),
        reported_at=reported_at,
        now=reported_at,
        victim={"first_name": "Vic", "last_name": "Timson", **(victim or {})},
        **fields,
    )
    Duty.objects.filter(case=case).delete()
    Party.objects.filter(pk=victim_of(case).pk).update(enhanced=enhanced)
    return case


def duty(case, status, *, due_at, rule="R7", enhanced=False, key=None):
    party = victim_of(case)
    return Duty.objects.create(
        case=case,
        party=party,
        rule=DutyRule.objects.filter(code=rule).order_by("-effective_from").first(),
        trigger_key=key or f"{status}-{due_at.isoformat()}-{Duty.objects.count()}",
        trigger_at=due_at,
        trigger_label="test",
        enhanced=enhanced,
        due_at=due_at,
        explanation="test",
        owner="officer",
        status=status,
    )


S = DutyStatus
