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


@pytest.mark.django_db
def test_demo_data_prints_survey_links_that_open_the_victims_survey(settings, client):
    import io
    import re

    from surveys.models import Invitation, InvitationStatus

    settings.DEBUG = True
    settings.SITE_URL = "http://demo.test"
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    again = io.StringIO()
    call_command("demo_data", stdout=again)

    links = re.findall(r"http://demo\.test(/s/\S+/)", out.getvalue())
    assert len(links) == 3
    assert re.findall(r"http://demo\.test(/s/\S+/)", again.getvalue()) == links  # made once
    statuses = sorted(Invitation.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [InvitationStatus.SENT, InvitationStatus.STARTED, InvitationStatus.COMPLETED]
    )
    pages = [client.get(link).content.decode() for link in links]
    assert sum("Send my answers" in page for page in pages) == 2  # two still open
    assert sum("You have already answered" in page for page in pages) == 1
    started = Invitation.objects.get(status=InvitationStatus.STARTED)
    assert started.answers.count() == 1
    completed = Invitation.objects.get(status=InvitationStatus.COMPLETED)
    assert completed.answers.count() == 7 and completed.contact_consent
