"""Whose duties are whose: the home's fast read answers exactly as the rule owned_by does."""

import pytest

from accounts.models import Role, TeamKind
from accounts.services import add_to_team
from cases.models import Case
from entitlements.models import Duty, Owner
from entitlements.selectors import my_duties, owned_by
from tests.cases.factories import CaseFactory
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db


def test_my_duties_holds_exactly_the_open_duties_owned_by_each_kind_of_owner():
    team, unit, other_unit = (
        TeamFactory(),
        TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT),
        TeamFactory(kind=TeamKind.WITNESS_CARE_UNIT),
    )
    officer, supervisor = make_user(Role.OFFICER), make_user(Role.SUPERVISOR)
    named_wco, unit_member = make_user(Role.WITNESS_CARE), make_user(Role.WITNESS_CARE)
    add_to_team(team=team, user=officer)
    add_to_team(team=team, user=supervisor, is_supervisor=True)
    add_to_team(team=unit, user=named_wco)
    add_to_team(team=unit, user=unit_member)
    named = CaseFactory(officer=officer, team=team)
    unnamed = CaseFactory(officer=officer, team=team)
    elsewhere = CaseFactory(team=TeamFactory())
    Case.objects.filter(pk=named.pk).update(wcu_team=unit, witness_care_officer=named_wco)
    Case.objects.filter(pk=unnamed.pk).update(wcu_team=unit)
    Case.objects.filter(pk=elsewhere.pk).update(wcu_team=other_unit)
    # Every kind of owner on every case.
    owners = [Owner.OFFICER, Owner.WCU, Owner.SUPERVISOR]
    for i, duty in enumerate(Duty.objects.order_by("id")):
        Duty.objects.filter(pk=duty.pk).update(owner=owners[i % 3])
    for user in (officer, supervisor, named_wco, unit_member):
        expected = set(Duty.objects.open().filter(owned_by(user)).values_list("id", flat=True))
        assert expected, user
        assert set(my_duties(user).values_list("id", flat=True)) == expected, user
