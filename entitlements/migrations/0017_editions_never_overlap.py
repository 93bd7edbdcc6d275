"""On PostgreSQL the database itself refuses two editions whose dates overlap: an exclusion
constraint on their inclusive date ranges (drafts, without dates, left out). A migration of its
own: PostgreSQL cannot alter a table in the transaction that has just updated rows pointing at
it (0011). SQLite has no such constraint; the service and Edition.clean refuse overlaps there."""

from django.db import migrations

EXCLUDE = (
    "ALTER TABLE entitlements_edition ADD CONSTRAINT editions_never_overlap EXCLUDE USING gist "
    "(daterange(starts_on, ends_on, '[]') WITH &&) WHERE (starts_on IS NOT NULL)"
)


def exclude_overlaps(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EXCLUDE)


def drop_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE entitlements_edition DROP CONSTRAINT editions_never_overlap"
        )


class Migration(migrations.Migration):
    dependencies = [("entitlements", "0016_current_edition")]

    operations = [migrations.RunPython(exclude_overlaps, drop_exclusion)]
