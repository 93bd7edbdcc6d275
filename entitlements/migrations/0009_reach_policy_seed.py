"""The first reach policy (when a person counts as not reachable) and the sweep's schedule."""

import datetime

from django.db import migrations

NAME = "Flag duties whose person cannot be reached"
SOURCE = (
    "Northshire Police contact policy, December 2026 (issue 19): escalate a duty after 3 "
    "attempts that did not reach the person, or 2 working days after it fell due with attempts "
    "and no contact; Victims' Code 2020, Rights 6 and 7 (being kept informed)."
)


def seed(apps, schema_editor):
    ReachPolicy = apps.get_model("entitlements", "ReachPolicy")
    ReachPolicy.objects.get_or_create(
        effective_from=datetime.date(2026, 12, 7),
        defaults={"failed_attempts": 3, "working_days": 2, "source": SOURCE},
    )


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=900, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "entitlements.flag_not_reachable",
            "interval": every,
            "description": (
                "Flags open duties whose person could not be reached under the reach policy in "
                "force (two UPDATEs), and tells their owners and the team's supervisors once."
            ),
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()
    apps.get_model("entitlements", "ReachPolicy").objects.filter(source=SOURCE).delete()


def both(apps, schema_editor):
    seed(apps, schema_editor)
    create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("entitlements", "0008_not_reachable"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(both, remove)]
