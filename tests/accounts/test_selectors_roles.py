"""The administrator's home counts the active users of each role."""

import pytest

from accounts.models import Role
from accounts.selectors import active_users_by_role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_each_role_is_counted_by_its_active_users_in_the_roles_order():
    make_user(Role.OFFICER)
    leaver = make_user(Role.OFFICER)
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    make_user(Role.SUPERVISOR)
    counted = active_users_by_role()
    assert [label for label, _ in counted] == [Role(code).label for code in Role.values]
    assert dict(counted)[Role.OFFICER.label] == 1
    assert dict(counted)[Role.SUPERVISOR.label] == 1
    assert dict(counted)[Role.AGENCY.label] == 0
