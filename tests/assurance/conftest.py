import datetime
import itertools

import pytest

from accounts import services as accounts_services
from accounts.models import Role
from cases.models import Case, OffenceCategory, ThriveGrade
from counting.periods import Period
from tests.factories import TeamFactory, make_user

UTC = datetime.UTC
JUNE = Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
MID_JUNE = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
_refs = itertools.count(1)


def make_case(*, team, officer, reported_at=MID_JUNE, restricted=False) -> Case:
    """A bare case row: the draw needs only who, which team and when it was reported."""
    return Case.objects.create(
        crime_reference=f"QA/{next(_refs):06d}/26",
        offence=OffenceCategory.objects.get(code="theft_other"),
        occurred_at=reported_at - datetime.timedelta(hours=1),
        reported_at=reported_at,
        team=team,
        officer=officer,
        created_by=officer,
        restricted=restricted,
        thrive_grade=ThriveGrade.SCHEDULED,
    )


@pytest.fixture
def team_supervisor(db):
    return make_user(Role.SUPERVISOR)


@pytest.fixture
def team(team_supervisor):
    team = TeamFactory()
    accounts_services.add_to_team(team=team, user=team_supervisor, is_supervisor=True)
    return team


@pytest.fixture
def team_officers(team):
    officers = [make_user(Role.OFFICER) for _ in range(3)]
    for officer in officers:
        accounts_services.add_to_team(team=team, user=officer)
    return officers


@pytest.fixture
def team_cases(team, team_officers):
    return [
        make_case(team=team, officer=team_officers[i % 3], reported_at=MID_JUNE) for i in range(12)
    ]
