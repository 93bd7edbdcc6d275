"""Migrations 0004-0006 added summary tables and columns that stay empty until the next rebuild.
Forget the last rebuild, so that pages count live until the next one (at most 15 minutes) rather
than read zeros from the new tables."""

from django.db import migrations


def forget_last_rebuild(apps, schema_editor):
    apps.get_model("compliance", "SummaryRefresh").objects.using(
        schema_editor.connection.alias
    ).filter(name="duty_outcomes").delete()


class Migration(migrations.Migration):
    dependencies = [("compliance", "0006_force_rule_summary")]

    operations = [migrations.RunPython(forget_last_rebuild, migrations.RunPython.noop)]
