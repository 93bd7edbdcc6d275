"""The API's case list filtered to restricted cases, and a "contains" search on the crime
reference, each read from an index rather than by walking every case in date order.

The search index is a trigram index (pg_trgm) on UPPER(crime_reference), the expression the ORM's
icontains compares: a search matching a handful of cases reads only those. It is PostgreSQL's
only, so Django's model state does not list it."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

REFERENCE_SEARCH_INDEX = "case_reference_trgm_idx"


def create_reference_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {REFERENCE_SEARCH_INDEX} ON cases_case "
            "USING gin (UPPER(crime_reference) gin_trgm_ops)"
        )


def drop_reference_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {REFERENCE_SEARCH_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_newest_report_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("restricted", True)),
                fields=["-reported_at", "-id"],
                name="case_restricted_newest_idx",
            ),
        ),
        TrigramExtension(),
        migrations.RunPython(create_reference_search_index, drop_reference_search_index),
    ]
