import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, Team, User


@pytest.mark.django_db
def test_demo_data_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_data")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_data_creates_every_role_and_can_run_twice(settings, client):
    settings.DEBUG = True
    call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for role in Role.values:
        assert User.objects.holding(role).exists(), role
    assert Team.objects.filter(name="Witness Care Unit").exists()
    assert User.objects.get(username="agency").agency is not None
    assert client.login(username="officer", password="demo-password-2026")
