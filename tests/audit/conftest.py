import pytest

from accounts import services as accounts_services
from accounts.models import Role
from tests.factories import TeamFactory, make_user


@pytest.fixture
def auditor(db):
    return make_user(Role.AUDITOR)


@pytest.fixture
def team_supervisor(db):
    """A supervisor of one team (so they also see that team's restricted cases)."""
    team = TeamFactory()
    supervisor = make_user(Role.SUPERVISOR)
    accounts_services.add_to_team(team=team, user=supervisor, is_supervisor=True)
    supervisor.team = team
    return supervisor
