"""A hand-over's summary copies the people's records: a retention disposal removes it too."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from handover import services
from handover.models import HandOver
from retention import services as retention
from retention.models import CaseRetention
from tests.cases.factories import close_settled
from tests.factories import make_user

from .helpers import recorded_case, wcu_officer

pytestmark = pytest.mark.django_db

LATER = timezone.now() + datetime.timedelta(days=366 * 11)


def test_disposal_removes_the_hand_over_summary_and_its_history():
    case, _, _ = recorded_case()
    wco, unit = wcu_officer()
    handover = services.send_handover(case=case, by=case.officer, wcu_team=unit, note="Quenby")
    services.accept_handover(handover=handover, by=wco)
    close_settled(case, outcome="convicted")
    assert "Quenby" in str(HandOver.history.filter(id=handover.pk).values_list("summary"))
    retention.assign_retention(now=LATER)
    row = CaseRetention.objects.get(case=case)

    retention.dispose(retention=row, by=make_user(Role.SUPERVISOR), reason="Spent", now=LATER)

    handover.refresh_from_db()
    assert handover.summary == {} and handover.note == ""
    assert handover.state == "accepted"  # what happened stays; who it was about goes
    assert not HandOver.history.filter(id=handover.pk).exists()
