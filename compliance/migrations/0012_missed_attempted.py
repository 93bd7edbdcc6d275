"""Missed duties with an attempt to reach the person, in the summary: a column in every duty
table, the change log hearing attempts recorded or removed, and the last rebuild forgotten so
that the next update rebuilds whole (until then pages count live)."""

import importlib

from django.db import migrations, models

first = importlib.import_module("compliance.migrations.0008_summary_change_log")
ATTEMPTS = {
    "entitlements_dutyattempt": (
        [
            "SELECT c.team_id, d.due_at FROM entitlements_duty d JOIN cases_case c "
            "ON c.id = d.case_id WHERE d.id = {R}.duty_id"
        ],
        None,
    )
}


def _apply(schema_editor, index: int) -> None:
    vendor = schema_editor.connection.vendor
    for table, (selects, columns) in ATTEMPTS.items():
        if vendor == "postgresql":
            schema_editor.execute(first._postgresql(table, selects, columns)[index])
        elif vendor == "sqlite":
            for statement in first._sqlite(table, selects, columns)[index]:
                schema_editor.execute(statement)


def forwards(apps, schema_editor):
    _apply(schema_editor, 0)
    apps.get_model("compliance", "SummaryRefresh").objects.all().delete()


def backwards(apps, schema_editor):
    _apply(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0011_log_officer_and_person_changes"),
        ("entitlements", "0007_duty_attempt"),
    ]

    operations = [
        migrations.AddField(
            model_name="dutyfacetruleday",
            name="missed_attempted",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dutyfacetteamday",
            name="missed_attempted",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dutyoutcomeday",
            name="missed_attempted",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dutyoutcomeforceday",
            name="missed_attempted",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dutyoutcomeforceruleday",
            name="missed_attempted",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dutyoutcometeamday",
            name="missed_attempted",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dutyoutcometeamruleday",
            name="missed_attempted",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(forwards, backwards),
    ]
