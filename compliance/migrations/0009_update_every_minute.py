from django.db import migrations

REBUILD = "Refresh the compliance summary"
UPDATE = "Update the compliance summary"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.filter(name=REBUILD).update(
        interval=None,
        crontab=nightly,
        description="Rebuilds the dashboard summary whole from the records, nightly: a safety "
        "net for what its change log does not see (an offence moved to another group).",
    )
    every, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=UPDATE,
        defaults={
            "task": "compliance.update_summary",
            "interval": every,
            # A run that waited behind the nightly rebuild is not worth running late: the next
            # one counts the same changes.
            "expire_seconds": 60,
            "description": "Counts again the summary rows whose records changed since the last "
            "update (the change log the database triggers write), so the dashboards are never "
            "more than a minute old.",
        },
    )


def unschedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=UPDATE).delete()
    every, _ = IntervalSchedule.objects.get_or_create(every=900, period="seconds")
    PeriodicTask.objects.filter(name=REBUILD).update(interval=every, crontab=None)


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0008_summary_change_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
