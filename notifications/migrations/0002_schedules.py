"""Beat schedules for the reminder sweeps, in the database so an administrator can change them
in /admin/ (Periodic tasks) without a deploy."""

import json

from django.db import migrations

SCHEDULES = [
    ("Reminders: due soon", "notifications.sweep_due_soon", {"every": 900}, {}),
    ("Reminders: overdue", "notifications.sweep_overdue", {"every": 900}, {}),
    (
        "Reminders: escalate to supervisors",
        "notifications.sweep_escalations",
        {"minute": "0", "hour": "8"},
        {"working_days": 2},
    ),
    ("Reminders: daily summaries", "notifications.sweep_digests", {"minute": "0", "hour": "*"}, {}),
]


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, when, kwargs in SCHEDULES:
        schedule = {}
        if "every" in when:
            schedule["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=when["every"], period="seconds"
            )
        else:
            schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=when["minute"],
                hour=when["hour"],
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone="Europe/London",
            )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "kwargs": json.dumps(kwargs), **schedule}
        )


def remove(apps, schema_editor):
    names = [name for name, *_ in SCHEDULES]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
